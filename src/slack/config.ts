// The Slack adapter's configuration, parsed once at `attain slack` from the environment.
// Socket Mode when SLACK_APP_TOKEN is set (no public URL, no signing secret); otherwise the
// HTTP receiver, which needs SLACK_SIGNING_SECRET to verify every request.
import { z } from 'zod';

export const DEFAULT_SLACK_PORT = 3000;
export const DEFAULT_SLASH_COMMAND = '/attain';

export type SlackMode = { kind: 'socket'; appToken: string } | { kind: 'http'; signingSecret: string; port: number };

export interface SlackConfig {
  botToken: string;
  mode: SlackMode;
  /** The slash command as registered in the manifest. */
  command: string;
  /** Web API base URL when not slack.com (GovSlack: https://slack-gov.com/api/; tests: a local fake). */
  apiUrl: string | undefined;
  /** Who sees answers to @mentions in channels (see ChannelReplies). */
  channelReplies: 'ephemeral' | 'public';
}

export type SlackConfigResult = { ok: true; config: SlackConfig } | { ok: false; message: string };

const blank = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());

const EnvSchema = z.object({
  SLACK_BOT_TOKEN: z.string().startsWith('xoxb-', 'SLACK_BOT_TOKEN must be a bot token (xoxb-...): OAuth & Permissions → Bot User OAuth Token').optional(),
  SLACK_APP_TOKEN: z.string().startsWith('xapp-', 'SLACK_APP_TOKEN must be an app-level token (xapp-...) with connections:write: Basic Information → App-Level Tokens').optional(),
  SLACK_SIGNING_SECRET: z.string().optional(),
  PORT: z.coerce.number().int().min(0).max(65535, 'PORT must be 0-65535').optional(),
  ATTAIN_SLACK_COMMAND: z.string().regex(/^\/[a-z0-9_-]+$/, 'ATTAIN_SLACK_COMMAND must look like /attain').optional(),
  SLACK_API_URL: z.url('SLACK_API_URL must be a URL such as https://slack-gov.com/api/').optional(),
  ATTAIN_SLACK_CHANNEL_REPLIES: z.enum(['ephemeral', 'public'], 'ATTAIN_SLACK_CHANNEL_REPLIES must be ephemeral or public').optional(),
});

export const HOW_TO_CONFIGURE_SLACK = [
  'attain slack needs a Slack app (install it from slack/manifest.json, see docs/slack.md) and:',
  '',
  '  SLACK_BOT_TOKEN=xoxb-...        always (OAuth & Permissions → Bot User OAuth Token)',
  '  SLACK_APP_TOKEN=xapp-...        Socket Mode: no public URL needed (Basic Information → App-Level Tokens, scope connections:write)',
  '  SLACK_SIGNING_SECRET=...        or HTTP mode instead of Socket Mode (Basic Information → Signing Secret), with PORT (default 3000)',
].join('\n');

/** `port` (the --port flag) wins over PORT. */
export function slackConfigFromEnv(env: NodeJS.ProcessEnv, flags: { port?: number } = {}): SlackConfigResult {
  const parsed = EnvSchema.safeParse({
    SLACK_BOT_TOKEN: blank(env.SLACK_BOT_TOKEN),
    SLACK_APP_TOKEN: blank(env.SLACK_APP_TOKEN),
    SLACK_SIGNING_SECRET: blank(env.SLACK_SIGNING_SECRET),
    PORT: blank(env.PORT),
    ATTAIN_SLACK_COMMAND: blank(env.ATTAIN_SLACK_COMMAND),
    ATTAIN_SLACK_CHANNEL_REPLIES: blank(env.ATTAIN_SLACK_CHANNEL_REPLIES),
    SLACK_API_URL: blank(env.SLACK_API_URL),
  });
  if (!parsed.success) return { ok: false, message: parsed.error.issues.map((i) => i.message).join('\n') };
  const e = parsed.data;
  if (!e.SLACK_BOT_TOKEN) return { ok: false, message: `SLACK_BOT_TOKEN is not set.\n\n${HOW_TO_CONFIGURE_SLACK}` };
  const command = e.ATTAIN_SLACK_COMMAND ?? DEFAULT_SLASH_COMMAND;
  const channelReplies = e.ATTAIN_SLACK_CHANNEL_REPLIES ?? 'ephemeral';
  const apiUrl = e.SLACK_API_URL === undefined ? undefined : e.SLACK_API_URL.endsWith('/') ? e.SLACK_API_URL : `${e.SLACK_API_URL}/`;
  if (e.SLACK_APP_TOKEN) {
    if (flags.port !== undefined) return { ok: false, message: '--port is for HTTP mode; Socket Mode (SLACK_APP_TOKEN) opens no port' };
    return { ok: true, config: { botToken: e.SLACK_BOT_TOKEN, mode: { kind: 'socket', appToken: e.SLACK_APP_TOKEN }, command, channelReplies, apiUrl } };
  }
  if (!e.SLACK_SIGNING_SECRET) return { ok: false, message: `Set SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode).\n\n${HOW_TO_CONFIGURE_SLACK}` };
  return { ok: true, config: { botToken: e.SLACK_BOT_TOKEN, mode: { kind: 'http', signingSecret: e.SLACK_SIGNING_SECRET, port: flags.port ?? e.PORT ?? DEFAULT_SLACK_PORT }, command, channelReplies, apiUrl } };
}
