import { describe, expect, it } from 'vitest';
import { applyPlanEdits, type PlanEdit, proposalFromDocument } from './plan-patch.ts';
import { parseCase, ValidationError } from './plan.ts';
import { simulate } from './simulate.ts';
import { calculate } from './statement.ts';

const plan = {
  id: 'ae', version: 1, name: 'AE', currency: 'USD', period: 'quarter',
  components: [
    { kind: 'commission', id: 'base', tiering: 'marginal', tiers: [{ upTo: '1.0', rate: '0.10' }, { upTo: null, rate: '0.12' }] },
    { kind: 'bonus', id: 'club', attainmentAtLeast: '1.0', amount: '1000' },
  ],
};
const quotas = { '2027-Q1': '100000', '2027-Q2': '100000' };
const alice = parseCase({ plan, quotas, credits: [
  { dealId: 'A1', amount: '60000', closedAt: '2027-01-10' },
  { dealId: 'A2', amount: '60000', closedAt: '2027-02-10' },
  { dealId: 'A3', amount: '50000', closedAt: '2027-04-10' },
] });
const bob = parseCase({ plan, quotas, credits: [{ dealId: 'B1', amount: '30000', closedAt: '2027-03-01' }] });
const subjects = [{ userId: 'alice', name: 'Alice', baseline: alice }, { userId: 'bob', name: 'Bob', baseline: bob }];
const edit = (e: Partial<PlanEdit> & Pick<PlanEdit, 'edit'>): PlanEdit => ({ componentId: null, index: null, value: null, ...e });

describe('simulate', () => {
  it('reproduces the baseline statements exactly when the plan is unchanged', () => {
    const r = simulate(subjects, applyPlanEdits(alice.plan.document, []));
    const direct = [alice, bob].map((c) => calculate(c).statements.reduce((s, st) => s.plus(st.payout), calculate(c).statements[0]!.payout.minus(calculate(c).statements[0]!.payout)));
    expect(r.perRep.map((x) => x.baselinePayout.toString())).toEqual(direct.map((m) => m.toString()));
    expect(r.perRep.map((x) => x.proposedPayout.toString())).toEqual(direct.map((m) => m.toString()));
    expect(r.difference.toString()).toBe('0.00');
    // Alice Q1: 100000 × 10 % + 20000 × 12 % + bonus 1000 = 13400; Q2: 5000. Bob: 3000.
    expect(r.baseline.payout.toString()).toBe('21400.00');
    expect(r.revenue.toString()).toBe('200000.00');
    expect(r.baseline.costOfSales?.toFixed(4)).toBe('0.1070');
    expect(r.baseline.milestones.find((m) => m.kind === 'quota')).toMatchObject({ repPeriods: 1, reps: 1 });
    expect(r.baseline.milestones.find((m) => m.kind === 'accelerator')).toMatchObject({ componentId: 'base', tierIndex: 1, repPeriods: 1 });
  });

  it('gives the hand-computed change for a raised accelerator', () => {
    const r = simulate(subjects, applyPlanEdits(alice.plan.document, [edit({ edit: 'tier_rate', componentId: 'base', index: 1, value: '0.15' })]));
    // Only Alice's 20000 above quota moves: 20000 × 3 % = 600.
    expect(r.difference.toString()).toBe('600.00');
    expect(r.winners.map((w) => [w.userId, w.delta.toString()])).toEqual([['alice', '600.00']]);
    expect(r.losers).toEqual([]);
  });

  it('scales quotas and reports who falls below quota', () => {
    const r = simulate(subjects, applyPlanEdits(alice.plan.document, [edit({ edit: 'quota_factor', value: '1.1' })]));
    // Alice Q1: 110000 × 10 % + 10000 × 12 % + 1000 = 13200 (−200); Q2 and Bob unchanged.
    expect(r.difference.toString()).toBe('-200.00');
    expect(r.losers.map((l) => l.userId)).toEqual(['alice']);
    expect(r.perRep[0]!.proposedAttainment!.toFixed(4)).toBe('0.7727');
    expect(r.proposed.distribution).toMatchObject({});
    expect(r.proposed.distribution!.max.toString()).toBe('18200.00');
  });

  it('limits the range to the given periods', () => {
    const r = simulate(subjects, applyPlanEdits(alice.plan.document, []), { periodIds: new Set(['2027-Q2']) });
    expect(r.baseline.payout.toString()).toBe('5000.00');
    expect(r.revenue.toString()).toBe('50000.00');
    expect(r.periodIds).toEqual(['2027-Q2']);
  });

  it('rejects an invalid proposal naming the field', () => {
    expect(() => applyPlanEdits(alice.plan.document, [edit({ edit: 'tier_up_to', componentId: 'base', index: 0, value: '-1' })])).toThrow(/proposal\.components\[0\]\.tiers\[0\]\.upTo/);
    expect(() => applyPlanEdits(alice.plan.document, [edit({ edit: 'cap', componentId: 'nope', value: '1' })])).toThrow(/changes\[0\]\.componentId/);
    expect(() => proposalFromDocument({ ...plan, components: [] })).toThrow(ValidationError);
  });
});
