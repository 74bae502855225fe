// The real registry over MCP on the demo org (in memory): every tool listed with its
// schemas, every structured result valid against its output schema and identical to the
// tool run directly, and every tool scoped to the caller.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTool } from '../../src/tools/define-tool.ts';
import { AttainError } from '../../src/tools/errors.ts';
import { tools } from '../../src/tools/index.ts';
import { buildMcpServer, MY_PLAN_URI } from '../../src/mcp/server.ts';
import type { Store, User } from '../../src/store/types.ts';
import { ctxAs, demoStore } from '../helpers/demo.ts';

/** Everyone under `managerId`, transitively (not including the manager). */
/** Independent oracle of scope: everyone under `managerId`, from the whole user list. */
function reportsOf(users: readonly User[], managerId: string): User[] {
  const byManager = new Map<string, User[]>();
  for (const u of users) {
    if (u.managerId === null) continue;
    const list = byManager.get(u.managerId);
    if (list) list.push(u);
    else byManager.set(u.managerId, [u]);
  }
  const out: User[] = [];
  const seen = new Set<string>([managerId]);
  const queue = [managerId];
  while (queue.length > 0) {
    const id = queue.shift()!;
    for (const u of byManager.get(id) ?? []) {
      if (seen.has(u.id)) continue; // a cycle in bad data must not loop
      seen.add(u.id);
      out.push(u);
      queue.push(u.id);
    }
  }
  return out;
}

let store: Store;
const clients = new Map<string, Client>();

beforeAll(() => {
  store = demoStore();
});
afterAll(async () => {
  for (const c of clients.values()) await c.close();
  store.close();
});

async function clientAs(userId: string): Promise<Client> {
  const existing = clients.get(userId);
  if (existing) return existing;
  const server = buildMcpServer(ctxAs(store, userId));
  const client = new Client({ name: 'demo-test', version: '0' });
  const [ct, st] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(st), client.connect(ct)]);
  clients.set(userId, client);
  return client;
}

/** A valid input for each tool beyond all-null (the strict-schema default), acting on oneself. */
const BASELINE: Record<string, Record<string, unknown>> = {
  estimate_commission: { amount: '10000' },
  simulate_comp_plan: { scope: 'user', changes: [{ edit: 'quota_factor', componentId: null, index: null, value: '1.1' }] },
};
function baselineInput(name: string): Record<string, unknown> {
  const tool = tools.find((t) => t.name === name)!;
  const input: Record<string, unknown> = Object.fromEntries(Object.keys(tool.input.shape).map((k) => [k, null]));
  return { ...input, ...BASELINE[name] };
}

const call = async (userId: string, name: string, args: Record<string, unknown>) => (await (await clientAs(userId)).callTool({ name, arguments: args })) as CallToolResult;
const textOf = (r: CallToolResult) => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

const USERS = ['rep-ana', 'rep-carla', 'rep-paula', 'mgr-west', 'vp-sales', 'admin'];

describe('the registry over MCP (demo org)', () => {
  it('lists every registry tool, in order, with an output schema and annotations', async () => {
    const listed = (await (await clientAs('rep-ana')).listTools()).tools;
    expect(listed.map((t) => t.name)).toEqual(tools.map((t) => t.name));
    for (const t of listed) {
      const def = tools.find((d) => d.name === t.name)!;
      expect(t.title, t.name).toBe(def.title);
      expect(t.description, t.name).toBe(def.description);
      expect(t.outputSchema?.type, t.name).toBe('object');
      expect(Object.keys(t.outputSchema?.properties ?? {}).sort(), t.name).toEqual(Object.keys(def.output.shape).sort());
      expect(t.annotations, t.name).toMatchObject(def.annotations);
      for (const [key, prop] of Object.entries(t.inputSchema.properties ?? {})) {
        expect((prop as { description?: string }).description, `${t.name}.${key}`).toBeTruthy();
      }
    }
  });

  for (const userId of USERS) {
    it(`answers every tool for ${userId} with structured content that validates and matches the tool`, async () => {
      for (const tool of tools) {
        const input = baselineInput(tool.name);
        const r = await call(userId, tool.name, input);
        expect(textOf(r), `add a BASELINE input for ${tool.name}`).not.toMatch(/^MCP error -32602: Input validation error/);
        let direct: unknown;
        try {
          direct = await runTool(tool, input, ctxAs(store, userId));
        } catch (err) {
          // Expected outcomes (e.g. a manager without a plan of their own) must come back
          // as the same message, flagged isError.
          if (!(err instanceof AttainError)) throw err;
          expect(r.isError, `${tool.name} as ${userId}`).toBe(true);
          expect(textOf(r)).toBe(err.message);
          continue;
        }
        expect(r.isError, `${tool.name} as ${userId}: ${textOf(r)}`).toBeFalsy();
        expect(tool.output.safeParse(r.structuredContent).success, tool.name).toBe(true);
        expect(r.structuredContent).toEqual(JSON.parse(JSON.stringify(direct)));
        expect(r.content[0]).toEqual({ type: 'text', text: tool.summarize(direct) });
      }
    });
  }

  it('omitted optional arguments behave as null', async () => {
    for (const tool of tools) {
      const full = await call('rep-ana', tool.name, baselineInput(tool.name));
      const sparse = await call('rep-ana', tool.name, BASELINE[tool.name] ?? {});
      expect(sparse.structuredContent, tool.name).toEqual(full.structuredContent);
    }
  });

  it('names the field in validation errors', async () => {
    const r = await call('rep-ana', 'get_quota_attainment', { userId: 42, period: null });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/userId/);
    const e = await call('rep-ana', 'estimate_commission', { amount: 'lots' });
    expect(e.isError).toBe(true);
    expect(textOf(e)).toMatch(/amount/);
  });
});

// ---------------------------------------------------------------------------------------
// Scope: for every tool, a rep cannot read another rep's numbers and a manager cannot read
// outside their team — neither by naming the user or a deal, nor by what a result contains.

function scopeOf(actor: User, users: readonly User[]): Set<string> {
  if (actor.role === 'admin') return new Set(users.map((u) => u.id));
  if (actor.role === 'manager') return new Set([actor.id, ...reportsOf(users, actor.id).map((u) => u.id)]);
  return new Set([actor.id]);
}

/** Users whose id or name must never appear in the actor's answers (own managers may). */
function outsiders(actor: User, users: readonly User[]): User[] {
  const scope = scopeOf(actor, users);
  const chain = new Set<string>();
  for (let m = actor.managerId; m; m = users.find((u) => u.id === m)?.managerId ?? null) chain.add(m);
  return users.filter((u) => !scope.has(u.id) && !chain.has(u.id));
}

/** How to point each known input field at someone else; a new id-like field must be added here. */
const TARGETS: Record<string, (target: User) => unknown> = {
  userId: (t) => t.id,
  // The target's manager: for a rep that is their own manager (still not theirs to read).
  managerId: (t) => t.managerId ?? t.id,
  dealId: (t) => store.listDeals({ ownerIds: [t.id], status: 'open' })[0]?.id ?? store.listDeals({ ownerIds: [t.id] })[0]!.id,
};
/** Id-like inputs that name no person or deal (a plan is not anyone's numbers). */
const NOT_A_TARGET = new Set(['planId']);

describe('scope over MCP, for every tool', () => {
  const cases: [actor: string, outside: string, inside: string | null][] = [
    ['rep-ana', 'rep-ben', null], // same team, still another rep
    ['rep-ana', 'rep-carla', null], // another team
    ['mgr-west', 'rep-carla', 'rep-ben'], // outside / inside the team
    ['mgr-east', 'rep-ana', 'rep-carla'],
  ];

  it('every id-like input field is covered by this test', () => {
    for (const tool of tools) {
      for (const key of Object.keys(tool.input.shape)) {
        if (/ids?$/i.test(key) && !NOT_A_TARGET.has(key)) expect(Object.keys(TARGETS), `teach the scope test about ${tool.name}.${key}`).toContain(key);
      }
    }
  });

  for (const [actor, outside, inside] of cases) {
    it(`${actor} cannot read ${outside}${inside ? ` (but can read ${inside})` : ''}, with any tool`, async () => {
      let targeted = 0;
      for (const tool of tools) {
        for (const key of Object.keys(tool.input.shape).filter((k) => k in TARGETS)) {
          const other = store.getUser(outside)!;
          const r = await call(actor, tool.name, { ...baselineInput(tool.name), [key]: TARGETS[key]!(other) });
          expect(r.isError, `${tool.name}.${key}=${outside} as ${actor}`).toBe(true);
          // FORBIDDEN, with a fixed message that says nothing about the target (manager-only
          // tools refuse reps with their own fixed line).
          expect(r._meta?.['attain/errorCode'], `${tool.name}.${key}=${outside} as ${actor}: ${textOf(r)}`).toBe('FORBIDDEN');
          expect(textOf(r)).not.toMatch(/rep-|mgr-|\d{3}/);
          expect(textOf(r)).not.toContain(other.name);
          expect(r.structuredContent).toBeUndefined();
          targeted++;
          if (inside) {
            const insider = store.getUser(inside)!;
            // For managerId the insider's manager is the actor; for the rest, the insider.
            const ok = await call(actor, tool.name, { ...baselineInput(tool.name), [key]: key === 'managerId' ? actor : TARGETS[key]!(insider) });
            expect(ok._meta?.['attain/errorCode'], `${tool.name}.${key}=${inside} as ${actor}: ${textOf(ok)}`).not.toBe('FORBIDDEN');
          }
        }
      }
      expect(targeted).toBeGreaterThan(0);
    });
  }

  for (const actor of ['rep-ana', 'rep-paula', 'mgr-west', 'mgr-central']) {
    it(`no tool's answer to ${actor} mentions anyone outside their scope`, async () => {
      const users = store.listUsers();
      const me = store.getUser(actor)!;
      const banned = outsiders(me, users);
      expect(banned.length).toBeGreaterThan(0);
      for (const tool of tools) {
        const r = await call(actor, tool.name, baselineInput(tool.name));
        const body = JSON.stringify(r);
        for (const u of banned) {
          expect(body.includes(`"${u.id}"`) || body.includes(u.name), `${tool.name} as ${actor} mentions ${u.id}`).toBe(false);
        }
      }
    });
  }
});

describe('resources and prompts (demo org)', () => {
  it('serves the caller’s own plan document', async () => {
    const read = await (await clientAs('rep-ana')).readResource({ uri: MY_PLAN_URI });
    const body = JSON.parse((read.contents[0] as { text: string }).text);
    const assignment = store.assignmentAt('rep-ana', '2026-11-16')!;
    expect(body.assignedTo).toBe('rep-ana');
    expect(body.plan).toEqual(JSON.parse(JSON.stringify(store.getPlan(assignment.planId, assignment.planVersion)!.document)));
    const paula = JSON.parse(((await (await clientAs('rep-paula')).readResource({ uri: MY_PLAN_URI })).contents[0] as { text: string }).text);
    expect(paula.plan.id).not.toBe(body.plan.id);
  });

  it('offers prompts that steer to the right tools', async () => {
    const client = await clientAs('mgr-west');
    const { prompts } = await client.listPrompts();
    expect(prompts.map((p) => p.name)).toEqual(['explain_my_last_statement', 'coaching_summary_for_my_team', 'what_if_a_deal_closes']);
    const names = new Set(tools.map((t) => t.name));
    for (const p of prompts) {
      const got = await client.getPrompt({ name: p.name, arguments: {} });
      const text = got.messages.map((m) => (m.content.type === 'text' ? m.content.text : '')).join('\n');
      const mentioned = [...text.matchAll(/\b([a-z]+(?:_[a-z]+)+)\b/g)].map((m) => m[1]!).filter((w) => /^(get|list|estimate)_/.test(w));
      expect(mentioned.length, p.name).toBeGreaterThan(0);
      for (const m of mentioned) expect(names.has(m), `${p.name} mentions ${m}`).toBe(true);
    }
    const whatIf = await client.getPrompt({ name: 'what_if_a_deal_closes', arguments: { dealId: 'D-90001' } });
    expect(JSON.stringify(whatIf.messages)).toContain('D-90001');
  });
});
