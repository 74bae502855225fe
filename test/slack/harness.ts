// The Slack bot under test: the real Bolt app on 127.0.0.1 (HTTP receiver, real signature
// checks), Slack's Web API served by the local fake, the model by the scripted OpenAI
// server, the demo org in memory. Requests are signed exactly as Slack signs them.
import { createHmac } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { createSlackApp, type SlackAppOptions } from '../../src/slack/app.ts';
import type { Store } from '../../src/store/types.ts';
import { fixedClock, type Logger } from '../../src/tools/context.ts';
import { DEMO_TODAY, demoStore } from '../helpers/demo.ts';
import { type FakeSlackApi, startFakeSlackApi } from '../helpers/fake-slack-api.ts';
import { type Script, type ScriptedOpenAI, startScriptedOpenAI } from '../helpers/scripted-openai.ts';

export const SIGNING_SECRET = 'test-signing-secret-8f2a';
export const BOT_USER_ID = 'UBOTATTAIN';
export const TEAM_ID = 'T0DEMO';

export interface LogEntry {
  level: 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown>;
}

export interface Harness {
  url: string;
  store: Store;
  slack: FakeSlackApi;
  model: ScriptedOpenAI;
  logs: LogEntry[];
  /** Replaces the model's script (the scripted server calls whatever is current). */
  script(s: Script): void;
  close(): Promise<void>;
}

export function sign(body: string, timestamp: number, secret = SIGNING_SECRET): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export async function startHarness(overrides: Partial<SlackAppOptions> = {}, store: Store = demoStore()): Promise<Harness> {
  const slack = await startFakeSlackApi();
  let current: Script = () => ({ content: 'No script set.' });
  const model = await startScriptedOpenAI((req) => current(req));
  const logs: LogEntry[] = [];
  const logger: Logger = {
    info: (message, fields = {}) => void logs.push({ level: 'info', message, fields }),
    warn: (message, fields = {}) => void logs.push({ level: 'warn', message, fields }),
    error: (message, fields = {}) => void logs.push({ level: 'error', message, fields }),
  };
  const { app } = createSlackApp({
    store,
    botToken: 'xoxb-test-token',
    mode: { kind: 'http', signingSecret: SIGNING_SECRET, port: 0 },
    logger,
    clock: fixedClock(DEMO_TODAY),
    agent: { client: new OpenAI({ baseURL: model.baseURL, apiKey: 'test', maxRetries: 0 }), model: 'scripted' },
    clientOptions: { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } },
    tokenVerification: { enabled: false, botId: 'BBOTATTAIN', botUserId: BOT_USER_ID },
    ...overrides,
  });
  const server = (await app.start(0)) as Server;
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/slack/events`,
    store,
    slack,
    model,
    logs,
    script: (s) => void (current = s),
    async close() {
      await app.stop();
      await slack.close();
      await model.close();
      store.close();
    },
  };
}

export interface PostOptions {
  timestamp?: number;
  secret?: string;
  signature?: string;
  headers?: Record<string, string>;
}

async function post(url: string, body: string, contentType: string, o: PostOptions): Promise<Response> {
  const timestamp = o.timestamp ?? Math.floor(Date.now() / 1000);
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': o.signature ?? sign(body, timestamp, o.secret),
      ...o.headers,
    },
    body,
  });
}

/** A slash command as Slack sends it (form-encoded). */
export function slashCommand(h: Harness, userId: string, text: string, o: PostOptions = {}): Promise<Response> {
  const body = new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: TEAM_ID,
    team_domain: 'demo',
    channel_id: 'C0GENERAL',
    channel_name: 'general',
    user_id: userId,
    user_name: userId.toLowerCase(),
    command: '/attain',
    text,
    api_app_id: 'A0ATTAIN',
    response_url: h.slack.responseUrl,
    trigger_id: '1.2.3',
  }).toString();
  return post(h.url, body, 'application/x-www-form-urlencoded', o);
}

let eventCounter = 0;

/** An Events API callback as Slack sends it (JSON). */
export function slackEvent(h: Harness, event: Record<string, unknown>, o: PostOptions & { eventId?: string } = {}): Promise<Response> {
  const body = JSON.stringify({
    token: 'legacy-verification-token',
    team_id: TEAM_ID,
    api_app_id: 'A0ATTAIN',
    type: 'event_callback',
    event_id: o.eventId ?? `Ev${Date.now()}${++eventCounter}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: TEAM_ID, user_id: BOT_USER_ID, is_bot: true }],
    event,
  });
  return post(h.url, body, 'application/json', o);
}

let tsCounter = 0;
export function nextTs(): string {
  return `1763300000.${String(++tsCounter).padStart(6, '0')}`;
}

/** A DM from `user` to the bot. */
export function dm(user: string, text: string, ts = nextTs(), threadTs?: string): Record<string, unknown> {
  return { type: 'message', channel_type: 'im', channel: `D${user}`, user, text, ts, event_ts: ts, ...(threadTs ? { thread_ts: threadTs } : {}) };
}

/** All text a message shows: fallback text plus every string inside its blocks. */
export function shownText(args: Record<string, unknown>): string {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(args.text);
  walk(args.blocks);
  walk(args.view);
  return out.join('\n');
}
