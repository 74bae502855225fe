// Coaching rules: each talking point fires from the facts it states, and only then.
import { describe, expect, it } from 'vitest';
import { coachingConfig, coachRep, coachTeam, type RepFacts, STANDOUT_KPIS, standoutsOf, teamMedians } from './coaching.ts';
import { Dec, Money } from './money.ts';

const usd = (s: string) => Money.of(s, 'USD');
const noKpis = Object.fromEntries(STANDOUT_KPIS.map((k) => [k, null])) as RepFacts['kpis'];

function rep(over: Partial<RepFacts> = {}): RepFacts {
  return {
    userId: 'u1',
    name: 'Ana',
    currency: 'USD',
    quota: usd('100000'),
    credited: usd('50000'),
    attainment: new Dec('0.5'),
    elapsedDays: 45,
    totalDays: 90,
    openPipeline: usd('150000'),
    remainingQuota: usd('50000'),
    coverage: new Dec(3),
    winRateByValue: new Dec('0.5'),
    openDeals: 4,
    completeDeals: 4,
    kpis: noKpis,
    stalled: [],
    ...over,
  };
}
const rules = (r: ReturnType<typeof coachRep>) => r.talkingPoints.map((p) => p.rule);
const medians = teamMedians([]);

describe('pace', () => {
  it('on pace within 10 points either side says nothing', () => {
    const c = coachRep(rep(), medians);
    expect(c.status).toBe('on_pace');
    expect(c.pace.toString()).toBe('0.5');
    expect(rules(c)).toEqual([]);
  });

  it('behind pace states attainment, pace, points behind and the gap', () => {
    const c = coachRep(rep({ attainment: new Dec('0.3'), credited: usd('30000'), remainingQuota: usd('70000'), coverage: new Dec('2.5') }), medians);
    expect(c.status).toBe('behind');
    expect(c.talkingPoints[0]!.text).toBe('Ana is at 30.0% of quota with 50.0% of the period gone: 20.0 points behind pace, 70,000.00 USD to go.');
  });

  it('boundary: exactly 10 points behind is still on pace', () => {
    expect(coachRep(rep({ attainment: new Dec('0.4') }), medians).status).toBe('on_pace');
  });

  it('at quota, ahead, and no quota', () => {
    expect(coachRep(rep({ attainment: new Dec('1'), remainingQuota: usd('0') }), medians).status).toBe('at_quota');
    expect(coachRep(rep({ attainment: new Dec('0.75') }), medians).status).toBe('ahead');
    const none = coachRep(rep({ quota: null, attainment: null, remainingQuota: null, coverage: null }), medians);
    expect(none.status).toBe('no_quota');
    expect(none.gapToQuota).toBeNull();
    expect(rules(none)).toEqual(['no_quota']);
  });
});

describe('coverage', () => {
  it('thin pipeline: coverage under 1 / win rate, with the pipeline to build', () => {
    const c = coachRep(rep({ openPipeline: usd('60000'), coverage: new Dec('1.2'), winRateByValue: new Dec('0.25') }), medians);
    expect(c.requiredCoverage.toString()).toBe('4');
    expect(c.pipelineToBuild!.toString()).toBe('140000.00');
    expect(c.talkingPoints.find((p) => p.rule === 'thin_pipeline')!.text).toBe(
      'Open pipeline closing this period is 60,000.00 USD, 1.2× the remaining 50,000.00 USD; at a 25.0% win rate by value it needs 4.0×: about 140,000.00 USD more to build.',
    );
  });

  it('exactly the required coverage is enough', () => {
    expect(rules(coachRep(rep({ coverage: new Dec(2), openPipeline: usd('100000') }), medians))).not.toContain('thin_pipeline');
  });

  it('falls back to 3× without a win rate, and says so', () => {
    const c = coachRep(rep({ winRateByValue: null, coverage: new Dec(2), openPipeline: usd('100000') }), medians);
    expect(c.requiredCoverageSource).toBe('default');
    expect(c.talkingPoints.find((p) => p.rule === 'thin_pipeline')!.text).toContain('with no closed deals to learn a win rate from, the rule of thumb is 3.0×');
  });
});

describe('stalled deals and standouts', () => {
  const stalled = {
    dealId: 'd1',
    name: 'Acme renewal',
    amount: usd('40000'),
    severity: 'critical',
    reasons: ['41 days in Negotiation; won deals spend a median of 9', 'no activity for 20 days (last 2027-03-11)', 'ignored third'],
    leverage: usd('5200'),
    attainmentBefore: new Dec('0.9'),
    attainmentAfter: new Dec('1.3'),
    unlocks: ['100%–150% at 12%'],
  };

  it('names the top stalled deal with its leverage and the tier it unlocks', () => {
    const c = coachRep(rep({ stalled: [stalled] }), medians);
    expect(c.talkingPoints).toContainEqual({
      rule: 'stalled_deal_crosses_tier',
      text: "Acme renewal (40,000.00 USD) is stalled (critical): 41 days in Negotiation; won deals spend a median of 9; no activity for 20 days (last 2027-03-11). Closing it this period adds 5,200.00 USD to Ana's payout and takes attainment from 90.0% to 130.0%, unlocking 100%–150% at 12%.",
    });
  });

  it('a stalled deal without leverage is still named, without a payout claim', () => {
    const c = coachRep(rep({ stalled: [{ ...stalled, leverage: null, unlocks: [] }] }), medians);
    const p = c.talkingPoints.find((x) => x.rule === 'stalled_deal')!;
    expect(p.text).not.toContain('payout');
  });

  it('standouts at 25% from the team median, in the right direction (shorter cycle is better)', () => {
    const k = (over: Partial<RepFacts['kpis']>) => ({ ...noKpis, ...over });
    const team = [
      rep({ userId: 'a', kpis: k({ winRateByCount: new Dec('0.4'), salesCycleMedianDays: new Dec(30) }) }),
      rep({ userId: 'b', kpis: k({ winRateByCount: new Dec('0.3'), salesCycleMedianDays: new Dec(40) }) }),
      rep({ userId: 'c', kpis: k({ winRateByCount: new Dec('0.2'), salesCycleMedianDays: new Dec(20) }) }),
    ];
    const m = teamMedians(team);
    expect(m.winRateByCount!.toString()).toBe('0.3');
    const dirs = (i: number) => standoutsOf(team[i]!, m, coachingConfig()).map((s) => [s.kpi, s.direction]);
    expect(dirs(0)).toEqual([['winRateByCount', 'better']]); // +33 %
    expect(dirs(1)).toEqual([['salesCycleMedianDays', 'worse']]); // 40 vs 30 days
    expect(dirs(2)).toEqual([
      ['winRateByCount', 'worse'],
      ['salesCycleMedianDays', 'better'],
    ]);
    const c = coachRep(team[2]!, m);
    expect(c.talkingPoints.filter((p) => p.rule.startsWith('kpi_')).map((p) => p.text)).toEqual([
      'Win rate 20.0% against a team median of 30.0%.',
      'Median sales cycle 20 days against a team median of 30 days: a strength to build on.',
    ]);
    // 20 % away is not a standout
    expect(standoutsOf(rep({ kpis: k({ winRateByCount: new Dec('0.24') }) }), m, coachingConfig())).toEqual([]);
  });
});

describe('team', () => {
  it('coaches every rep against the team medians, deterministically', () => {
    const team = [rep({ userId: 'a' }), rep({ userId: 'b', completeDeals: 1 })];
    const out = coachTeam(team);
    expect(out.reps.map((r) => r.userId)).toEqual(['a', 'b']);
    expect(rules(out.reps[1]!)).toEqual(['data_hygiene']);
    expect(JSON.stringify(coachTeam(team))).toBe(JSON.stringify(out));
  });
});
