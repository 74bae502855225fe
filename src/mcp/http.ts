// MCP over Streamable HTTP, stateless: every POST is authenticated on its own, gets a fresh
// McpServer acting as the bearer token's user, and is answered with plain JSON. No session
// can carry one user's identity into another's request, and there is no SSE stream to hold.
//
// Order of checks on every request: Host header (loopback binds only: DNS rebinding) →
// bearer token (401, no data) → path → method → body. The secret is never logged.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { actorOf, clockFor } from '../app/context.ts';
import type { Store } from '../store/types.ts';
import type { Clock, Logger, ToolContext } from '../tools/context.ts';
import { stderrLogger } from '../tools/context.ts';
import type { AnyTool } from '../tools/define-tool.ts';
import { buildMcpServer } from './server.ts';
import { authenticateBearer } from './tokens.ts';

export const MCP_PATH = '/mcp';
export const DEFAULT_MCP_HOST = '127.0.0.1';
export const DEFAULT_MCP_PORT = 3333;
const MAX_BODY_BYTES = 1024 * 1024;

export interface McpHttpOptions {
  store: Store;
  host?: string;
  /** 0 picks a free port (tests); read it back from the result. */
  port?: number;
  clock?: Clock;
  logger?: Logger;
  registry?: readonly AnyTool[];
}

export interface McpHttpServer {
  host: string;
  port: number;
  /** Endpoint to give clients, e.g. http://127.0.0.1:3333/mcp */
  url: string;
  close(): Promise<void>;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

export function isLoopback(host: string): boolean {
  return LOOPBACK_HOSTS.has(host.toLowerCase());
}

export async function startMcpHttp(options: McpHttpOptions): Promise<McpHttpServer> {
  const host = options.host ?? DEFAULT_MCP_HOST;
  const logger = options.logger ?? stderrLogger();
  const clock = options.clock ?? clockFor(options.store);
  const handler = requestHandler({ store: options.store, clock, logger, registry: options.registry, checkHost: isLoopback(host) });

  const server = createServer((req, res) => {
    handler(req, res).catch((err: unknown) => {
      logger.error('mcp http: request failed', { error: err instanceof Error ? err.message : String(err), stack: err instanceof Error ? err.stack : undefined });
      if (!res.headersSent) sendJsonRpcError(res, 500, -32603, 'Internal server error');
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_MCP_PORT, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return { host, port, url: `http://${urlHost}:${port}${MCP_PATH}`, close: () => closeServer(server) };
}

interface HandlerDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  registry: readonly AnyTool[] | undefined;
  checkHost: boolean;
}

function requestHandler(deps: HandlerDeps) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (deps.checkHost && !loopbackRequest(req)) {
      sendJsonRpcError(res, 403, -32000, 'Forbidden: this server only accepts requests addressed to localhost');
      return;
    }

    const auth = authenticateBearer(deps.store, req.headers.authorization);
    if (!auth) {
      // Whatever was wrong (no header, unknown or revoked token) the answer is the same.
      res.setHeader('WWW-Authenticate', req.headers.authorization ? 'Bearer realm="attain", error="invalid_token"' : 'Bearer realm="attain"');
      sendJsonRpcError(res, 401, -32001, 'Unauthorized: a valid bearer token is required');
      deps.logger.warn('mcp http: rejected request without a valid token', { remote: req.socket.remoteAddress, presented: req.headers.authorization ? 'yes' : 'no' });
      return;
    }

    const path = (req.url ?? '/').split('?')[0];
    if (path !== MCP_PATH) {
      sendJsonRpcError(res, 404, -32000, `Not found: the MCP endpoint is ${MCP_PATH}`);
      return;
    }
    if (req.method !== 'POST') {
      // Stateless server: no standalone SSE stream (GET) and no session to end (DELETE).
      res.setHeader('Allow', 'POST');
      sendJsonRpcError(res, 405, -32000, 'Method not allowed: this server is stateless; POST JSON-RPC messages');
      return;
    }

    const body = await readJsonBody(req);
    if (body.kind === 'too-large') {
      sendJsonRpcError(res, 413, -32600, `Request body larger than ${MAX_BODY_BYTES} bytes`);
      return;
    }
    if (body.kind === 'invalid') {
      sendJsonRpcError(res, 400, -32700, 'Parse error: the body is not valid JSON');
      return;
    }

    const ctx: ToolContext = { actor: actorOf(auth.user), store: deps.store, clock: deps.clock, logger: deps.logger };
    const server = buildMcpServer(ctx, deps.registry);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      transport.close().catch(() => {});
      server.close().catch(() => {});
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, body.value);
  };
}

/** Host (and Origin, when a browser sends one) must name a loopback host. */
function loopbackRequest(req: IncomingMessage): boolean {
  const hostHeader = req.headers.host;
  if (!hostHeader || !isLoopback(hostnameOf(hostHeader))) return false;
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return isLoopback(new URL(origin).hostname);
  } catch {
    return false;
  }
}

function hostnameOf(hostHeader: string): string {
  if (hostHeader.startsWith('[')) return hostHeader.slice(0, hostHeader.indexOf(']') + 1);
  return hostHeader.split(':')[0] ?? '';
}

type Body = { kind: 'ok'; value: unknown } | { kind: 'invalid' } | { kind: 'too-large' };

async function readJsonBody(req: IncomingMessage): Promise<Body> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return { kind: 'too-large' };
    chunks.push(chunk as Buffer);
  }
  try {
    return { kind: 'ok', value: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
  } catch {
    return { kind: 'invalid' };
  }
}

function sendJsonRpcError(res: ServerResponse, status: number, code: number, message: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Cache-Control', 'no-store');
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
