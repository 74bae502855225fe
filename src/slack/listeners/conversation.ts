// Conversations: DMs (`message.im`) and @mentions, answered in the thread by the agent,
// running as the mapped Slack user. Events are acked by Bolt before this runs, so the
// model can take its time.
//
// The reply is the model's prose (a markdown block) beside Block Kit fields/tables built
// from the tool results of this exchange, with the prose as the plain-text fallback. A
// "thinking" status shows while the agent works: the assistant thread status where Slack
// allows it, otherwise a placeholder message that the answer replaces.
import type { App, webApi } from '@slack/bolt';
import { askInThread } from '../../agent/thread.ts';
import type { AgentResult } from '../../agent/run-agent.ts';
import type { AnyTool } from '../../tools/define-tool.ts';
import { contextOf, type SlackDeps } from '../deps.ts';
import { failureMessage } from '../failures.ts';
import { UNKNOWN_USER_TEXT } from '../identity.ts';
import { type Blocks, type SlackMessage, capBlocks, context, divider, markdown, mrkdwn, oneTable } from '../render/blocks.ts';
import { esc } from '../render/format.ts';
import { toolResultBlocks } from '../render/tool-results.ts';

type WebClient = webApi.WebClient;

export interface IncomingMessage {
  teamId: string;
  channel: string;
  user: string;
  text: string;
  ts: string;
  threadTs: string | undefined;
  /** A DM with the bot (as opposed to a mention in a channel). */
  direct: boolean;
}

/** At most this many tool results are rendered under an answer. */
const MAX_RESULTS = 3;

export const NO_MODEL_TEXT =
  'I can’t hold a conversation here yet: no language model is configured for attain. Your numbers are one command away: try `/attain me`, `/attain payout <deal>` or `/attain help`.';

export function registerConversation(app: App, deps: SlackDeps): void {
  app.event('message', async ({ event, client, context: ctx, body }) => {
    const e = event as unknown as Record<string, unknown>;
    if (e.channel_type !== 'im' || e.subtype !== undefined || e.bot_id !== undefined) return;
    if (typeof e.user !== 'string' || typeof e.text !== 'string' || typeof e.ts !== 'string' || typeof e.channel !== 'string') return;
    if (ctx.botUserId && e.user === ctx.botUserId) return;
    await converse(client, deps, {
      teamId: String((body as { team_id?: string }).team_id ?? ctx.teamId ?? ''),
      channel: e.channel,
      user: e.user,
      text: stripMention(e.text, ctx.botUserId),
      ts: e.ts,
      threadTs: typeof e.thread_ts === 'string' ? e.thread_ts : undefined,
      direct: true,
    });
  });

  app.event('app_mention', async ({ event, client, context: ctx, body }) => {
    if (!event.user || (event as { bot_id?: string }).bot_id) return;
    await converse(client, deps, {
      teamId: String((body as { team_id?: string }).team_id ?? ctx.teamId ?? ''),
      channel: event.channel,
      user: event.user,
      text: stripMention(event.text, ctx.botUserId),
      ts: event.ts,
      threadTs: event.thread_ts,
      // A mention inside a DM (channel ids starting with D) is still private.
      direct: event.channel.startsWith('D'),
    });
  });
}

export function stripMention(text: string, botUserId: string | undefined): string {
  const own = botUserId ? new RegExp(`<@${botUserId}(?:\\|[^>]*)?>`, 'g') : /^\s*<@[UW][A-Z0-9]+(?:\|[^>]*)?>/;
  return text.replace(own, '').replace(/\s+/g, ' ').trim();
}

export async function converse(client: WebClient, deps: SlackDeps, m: IncomingMessage): Promise<void> {
  // One user message can arrive as two events (message.im and app_mention): answer once.
  if (!deps.deduper.first(`msg:${m.channel}:${m.ts}`)) return;
  const threadTs = m.threadTs ?? m.ts;
  const publicReply = m.direct || deps.channelReplies === 'public';
  const post = async (msg: SlackMessage, replace?: string) => {
    const body = { channel: m.channel, text: msg.text, blocks: oneTable(capBlocks(msg.blocks)) };
    if (replace) await client.chat.update({ ...body, ts: replace });
    else if (publicReply) await client.chat.postMessage({ ...body, thread_ts: threadTs });
    else await client.chat.postEphemeral({ ...body, user: m.user, thread_ts: threadTs });
  };

  try {
    const user = await deps.identity.resolve(m.user, client);
    if (!user) return await post({ text: UNKNOWN_USER_TEXT, blocks: [mrkdwn(UNKNOWN_USER_TEXT)] });
    if (!deps.agent) return await post({ text: NO_MODEL_TEXT, blocks: [mrkdwn(NO_MODEL_TEXT)] });
    if (m.text === '') return await post({ text: 'Ask me about your attainment, payout or a deal, e.g. “what’s my payout if Acme closes?”', blocks: [mrkdwn('Ask me about your attainment, payout or a deal, e.g. “what’s my payout if Acme closes?”')] });

    const thinking = await startThinking(client, deps, m.channel, threadTs, publicReply);
    const titles = new Map(deps.tools.map((t) => [t.name, t.title]));
    let msg: SlackMessage;
    try {
      const result = await askInThread({
        threadId: `slack:${m.teamId}:${m.channel}:${threadTs}`,
        input: m.text,
        tools: deps.tools,
        ctx: contextOf(deps, user),
        client: deps.agent.client,
        model: deps.agent.model,
        ...(deps.agent.maxTurns !== undefined ? { maxTurns: deps.agent.maxTurns } : {}),
        onEvent: (event) => {
          if (event.type === 'tool-call-start') thinking.update(`is checking ${(titles.get(event.name) ?? event.name).toLowerCase()}…`);
        },
      });
      deps.logger.info('slack answer', { user: user.id, tools: result.toolCalls.map((c) => `${c.name}:${c.ok ? 'ok' : c.error?.code}`), grounding: result.grounding, turns: result.turns });
      msg = answerMessage(result, deps.tools);
    } catch (err) {
      msg = failureMessage(err, deps.logger, 'conversation', { slackUserId: m.user, channel: m.channel });
    }
    await thinking.settled();
    await post(msg, thinking.placeholderTs);
  } catch (err) {
    // Slack itself failed (posting the answer or the refusal): nothing more to tell the user.
    failureMessage(err, deps.logger, 'conversation-post', { slackUserId: m.user, channel: m.channel });
  }
}

interface Thinking {
  update(status: string): void;
  /** Resolves when queued status updates are done, so none lands after the answer. */
  settled(): Promise<void>;
  /** Set when a placeholder message stands in for the status: the answer replaces it. */
  placeholderTs: string | undefined;
}

async function startThinking(client: WebClient, deps: SlackDeps, channel: string, threadTs: string, publicReply: boolean): Promise<Thinking> {
  let queue: Promise<unknown> = Promise.resolve();
  const setStatus = (status: string) => client.assistant.threads.setStatus({ channel_id: channel, thread_ts: threadTs, status });
  try {
    await setStatus('is thinking…');
    return {
      update(status) {
        queue = queue.then(() => setStatus(status)).catch(() => {});
      },
      settled: () => queue.then(() => undefined),
      placeholderTs: undefined,
    };
  } catch (err) {
    deps.logger.info('slack status unavailable here; using a placeholder', { channel, error: (err as Error).message });
  }
  let placeholderTs: string | undefined;
  if (publicReply) {
    try {
      const res = await client.chat.postMessage({ channel, thread_ts: threadTs, text: '_Thinking…_' });
      placeholderTs = res.ts;
    } catch (err) {
      deps.logger.warn('slack placeholder failed', { channel, error: (err as Error).message });
    }
  }
  return { update() {}, settled: async () => {}, placeholderTs };
}

/** The model's prose, then the figures of this exchange's tool results as Block Kit. */
export function answerMessage(result: AgentResult, tools: readonly AnyTool[]): SlackMessage {
  const byName = new Map(tools.map((t) => [t.name, t]));
  const blocks: Blocks = [markdown(result.text)];
  const seen = new Set<string>();
  let shown = 0;
  for (const call of result.toolCalls) {
    const tool = byName.get(call.name);
    if (!call.ok || !tool || tool.annotations.readOnlyHint !== true) continue;
    const key = `${call.name}:${JSON.stringify(call.output)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (shown === MAX_RESULTS) {
      blocks.push(context('More results were used for this answer than are shown here.'));
      break;
    }
    const rendered = toolResultBlocks(tool, call.output);
    if (rendered.length === 0) continue;
    blocks.push(divider(), ...rendered);
    shown++;
  }
  if (result.grounding === 'replaced') blocks.push(context('Shown exactly as attain computed it: the model’s own wording could not be checked against these figures.'));
  return { text: esc(result.text), blocks };
}
