// Each stalled-deal signal pinned on hand-built histories, boundaries included.
import { describe, expect, it } from 'vitest';
import type { Activity, Deal, DealChange, Stage } from './deals.ts';
import { Dec } from './money.ts';
import { addDays } from './periods.ts';
import { daysPerStage, detectStalledDeals, learnStageNorms, medianOf, moneyText, stageSamplesOf, stalledConfig, type StalledDealsInput } from './stalled-deals.ts';
import { Money } from './money.ts';

const AS_OF = '2027-03-31';
const stages: Stage[] = [
  { name: 'Discovery', order: 1, status: 'open' },
  { name: 'Proposal', order: 2, status: 'open' },
  { name: 'Negotiation', order: 3, status: 'open' },
  { name: 'Closed Won', order: 4, status: 'won' },
  { name: 'Closed Lost', order: 5, status: 'lost' },
];

function deal(id: string, over: Partial<Deal> = {}): Deal {
  return {
    id,
    name: `Deal ${id}`,
    ownerId: 'u1',
    account: 'Acme',
    amount: new Dec('50000'),
    currency: 'USD',
    stage: 'Discovery',
    status: 'open',
    probability: null,
    createdAt: addDays(AS_OF, -5),
    closeDate: addDays(AS_OF, 30),
    closedAt: null,
    dealType: null,
    termMonths: null,
    nextStep: 'Call back',
    lastActivityAt: addDays(AS_OF, -1),
    ...over,
  };
}

const change = (dealId: string, at: string, field: DealChange['field'], from: string | null, to: string | null): DealChange => ({ dealId, at, field, from, to });
const activity = (dealId: string, at: string): Activity => ({ id: `${dealId}-${at}`, dealId, userId: 'u1', kind: 'call', at, subject: 'call' });

function run(over: Partial<StalledDealsInput>) {
  return detectStalledDeals({ deals: [], history: [], activities: [], stages, asOf: AS_OF, ...over });
}
const kinds = (r: ReturnType<typeof run>, id: string) => r.stalled.find((s) => s.deal.id === id)?.signals.map((s) => s.kind) ?? [];
const signal = (r: ReturnType<typeof run>, id: string, kind: string) => r.stalled.find((s) => s.deal.id === id)?.signals.find((s) => s.kind === kind);

/** A won deal that spent `d` days in Discovery, `p` in Proposal and `n` in Negotiation. */
function wonDeal(id: string, d: number, p: number, n: number): { deal: Deal; history: DealChange[] } {
  const created = '2026-06-01';
  const t1 = addDays(created, d);
  const t2 = addDays(t1, p);
  const t3 = addDays(t2, n);
  return {
    deal: deal(id, { status: 'won', stage: 'Closed Won', createdAt: created, closeDate: t3, closedAt: t3 }),
    history: [
      change(id, t1, 'stage', 'Discovery', 'Proposal'),
      change(id, `${t2}T10:00:00Z`, 'stage', 'Proposal', 'Negotiation'),
      change(id, t3, 'stage', 'Negotiation', 'Closed Won'),
      change(id, t3, 'status', 'open', 'won'),
    ],
  };
}

describe('helpers', () => {
  it('median of odd and even counts', () => {
    expect(medianOf([])).toBeNull();
    expect(medianOf([9, 1, 5])).toBe(5);
    expect(medianOf([1, 2, 3, 10])).toBe(2.5);
  });
  it('formats money with grouping', () => {
    expect(moneyText(Money.of('1234567.5', 'USD'))).toBe('1,234,567.50 USD');
    expect(moneyText(Money.of('-950', 'EUR'))).toBe('-950.00 EUR');
  });
  it('counts days per stage, summing repeat visits', () => {
    const d = deal('x', { createdAt: '2027-01-01' });
    const h = [change('x', '2027-01-11', 'stage', 'Discovery', 'Proposal'), change('x', '2027-01-15', 'stage', 'Proposal', 'Discovery'), change('x', '2027-01-20', 'stage', 'Discovery', 'Proposal')];
    expect(Object.fromEntries(daysPerStage(d, h))).toEqual({ Discovery: 15, Proposal: 4 });
  });
  it('validates config overrides', () => {
    expect(stalledConfig().noActivityDays).toBe(14);
    expect(() => stalledConfig({ noActivityDays: -1 })).toThrow();
    expect(() => stalledConfig({ stageCriticalFactor: '0.5' })).toThrow();
  });
});

describe('stage norms', () => {
  const won = [wonDeal('w1', 10, 5, 9), wonDeal('w2', 12, 6, 7), wonDeal('w3', 8, 4, 9), wonDeal('w4', 20, 8, 12), wonDeal('w5', 5, 3, 11)];
  const deals = won.map((w) => w.deal);
  const history = won.flatMap((w) => w.history);

  it('learns the median of won deals per stage', () => {
    const norms = learnStageNorms({ deals, history, stages, asOf: AS_OF });
    expect(norms).toEqual([
      { stage: 'Discovery', medianDays: 10, samples: 5, normDays: 10, source: 'learned' },
      { stage: 'Proposal', medianDays: 5, samples: 5, normDays: 5, source: 'learned' },
      { stage: 'Negotiation', medianDays: 9, samples: 5, normDays: 9, source: 'learned' },
    ]);
  });

  it('falls back to the default with fewer samples than the minimum', () => {
    const norms = learnStageNorms({ deals: deals.slice(0, 4), history, stages, asOf: AS_OF });
    expect(norms[2]).toEqual({ stage: 'Negotiation', medianDays: 9, samples: 4, normDays: 14, source: 'default' });
    const custom = learnStageNorms({ deals: deals.slice(0, 4), history, stages, asOf: AS_OF, config: stalledConfig({ stageNormDefaults: { Negotiation: 21 } }) });
    expect(custom[2]!.normDays).toBe(21);
  });

  it('learns the same norms from streamed won-deal stage changes', () => {
    const rows = won.flatMap((w) => w.history.filter((c) => c.field === 'stage' && c.from !== null).map((c) => ({ dealId: w.deal.id, createdAt: w.deal.createdAt, at: c.at, from: c.from! })));
    const samples = stageSamplesOf(rows);
    expect(samples.get('Negotiation')).toEqual({ samples: 5, medianDays: 9 });
    // Given the samples, detection needs only the deals it checks, and says the same.
    const open = [deal('o1', { stage: 'Negotiation', createdAt: '2027-01-01' }), deal('o2', { createdAt: addDays(AS_OF, -16) })];
    const openHistory = [change('o1', '2027-02-01', 'stage', 'Discovery', 'Negotiation')];
    const full = run({ deals: [...deals, ...open], history: [...history, ...openHistory] });
    const fromSamples = run({ deals: open, history: openHistory, stageSamples: samples });
    expect(fromSamples).toEqual(full);
    expect(fromSamples.stalled.map((s) => s.deal.id)).toEqual(['o1', 'o2']);
  });

  it('ignores won deals closed after asOf', () => {
    const norms = learnStageNorms({ deals, history, stages, asOf: '2026-06-25' });
    expect(norms.every((n) => n.samples < 5)).toBe(true);
  });

  it('flags days in stage against the learned norm, with the numbers in words', () => {
    const d = deal('n41', { stage: 'Negotiation', createdAt: '2026-12-01' });
    const h = [change('n41', '2027-01-10', 'stage', 'Discovery', 'Proposal'), change('n41', addDays(AS_OF, -41), 'stage', 'Proposal', 'Negotiation')];
    const r = run({ deals: [...deals, d], history: [...history, ...h] });
    const s = signal(r, 'n41', 'stage_age')!;
    expect(s.reason).toBe('41 days in Negotiation; won deals spend a median of 9');
    expect(s.severity).toBe('critical'); // 41 > 1.5 × 9
    expect(s.evidence).toMatchObject({ daysInStage: 41, normDays: 9, normSource: 'learned', samples: 5, enteredAt: addDays(AS_OF, -41) });
  });

  it('stage age: warning above the norm, critical above 1.5 × norm, nothing at the norm', () => {
    // Discovery norm 10 (learned); stageMinDays 7.
    const at = (n: number) => deal(`d${n}`, { createdAt: addDays(AS_OF, -n) });
    const r = run({ deals: [...deals, at(10), at(11), at(15), at(16)], history });
    expect(signal(r, 'd10', 'stage_age')).toBeUndefined();
    expect(signal(r, 'd11', 'stage_age')!.severity).toBe('warning');
    expect(signal(r, 'd15', 'stage_age')!.severity).toBe('warning'); // 15 = 1.5 × 10, not above
    expect(signal(r, 'd16', 'stage_age')!.severity).toBe('critical');
  });

  it('never flags stage age under stageMinDays, even above a tiny norm', () => {
    // Proposal norm 5; 6 days in Proposal is above it but under a week.
    const d = deal('p6', { stage: 'Proposal', createdAt: '2027-01-01' });
    const r = run({ deals: [...deals, d], history: [...history, change('p6', addDays(AS_OF, -6), 'stage', 'Discovery', 'Proposal')] });
    expect(signal(r, 'p6', 'stage_age')).toBeUndefined();
  });

  it('says when the norm is a default', () => {
    const d = deal('thin', { stage: 'Negotiation', createdAt: addDays(AS_OF, -20) });
    const r = run({ deals: [d], history: [change('thin', addDays(AS_OF, -20), 'stage', 'Discovery', 'Negotiation')] });
    expect(signal(r, 'thin', 'stage_age')).toMatchObject({
      severity: 'warning', // above 1.5 × 14, but a default norm is critical only past 30 days
      reason: '20 days in Negotiation; default norm of 14 (too little won-deal history to learn one: 0 of 5 needed)',
    });
    const stuck = (n: number) => deal(`s${n}`, { stage: 'Negotiation', createdAt: addDays(AS_OF, -n) });
    const r2 = run({ deals: [stuck(30), stuck(31)] });
    expect(signal(r2, 's30', 'stage_age')!.severity).toBe('warning');
    expect(signal(r2, 's31', 'stage_age')!.severity).toBe('critical');
  });
});

describe('no activity', () => {
  const noLog = (id: string) => deal(id, { stage: 'Discovery', createdAt: addDays(AS_OF, -60), lastActivityAt: null, nextStep: 'x' });
  const cfg = stalledConfig({ disabledSignals: ['stage_age'] });

  it('boundary: 13 days is fine, exactly 14 flags, 30 is a warning, 31 is critical', () => {
    const ds = [13, 14, 30, 31].map((n) => noLog(`a${n}`));
    const acts = [13, 14, 30, 31].map((n) => activity(`a${n}`, addDays(AS_OF, -n)));
    const r = run({ deals: ds, activities: acts, config: cfg });
    expect(signal(r, 'a13', 'no_activity')).toBeUndefined();
    expect(signal(r, 'a14', 'no_activity')).toMatchObject({ severity: 'warning', reason: `no activity for 14 days (last ${addDays(AS_OF, -14)})` });
    expect(signal(r, 'a30', 'no_activity')!.severity).toBe('warning');
    expect(signal(r, 'a31', 'no_activity')!.severity).toBe('critical');
  });

  it('uses the latest of the deal field and the activities, ignoring those after asOf', () => {
    const d = deal('m', { createdAt: addDays(AS_OF, -90), lastActivityAt: addDays(AS_OF, -20) });
    const r = run({ deals: [d], activities: [activity('m', addDays(AS_OF, -40)), activity('m', addDays(AS_OF, 3))], config: cfg });
    expect(signal(r, 'm', 'no_activity')!.evidence).toEqual({ kind: 'no_activity', lastActivityAt: addDays(AS_OF, -20), since: addDays(AS_OF, -20), days: 20 });
  });

  it('counts from creation when nothing was ever logged', () => {
    const d = deal('never', { createdAt: addDays(AS_OF, -40), lastActivityAt: null });
    const r = run({ deals: [d], config: cfg });
    expect(signal(r, 'never', 'no_activity')).toMatchObject({ severity: 'critical', reason: 'no activity recorded in the 40 days since it was created' });
  });
});

describe('close date', () => {
  it('in the past while open: warning, critical beyond 30 days; today is not past', () => {
    const r = run({ deals: [deal('today', { closeDate: AS_OF }), deal('late', { closeDate: addDays(AS_OF, -3) }), deal('very', { closeDate: addDays(AS_OF, -31) })] });
    expect(signal(r, 'today', 'close_date_past')).toBeUndefined();
    expect(signal(r, 'late', 'close_date_past')).toMatchObject({ severity: 'warning', reason: `expected to close ${addDays(AS_OF, -3)}, 3 days ago, and still open` });
    expect(signal(r, 'very', 'close_date_past')!.severity).toBe('critical');
  });

  it('closed deals are never flagged', () => {
    const r = run({ deals: [deal('lost', { status: 'lost', stage: 'Closed Lost', closeDate: '2027-01-01', closedAt: '2027-01-01', nextStep: null })] });
    expect(r.evaluated).toBe(0);
    expect(r.stalled).toEqual([]);
  });

  it('pushed once is not flagged, pushed twice is, three times is critical; pulling in does not count', () => {
    const once = [change('p1', '2027-02-01', 'closeDate', '2027-03-01', '2027-04-15')];
    const twice = [change('p2', '2027-02-01', 'closeDate', '2027-03-01', '2027-03-20'), change('p2', '2027-03-10', 'closeDate', '2027-03-20', '2027-04-30')];
    const pulled = [...once.map((c) => ({ ...c, dealId: 'p3' })), change('p3', '2027-03-01', 'closeDate', '2027-04-15', '2027-04-01'), change('p3', '2027-03-05', 'closeDate', '2027-04-01', '2027-04-20')];
    const thrice = [...twice.map((c) => ({ ...c, dealId: 'p4' })), change('p4', '2027-03-20', 'closeDate', '2027-04-30', '2027-05-31')];
    const r = run({ deals: ['p1', 'p2', 'p3', 'p4'].map((id) => deal(id)), history: [...once, ...twice, ...pulled, ...thrice] });
    expect(signal(r, 'p1', 'close_date_pushed')).toBeUndefined();
    expect(signal(r, 'p2', 'close_date_pushed')).toMatchObject({ severity: 'warning', reason: 'close date pushed later 2 times (2027-03-01 → 2027-03-20 → 2027-04-30)' });
    expect(signal(r, 'p3', 'close_date_pushed')!.evidence).toMatchObject({ pushes: [{ at: '2027-02-01' }, { at: '2027-03-05' }] });
    expect(signal(r, 'p4', 'close_date_pushed')!.severity).toBe('critical');
  });

  it('ignores history after asOf', () => {
    const h = [change('f', '2027-02-01', 'closeDate', '2027-03-01', '2027-04-15'), change('f', '2027-04-02', 'closeDate', '2027-04-15', '2027-05-15')];
    expect(signal(run({ deals: [deal('f')], history: h }), 'f', 'close_date_pushed')).toBeUndefined();
  });
});

describe('amount, stage regression, next step', () => {
  it('amount reduced, with the total cut in words; raised is fine', () => {
    const h = [change('a', '2027-02-01', 'amount', '120000', '100000'), change('a', '2027-03-01', 'amount', '100000', '80000'), change('b', '2027-02-01', 'amount', '40000', '50000')];
    const r = run({ deals: [deal('a', { amount: new Dec('80000') }), deal('b')], history: h });
    expect(signal(r, 'a', 'amount_reduced')!.reason).toBe('amount reduced 2 times, from 120,000.00 USD to 80,000.00 USD (33.3% less)');
    expect(signal(r, 'b', 'amount_reduced')).toBeUndefined();
  });

  it('stage moved backward between open stages', () => {
    const h = [change('s', '2027-02-01', 'stage', 'Discovery', 'Negotiation'), change('s', '2027-03-01', 'stage', 'Negotiation', 'Proposal'), change('t', '2027-02-01', 'stage', 'Discovery', 'Proposal')];
    const r = run({ deals: [deal('s', { stage: 'Proposal', createdAt: '2027-01-15' }), deal('t', { stage: 'Proposal', createdAt: '2027-01-15' })], history: h, config: stalledConfig({ disabledSignals: ['stage_age'] }) });
    expect(signal(r, 's', 'stage_regressed')).toMatchObject({ severity: 'warning', reason: 'moved back from Negotiation to Proposal on 2027-03-01' });
    expect(kinds(r, 't')).toEqual([]);
  });

  it('next step missing (null or blank), and can be disabled', () => {
    const r = run({ deals: [deal('n', { nextStep: null }), deal('b', { nextStep: '  ' }), deal('ok')] });
    expect(kinds(r, 'n')).toEqual(['next_step_missing']);
    expect(kinds(r, 'b')).toEqual(['next_step_missing']);
    expect(kinds(r, 'ok')).toEqual([]);
    expect(run({ deals: [deal('n', { nextStep: null })], config: stalledConfig({ disabledSignals: ['next_step_missing'] }) }).stalled).toEqual([]);
  });
});

describe('severity and order', () => {
  it('critical beats high beats medium; then the larger amount; then id', () => {
    const r = run({
      deals: [
        deal('m-small', { nextStep: null, amount: new Dec('1000') }),
        deal('m-big', { nextStep: null, amount: new Dec('90000') }),
        deal('h', { nextStep: null, closeDate: addDays(AS_OF, -2) }),
        deal('c', { closeDate: addDays(AS_OF, -45) }),
      ],
    });
    expect(r.stalled.map((s) => [s.deal.id, s.severity])).toEqual([
      ['c', 'critical'],
      ['h', 'high'],
      ['m-big', 'medium'],
      ['m-small', 'medium'],
    ]);
    expect(r.stalled[2]!.amountAtRisk.toString()).toBe('90000.00');
  });

  it('is deterministic: same input, same output', () => {
    const input = { deals: [deal('a', { nextStep: null }), deal('b', { closeDate: addDays(AS_OF, -1) })] };
    expect(JSON.stringify(run(input))).toBe(JSON.stringify(run(input)));
  });
});
