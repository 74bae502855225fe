// `attain mcp --as USER_ID [--db PATH]` serves the tools to one local user over stdio (for
// Claude Desktop and other MCP clients that spawn a process); `attain mcp --http [--port N]
// [--host H] [--db PATH]` serves everyone with a bearer token over Streamable HTTP.
// stdout belongs to the protocol in stdio mode: every message here goes to stderr.
import { parseArgs } from 'node:util';
import { contextFor } from '../app/context.ts';
import { DEFAULT_MCP_HOST, DEFAULT_MCP_PORT, isLoopback, startMcpHttp } from '../mcp/http.ts';
import { serveStdio } from '../mcp/stdio.ts';
import { stderrLogger } from '../tools/context.ts';
import { AttainError } from '../tools/errors.ts';
import { CliError } from './io.ts';
import { openExistingStore } from './open-store.ts';

export const mcpUsage = `attain mcp --as USER_ID [--db PATH] | attain mcp --http [--port N] [--host H] [--db PATH]   serve the tools over MCP (stdio, or HTTP with bearer tokens; default ${DEFAULT_MCP_HOST}:${DEFAULT_MCP_PORT})`;

export async function runMcp(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        as: { type: 'string' },
        db: { type: 'string' },
        http: { type: 'boolean', default: false },
        port: { type: 'string' },
        host: { type: 'string' },
      },
    }));
  } catch (err) {
    throw new CliError(`${(err as Error).message}\nusage: ${mcpUsage}`, 2);
  }
  return values.http ? runHttp(values) : runStdio(values, env);
}

async function runStdio(values: { as?: string; db?: string; port?: string; host?: string }, env: NodeJS.ProcessEnv): Promise<void> {
  if (values.port !== undefined || values.host !== undefined) throw new CliError('--port and --host go with --http', 2);
  const actorId = values.as ?? env.ATTAIN_USER;
  if (!actorId) throw new CliError('who is asking? pass --as USER_ID (or set ATTAIN_USER)', 2);
  const store = openExistingStore(values.db, env);
  try {
    let ctx;
    try {
      ctx = contextFor(store, actorId, { logger: stderrLogger(), env });
    } catch (err) {
      if (err instanceof AttainError) throw new CliError(err.message);
      throw err;
    }
    await serveStdio(ctx);
  } finally {
    store.close();
  }
}

async function runHttp(values: { as?: string; db?: string; port?: string; host?: string }): Promise<void> {
  // Over HTTP the acting user is each request's token's user; a fixed --as would be a hole.
  if (values.as !== undefined) throw new CliError('--as is for stdio; over --http each bearer token names its user (`attain token create --user ID`)', 2);
  const port = values.port === undefined ? DEFAULT_MCP_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port must be an integer 0-65535, got "${values.port}"`, 2);
  const host = values.host ?? DEFAULT_MCP_HOST;
  const store = openExistingStore(values.db);
  try {
    let server;
    try {
      server = await startMcpHttp({ store, host, port, logger: stderrLogger() });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') throw new CliError(`cannot listen on ${host}:${port} (${code})`);
      throw err;
    }
    process.stderr.write(`attain mcp: listening on ${server.url}\n`);
    if (!isLoopback(host)) process.stderr.write('attain mcp: warning: not bound to loopback; put it behind TLS, bearer tokens travel in clear over plain HTTP\n');
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await server.close();
  } finally {
    store.close();
  }
}
