// `attain slack [--db PATH] [--port N]`: runs the Slack bot until SIGINT/SIGTERM.
// `attain slack link USER_ID SLACK_USER_ID [--db PATH]`: links an attain user to a Slack
// member id by hand (when emails differ between attain and Slack, or to try the demo org).
// Socket Mode when SLACK_APP_TOKEN is set, otherwise HTTP on PORT (default 3000) with
// SLACK_SIGNING_SECRET. The model (OPENAI_API_KEY / OPENAI_BASE_URL, ATTAIN_MODEL) is
// optional: without one, `/attain` and the Home tab work and conversations say so.
import { parseArgs } from 'node:util';
import { createModelClient, modelConfigFromEnv } from '../agent/config.ts';
import { slackConfigFromEnv } from '../slack/config.ts';
import { stderrLogger } from '../tools/context.ts';
import { AttainError } from '../tools/errors.ts';
import { CliError } from './io.ts';
import { openExistingStore } from './open-store.ts';

export const slackUsage =
  'attain slack [--db PATH] [--port N] | attain slack link USER_ID SLACK_USER_ID [--db PATH]   run the Slack bot (Socket Mode with SLACK_APP_TOKEN, else HTTP with SLACK_SIGNING_SECRET), or link a user to their Slack id; see docs/slack.md';

export async function runSlack(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<string | void> {
  if (argv[0] === 'link') return runLink(argv.slice(1), env);
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { db: { type: 'string' }, port: { type: 'string' } } }));
  } catch (err) {
    throw new CliError(`${(err as Error).message}\nusage: ${slackUsage}`, 2);
  }
  let port: number | undefined;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port must be an integer 0-65535, got "${values.port}"`, 2);
  }
  const slack = slackConfigFromEnv(env, port === undefined ? {} : { port });
  if (!slack.ok) throw new CliError(slack.message, 2);
  const config = slack.config;
  const logger = stderrLogger();

  const model = modelConfigFromEnv(env);
  if (!model.ok) logger.warn('no language model configured: conversations are off, /attain and the Home tab work', { how: model.message.split('\n')[0] });

  const store = openExistingStore(values.db, env);
  try {
    // Loaded here, not at the top: `attain slack link` needs no Bolt.
    const { checkBotToken, createSlackApp } = await import('../slack/app.ts');
    const clientOptions = config.apiUrl ? { slackApiUrl: config.apiUrl } : {};
    const auth = await checkBotToken(config.botToken, clientOptions);
    if (!auth.ok) {
      const hint = auth.error === 'invalid_auth' || auth.error === 'not_authed' || auth.error === 'token_revoked' ? 'check SLACK_BOT_TOKEN (OAuth & Permissions → Bot User OAuth Token)' : 'is slack.com reachable from here?';
      throw new CliError(`could not connect to Slack: ${auth.error}; ${hint} (docs/slack.md)`);
    }
    let slackApp;
    try {
      slackApp = createSlackApp({
        store,
        botToken: config.botToken,
        mode: config.mode,
        logger,
        command: config.command,
        channelReplies: config.channelReplies,
        clientOptions,
        agent: model.ok ? { client: createModelClient(model.config), model: model.config.model } : null,
      });
    } catch (err) {
      if (err instanceof AttainError) throw new CliError(err.message, 2);
      throw err;
    }
    const { app } = slackApp;
    try {
      if (config.mode.kind === 'socket') {
        await app.start();
        process.stderr.write(`attain slack: connected to ${auth.team} over Socket Mode; ${config.command}, DMs and the Home tab are live (Ctrl-C to stop)\n`);
      } else {
        const server = (await app.start(config.mode.port)) as { address(): unknown };
        const address = server.address() as { port?: number } | null;
        process.stderr.write(`attain slack: ${auth.team}: listening on http://0.0.0.0:${address?.port ?? config.mode.port}/slack/events (Ctrl-C to stop)\n`);
      }
    } catch (err) {
      const e = err as Error & { code?: string; data?: { error?: string } };
      if (e.code === 'EADDRINUSE' || e.code === 'EACCES') throw new CliError(`cannot listen on port ${config.mode.kind === 'http' ? config.mode.port : ''} (${e.code})`);
      // A bad app token surfaces here (apps.connections.open): say which, no stack.
      throw new CliError(`could not connect to Slack: ${e.data?.error ?? e.message}. Check ${config.mode.kind === 'socket' ? 'SLACK_APP_TOKEN (an xapp- token with connections:write)' : 'SLACK_BOT_TOKEN'} (docs/slack.md).`);
    }
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await app.stop();
  } finally {
    store.close();
  }
}

/** Links an attain user to a Slack member id (Slack: profile → ⋮ → Copy member ID). */
export function runLink(argv: string[], env: NodeJS.ProcessEnv = process.env): string {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { db: { type: 'string' } } });
  } catch (err) {
    throw new CliError(`${(err as Error).message}\nusage: attain slack link USER_ID SLACK_USER_ID [--db PATH]`, 2);
  }
  const [userId, slackUserId, ...extra] = parsed.positionals;
  if (!userId || !slackUserId || extra.length > 0) throw new CliError('usage: attain slack link USER_ID SLACK_USER_ID [--db PATH]', 2);
  if (!/^[UW][A-Z0-9]{2,}$/.test(slackUserId)) throw new CliError(`"${slackUserId}" is not a Slack member id (they look like U04ABCDEF12: in Slack, open the profile, ⋮, Copy member ID)`, 2);
  const store = openExistingStore(parsed.values.db, env);
  try {
    const user = store.getUser(userId);
    if (!user) throw new CliError(`no user "${userId}" (\`attain tool list_reps --as admin\` lists them)`);
    const holder = store.findUserBySlackId(slackUserId);
    if (holder && holder.id !== user.id) throw new CliError(`${slackUserId} is already linked to ${holder.id} (${holder.name})`);
    store.setSlackUserId(user.id, slackUserId);
    return `linked ${user.id} (${user.name}, ${user.role}) to Slack user ${slackUserId}${user.slackUserId && user.slackUserId !== slackUserId ? ` (was ${user.slackUserId})` : ''}`;
  } finally {
    store.close();
  }
}
