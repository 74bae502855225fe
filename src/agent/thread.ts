// One exchange in a remembered thread: load the user's history of the thread, run the
// agent, save the exchange. What `attain chat` and the Slack bot call.
import { type AgentResult, type RunAgentOptions, runAgent } from './run-agent.ts';
import { DEFAULT_MEMORY_BUDGET, type MemoryBudget, loadHistory, saveExchange } from './memory.ts';

export interface AskInThreadOptions extends Omit<RunAgentOptions, 'history'> {
  threadId: string;
  budget?: MemoryBudget;
}

export async function askInThread(options: AskInThreadOptions): Promise<AgentResult> {
  const { threadId, ctx, budget = DEFAULT_MEMORY_BUDGET } = options;
  const history = loadHistory(ctx.store, threadId, ctx.actor.id, budget);
  const result = await runAgent({ ...options, history });
  saveExchange(ctx.store, threadId, ctx.actor.id, result.messages, ctx.clock.now(), budget);
  return result;
}
