// `attain mcp` and `attain token` as real processes: stdio through the SDK's client, HTTP
// with tokens made by the CLI, the official MCP Inspector CLI against both, and a short
// version of the load check (bench/mcp-load.ts runs the full one).
import { execFile, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMcpLoad, spawnMcpHttp, type SpawnedServer } from '../../bench/mcp-load.ts';
import { runMcp } from '../../src/cli/mcp.ts';
import { runToken } from '../../src/cli/token.ts';
import { FORBIDDEN_MESSAGE } from '../../src/tools/errors.ts';
import { tools } from '../../src/tools/index.ts';
import { demoDbFile, type DemoDbFile } from '../helpers/mcp-demo-db.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = resolve(ROOT, 'bin', 'attain.js');
const run = promisify(execFile);

let db: DemoDbFile;
beforeAll(() => {
  db = demoDbFile();
});
afterAll(() => db?.remove());

/** Runs `attain ARGS`; resolves with the exit code instead of throwing. */
async function attain(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, ATTAIN_DB: '', ...env } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

const textOf = (r: CallToolResult) => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

describe('attain mcp over stdio (spawned)', () => {
  it('serves the --as user through the SDK client, with valid structured results', async () => {
    const transport = new StdioClientTransport({ command: process.execPath, args: [BIN, 'mcp', '--as', 'rep-ana', '--db', db.path], cwd: ROOT, stderr: 'pipe' });
    const client = new Client({ name: 'stdio-test', version: '0' });
    await client.connect(transport);
    try {
      const listed = (await client.listTools()).tools;
      expect(listed.map((t) => t.name)).toEqual(tools.map((t) => t.name));
      expect(listed.every((t) => t.outputSchema?.type === 'object')).toBe(true);
      const tool = tools.find((t) => t.name === 'get_quota_attainment')!;
      const r = (await client.callTool({ name: tool.name, arguments: {} })) as CallToolResult;
      expect(r.isError).toBeFalsy();
      expect(tool.output.parse(r.structuredContent)).toMatchObject({ user: { id: 'rep-ana' } });
      const other = (await client.callTool({ name: tool.name, arguments: { userId: 'rep-carla' } })) as CallToolResult;
      expect(other.isError).toBe(true);
      expect(textOf(other)).toBe(FORBIDDEN_MESSAGE);
    } finally {
      await client.close();
    }
  }, 60_000);

  it('takes the user and database from ATTAIN_USER / ATTAIN_DB', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [BIN, 'mcp'],
      cwd: ROOT,
      env: { ...getDefaultEnvironment(), ATTAIN_USER: 'mgr-east', ATTAIN_DB: db.path },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'stdio-env-test', version: '0' });
    await client.connect(transport);
    try {
      const r = (await client.callTool({ name: 'list_reps', arguments: {} })) as CallToolResult;
      const ids = (r.structuredContent as { users: { id: string }[] }).users.map((u) => u.id);
      expect(ids[0]).toBe('mgr-east');
      expect(ids).toContain('rep-carla');
      expect(ids).not.toContain('rep-ana');
    } finally {
      await client.close();
    }
  }, 60_000);

  it('writes only protocol messages to stdout and exits 0 when the client closes stdin', async () => {
    const child = spawn(process.execPath, [BIN, 'mcp', '--as', 'rep-ana', '--db', db.path], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const msgs = [
      { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '0' } } },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'get_commission_statement', arguments: { userId: null, period: null } } },
    ];
    child.stdin.write(msgs.map((m) => JSON.stringify(m)).join('\n') + '\n');
    await new Promise<void>((r) => {
      const check = () => (stdout.includes('"id":2') ? r() : setTimeout(check, 20));
      check();
    });
    child.stdin.end();
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(JSON.parse(line).jsonrpc).toBe('2.0');
    expect(stderr).toContain('serving over stdio');
  }, 60_000);

  it('refuses to start without a user, or with an unknown one, or --as with --http', async () => {
    // In-process: the same code path as the command, without paying for three more spawns.
    await expect(runMcp(['--db', db.path], { ATTAIN_USER: '' })).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/--as USER_ID/) });
    await expect(runMcp(['--as', 'nobody', '--db', db.path], {})).rejects.toMatchObject({ exitCode: 1, message: expect.stringContaining('No user with id "nobody"') });
    await expect(runMcp(['--http', '--as', 'rep-ana', '--db', db.path], {})).rejects.toMatchObject({ exitCode: 2 });
    await expect(runMcp(['--http', '--port', '99999', '--db', db.path], {})).rejects.toMatchObject({ exitCode: 2 });
  });
});

describe('attain token and attain mcp --http (spawned)', () => {
  let server: SpawnedServer;
  beforeAll(async () => {
    server = await spawnMcpHttp(db.path);
  });
  afterAll(async () => server?.stop());

  async function clientWith(secret: string): Promise<Client> {
    const client = new Client({ name: 'http-process-test', version: '0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: { Authorization: `Bearer ${secret}` } } }));
    return client;
  }

  it('creates a token (secret once, on stdout alone), serves its user, and stops at revoke', async () => {
    // The command runs as a real process once (stdout carries the secret alone)...
    const created = await attain(['token', 'create', '--user', 'rep-carla', '--label', 'ci laptop', '--db', db.path]);
    expect(created.code, created.stderr).toBe(0);
    const secret = created.stdout.trim();
    expect(secret).toMatch(/^attain_[A-Za-z0-9_-]{43}$/);
    const id = /created (tok_[0-9a-f]+)/.exec(created.stderr)?.[1];
    expect(id).toBeDefined();

    // ...and in-process after that: same code, another process than the server's.
    const listed = runToken(['list', '--user', 'rep-carla', '--json', '--db', db.path]);
    expect(listed).not.toContain(secret);
    expect(JSON.parse(listed)).toContainEqual(expect.objectContaining({ id, userId: 'rep-carla', label: 'ci laptop', revokedAt: null }));
    expect(listed).not.toMatch(/"hash"/);

    const client = await clientWith(secret);
    const r = (await client.callTool({ name: 'get_commission_statement', arguments: {} })) as CallToolResult;
    expect(r.structuredContent).toMatchObject({ user: { id: 'rep-carla' } });
    const forbidden = (await client.callTool({ name: 'get_commission_statement', arguments: { userId: 'rep-ana' } })) as CallToolResult;
    expect(textOf(forbidden)).toBe(FORBIDDEN_MESSAGE);

    expect(runToken(['revoke', id!, '--db', db.path])).toMatch(/^revoked tok_/);
    // The same client, the very next request: the server checks the token every time.
    await expect(client.callTool({ name: 'get_commission_statement', arguments: {} })).rejects.toThrow(/401|Unauthorized/);
    await client.close().catch(() => {});
    await expect(clientWith(secret)).rejects.toThrow(/401|Unauthorized/);
    expect(() => runToken(['revoke', 'tok_nope', '--db', db.path])).toThrow(/no token with id "tok_nope"/);
    expect(() => runToken(['create', '--user', 'nobody', '--db', db.path])).toThrow(/no user with id "nobody"/);
  }, 60_000);

  it('answers no token and a wrong token with 401 and no data', async () => {
    const init = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} });
    for (const headers of [{}, { Authorization: 'Bearer attain_wrong' }] as Record<string, string>[]) {
      const res = await fetch(server.url, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', ...headers }, body: init });
      expect(res.status).toBe(401);
      const body = await res.text();
      expect(body).not.toMatch(/rep-|list_reps/);
    }
  });

  it('never writes a secret to its log', async () => {
    const { secret } = db.token('rep-ana');
    const client = await clientWith(secret);
    await client.callTool({ name: 'list_reps', arguments: {} });
    await client.close();
    let log = '';
    server.process.stderr!.on('data', (c) => (log += c));
    await fetch(server.url, { method: 'POST', headers: { Authorization: 'Bearer attain_wrong_secret_value' }, body: '{}' });
    await new Promise((r) => setTimeout(r, 100));
    expect(log).toContain('rejected request');
    expect(log).not.toContain('attain_wrong_secret_value');
    expect(log).not.toContain(secret);
  });
});

// ---------------------------------------------------------------------------------------
// The official MCP Inspector CLI (dev dependency @modelcontextprotocol/inspector@2.12.0).

const INSPECTOR = resolve(ROOT, 'node_modules', '@modelcontextprotocol', 'inspector', 'clients', 'launcher', 'build', 'index.js');

async function inspector(args: string[]): Promise<{ code: number; json: any; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [INSPECTOR, '--cli', ...args, '--format', 'json', '--connect-timeout', '90000'], { cwd: ROOT, env: { ...process.env, HOME: db.dir }, timeout: 150_000 });
    return { code: 0, json: JSON.parse(stdout), stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    let json: unknown = null;
    try {
      json = JSON.parse(e.stdout ?? '');
    } catch {}
    return { code: e.code ?? -1, json, stderr: e.stderr ?? '' };
  }
}

describe('MCP Inspector CLI against attain mcp (demo DB)', () => {
  it('lists and calls tools over stdio and HTTP', async () => {
    const stdio = ['node', BIN, 'mcp', '--as', 'rep-ana', '--db', db.path];
    const http = await spawnMcpHttp(db.path);
    const { secret } = db.token('mgr-west', 'inspector');
    const httpTarget = [http.url, '--transport', 'http', '--header', `Authorization: Bearer ${secret}`];
    try {
      const [list, own, other, httpList, httpCall] = await Promise.all([
        inspector([...stdio, '--method', 'tools/list']),
        inspector([...stdio, '--method', 'tools/call', '--tool-name', 'get_commission_statement', '--tool-args-json', '{}']),
        inspector([...stdio, '--method', 'tools/call', '--tool-name', 'get_commission_statement', '--tool-args-json', '{"userId":"rep-carla"}']),
        inspector([...httpTarget, '--method', 'tools/list']),
        inspector([...httpTarget, '--method', 'tools/call', '--tool-name', 'get_quota_attainment', '--tool-args-json', '{"userId":"rep-ben"}']),
      ]);

      expect(list.code, list.stderr).toBe(0);
      const listed = list.json.result.tools as { name: string; outputSchema?: unknown }[];
      expect(listed.map((t) => t.name)).toEqual(tools.map((t) => t.name));
      expect(listed.every((t) => t.outputSchema)).toBe(true);

      expect(own.code, own.stderr).toBe(0);
      const statement = tools.find((t) => t.name === 'get_commission_statement')!;
      expect(statement.output.parse(own.json.result.structuredContent)).toMatchObject({ user: { id: 'rep-ana' } });

      expect(other.code, other.stderr).toBe(5); // the Inspector's exit code for an isError result
      expect(JSON.stringify(other.json)).not.toContain('"rep-carla"');

      expect(httpList.code, httpList.stderr).toBe(0);
      expect(httpList.json.result.tools).toHaveLength(tools.length);
      expect(httpCall.code, httpCall.stderr).toBe(0);
      expect(httpCall.json.result.structuredContent.user.id).toBe('rep-ben');
    } finally {
      await http.stop();
    }
  }, 180_000);
});

describe('load (short)', () => {
  it('10 concurrent HTTP clients for 2 s: no errors, no cross-user answers', async () => {
    const r = await runMcpLoad({ dbPath: db.path, clients: 10, durationMs: 2000, users: ['rep-ana', 'rep-ben', 'rep-carla', 'rep-paula', 'mgr-west', 'mgr-east'] });
    expect(r.firstProblem).toBeNull();
    expect(r.errors).toBe(0);
    expect(r.mismatches).toBe(0);
    expect(r.crossUser).toBe(0);
    expect(r.calls).toBeGreaterThan(10);
  }, 90_000);
});
