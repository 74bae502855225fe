// simulate_comp_plan on the demo org: unchanged edits reproduce the statements exactly, a
// known patch gives the hand-computed change, and scope and validation behave.
import { describe, expect, it } from 'vitest';
import { statementFor } from '../src/services/comp.ts';
import { runTool } from '../src/tools/define-tool.ts';
import { AttainError } from '../src/tools/errors.ts';
import { simulateCompPlan } from '../src/tools/simulate-comp-plan.ts';
import { DEMO_TODAY, ctxAs, demoStore } from './helpers/demo.ts';

const store = demoStore();
const admin = ctxAs(store, 'admin');
type Out = Awaited<ReturnType<typeof simulateCompPlan.handler>>;
const input = (over: Record<string, unknown>) => ({ scope: 'plan', userId: null, planId: null, fromPeriod: null, toPeriod: null, proposedPlanJson: null, changes: null, limit: 1000, ...over });
const run = async (over: Record<string, unknown>, ctx = admin) => (await runTool(simulateCompPlan, input(over), ctx)) as Out;
const edit = (e: Record<string, unknown>) => ({ componentId: null, index: null, value: null, ...e });

describe('simulate_comp_plan', () => {
  for (const planId of ['ae-marginal', 'ae-retro']) {
    it(`${planId}: unchanged edits reproduce every statement of the year exactly`, async () => {
      const out = await run({ planId, changes: [] });
      expect(out.periods).toEqual(['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4']);
      expect(out.difference.payout).toBe('0.00');
      for (const rep of out.perRep) {
        const user = store.getUser(rep.user.id)!;
        const quotas = store.quotasOf(user.id);
        let total = 0n;
        for (const period of out.periods) {
          if (!quotas.has(period)) continue;
          const s = statementFor(store, user, period, DEMO_TODAY).statement;
          total += BigInt(s.payout.toString().replace('.', ''));
        }
        const cents = BigInt(rep.baselinePayout.replace('.', ''));
        expect(cents, rep.user.id).toBe(total);
        expect(rep.proposedPayout).toBe(rep.baselinePayout);
      }
    });
  }

  it('gives the hand-computed change of a base-rate patch for one rep', async () => {
    // rep-ben, 2026-Q4: 91,000 credited against a 260,000 quota (35 %), all in the first
    // band at 6 %, no multiplier: payout 5,460. At 7 %: + 91,000 × 1 % = 910.
    const out = await run({ scope: 'user', userId: 'rep-ben', fromPeriod: '2026-Q4', toPeriod: '2026-Q4', changes: [edit({ edit: 'tier_rate', componentId: 'base', index: 0, value: '0.07' })] });
    expect(out.perRep[0]).toMatchObject({ baselinePayout: '5460.00', proposedPayout: '6370.00', delta: '910.00', baselineAttainment: '0.3500' });
    expect(out.difference.payout).toBe('910.00');
    // Halving the quota to 130,000: 65,000 at 6 % + 26,000 at 9 % = 6,240 (+780).
    const q = await run({ scope: 'user', userId: 'rep-ben', fromPeriod: '2026-Q4', toPeriod: '2026-Q4', changes: [edit({ edit: 'quota_factor', value: '0.5' })] });
    expect(q.perRep[0]).toMatchObject({ proposedPayout: '6240.00', delta: '780.00', proposedAttainment: '0.7000' });
  });

  it('a raised accelerator only helps, and winners are listed', async () => {
    const out = await run({ planId: 'ae-marginal', changes: [edit({ edit: 'tier_rate', componentId: 'base', index: 2, value: '0.15' })] });
    expect(out.losers).toEqual([]);
    expect(Number(out.difference.payout)).toBeGreaterThan(0);
    expect(out.winners.length).toBeGreaterThan(0);
    expect(out.proposed.milestones.map((m) => m.kind)).toEqual(['quota', 'accelerator', 'accelerator']);
  });

  it('rejects an invalid proposal with PLAN_INVALID naming the field', async () => {
    const bad = run({ planId: 'ae-marginal', changes: [edit({ edit: 'tier_up_to', componentId: 'base', index: 1, value: '0.4' })] });
    await expect(bad).rejects.toMatchObject({ code: 'PLAN_INVALID', message: expect.stringMatching(/proposal\.components\[0\]\.tiers\[1\]\.upTo/) });
    await expect(run({ planId: 'ae-marginal', proposedPlanJson: '{"id":"x"}' })).rejects.toBeInstanceOf(AttainError);
    await expect(run({ planId: 'ae-marginal', proposedPlanJson: 'not json' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('is for managers (their team) and admins only', async () => {
    await expect(run({ scope: 'user', userId: 'rep-ben' }, ctxAs(store, 'rep-ben'))).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(run({ scope: 'user', userId: 'rep-paula' }, ctxAs(store, 'mgr-west'))).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const team = await run({ scope: 'team', changes: [] }, ctxAs(store, 'mgr-west'));
    expect(team.perRep.every((r) => store.getUser(r.user.id)!.managerId === 'mgr-west')).toBe(true);
    const plan = await run({ scope: 'plan', planId: 'ae-marginal', changes: [] }, ctxAs(store, 'mgr-west'));
    expect(plan.reps).toBe(team.reps);
  });
});
