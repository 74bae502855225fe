// A local stand-in for Slack's Web API (and for `response_url`s), for tests with no
// network. Point a Bolt app at it with `clientOptions: { slackApiUrl: fake.apiUrl }`.
//
// Every call is recorded in order: `{ method, args }` where method is the Web API method
// (`chat.postMessage`, `views.publish`, `assistant.threads.setStatus`, ...) or
// `response_url` for posts to a response URL. Arguments arrive form-encoded (the Web API
// client) or as JSON (respond()); nested JSON fields (`blocks`, `view`) are parsed back.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
}

export interface FakeSlackUser {
  id: string;
  email?: string;
  name?: string;
  deleted?: boolean;
  is_bot?: boolean;
}

/** Returns a Web API answer for a method; `{ ok: false, error }` makes the client throw. */
export type FakeHandler = (args: Record<string, unknown>) => Record<string, unknown>;

export interface FakeSlackApi {
  /** Base URL for `clientOptions.slackApiUrl` (ends with `/api/`). */
  apiUrl: string;
  /** A response_url the fake accepts (`respond()` posts land in `calls` as `response_url`). */
  responseUrl: string;
  calls: RecordedCall[];
  /** Calls of one method, in order. */
  callsOf(method: string): RecordedCall[];
  /** Users `users.info` knows. */
  users: Map<string, FakeSlackUser>;
  /** Overrides the answer of a method. */
  on(method: string, handler: FakeHandler): void;
  /** Resolves when `predicate` holds over the calls (polls every 10 ms); rejects after `timeoutMs`. */
  waitFor(predicate: (calls: readonly RecordedCall[]) => boolean, timeoutMs?: number): Promise<void>;
  reset(): void;
  close(): Promise<void>;
}

const JSON_FIELDS = new Set(['blocks', 'view', 'attachments', 'prompts', 'loading_messages', 'metadata']);

function parseBody(req: IncomingMessage, raw: string): Record<string, unknown> {
  const type = req.headers['content-type'] ?? '';
  if (raw === '') return {};
  if (type.includes('application/json')) return JSON.parse(raw) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    if (JSON_FIELDS.has(key)) {
      try {
        out[key] = JSON.parse(value);
        continue;
      } catch {
        // keep the raw string
      }
    }
    out[key] = value;
  }
  return out;
}

export async function startFakeSlackApi(): Promise<FakeSlackApi> {
  const calls: RecordedCall[] = [];
  const users = new Map<string, FakeSlackUser>();
  const overrides = new Map<string, FakeHandler>();
  let ts = 1_700_000_000;
  const nextTs = () => `${++ts}.000100`;

  const defaults: Record<string, FakeHandler> = {
    'auth.test': () => ({ ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1', user: 'attain' }),
    'chat.postMessage': (a) => ({ ok: true, channel: a.channel, ts: nextTs(), message: { text: a.text } }),
    'chat.postEphemeral': () => ({ ok: true, message_ts: nextTs() }),
    'chat.update': (a) => ({ ok: true, channel: a.channel, ts: a.ts }),
    'views.publish': () => ({ ok: true, view: { id: 'V1' } }),
    'assistant.threads.setStatus': () => ({ ok: true }),
    'assistant.threads.setSuggestedPrompts': () => ({ ok: true }),
    'users.info': (a) => {
      const user = users.get(String(a.user));
      if (!user) return { ok: false, error: 'user_not_found' };
      return {
        ok: true,
        user: { id: user.id, name: user.name ?? user.id, deleted: user.deleted ?? false, is_bot: user.is_bot ?? false, profile: user.email ? { email: user.email } : {} },
      };
    },
  };

  const server: Server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      let args: Record<string, unknown>;
      try {
        args = parseBody(req, raw);
      } catch {
        res.writeHead(400).end('bad body');
        return;
      }
      if (url.pathname.startsWith('/respond/')) {
        calls.push({ method: 'response_url', args });
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
        return;
      }
      const method = url.pathname.replace(/^\/api\//, '');
      calls.push({ method, args });
      const handler = overrides.get(method) ?? defaults[method] ?? (() => ({ ok: true }));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(handler(args)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;

  return {
    apiUrl: `${base}/api/`,
    responseUrl: `${base}/respond/1`,
    calls,
    users,
    callsOf: (method) => calls.filter((c) => c.method === method),
    on: (method, handler) => void overrides.set(method, handler),
    async waitFor(predicate, timeoutMs = 3000) {
      const until = Date.now() + timeoutMs;
      while (!predicate(calls)) {
        if (Date.now() > until) throw new Error(`fake Slack API: condition not met within ${timeoutMs} ms; calls: ${calls.map((c) => c.method).join(', ') || '(none)'}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    reset() {
      calls.length = 0;
      overrides.clear();
    },
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}
