import { describe, expect, it } from 'vitest';
import { forecast, learnWinRates, type PipelineDeal } from './forecast.ts';
import { Dec } from './money.ts';
import { parseCase } from './plan.ts';
import { seededRng } from './random.ts';

const onePlan = {
  id: 'flat', version: 1, name: 'Flat', currency: 'USD', period: 'quarter',
  components: [{ kind: 'commission', id: 'base', tiering: 'marginal', tiers: [{ upTo: null, rate: '0.10' }] }],
};
const tiny = parseCase({ plan: onePlan, quotas: { '2027-Q1': '30000' }, credits: [] });
const deal = (id: string, amount: string, p: string, closeDate = '2027-03-15'): PipelineDeal => ({
  id, name: id, amount: new Dec(amount), currency: 'USD', closeDate, probability: new Dec(p), probabilitySource: 'deal', stage: 'Proposal',
});
const run = (deals: PipelineDeal[], seed: number | string = 1, trials = 10_000) =>
  forecast({ compCase: tiny, periodId: '2027-Q1', asOf: '2027-02-01', deals, trials, rng: seededRng(seed) });

describe('forecast', () => {
  it('matches the closed form on two deals and one tier', () => {
    // Payout 0 (p .3), 1000 (.45), 2000 (.1), 3000 (.15): E = 0.1 × (6000 + 5000) = 1100.
    const r = run([deal('A', '10000', '0.6'), deal('B', '20000', '0.25')]);
    expect(Math.abs(Number(r.expectedPayout.toString()) - 1100)).toBeLessThan(30);
    expect(r.p10.toString()).toBe('0.00');
    expect(r.p50.toString()).toBe('1000.00');
    expect(r.p90.toString()).toBe('3000.00');
    // Quota 30000 is reached only when both close: 0.6 × 0.25 = 0.15.
    expect(Math.abs(r.probabilityQuota.toNumber() - 0.15)).toBeLessThan(0.015);
    // Swing of A = 0.1 × 10000 (one tier, no interaction), up to sampling noise in B.
    expect(Math.abs(Number(r.deals.find((d) => d.dealId === 'A')!.swing!.toString()) - 1000)).toBeLessThan(60);
    expect(r.distinctOutcomes).toBe(4);
  });

  it('is reproducible for a seed', () => {
    const deals = [deal('A', '10000', '0.6'), deal('B', '20000', '0.25'), deal('C', '7000', '0.5')];
    const a = run(deals, 'seed-1');
    const b = run(deals, 'seed-1');
    expect(a.expectedPayout.toString()).toBe(b.expectedPayout.toString());
    expect(a.probabilityQuota.toString()).toBe(b.probabilityQuota.toString());
  });

  it('moves P50 up when a deal becomes more likely', () => {
    const low = run([deal('A', '10000', '0.6'), deal('B', '20000', '0.25')]);
    const high = run([deal('A', '10000', '0.6'), deal('B', '20000', '0.9')]);
    expect(high.p50.cmp(low.p50)).toBeGreaterThan(0);
    expect(high.expectedPayout.cmp(low.expectedPayout)).toBeGreaterThan(0);
  });

  it('excludes deals that cannot close in the period and moves overdue ones to asOf', () => {
    const r = run([deal('late', '5000', '0.5', '2027-04-02'), deal('overdue', '5000', '1', '2027-01-05')], 3, 100);
    expect(r.excluded.map((e) => e.dealId)).toEqual(['late']);
    expect(r.deals[0]).toMatchObject({ dealId: 'overdue', closeDate: '2027-02-01' });
    expect(r.expectedPayout.toString()).toBe('500.00');
  });
});

describe('learnWinRates', () => {
  it('counts closed deals by the stages they passed through, shrunk toward the overall rate', () => {
    const stages = [
      { name: 'Discovery', order: 1, status: 'open' as const },
      { name: 'Proposal', order: 2, status: 'open' as const },
      { name: 'Won', order: 3, status: 'won' as const },
      { name: 'Lost', order: 4, status: 'lost' as const },
    ];
    const ch = (dealId: string, from: string, to: string) => ({ dealId, at: '2027-01-01', field: 'stage' as const, from, to });
    const rates = learnWinRates([ch('1', 'Discovery', 'Proposal'), ch('1', 'Proposal', 'Won'), ch('2', 'Discovery', 'Lost'), ch('3', 'Discovery', 'Proposal'), ch('3', 'Proposal', 'Lost')], stages);
    expect(rates.overall!.toFixed(4)).toBe('0.3333');
    expect(rates.byStage.get('Discovery')).toMatchObject({ closed: 3, won: 1 });
    expect(rates.byStage.get('Proposal')).toMatchObject({ closed: 2, won: 1 });
    // (1 + 5/3) / (2 + 5) = 0.380952...
    expect(rates.byStage.get('Proposal')!.probability.toFixed(4)).toBe('0.3810');
    expect(rates.byStage.has('Won')).toBe(false);
  });
});
