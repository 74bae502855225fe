// Scope, for every registry tool on the demo org: a rep asking about anyone else, or a
// manager asking outside their team, gets FORBIDDEN — and the refusal carries no data.
// A new tool whose input can name a person or a deal must be taught here (see PROBES).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/types.ts';
import { type AnyTool, runTool } from '../../src/tools/define-tool.ts';
import { AttainError, FORBIDDEN_MESSAGE } from '../../src/tools/errors.ts';
import { tools } from '../../src/tools/index.ts';
import { ctxAs, demoStore } from '../helpers/demo.ts';

/** A valid input for each tool beyond all-null (the strict-schema default). */
const BASE: Record<string, Record<string, unknown>> = {
  estimate_commission: { amount: '10000' },
  simulate_comp_plan: { scope: 'user', changes: [{ edit: 'quota_factor', componentId: null, index: null, value: '1.1' }] },
};

/** Input fields that name whom or what a call is about. */
const PROBES = ['userId', 'managerId', 'dealId'] as const;

function inputFor(tool: AnyTool, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const key of Object.keys(tool.input.shape)) input[key] = null;
  return { ...input, ...BASE[tool.name], ...extra };
}

let store: Store;
let openDealOf: (userId: string) => string;
beforeAll(() => {
  store = demoStore();
  openDealOf = (userId) => store.listDeals({ ownerIds: [userId], status: 'open' })[0]!.id;
});
afterAll(() => store.close());

async function expectForbidden(tool: AnyTool, actor: string, input: Record<string, unknown>) {
  const err = await runTool(tool, input, ctxAs(store, actor)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `${tool.name} as ${actor} with ${JSON.stringify(input)}`).toBeInstanceOf(AttainError);
  expect((err as AttainError).code).toBe('FORBIDDEN');
  expect((err as AttainError).message).not.toMatch(/rep-|mgr-|\d{3}/);
}

describe.each(tools.map((t) => [t.name, t] as const))('%s', (_name, tool) => {
  const probes = PROBES.filter((p) => p in tool.input.shape);

  it('answers for a rep, a manager and the admin, with output matching its schema', async () => {
    for (const actor of ['rep-carla', 'mgr-east', 'admin']) {
      // Managers and the admin carry no quota themselves: they ask about a rep of theirs.
      const about = actor !== 'rep-carla' && 'userId' in tool.input.shape && tool.name !== 'get_quota_attainment' ? { userId: 'rep-carla' } : {};
      try {
        const out = await runTool(tool, inputFor(tool, about), ctxAs(store, actor));
        expect(() => tool.output.parse(out)).not.toThrow();
      } catch (err) {
        // Manager-only tools refuse reps, and only reps.
        expect(actor).toBe('rep-carla');
        expect((err as AttainError).code).toBe('FORBIDDEN');
      }
    }
  });

  if (probes.length === 0) {
    it('names nobody in its input, and shows a rep only themself', async () => {
      const out = JSON.stringify(await runTool(tool, inputFor(tool), ctxAs(store, 'rep-ana')));
      for (const other of ['rep-ben', 'rep-carla', 'rep-emma']) expect(out).not.toContain(`"${other}"`);
    });
    return;
  }

  for (const probe of probes) {
    it(`refuses a rep asking about a teammate through ${probe}`, async () => {
      const value = probe === 'dealId' ? openDealOf('rep-ben') : probe === 'managerId' ? 'mgr-west' : 'rep-ben';
      await expectForbidden(tool, 'rep-ana', inputFor(tool, { [probe]: value }));
    });
    it(`refuses a manager asking outside their team through ${probe}`, async () => {
      const value = probe === 'dealId' ? openDealOf('rep-ana') : probe === 'managerId' ? 'mgr-west' : 'rep-ana';
      await expectForbidden(tool, 'mgr-east', inputFor(tool, { [probe]: value }));
    });
  }

  it('gives the same refusal whether or not the other user exists', async () => {
    if (!probes.includes('userId')) return;
    for (const ghost of ['rep-ben', 'no-such-user']) {
      const err = (await runTool(tool, inputFor(tool, { userId: ghost }), ctxAs(store, 'rep-ana')).catch((e: unknown) => e)) as AttainError;
      expect(err.code).toBe('FORBIDDEN');
      if (err.message !== FORBIDDEN_MESSAGE) expect(err.message).not.toContain(ghost);
    }
  });
});
