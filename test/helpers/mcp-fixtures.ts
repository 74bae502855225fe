// A tiny registry and a three-person org for testing the MCP adapter on its own, apart
// from the real tools and the demo seed.
import { z } from 'zod';
import type { ToolContext } from '../../src/tools/context.ts';
import { fixedClock, silentLogger } from '../../src/tools/context.ts';
import { type AnyTool, defineTool } from '../../src/tools/define-tool.ts';
import { forbidden } from '../../src/tools/errors.ts';
import { openStore, type SqliteStore } from '../../src/store/sqlite-store.ts';
import type { User } from '../../src/store/types.ts';

const whoami = defineTool({
  name: 'whoami',
  title: 'Who am I',
  description: 'Returns the acting user.',
  input: z.object({}),
  output: z.object({ id: z.string().describe('Acting user id'), role: z.enum(['rep', 'manager', 'admin']).describe('Role') }),
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  handler: async (_input, ctx) => ({ id: ctx.actor.id, role: ctx.actor.role }),
  summarize: (out) => `You are ${out.id} (${out.role}).`,
});

/** Mimics a scoped tool: only your own figure, FORBIDDEN for anyone else. */
const getSecret = defineTool({
  name: 'get_secret',
  title: 'Get a secret',
  description: 'Returns the secret number of a user (null = yourself).',
  input: z.object({
    userId: z.string().nullable().describe('User id; null = yourself'),
    digits: z.number().int().min(1).max(9).nullable().describe('How many digits (null = 3)'),
  }),
  output: z.object({ userId: z.string().describe('Whose'), secret: z.string().describe('The secret') }),
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  handler: async (input, ctx) => {
    const id = input.userId ?? ctx.actor.id;
    if (id !== ctx.actor.id) throw forbidden();
    return { userId: id, secret: `${id}-${'7'.repeat(input.digits ?? 3)}` };
  },
  summarize: (out) => `Secret of ${out.userId}.`,
});

const crash = defineTool({
  name: 'crash',
  title: 'Crash',
  description: 'Always fails with a bug.',
  input: z.object({}),
  output: z.object({ never: z.string() }),
  annotations: { readOnlyHint: false, destructiveHint: false },
  handler: async () => {
    throw new Error('database password is hunter2');
  },
  summarize: () => '',
});

export const fakeRegistry: AnyTool[] = [whoami, getSecret, crash];

const user = (id: string, role: User['role'], managerId: string | null): User => ({
  id,
  name: id.toUpperCase(),
  email: `${id}@example.test`,
  slackUserId: null,
  role,
  managerId,
  team: 'west',
  startDate: '2025-01-01',
});

export const PLAN_DOC = {
  id: 'plan-a',
  version: 1,
  name: 'Plan A',
  currency: 'USD',
  period: 'quarter',
  fiscalYearStartMonth: 1,
  components: [{ kind: 'commission', id: 'base', tiering: 'marginal', tiers: [{ upTo: '1.0', rate: '0.10' }, { upTo: null, rate: '0.15' }] }],
};

export const TODAY = '2026-11-20';

/** boss (manager) → ann, bob (reps); ann has Plan A, bob has none. */
export function smallOrg(path: string | ':memory:' = ':memory:'): SqliteStore {
  const store = openStore(path);
  store.upsertUsers([user('boss', 'manager', null), user('ann', 'rep', 'boss'), user('bob', 'rep', 'boss')]);
  store.savePlan(PLAN_DOC, '2026-01-01T00:00:00.000Z');
  store.assignPlan({ userId: 'ann', planId: 'plan-a', planVersion: 1, effectiveFrom: '2026-01-01', effectiveTo: null });
  return store;
}

export function ctxOf(store: SqliteStore, id: string): ToolContext {
  const u = store.getUser(id);
  if (!u) throw new Error(`no user ${id}`);
  return { actor: { id: u.id, name: u.name, role: u.role }, store, clock: fixedClock(TODAY), logger: silentLogger };
}
