// MCP over stdio: one local user, one process. stdout carries only protocol messages;
// everything else (logs, errors) goes to stderr through the context's logger.
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { ToolContext } from '../tools/context.ts';
import type { AnyTool } from '../tools/define-tool.ts';
import { buildMcpServer } from './server.ts';

/**
 * Serves the registry as `ctx.actor` on this process's stdin/stdout. Resolves when the
 * client goes away (stdin ends) or the process is asked to stop.
 */
export async function serveStdio(ctx: ToolContext, registry?: readonly AnyTool[]): Promise<void> {
  const server = buildMcpServer(ctx, registry);
  const transport = new StdioServerTransport();
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    server.close().catch(() => {}).finally(finish);
  };
  transport.onclose = finish;
  transport.onerror = (err) => ctx.logger.warn('stdio transport error', { error: err.message });
  // The SDK's transport does not watch for end of input: when the client closes our stdin
  // there is nothing left to serve.
  process.stdin.once('end', stop);
  process.stdin.once('close', stop);
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await server.connect(transport);
  ctx.logger.info('attain mcp: serving over stdio', { actor: ctx.actor.id, role: ctx.actor.role });
  try {
    await done;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
