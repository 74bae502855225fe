// The MCP adapter on a tiny registry, through the SDK's own client over an in-memory pair.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { buildMcpServer, MY_PLAN_URI } from '../../src/mcp/server.ts';
import type { Logger, ToolContext } from '../../src/tools/context.ts';
import { FORBIDDEN_MESSAGE } from '../../src/tools/errors.ts';
import { ctxOf, fakeRegistry, PLAN_DOC, smallOrg } from '../helpers/mcp-fixtures.ts';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

async function connect(ctx: ToolContext) {
  const server = buildMcpServer(ctx, fakeRegistry);
  const client = new Client({ name: 'test', version: '0' });
  const [ct, st] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(st), client.connect(ct)]);
  closers.push(() => client.close());
  return client;
}

const text = (r: CallToolResult) => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

describe('MCP adapter (in memory, fake registry)', () => {
  it('lists every registry tool with title, schemas and annotations, in registry order', async () => {
    const client = await connect(ctxOf(smallOrg(), 'ann'));
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(fakeRegistry.map((t) => t.name));
    for (const t of tools) {
      const def = fakeRegistry.find((d) => d.name === t.name)!;
      expect(t.title).toBe(def.title);
      expect(t.description).toBe(def.description);
      expect(t.outputSchema?.type).toBe('object');
      expect(t.annotations?.readOnlyHint).toBe(def.annotations.readOnlyHint);
    }
    const secret = tools.find((t) => t.name === 'get_secret')!;
    // Nullable inputs may be left out by MCP clients: not required, default null.
    expect(secret.inputSchema.required ?? []).toEqual([]);
    expect(secret.inputSchema.properties?.userId).toMatchObject({ description: 'User id; null = yourself' });
  });

  it('returns structuredContent that validates against the output schema, plus a summary', async () => {
    const client = await connect(ctxOf(smallOrg(), 'ann'));
    const r = (await client.callTool({ name: 'whoami', arguments: {} })) as CallToolResult;
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent).toEqual({ id: 'ann', role: 'rep' });
    expect(fakeRegistry[0]!.output.parse(r.structuredContent)).toEqual({ id: 'ann', role: 'rep' });
    expect(r.content[0]).toEqual({ type: 'text', text: 'You are ann (rep).' });
    expect(JSON.parse((r.content[1] as { text: string }).text)).toEqual(r.structuredContent);
  });

  it('treats an omitted nullable argument as null, and an explicit null the same', async () => {
    const client = await connect(ctxOf(smallOrg(), 'ann'));
    const a = (await client.callTool({ name: 'get_secret', arguments: {} })) as CallToolResult;
    const b = (await client.callTool({ name: 'get_secret', arguments: { userId: null, digits: null } })) as CallToolResult;
    expect(a.structuredContent).toEqual({ userId: 'ann', secret: 'ann-777' });
    expect(b.structuredContent).toEqual(a.structuredContent);
  });

  it('names the bad field in input validation errors', async () => {
    const client = await connect(ctxOf(smallOrg(), 'ann'));
    const r = (await client.callTool({ name: 'get_secret', arguments: { digits: 'many' } })) as CallToolResult;
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/digits/);
  });

  it('never takes the actor from arguments: an extra "as"/"actor" key is ignored', async () => {
    const client = await connect(ctxOf(smallOrg(), 'ann'));
    const r = (await client.callTool({ name: 'whoami', arguments: { as: 'boss', actor: { id: 'boss', role: 'admin' } } })) as CallToolResult;
    expect(r.structuredContent).toEqual({ id: 'ann', role: 'rep' });
  });

  it('maps FORBIDDEN to an isError result with the fixed message and no data', async () => {
    const client = await connect(ctxOf(smallOrg(), 'ann'));
    const r = (await client.callTool({ name: 'get_secret', arguments: { userId: 'bob' } })) as CallToolResult;
    expect(r.isError).toBe(true);
    expect(r.structuredContent).toBeUndefined();
    expect(text(r)).toBe(FORBIDDEN_MESSAGE);
    expect(text(r)).not.toContain('bob');
    expect(r._meta?.['attain/errorCode']).toBe('FORBIDDEN');
  });

  it('hides a bug behind a generic message and logs the details to the logger only', async () => {
    const logged: { message: string; fields?: Record<string, unknown> }[] = [];
    const logger: Logger = { info: () => {}, warn: () => {}, error: (message, fields) => logged.push({ message, fields }) };
    const client = await connect({ ...ctxOf(smallOrg(), 'ann'), logger });
    const r = (await client.callTool({ name: 'crash', arguments: {} })) as CallToolResult;
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/^Internal error in crash \(ref [0-9a-f]{8}\)/);
    expect(text(r)).not.toContain('hunter2');
    expect(text(r)).not.toMatch(/at .*\.ts:\d+/);
    expect(logged).toHaveLength(1);
    expect(String(logged[0]!.fields?.error)).toContain('hunter2');
    expect(String(logged[0]!.fields?.stack)).toContain('Error');
  });

  it('serves the caller’s plan document as a read-only resource', async () => {
    const client = await connect(ctxOf(smallOrg(), 'ann'));
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri)).toEqual([MY_PLAN_URI]);
    const read = await client.readResource({ uri: MY_PLAN_URI });
    const body = JSON.parse((read.contents[0] as { text: string }).text);
    expect(body).toMatchObject({ assignedTo: 'ann', effectiveFrom: '2026-01-01', plan: { id: PLAN_DOC.id, name: PLAN_DOC.name } });
  });

  it('answers plainly when the caller has no plan', async () => {
    const client = await connect(ctxOf(smallOrg(), 'bob'));
    await expect(client.readResource({ uri: MY_PLAN_URI })).rejects.toThrow(/no comp plan in force on 2026-11-20/);
  });

  it('offers only prompts whose tools are in the registry', async () => {
    const client = await connect(ctxOf(smallOrg(), 'ann'));
    // The fake registry has none of the real tools.
    await expect(client.listPrompts()).rejects.toThrow(/Method not found/);
  });
});
