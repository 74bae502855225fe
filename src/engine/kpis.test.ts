// KPI formulas on small sets whose answers are worked out by hand.
import { describe, expect, it } from 'vitest';
import type { Activity, Deal, DealChange, Stage } from './deals.ts';
import {
  attainmentKpi,
  averageDealSize,
  compToRevenue,
  dataCompleteness,
  forecastAccuracy,
  KPI_FORMULAS,
  medianDec,
  pipelineCoverage,
  rampTime,
  salesCycle,
  salesKpis,
  stageConversion,
  winRate,
} from './kpis.ts';
import { Dec, Money } from './money.ts';
import type { Credit } from './plan.ts';
import { type Period, parsePeriodId } from './periods.ts';

const Q1: Period = { id: '2027-Q1', start: '2027-01-01', end: '2027-03-31' };
const AS_OF = '2027-02-15';
const usd = (s: string) => Money.of(s, 'USD');
const stages: Stage[] = [
  { name: 'Discovery', order: 1, status: 'open' },
  { name: 'Proposal', order: 2, status: 'open' },
  { name: 'Negotiation', order: 3, status: 'open' },
  { name: 'Closed Won', order: 4, status: 'won' },
  { name: 'Closed Lost', order: 5, status: 'lost' },
];

function deal(id: string, over: Partial<Deal>): Deal {
  return {
    id,
    name: id,
    ownerId: 'u1',
    account: 'A',
    amount: new Dec('10000'),
    currency: 'USD',
    stage: 'Discovery',
    status: 'open',
    probability: null,
    createdAt: '2026-12-01',
    closeDate: '2027-03-15',
    closedAt: null,
    dealType: null,
    termMonths: null,
    nextStep: 'next',
    lastActivityAt: '2027-02-10',
    ...over,
  };
}
const won = (id: string, amount: string, createdAt: string, closedAt: string) => deal(id, { status: 'won', stage: 'Closed Won', amount: new Dec(amount), createdAt, closedAt, closeDate: closedAt });
const lost = (id: string, amount: string, closedAt: string) => deal(id, { status: 'lost', stage: 'Closed Lost', amount: new Dec(amount), closedAt, closeDate: closedAt });

// Q1: won 10k (30 days), 30k (10 days), 20k (50 days); lost 40k; a won deal in Q4 is out.
const deals = [
  won('w1', '10000', '2026-12-02', '2027-01-01'),
  won('w2', '30000', '2027-01-20', '2027-01-30'),
  won('w3', '20000', '2026-12-22', '2027-02-10'),
  lost('l1', '40000', '2027-02-01'),
  won('old', '99000', '2026-10-01', '2026-12-31'),
  deal('o1', { amount: new Dec('25000'), closeDate: '2027-03-20' }),
  deal('o2', { amount: new Dec('15000'), closeDate: '2027-02-01', nextStep: null }),
  deal('o3', { amount: new Dec('50000'), closeDate: '2027-04-10' }), // next quarter
  deal('o4', { amount: new Dec('0'), closeDate: null, lastActivityAt: '2027-01-01' }),
];

describe('KPI formulas', () => {
  it('each KPI carries its formula text', () => {
    for (const text of Object.values(KPI_FORMULAS)) expect(text).toMatch(/=/);
  });

  it('median of decimals', () => {
    expect(medianDec([])).toBeNull();
    expect(medianDec([new Dec(3), new Dec(1), new Dec(2)])!.toString()).toBe('2');
    expect(medianDec([new Dec(1), new Dec(4)])!.toString()).toBe('2.5');
  });

  it('attainment = credited toward quota in the period / quota', () => {
    const credits: Credit[] = [
      { dealId: 'w1', amount: new Dec('10000'), closedAt: '2027-01-01', countsTowardQuota: true },
      { dealId: 'w2', amount: new Dec('30000'), closedAt: '2027-01-30', countsTowardQuota: true },
      { dealId: 'x', amount: new Dec('5000'), closedAt: '2027-01-30', countsTowardQuota: false },
      { dealId: 'old', amount: new Dec('99000'), closedAt: '2026-12-31', countsTowardQuota: true },
    ];
    const a = attainmentKpi(credits, usd('80000'), Q1, 'USD');
    expect(a.credited.toString()).toBe('40000.00');
    expect(a.attainment!.toString()).toBe('0.5');
    expect(attainmentKpi(credits, null, Q1, 'USD').attainment).toBeNull();
  });

  it('win rate by count and by value over deals closed in the period', () => {
    const w = winRate(deals, Q1, 'USD');
    expect([w.won, w.lost]).toEqual([3, 1]);
    expect(w.byCount!.toString()).toBe('0.75');
    expect(w.byValue!.toString()).toBe('0.6'); // 60k / 100k
    expect(winRate([], Q1, 'USD').byCount).toBeNull();
  });

  it('average deal size over won deals', () => {
    const s = averageDealSize(deals, Q1, 'USD');
    expect(s.won).toBe(3);
    expect(s.average!.toString()).toBe('20000.00');
  });

  it('sales cycle median and mean over won deals', () => {
    const c = salesCycle(deals, Q1);
    expect(c.won).toBe(3);
    expect(c.medianDays!.toString()).toBe('30');
    expect(c.meanDays!.toString()).toBe('30'); // (30 + 10 + 50) / 3
  });

  it('pipeline coverage: open deals closing in the period / remaining quota', () => {
    const c = pipelineCoverage({ deals, period: Q1, asOf: AS_OF, quota: usd('80000'), credited: usd('60000'), winRate: new Dec('0.25'), currency: 'USD' });
    expect(c.openDeals).toBe(2); // o1 + o2 (overdue but in the period); o3 next quarter; o4 no date
    expect(c.openPipeline.toString()).toBe('40000.00');
    expect(c.remainingQuota!.toString()).toBe('20000.00');
    expect(c.coverage!.toString()).toBe('2');
    expect(c.requiredCoverage!.toString()).toBe('4');
    expect(c.pipelineGap!.toString()).toBe('40000.00'); // 20k × 4 − 40k
    const done = pipelineCoverage({ deals, period: Q1, asOf: AS_OF, quota: usd('50000'), credited: usd('60000'), winRate: null, currency: 'USD' });
    expect(done.remainingQuota!.toString()).toBe('0.00');
    expect(done.coverage).toBeNull();
    expect(done.requiredCoverage).toBeNull();
  });

  it('stage conversion over deals closed in the period', () => {
    const ch = (dealId: string, at: string, from: string, to: string): DealChange => ({ dealId, at, field: 'stage', from, to });
    const history = [
      ch('w1', '2026-12-10', 'Discovery', 'Proposal'),
      ch('w1', '2026-12-20', 'Proposal', 'Negotiation'),
      ch('w1', '2027-01-01', 'Negotiation', 'Closed Won'),
      ch('w2', '2027-01-25', 'Proposal', 'Closed Won'), // entered at Proposal
      ch('l1', '2027-01-10', 'Discovery', 'Proposal'),
      ch('l1', '2027-02-01', 'Proposal', 'Closed Lost'),
    ];
    const rows = stageConversion(deals, history, stages, Q1);
    const row = (s: string) => rows.find((r) => r.stage === s)!;
    expect(row('Discovery')).toMatchObject({ reached: 2, advanced: 2, won: 1 }); // w1, l1
    expect(row('Discovery').toWon!.toString()).toBe('0.5');
    expect(row('Proposal')).toMatchObject({ reached: 3, advanced: 2, won: 2 }); // w1, w2, l1
    expect(row('Negotiation')).toMatchObject({ reached: 1, advanced: 1, won: 1 });
    expect(row('Negotiation').toNext!.toString()).toBe('1');
  });

  it('ramp time: periods until attainment reaches the target', () => {
    const cal = { period: 'month' as const, fiscalYearStartMonth: 1 };
    const p = (id: string) => parsePeriodId(id, cal)!;
    const series = [
      { period: p('2026-10'), attainment: null },
      { period: p('2026-11'), attainment: new Dec('0.2') },
      { period: p('2026-12'), attainment: new Dec('0.6') },
      { period: p('2027-01'), attainment: new Dec('0.95') },
      { period: p('2027-02'), attainment: new Dec('0.7') },
    ];
    const r = rampTime('2026-11-15', series, new Dec('0.9'));
    expect(r).toMatchObject({ periodsObserved: 4, periodsToRamp: 3, rampedIn: '2027-01' });
    expect(rampTime('2026-11-15', series, new Dec('1')).periodsToRamp).toBeNull();
  });

  it('compensation-to-revenue', () => {
    expect(compToRevenue(usd('4800'), usd('60000')).ratio!.toString()).toBe('0.08');
    expect(compToRevenue(usd('100'), usd('0')).ratio).toBeNull();
  });

  it('forecast accuracy: not recorded, one period, several (100% − MAPE) with bias', () => {
    expect(forecastAccuracy([])).toEqual({ status: 'not_recorded' });
    const one = forecastAccuracy([{ periodId: 'Q1', forecast: usd('90000'), actual: usd('100000') }]);
    expect(one.status === 'recorded' && one.accuracy!.toString()).toBe('0.9');
    const two = forecastAccuracy([
      { periodId: 'Q1', forecast: usd('90000'), actual: usd('100000') }, // −10 %
      { periodId: 'Q2', forecast: usd('60000'), actual: usd('50000') }, // +20 %
    ]);
    if (two.status !== 'recorded') throw new Error('expected recorded');
    expect(two.accuracy!.toString()).toBe('0.85');
    expect(two.bias!.toString()).toBe('0.05');
  });

  it('CRM data completeness of open deals', () => {
    const acts: Activity[] = [{ id: 'a', dealId: 'o3', userId: 'u1', kind: 'call', at: '2027-02-14', subject: 's' }];
    const c = dataCompleteness(deals.map((d) => (d.id === 'o3' ? { ...d, lastActivityAt: null } : d)), acts, AS_OF);
    expect(c).toMatchObject({ openDeals: 4, withAmount: 3, withCloseDate: 3, withNextStep: 3, withRecentActivity: 3, complete: 2 });
    expect(c.completeShare!.toString()).toBe('0.5');
  });

  it('salesKpis assembles them, coverage against this period\'s win rate by default', () => {
    const k = salesKpis({ period: Q1, asOf: AS_OF, currency: 'USD', deals, history: [], activities: [], stages, credits: [], quota: usd('80000'), earnings: usd('0') });
    expect(k.pipelineCoverage.requiredCoverage!.toDecimalPlaces(4).toString()).toBe('1.6667'); // 1 / 0.6
    expect(k.compToRevenue!.ratio).toBeNull();
    expect(k.forecastAccuracy.status).toBe('not_recorded');
  });
});
