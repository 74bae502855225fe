// What every Slack listener is given, built once by `createSlackApp`.
import type OpenAI from 'openai';
import type { Store, User } from '../store/types.ts';
import type { Clock, Logger, ToolContext } from '../tools/context.ts';
import { actorOf } from '../app/context.ts';
import type { AnyTool } from '../tools/define-tool.ts';
import type { Deduper } from './dedup.ts';
import type { SlackIdentity } from './identity.ts';

export interface AgentDeps {
  client: OpenAI;
  model: string;
  maxTurns?: number;
}

/**
 * Where answers to @mentions in channels go. `ephemeral` (default): in the thread, visible
 * only to the asker, because comp figures (and a manager's view of a rep) are not for the
 * whole channel. `public`: an ordinary thread reply.
 */
export type ChannelReplies = 'ephemeral' | 'public';

export interface SlackDeps {
  store: Store;
  tools: readonly AnyTool[];
  clock: Clock;
  logger: Logger;
  identity: SlackIdentity;
  deduper: Deduper;
  /** null: no model configured; conversations get a pointer to the slash command. */
  agent: AgentDeps | null;
  command: string;
  channelReplies: ChannelReplies;
}

/** The tool context of a request: always the mapped Slack user, never anyone named in the text. */
export function contextOf(deps: SlackDeps, user: User): ToolContext {
  return { actor: actorOf(user), store: deps.store, clock: deps.clock, logger: deps.logger };
}
