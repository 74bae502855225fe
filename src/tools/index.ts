// The registry: every tool attain offers, in order. Adapters (CLI, MCP, agent, Slack) loop
// over this array; nothing dispatches on tool names.
import type { AnyTool } from './define-tool.ts';
import { estimateCommission } from './estimate-commission.ts';
import { findStalledDeals } from './find-stalled-deals.ts';
import { forecastPayout } from './forecast-payout.ts';
import { getCoachingSummary } from './get-coaching-summary.ts';
import { getCommissionStatement } from './get-commission-statement.ts';
import { getQuotaAttainment } from './get-quota-attainment.ts';
import { getSalesKpis } from './get-sales-kpis.ts';
import { listReps } from './list-reps.ts';
import { simulateCompPlan } from './simulate-comp-plan.ts';

export const tools: AnyTool[] = [listReps, getQuotaAttainment, getCommissionStatement, estimateCommission, simulateCompPlan, forecastPayout, findStalledDeals, getSalesKpis, getCoachingSummary];

export function findTool(name: string): AnyTool | undefined {
  return tools.find((t) => t.name === name);
}
