// Streamable HTTP with bearer tokens, on the fake registry: who gets in, as whom, and what
// a rejected request learns (nothing).
import { request as httpRequest } from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMcpHttp, type McpHttpServer } from '../../src/mcp/http.ts';
import { authenticateBearer, hashToken, issueToken } from '../../src/mcp/tokens.ts';
import type { SqliteStore } from '../../src/store/sqlite-store.ts';
import type { Logger } from '../../src/tools/context.ts';
import { fixedClock } from '../../src/tools/context.ts';
import { fakeRegistry, smallOrg, TODAY } from '../helpers/mcp-fixtures.ts';

let store: SqliteStore;
let server: McpHttpServer;
const logLines: string[] = [];
const logger: Logger = {
  info: (m, f) => logLines.push(JSON.stringify({ m, f })),
  warn: (m, f) => logLines.push(JSON.stringify({ m, f })),
  error: (m, f) => logLines.push(JSON.stringify({ m, f })),
};
const secrets: Record<string, string> = {};

beforeAll(async () => {
  store = smallOrg();
  for (const id of ['ann', 'bob', 'boss']) secrets[id] = issueToken(store, id, `${id} laptop`, '2026-11-01T00:00:00.000Z').secret;
  const revoked = issueToken(store, 'ann', 'old', '2026-10-01T00:00:00.000Z');
  store.revokeToken(revoked.token.id, '2026-10-02T00:00:00.000Z');
  secrets.revoked = revoked.secret;
  server = await startMcpHttp({ store, port: 0, registry: fakeRegistry, clock: fixedClock(TODAY), logger });
});
afterAll(async () => {
  await server?.close();
  store?.close();
});

async function clientWith(token: string | undefined): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(server.url), {
    requestInit: token === undefined ? {} : { headers: { Authorization: `Bearer ${token}` } },
  });
  const client = new Client({ name: 'http-test', version: '0' });
  await client.connect(transport);
  return client;
}

const initialize = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '0' } },
});

function raw(options: { method?: string; headers?: Record<string, string>; body?: string; path?: string }): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: options.path ?? url.pathname,
        method: options.method ?? 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', ...options.headers },
      },
      (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('tokens', () => {
  it('stores only the sha256 of the secret', () => {
    const stored = store.listTokens('ann');
    expect(stored.some((t) => t.hash === hashToken(secrets.ann!))).toBe(true);
    expect(JSON.stringify(stored)).not.toContain(secrets.ann);
  });

  it('authenticates only well-formed, known, unrevoked tokens', () => {
    expect(authenticateBearer(store, `Bearer ${secrets.ann}`)?.user.id).toBe('ann');
    expect(authenticateBearer(store, `bearer ${secrets.bob}`)?.user.id).toBe('bob');
    expect(authenticateBearer(store, undefined)).toBeUndefined();
    expect(authenticateBearer(store, secrets.ann)).toBeUndefined();
    expect(authenticateBearer(store, `Basic ${secrets.ann}`)).toBeUndefined();
    expect(authenticateBearer(store, `Bearer ${secrets.revoked}`)).toBeUndefined();
    expect(authenticateBearer(store, 'Bearer attain_nope')).toBeUndefined();
  });
});

describe('MCP over HTTP', () => {
  it('serves a valid token as its own user', async () => {
    for (const id of ['ann', 'boss']) {
      const client = await clientWith(secrets[id]);
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(fakeRegistry.map((t) => t.name));
      const r = (await client.callTool({ name: 'whoami', arguments: {} })) as CallToolResult;
      expect(r.structuredContent).toMatchObject({ id });
      await client.close();
    }
  });

  it('keeps users apart under concurrent requests', async () => {
    const clients = await Promise.all(['ann', 'bob', 'boss'].map(async (id) => ({ id, client: await clientWith(secrets[id]) })));
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) => clients[i % 3]!).map(async ({ id, client }) => ({ id, r: (await client.callTool({ name: 'get_secret', arguments: {} })) as CallToolResult })),
    );
    for (const { id, r } of results) expect(r.structuredContent).toEqual({ userId: id, secret: `${id}-777` });
    await Promise.all(clients.map((c) => c.client.close()));
  });

  it('lets a token read only its own user: another user id is FORBIDDEN', async () => {
    const client = await clientWith(secrets.ann);
    const r = (await client.callTool({ name: 'get_secret', arguments: { userId: 'bob' } })) as CallToolResult;
    expect(r.isError).toBe(true);
    expect(JSON.stringify(r)).not.toContain('bob-');
    await client.close();
  });

  it.each([
    ['no token', undefined],
    ['a wrong token', 'attain_wrong'],
    ['a revoked token', 'REVOKED'],
  ])('answers %s with 401 and no data', async (_label, token) => {
    const secret = token === 'REVOKED' ? secrets.revoked : token;
    const headers: Record<string, string> = secret === undefined ? {} : { Authorization: `Bearer ${secret}` };
    const res = await raw({ headers, body: initialize });
    expect(res.status).toBe(401);
    expect(String(res.headers['www-authenticate'])).toMatch(/^Bearer realm="attain"/);
    expect(JSON.parse(res.body)).toEqual({ jsonrpc: '2.0', error: { code: -32001, message: 'Unauthorized: a valid bearer token is required' }, id: null });
    // And through the SDK's client: the connection fails.
    await expect(clientWith(secret)).rejects.toThrow(/401|Unauthorized/);
  });

  it('requires the token on tool calls too, not just on initialize', async () => {
    const call = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'whoami', arguments: {} } });
    const res = await raw({ body: call });
    expect(res.status).toBe(401);
    expect(res.body).not.toContain('ann');
  });

  it('never logs a secret', () => {
    const all = logLines.join('\n');
    for (const s of Object.values(secrets)) expect(all).not.toContain(s);
    expect(all).not.toContain('attain_wrong');
  });

  it('rejects a foreign Host header on a loopback bind (DNS rebinding)', async () => {
    const res = await raw({ headers: { Authorization: `Bearer ${secrets.ann}`, Host: 'evil.example:80' }, body: initialize });
    expect(res.status).toBe(403);
    const origin = await raw({ headers: { Authorization: `Bearer ${secrets.ann}`, Origin: 'http://evil.example' }, body: initialize });
    expect(origin.status).toBe(403);
    const ok = await raw({ headers: { Authorization: `Bearer ${secrets.ann}`, Host: `localhost:${server.port}` }, body: initialize });
    expect(ok.status).toBe(200);
  });

  it('is stateless: GET and DELETE are 405, other paths 404, bad JSON 400', async () => {
    const auth = { Authorization: `Bearer ${secrets.ann}` };
    expect((await raw({ method: 'GET', headers: auth })).status).toBe(405);
    expect((await raw({ method: 'DELETE', headers: auth })).status).toBe(405);
    expect((await raw({ path: '/other', headers: auth, body: initialize })).status).toBe(404);
    const bad = await raw({ headers: auth, body: '{nope' });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error.code).toBe(-32700);
  });
});
