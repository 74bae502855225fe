// The registry: every tool attain offers, in order. Adapters (CLI, MCP, agent, Slack) loop
// over this array; nothing dispatches on tool names.
import type { AnyTool } from './define-tool.ts';
import { estimateCommission } from './estimate-commission.ts';
import { getCommissionStatement } from './get-commission-statement.ts';
import { getQuotaAttainment } from './get-quota-attainment.ts';
import { listReps } from './list-reps.ts';

export const tools: AnyTool[] = [listReps, getQuotaAttainment, getCommissionStatement, estimateCommission];

export function findTool(name: string): AnyTool | undefined {
  return tools.find((t) => t.name === name);
}
