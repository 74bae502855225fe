// The Slack adapter: a Bolt app over the tool registry and the agent. A factory, separate
// from its entry point (`attain slack`), so tests build it against a fake Web API.
//
// Receivers: Socket Mode (app-level token; no public URL, no signing secret) or HTTP
// (`/slack/events`, every request's signature checked by Bolt: a forged or stale one
// gets 401 before any listener runs). Both paths share the listeners below.
import { App, LogLevel, type Logger as BoltLogger, webApi } from '@slack/bolt';
import type { Store } from '../store/types.ts';
import { type Clock, type Logger } from '../tools/context.ts';
import type { AnyTool } from '../tools/define-tool.ts';
import { tools as registry } from '../tools/index.ts';
import { clockFor } from '../app/context.ts';
import { DEFAULT_SLASH_COMMAND, type SlackMode } from './config.ts';
import { Deduper } from './dedup.ts';
import type { AgentDeps, ChannelReplies, SlackDeps } from './deps.ts';
import { slackIdentity } from './identity.ts';
import { registerCommand } from './listeners/command.ts';
import { registerConversation } from './listeners/conversation.ts';
import { registerHome } from './listeners/home.ts';

export interface SlackAppOptions {
  store: Store;
  botToken: string;
  mode: SlackMode;
  logger: Logger;
  /** Default: the registry. */
  tools?: readonly AnyTool[];
  /** Default: `clockFor(store)` (ATTAIN_TODAY, the demo's pinned date, or the system clock). */
  clock?: Clock;
  /** null or omitted: conversations answer with a pointer to the slash command. */
  agent?: AgentDeps | null;
  command?: string;
  channelReplies?: ChannelReplies;
  /** Web API client options; tests set `slackApiUrl` to a local fake. */
  clientOptions?: webApi.WebClientOptions;
  /**
   * Tests only: skip the `auth.test` call at start (then botId and botUserId must be given,
   * as Bolt uses them to ignore the bot's own messages).
   */
  tokenVerification?: { enabled: false; botId: string; botUserId: string };
}

export interface SlackApp {
  app: App;
  deps: SlackDeps;
}

/** Bolt's logger onto attain's (stderr JSON lines); Bolt's debug chatter is dropped. */
function boltLogger(logger: Logger): BoltLogger {
  let level = LogLevel.INFO;
  let name = 'bolt';
  const fmt = (msg: unknown[]) => msg.map((m) => (typeof m === 'string' ? m : m instanceof Error ? m.message : JSON.stringify(m))).join(' ');
  return {
    debug: () => {},
    info: (...msg) => logger.info(fmt(msg), { source: name }),
    warn: (...msg) => logger.warn(fmt(msg), { source: name }),
    error: (...msg) => logger.error(fmt(msg), { source: name }),
    setLevel: (l) => void (level = l),
    getLevel: () => level,
    setName: (n) => void (name = n),
  };
}

export function createSlackApp(options: SlackAppOptions): SlackApp {
  const { store, logger } = options;
  const deps: SlackDeps = {
    store,
    tools: options.tools ?? registry,
    clock: options.clock ?? clockFor(store),
    logger,
    identity: slackIdentity(store, logger),
    deduper: new Deduper(),
    agent: options.agent ?? null,
    command: options.command ?? DEFAULT_SLASH_COMMAND,
    channelReplies: options.channelReplies ?? 'ephemeral',
  };

  const common = {
    token: options.botToken,
    logger: boltLogger(logger),
    ...(options.clientOptions ? { clientOptions: options.clientOptions } : {}),
    ...(options.tokenVerification ? { tokenVerificationEnabled: false, botId: options.tokenVerification.botId, botUserId: options.tokenVerification.botUserId } : {}),
  };
  const app =
    options.mode.kind === 'socket'
      ? new App({ ...common, socketMode: true, appToken: options.mode.appToken })
      : new App({
          ...common,
          signingSecret: options.mode.signingSecret,
          customRoutes: [
            {
              path: '/healthz',
              method: ['GET'],
              handler: (_req, res) => {
                res.writeHead(200, { 'content-type': 'text/plain' });
                res.end('ok');
              },
            },
          ],
        });

  // Slack redelivers an event it thinks we missed (same event_id, x-slack-retry-num set).
  // Events are acked before middleware runs, so dropping the repeat here is safe.
  app.use(async ({ body, context, next }) => {
    const eventId = (body as { event_id?: unknown }).event_id;
    if (typeof eventId === 'string' && !deps.deduper.first(`event:${eventId}`)) {
      logger.info('slack duplicate event ignored', { eventId, retryNum: context.retryNum, retryReason: context.retryReason });
      return;
    }
    await next();
  });

  registerCommand(app, deps);
  registerConversation(app, deps);
  registerHome(app, deps);

  app.error(async (error) => {
    logger.error('slack listener error', { error: error.message, code: (error as { code?: string }).code, stack: error.stack });
  });

  return { app, deps };
}

export type TokenCheck = { ok: true; team: string; botUserId: string } | { ok: false; error: string };

/**
 * One `auth.test` with no retries, before the app starts: a bad token or no route to Slack
 * becomes one clear line at startup instead of Bolt retrying in the background.
 */
export async function checkBotToken(botToken: string, clientOptions: webApi.WebClientOptions = {}): Promise<TokenCheck> {
  const client = new webApi.WebClient(botToken, { logLevel: LogLevel.ERROR, ...clientOptions, retryConfig: { retries: 0 }, timeout: 10_000 });
  try {
    const res = await client.auth.test();
    return { ok: true, team: res.team ?? res.team_id ?? '?', botUserId: res.user_id ?? '?' };
  } catch (err) {
    const e = err as Error & { data?: { error?: string } };
    return { ok: false, error: e.data?.error ?? e.message };
  }
}
