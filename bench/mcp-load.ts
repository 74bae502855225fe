// MCP over HTTP under load: N concurrent MCP clients (the SDK's own client, one bearer
// token each, spread over reps and managers) call tools on a spawned `attain mcp --http`
// for a fixed time. Every answer is compared with the answer computed in-process for that
// token's user: any difference is a mismatch, and an answer that equals another user's is
// counted as cross-user. Reports p50/p95/p99 latency of tool calls.
//
//   npx tsx bench/mcp-load.ts [--db PATH] [--clients 50] [--seconds 10]
//
// Without --db it seeds a fresh demo database in a temporary directory. With --db it adds
// (and afterwards revokes) one token per user it acts as.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { seedDemo } from '../db/seed/demo.ts';
import { contextFor } from '../src/app/context.ts';
import { issueToken } from '../src/mcp/tokens.ts';
import { openStore } from '../src/store/sqlite-store.ts';
import { silentLogger } from '../src/tools/context.ts';
import { runTool } from '../src/tools/define-tool.ts';
import { AttainError } from '../src/tools/errors.ts';
import { tools } from '../src/tools/index.ts';

const BIN = resolve(import.meta.dirname, '..', 'bin', 'attain.js');

export interface McpLoadOptions {
  /** Demo database to serve; default: a fresh one in a temporary directory. */
  dbPath?: string;
  clients?: number;
  durationMs?: number;
  /** Users the clients act as (round-robin); default: every rep and manager. */
  users?: readonly string[];
  log?: (line: string) => void;
}

export interface McpLoadResult {
  clients: number;
  users: number;
  durationMs: number;
  calls: number;
  callsPerSecond: number;
  /** Transport failures, unexpected isError results. */
  errors: number;
  /** Answers that differ from the expected one for the token's user. */
  mismatches: number;
  /** Of those, answers equal to another user's expected answer. */
  crossUser: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  /** p50 per tool, to see which tool dominates. */
  p50ByToolMs: Record<string, number>;
  /** CPU the server process spent per call (Linux /proc; null elsewhere). */
  serverCpuMsPerCall: number | null;
  firstProblem: string | null;
}

/** user+system CPU of a process in ms, from /proc (Linux only). */
function cpuMsOf(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime are fields 14 and 15 of stat; index 11 and 12 after the command name.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return null;
  }
}

/** The calls each client cycles through, for its own user (args use the strict shape). */
const CALLS: readonly { name: string; args: Record<string, unknown> }[] = [
  { name: 'get_quota_attainment', args: { userId: null, period: null } },
  { name: 'get_commission_statement', args: { userId: null, period: null } },
  { name: 'list_reps', args: { team: null } },
  { name: 'estimate_commission', args: { userId: null, dealId: null, amount: '25000', closeDate: null, dealType: null, termMonths: null } },
].filter((c) => tools.some((t) => t.name === c.name));

type Expected = { ok: true; structured: unknown } | { ok: false; message: string };

export interface SpawnedServer {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `attain mcp --http --port 0` on `dbPath` and waits for the URL it prints. */
export async function spawnMcpHttp(dbPath: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<SpawnedServer> {
  const child = spawn(process.execPath, [BIN, 'mcp', '--http', '--port', '0', '--db', dbPath], {
    env: { ...process.env, ...extraEnv },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`attain mcp --http did not start:\n${stderr}`)), 30_000);
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      stderr += chunk;
      const m = /listening on (http:\/\/\S+)/.exec(stderr);
      if (m?.[1]) {
        clearTimeout(timer);
        resolveUrl(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`attain mcp --http exited (${code}):\n${stderr}`));
    });
  });
  child.stderr!.resume();
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    url,
    process: child,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round(sorted[i]! * 100) / 100;
}

export async function runMcpLoad(options: McpLoadOptions = {}): Promise<McpLoadResult> {
  const clientCount = options.clients ?? 50;
  const durationMs = options.durationMs ?? 10_000;
  const log = options.log ?? (() => {});

  let tempDir: string | undefined;
  let dbPath = options.dbPath;
  if (!dbPath) {
    tempDir = mkdtempSync(join(tmpdir(), 'attain-mcp-load-'));
    dbPath = join(tempDir, 'demo.db');
    const s = openStore(dbPath);
    try {
      seedDemo(s);
    } finally {
      s.close();
    }
  }

  // Tokens and expected answers, computed in-process with the same code and clock.
  const store = openStore(dbPath);
  const userIds = options.users ?? store.listUsers().filter((u) => u.role !== 'admin').map((u) => u.id);
  const secrets = new Map<string, string>();
  const tokenIds: string[] = [];
  const expected = new Map<string, Expected[]>();
  for (const id of userIds) {
    const { token, secret } = issueToken(store, id, 'mcp-load', new Date().toISOString());
    secrets.set(id, secret);
    tokenIds.push(token.id);
    const ctx = contextFor(store, id, { logger: silentLogger });
    const answers: Expected[] = [];
    for (const c of CALLS) {
      try {
        const out = await runTool(tools.find((t) => t.name === c.name)!, c.args, ctx);
        answers.push({ ok: true, structured: JSON.parse(JSON.stringify(out)) });
      } catch (err) {
        if (!(err instanceof AttainError)) throw err;
        answers.push({ ok: false, message: err.message });
      }
    }
    expected.set(id, answers);
  }

  const server = await spawnMcpHttp(dbPath);
  log(`mcp-load: server at ${server.url}; ${clientCount} clients as ${userIds.length} users for ${durationMs} ms`);

  const latencies: number[] = [];
  const byTool = new Map<string, number[]>();
  let errors = 0;
  let mismatches = 0;
  let crossUser = 0;
  let firstProblem: string | null = null;
  const problem = (msg: string) => (firstProblem ??= msg);

  try {
    const clients = await Promise.all(
      Array.from({ length: clientCount }, async (_, i) => {
        const userId = userIds[i % userIds.length]!;
        const transport = new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: { Authorization: `Bearer ${secrets.get(userId)}` } } });
        const client = new Client({ name: `load-${i}`, version: '0' });
        await client.connect(transport);
        return { i, userId, client };
      }),
    );

    const cpuBefore = cpuMsOf(server.process.pid);
    const started = performance.now();
    const deadline = started + durationMs;
    await Promise.all(
      clients.map(async ({ i, userId, client }) => {
        for (let n = i; performance.now() < deadline; n++) {
          const k = n % CALLS.length;
          const c = CALLS[k]!;
          const t0 = performance.now();
          let r: CallToolResult;
          try {
            r = (await client.callTool({ name: c.name, arguments: c.args })) as CallToolResult;
          } catch (err) {
            errors++;
            problem(`${userId} ${c.name}: ${(err as Error).message}`);
            continue;
          }
          const ms = performance.now() - t0;
          latencies.push(ms);
          byTool.set(c.name, [...(byTool.get(c.name) ?? []), ms]);
          const want = expected.get(userId)![k]!;
          const text = r.content.map((b) => (b.type === 'text' ? b.text : '')).join('\n');
          const match = want.ok ? !r.isError && isDeepStrictEqual(r.structuredContent, want.structured) : r.isError === true && text === want.message;
          if (match) continue;
          if (r.isError && want.ok) {
            errors++;
            problem(`${userId} ${c.name}: isError ${text}`);
            continue;
          }
          mismatches++;
          const other = [...expected.entries()].find(([id, answers]) => {
            const a = answers[k]!;
            return id !== userId && a.ok && isDeepStrictEqual(r.structuredContent, a.structured);
          });
          if (other) crossUser++;
          problem(`${userId} ${c.name}: unexpected answer${other ? ` (equals ${other[0]}'s)` : ''}`);
        }
      }),
    );
    const elapsed = performance.now() - started;
    const cpuAfter = cpuMsOf(server.process.pid);
    await Promise.all(clients.map((c) => c.client.close()));

    latencies.sort((a, b) => a - b);
    return {
      clients: clientCount,
      users: userIds.length,
      durationMs: Math.round(elapsed),
      calls: latencies.length,
      callsPerSecond: Math.round((latencies.length / elapsed) * 1000),
      errors,
      mismatches,
      crossUser,
      latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99), max: percentile(latencies, 100) },
      p50ByToolMs: Object.fromEntries([...byTool].map(([name, l]) => [name, percentile(l.sort((a, b) => a - b), 50)])),
      serverCpuMsPerCall: cpuBefore === null || cpuAfter === null || latencies.length === 0 ? null : Math.round(((cpuAfter - cpuBefore) / latencies.length) * 100) / 100,
      firstProblem,
    };
  } finally {
    await server.stop();
    const at = new Date().toISOString();
    for (const id of tokenIds) store.revokeToken(id, at);
    store.close();
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { values } = parseArgs({ options: { db: { type: 'string' }, clients: { type: 'string' }, seconds: { type: 'string' } } });
  const result = await runMcpLoad({
    ...(values.db ? { dbPath: resolve(values.db) } : {}),
    clients: values.clients ? Number(values.clients) : 50,
    durationMs: values.seconds ? Number(values.seconds) * 1000 : 10_000,
    log: (line) => process.stderr.write(line + '\n'),
  });
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  process.exitCode = result.errors + result.mismatches === 0 ? 0 : 1;
}
