// The manager's coaching summary: facts about each rep in, standouts and talking points
// out, by explicit rules. Pure. The talking points only restate numbers they are given, so
// a model narrating them has nothing to invent.
//
// Rules (in the order talking points are listed):
// - no_quota: the rep has no quota for the period.
// - at_quota: attainment ≥ 100 %.
// - behind_pace: attainment below pace by more than `paceTolerance` (10 points), where pace
//   = share of the period's days elapsed.
// - ahead_of_pace: attainment above pace by more than `paceTolerance`, still under 100 %.
// - thin_pipeline: coverage of the remaining quota below what their win rate needs
//   (1 / win rate by value; `defaultRequiredCoverage` 3× when they have no closed deals).
// - stalled_deal / stalled_deal_crosses_tier: the top stalled deal by payout leverage,
//   its reasons and what closing it adds (and which tier or bonus it unlocks).
// - kpi_below_team / kpi_above_team: a KPI at least `standoutRatio` (25 %) worse / better
//   than the team median (at most one "better" point).
// - data_hygiene: under `hygieneShare` (50 %) of open deals have amount, close date, next
//   step and recent activity.
import { Dec, Money } from './money.ts';
import { moneyText } from './stalled-deals.ts';

export interface CoachingConfig {
  /** Points of attainment (ratio, 0.10 = 10 points) either side of pace still "on pace". */
  paceTolerance: Dec;
  /** Relative difference from the team median that makes a KPI stand out. */
  standoutRatio: Dec;
  /** Coverage required when the rep's win rate is unknown. */
  defaultRequiredCoverage: Dec;
  hygieneShare: Dec;
}

export function coachingConfig(over: Partial<CoachingConfig> = {}): CoachingConfig {
  return { paceTolerance: new Dec('0.10'), standoutRatio: new Dec('0.25'), defaultRequiredCoverage: new Dec(3), hygieneShare: new Dec('0.5'), ...over };
}

export type StandoutKpi = 'attainment' | 'winRateByCount' | 'averageDealSize' | 'salesCycleMedianDays' | 'pipelineCoverage' | 'dataCompleteness';

/** Whether a higher value is better, and how to say the KPI's value. */
const KPI_META: Readonly<Record<StandoutKpi, { label: string; higherIsBetter: boolean; unit: 'pct' | 'money' | 'days' | 'times' }>> = {
  attainment: { label: 'Attainment', higherIsBetter: true, unit: 'pct' },
  winRateByCount: { label: 'Win rate', higherIsBetter: true, unit: 'pct' },
  averageDealSize: { label: 'Average deal size', higherIsBetter: true, unit: 'money' },
  salesCycleMedianDays: { label: 'Median sales cycle', higherIsBetter: false, unit: 'days' },
  pipelineCoverage: { label: 'Pipeline coverage', higherIsBetter: true, unit: 'times' },
  dataCompleteness: { label: 'CRM data completeness', higherIsBetter: true, unit: 'pct' },
};

export const STANDOUT_KPIS = Object.keys(KPI_META) as StandoutKpi[];

export interface StalledLeverage {
  dealId: string;
  name: string;
  amount: Money;
  severity: string;
  reasons: readonly string[];
  /** What closing it this period adds to payout; null when it cannot be estimated. */
  leverage: Money | null;
  attainmentBefore: Dec | null;
  attainmentAfter: Dec | null;
  /** "100%–150% at 12%", "bonus unlocked at 100%" */
  unlocks: readonly string[];
}

export interface RepFacts {
  userId: string;
  name: string;
  currency: string;
  quota: Money | null;
  credited: Money;
  attainment: Dec | null;
  /** Days of the period elapsed as of asOf, and days in the period. */
  elapsedDays: number;
  totalDays: number;
  openPipeline: Money;
  remainingQuota: Money | null;
  coverage: Dec | null;
  /** Win rate by value behind the required coverage; null when no deals closed. */
  winRateByValue: Dec | null;
  openDeals: number;
  completeDeals: number;
  /** The KPI values compared with the team (null = not measurable). */
  kpis: Readonly<Record<StandoutKpi, Dec | null>>;
  /** Stalled deals, highest leverage first. */
  stalled: readonly StalledLeverage[];
}

export type PaceStatus = 'no_quota' | 'at_quota' | 'ahead' | 'on_pace' | 'behind';

export interface Standout {
  kpi: StandoutKpi;
  value: Dec;
  teamMedian: Dec;
  /** (value − median) / |median| */
  relativeDiff: Dec;
  direction: 'better' | 'worse';
}

export interface TalkingPoint {
  rule: 'no_quota' | 'at_quota' | 'behind_pace' | 'ahead_of_pace' | 'thin_pipeline' | 'stalled_deal' | 'stalled_deal_crosses_tier' | 'kpi_below_team' | 'kpi_above_team' | 'data_hygiene';
  text: string;
}

export interface RepCoaching {
  userId: string;
  /** Expected attainment by now: elapsed / total days. */
  pace: Dec;
  status: PaceStatus;
  /** quota − credited, not below 0; null without quota. */
  gapToQuota: Money | null;
  requiredCoverage: Dec;
  requiredCoverageSource: 'win_rate' | 'default';
  /** remaining × required − pipeline, not below 0. */
  pipelineToBuild: Money | null;
  standouts: Standout[];
  talkingPoints: TalkingPoint[];
}

export const pct = (d: Dec): string => `${d.times(100).toDecimalPlaces(1).toFixed(1)}%`;
/** 0.291 → "29.1 points" (percentage points of attainment). */
const pointsText = (d: Dec): string => `${d.times(100).toDecimalPlaces(1).toFixed(1)} points`;
const times = (d: Dec): string => `${d.toDecimalPlaces(1).toFixed(1)}×`;

function valueText(kpi: StandoutKpi, v: Dec, currency: string): string {
  switch (KPI_META[kpi].unit) {
    case 'pct':
      return pct(v);
    case 'money':
      return moneyText(Money.of(v, currency));
    case 'days':
      return `${v.toDecimalPlaces(1).toString()} days`;
    case 'times':
      return times(v);
  }
}

/** Team median of each KPI over the reps that have a value. */
export function teamMedians(reps: readonly RepFacts[]): Record<StandoutKpi, Dec | null> {
  const out = {} as Record<StandoutKpi, Dec | null>;
  for (const k of STANDOUT_KPIS) {
    const vals = reps.map((r) => r.kpis[k]).filter((v): v is Dec => v !== null).sort((a, b) => a.cmp(b));
    const mid = Math.floor(vals.length / 2);
    out[k] = vals.length === 0 ? null : vals.length % 2 === 1 ? vals[mid]! : vals[mid - 1]!.plus(vals[mid]!).div(2);
  }
  return out;
}

export function standoutsOf(rep: RepFacts, medians: Readonly<Record<StandoutKpi, Dec | null>>, config: CoachingConfig): Standout[] {
  const out: Standout[] = [];
  for (const kpi of STANDOUT_KPIS) {
    const value = rep.kpis[kpi];
    const median = medians[kpi];
    if (value === null || median === null || median.isZero()) continue;
    const relativeDiff = value.minus(median).div(median.abs());
    if (relativeDiff.abs().lt(config.standoutRatio)) continue;
    const better = relativeDiff.isPositive() === KPI_META[kpi].higherIsBetter;
    out.push({ kpi, value, teamMedian: median, relativeDiff, direction: better ? 'better' : 'worse' });
  }
  return out;
}

export function coachRep(rep: RepFacts, medians: Readonly<Record<StandoutKpi, Dec | null>>, config: CoachingConfig = coachingConfig()): RepCoaching {
  const zero = Money.zero(rep.currency);
  const pace = rep.totalDays === 0 ? new Dec(0) : new Dec(rep.elapsedDays).div(rep.totalDays);
  const gapToQuota = rep.quota === null ? null : rep.quota.minus(rep.credited).max(zero);
  let status: PaceStatus;
  if (rep.attainment === null) status = 'no_quota';
  else if (rep.attainment.gte(1)) status = 'at_quota';
  else if (rep.attainment.lt(pace.minus(config.paceTolerance))) status = 'behind';
  else if (rep.attainment.gt(pace.plus(config.paceTolerance))) status = 'ahead';
  else status = 'on_pace';

  const fromWinRate = rep.winRateByValue !== null && rep.winRateByValue.gt(0);
  const requiredCoverage = fromWinRate ? new Dec(1).div(rep.winRateByValue!) : config.defaultRequiredCoverage;
  const pipelineToBuild = rep.remainingQuota === null ? null : Money.of(rep.remainingQuota.amount.times(requiredCoverage), rep.currency).minus(rep.openPipeline).max(zero);
  const standouts = standoutsOf(rep, medians, config);

  const points: TalkingPoint[] = [];
  const att = rep.attainment;
  switch (status) {
    case 'no_quota':
      points.push({ rule: 'no_quota', text: `${rep.name} has no quota for this period, so attainment and pace cannot be measured.` });
      break;
    case 'at_quota':
      points.push({ rule: 'at_quota', text: `${rep.name} is at ${pct(att!)} of quota with ${pct(pace)} of the period gone: already past quota.` });
      break;
    case 'behind':
      points.push({
        rule: 'behind_pace',
        text: `${rep.name} is at ${pct(att!)} of quota with ${pct(pace)} of the period gone: ${pointsText(pace.minus(att!))} behind pace, ${moneyText(gapToQuota!)} to go.`,
      });
      break;
    case 'ahead':
      points.push({ rule: 'ahead_of_pace', text: `${rep.name} is at ${pct(att!)} of quota with ${pct(pace)} of the period gone: ahead of pace, ${moneyText(gapToQuota!)} to go.` });
      break;
    case 'on_pace':
      break;
  }

  if (rep.remainingQuota !== null && !rep.remainingQuota.isZero()) {
    const coverage = rep.coverage ?? new Dec(0);
    if (coverage.lt(requiredCoverage)) {
      const need = fromWinRate ? `at a ${pct(rep.winRateByValue!)} win rate by value it needs ${times(requiredCoverage)}` : `with no closed deals to learn a win rate from, the rule of thumb is ${times(requiredCoverage)}`;
      points.push({
        rule: 'thin_pipeline',
        text: `Open pipeline closing this period is ${moneyText(rep.openPipeline)}, ${times(coverage)} the remaining ${moneyText(rep.remainingQuota)}; ${need}: about ${moneyText(pipelineToBuild!)} more to build.`,
      });
    }
  }

  const top = rep.stalled.find((s) => s.leverage !== null && s.leverage.amount.gt(0)) ?? rep.stalled[0];
  if (top) {
    const reasons = top.reasons.slice(0, 2).join('; ');
    let text = `${top.name} (${moneyText(top.amount)}) is stalled (${top.severity}): ${reasons}.`;
    if (top.leverage !== null && top.leverage.amount.gt(0)) {
      text += ` Closing it this period adds ${moneyText(top.leverage)} to ${rep.name}'s payout`;
      if (top.attainmentBefore !== null && top.attainmentAfter !== null) text += ` and takes attainment from ${pct(top.attainmentBefore)} to ${pct(top.attainmentAfter)}`;
      text += top.unlocks.length > 0 ? `, unlocking ${top.unlocks.join(' and ')}.` : '.';
    }
    points.push({ rule: top.unlocks.length > 0 ? 'stalled_deal_crosses_tier' : 'stalled_deal', text });
  }

  for (const s of standouts.filter((x) => x.direction === 'worse')) {
    points.push({ rule: 'kpi_below_team', text: `${KPI_META[s.kpi].label} ${valueText(s.kpi, s.value, rep.currency)} against a team median of ${valueText(s.kpi, s.teamMedian, rep.currency)}.` });
  }
  const best = standouts.find((x) => x.direction === 'better');
  if (best) {
    points.push({
      rule: 'kpi_above_team',
      text: `${KPI_META[best.kpi].label} ${valueText(best.kpi, best.value, rep.currency)} against a team median of ${valueText(best.kpi, best.teamMedian, rep.currency)}: a strength to build on.`,
    });
  }

  if (rep.openDeals > 0 && new Dec(rep.completeDeals).div(rep.openDeals).lt(config.hygieneShare)) {
    points.push({ rule: 'data_hygiene', text: `Only ${rep.completeDeals} of ${rep.openDeals} open deals have an amount, a close date, a next step and activity in the last 14 days.` });
  }

  return { userId: rep.userId, pace, status, gapToQuota, requiredCoverage, requiredCoverageSource: fromWinRate ? 'win_rate' : 'default', pipelineToBuild, standouts, talkingPoints: points };
}

/** Coaching for a whole team: medians over the team, then each rep against them. */
export function coachTeam(reps: readonly RepFacts[], config: CoachingConfig = coachingConfig()): { medians: Record<StandoutKpi, Dec | null>; reps: RepCoaching[] } {
  const medians = teamMedians(reps);
  return { medians, reps: reps.map((r) => coachRep(r, medians, config)) };
}
