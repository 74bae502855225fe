// Sales KPIs over deals, credits and quotas for one period: pure functions, each with its
// formula in words (../shared/research/mission-anchors.md §7). Ratios are exact Decimals
// (null where the denominator is empty or zero); day counts are numbers.
//
// Definition choices, pinned:
// - "Closed in the period" = closedAt within [period.start, period.end].
// - Win rate is over closed deals (won + lost), by count and by amount.
// - Sales cycle counts won deals only, from createdAt to closedAt.
// - Pipeline coverage counts open deals (as of asOf) whose expected close date falls in the
//   period, against remaining quota; required coverage is 1 / win rate by value.
// - Compensation-to-revenue uses statement earnings (commission, SPIFs, bonuses net of
//   clawbacks): base salaries are not recorded, so they are not in it.
import type { Activity, Deal, DealChange, Stage } from './deals.ts';
import { Dec, Money } from './money.ts';
import type { Credit } from './plan.ts';
import { type LocalDate, type Period, containsDate, daysBetween } from './periods.ts';

export const KPI_FORMULAS = {
  attainment: 'quota attainment = credited amount counting toward quota, closed in the period / quota of the period',
  winRate: 'win rate = won / (won + lost) over deals closed in the period; by count, and by value (amount won / amount won + lost)',
  averageDealSize: 'average deal size = amount won / number of deals won in the period',
  salesCycle: 'sales cycle = days from created to won, over deals won in the period; median and mean',
  pipelineCoverage:
    'pipeline coverage = open pipeline with an expected close date in the period / remaining quota (quota − credited, not below 0); required coverage = 1 / win rate by value',
  stageConversion:
    'stage conversion = of the deals closed in the period that reached a stage, the share that reached a later open stage or won (toNext) and the share won (toWon)',
  rampTime:
    'ramp time = periods from a new rep\'s start until the first period whose attainment reaches the target (median attainment of ramped reps in the same periods, or 100% when there are none)',
  compToRevenue: 'compensation-to-revenue = statement earnings (commission + SPIFs + bonuses − clawbacks; base salary not recorded) / revenue credited in the period',
  forecastAccuracy: 'forecast accuracy = 1 − |forecast − actual| / actual per period; over several periods 100% − MAPE; bias = mean of (forecast − actual) / actual',
  dataCompleteness:
    'CRM data completeness = share of open deals with an amount above 0, an expected close date, a next step and an activity in the last 14 days (each, and all four)',
} as const;

export type KpiName = keyof typeof KPI_FORMULAS;

const ZERO = new Dec(0);

/** Median of decimals (mean of the middle two for an even count); null when empty. */
export function medianDec(values: readonly Dec[]): Dec | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a.cmp(b));
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : s[mid - 1]!.plus(s[mid]!).div(2);
}

const ratioOf = (num: Dec, den: Dec): Dec | null => (den.isZero() ? null : num.div(den));

const closedIn = (d: Deal, period: Period): boolean => d.status !== 'open' && d.closedAt !== null && containsDate(period, d.closedAt);

// ---------------------------------------------------------------------------------------

export interface AttainmentKpi {
  credited: Money;
  quota: Money | null;
  /** credited / quota; null without a (non-zero) quota. */
  attainment: Dec | null;
}

export function attainmentKpi(credits: readonly Credit[], quota: Money | null, period: Period, currency: string): AttainmentKpi {
  const credited = Money.sum(
    credits.filter((c) => c.countsTowardQuota && containsDate(period, c.closedAt)).map((c) => Money.of(c.amount, currency)),
    currency,
  );
  return { credited, quota, attainment: quota === null || quota.isZero() ? null : credited.amount.div(quota.amount) };
}

export interface WinRateKpi {
  won: number;
  lost: number;
  wonAmount: Money;
  lostAmount: Money;
  byCount: Dec | null;
  byValue: Dec | null;
}

export function winRate(deals: readonly Deal[], period: Period, currency: string): WinRateKpi {
  const closed = deals.filter((d) => closedIn(d, period));
  const won = closed.filter((d) => d.status === 'won');
  const lost = closed.filter((d) => d.status === 'lost');
  const wonAmount = Money.sum(won.map((d) => Money.of(d.amount, d.currency)), currency);
  const lostAmount = Money.sum(lost.map((d) => Money.of(d.amount, d.currency)), currency);
  return {
    won: won.length,
    lost: lost.length,
    wonAmount,
    lostAmount,
    byCount: ratioOf(new Dec(won.length), new Dec(closed.length)),
    byValue: ratioOf(wonAmount.amount, wonAmount.amount.plus(lostAmount.amount)),
  };
}

export interface DealSizeKpi {
  won: number;
  total: Money;
  average: Money | null;
}

export function averageDealSize(deals: readonly Deal[], period: Period, currency: string): DealSizeKpi {
  const won = deals.filter((d) => d.status === 'won' && closedIn(d, period));
  const total = Money.sum(won.map((d) => Money.of(d.amount, d.currency)), currency);
  return { won: won.length, total, average: won.length === 0 ? null : Money.of(total.amount.div(won.length), currency) };
}

export interface SalesCycleKpi {
  won: number;
  medianDays: Dec | null;
  meanDays: Dec | null;
}

export function salesCycle(deals: readonly Deal[], period: Period): SalesCycleKpi {
  const lengths = deals.filter((d) => d.status === 'won' && closedIn(d, period)).map((d) => new Dec(Math.max(0, daysBetween(d.createdAt, d.closedAt!))));
  return {
    won: lengths.length,
    medianDays: medianDec(lengths),
    meanDays: lengths.length === 0 ? null : lengths.reduce((s, n) => s.plus(n), ZERO).div(lengths.length),
  };
}

export interface CoverageKpi {
  openDeals: number;
  openPipeline: Money;
  /** quota − credited, not below 0; null without a quota. */
  remainingQuota: Money | null;
  /** openPipeline / remainingQuota; null without a quota or once it is reached. */
  coverage: Dec | null;
  /** 1 / win rate; null without a win rate above 0. */
  requiredCoverage: Dec | null;
  /** remainingQuota × requiredCoverage − openPipeline, not below 0: pipeline still to build. */
  pipelineGap: Money | null;
}

export function pipelineCoverage(input: {
  deals: readonly Deal[];
  period: Period;
  asOf: LocalDate;
  quota: Money | null;
  credited: Money;
  /** The win rate that sets the required coverage (by value, usually over a longer window). */
  winRate: Dec | null;
  currency: string;
}): CoverageKpi {
  const { period, currency } = input;
  const open = input.deals.filter((d) => d.status === 'open' && d.createdAt <= input.asOf && d.closeDate !== null && containsDate(period, d.closeDate));
  const openPipeline = Money.sum(open.map((d) => Money.of(d.amount, d.currency)), currency);
  const remainingQuota = input.quota === null ? null : input.quota.minus(input.credited).max(Money.zero(currency));
  const coverage = remainingQuota === null || remainingQuota.isZero() ? null : openPipeline.amount.div(remainingQuota.amount);
  const requiredCoverage = input.winRate === null || input.winRate.lte(0) ? null : new Dec(1).div(input.winRate);
  const pipelineGap =
    remainingQuota === null || requiredCoverage === null ? null : Money.of(remainingQuota.amount.times(requiredCoverage), currency).minus(openPipeline).max(Money.zero(currency));
  return { openDeals: open.length, openPipeline, remainingQuota, coverage, requiredCoverage, pipelineGap };
}

export interface StageConversionRow {
  stage: string;
  reached: number;
  advanced: number;
  won: number;
  toNext: Dec | null;
  toWon: Dec | null;
}

/** Open stages a deal is known to have been in: its first stage, every stage it moved to, its current one. */
export function stagesReached(deal: Deal, changes: readonly DealChange[]): Set<string> {
  const out = new Set<string>([deal.stage]);
  for (const c of changes) {
    if (c.field !== 'stage') continue;
    if (c.from !== null) out.add(c.from);
    if (c.to !== null) out.add(c.to);
  }
  return out;
}

export function stageConversion(deals: readonly Deal[], history: readonly DealChange[], stages: readonly Stage[], period: Period): StageConversionRow[] {
  const open = stages.filter((s) => s.status === 'open').sort((a, b) => a.order - b.order);
  const byDeal = new Map<string, DealChange[]>();
  for (const c of history) {
    const list = byDeal.get(c.dealId);
    if (list) list.push(c);
    else byDeal.set(c.dealId, [c]);
  }
  const closed = deals.filter((d) => closedIn(d, period)).map((d) => ({ deal: d, reached: stagesReached(d, byDeal.get(d.id) ?? []) }));
  return open.map((stage) => {
    const cohort = closed.filter((c) => c.reached.has(stage.name));
    const advanced = cohort.filter((c) => c.deal.status === 'won' || open.some((s) => s.order > stage.order && c.reached.has(s.name))).length;
    const won = cohort.filter((c) => c.deal.status === 'won').length;
    const n = new Dec(cohort.length);
    return { stage: stage.name, reached: cohort.length, advanced, won, toNext: ratioOf(new Dec(advanced), n), toWon: ratioOf(new Dec(won), n) };
  });
}

export interface RampKpi {
  startDate: LocalDate;
  target: Dec;
  /** Periods observed from the start period on. */
  periodsObserved: number;
  /** 1 = ramped in the start period; null = not yet ramped. */
  periodsToRamp: number | null;
  rampedIn: string | null;
}

/** `series` holds the rep's periods in time order (with attainment, null when no quota). */
export function rampTime(startDate: LocalDate, series: readonly { period: Period; attainment: Dec | null }[], target: Dec): RampKpi {
  const since = series.filter((s) => s.period.end >= startDate);
  const i = since.findIndex((s) => s.attainment !== null && s.attainment.gte(target));
  return { startDate, target, periodsObserved: since.length, periodsToRamp: i < 0 ? null : i + 1, rampedIn: i < 0 ? null : since[i]!.period.id };
}

export interface CompToRevenueKpi {
  earnings: Money;
  revenue: Money;
  ratio: Dec | null;
}

export function compToRevenue(earnings: Money, revenue: Money): CompToRevenueKpi {
  return { earnings, revenue, ratio: revenue.isZero() ? null : earnings.amount.div(revenue.amount) };
}

export interface ForecastPoint {
  periodId: string;
  forecast: Money;
  actual: Money;
}

export type ForecastAccuracyKpi =
  | { status: 'not_recorded' }
  | {
      status: 'recorded';
      periods: { periodId: string; forecast: Money; actual: Money; accuracy: Dec | null }[];
      /** 100% − MAPE over the periods with a non-zero actual. */
      accuracy: Dec | null;
      /** Mean signed error (forecast − actual) / actual: above 0 = over-forecast. */
      bias: Dec | null;
    };

export function forecastAccuracy(points: readonly ForecastPoint[]): ForecastAccuracyKpi {
  if (points.length === 0) return { status: 'not_recorded' };
  const periods = points.map((p) => ({
    ...p,
    accuracy: p.actual.isZero() ? null : new Dec(1).minus(p.forecast.minus(p.actual).amount.abs().div(p.actual.amount)),
  }));
  const usable = points.filter((p) => !p.actual.isZero());
  if (usable.length === 0) return { status: 'recorded', periods, accuracy: null, bias: null };
  const errors = usable.map((p) => p.forecast.minus(p.actual).amount.div(p.actual.amount));
  const mape = errors.reduce((s, e) => s.plus(e.abs()), ZERO).div(usable.length);
  return { status: 'recorded', periods, accuracy: new Dec(1).minus(mape), bias: errors.reduce((s, e) => s.plus(e), ZERO).div(usable.length) };
}

export interface CompletenessKpi {
  openDeals: number;
  withAmount: number;
  withCloseDate: number;
  withNextStep: number;
  withRecentActivity: number;
  /** Deals with all four. */
  complete: number;
  completeShare: Dec | null;
}

export function dataCompleteness(deals: readonly Deal[], activities: readonly Activity[], asOf: LocalDate, recentDays = 14): CompletenessKpi {
  const open = deals.filter((d) => d.status === 'open' && d.createdAt <= asOf);
  const lastByDeal = new Map<string, LocalDate>();
  for (const a of activities) {
    if (a.dealId === null || a.at > asOf) continue;
    const prev = lastByDeal.get(a.dealId);
    if (prev === undefined || a.at > prev) lastByDeal.set(a.dealId, a.at);
  }
  const checks = open.map((d) => {
    const fromField = d.lastActivityAt !== null && d.lastActivityAt <= asOf ? d.lastActivityAt : null;
    const fromLog = lastByDeal.get(d.id) ?? null;
    const last = fromField === null ? fromLog : fromLog === null || fromField > fromLog ? fromField : fromLog;
    return {
      amount: d.amount.gt(0),
      closeDate: d.closeDate !== null,
      nextStep: d.nextStep !== null && d.nextStep.trim() !== '',
      recent: last !== null && daysBetween(last, asOf) <= recentDays,
    };
  });
  const count = (f: (c: (typeof checks)[number]) => boolean) => checks.filter(f).length;
  const complete = count((c) => c.amount && c.closeDate && c.nextStep && c.recent);
  return {
    openDeals: open.length,
    withAmount: count((c) => c.amount),
    withCloseDate: count((c) => c.closeDate),
    withNextStep: count((c) => c.nextStep),
    withRecentActivity: count((c) => c.recent),
    complete,
    completeShare: ratioOf(new Dec(complete), new Dec(open.length)),
  };
}

// ---------------------------------------------------------------------------------------
// All of them at once, for one rep or a team (deals, credits, quota and earnings summed).

export interface SalesKpisInput {
  period: Period;
  asOf: LocalDate;
  currency: string;
  deals: readonly Deal[];
  history: readonly DealChange[];
  activities: readonly Activity[];
  stages: readonly Stage[];
  credits: readonly Credit[];
  quota: Money | null;
  /** Statement earnings of the period (null when no statement could be computed). */
  earnings: Money | null;
  /** Win rate setting the required coverage; defaults to this period's win rate by value. */
  coverageWinRate?: Dec | null;
  forecasts?: readonly ForecastPoint[];
}

export interface SalesKpis {
  attainment: AttainmentKpi;
  winRate: WinRateKpi;
  averageDealSize: DealSizeKpi;
  salesCycle: SalesCycleKpi;
  pipelineCoverage: CoverageKpi;
  stageConversion: StageConversionRow[];
  compToRevenue: CompToRevenueKpi | null;
  forecastAccuracy: ForecastAccuracyKpi;
  dataCompleteness: CompletenessKpi;
}

export function salesKpis(input: SalesKpisInput): SalesKpis {
  const { period, currency } = input;
  const attainment = attainmentKpi(input.credits, input.quota, period, currency);
  const wr = winRate(input.deals, period, currency);
  return {
    attainment,
    winRate: wr,
    averageDealSize: averageDealSize(input.deals, period, currency),
    salesCycle: salesCycle(input.deals, period),
    pipelineCoverage: pipelineCoverage({
      deals: input.deals,
      period,
      asOf: input.asOf,
      quota: input.quota,
      credited: attainment.credited,
      winRate: input.coverageWinRate === undefined ? wr.byValue : input.coverageWinRate,
      currency,
    }),
    stageConversion: stageConversion(input.deals, input.history, input.stages, period),
    compToRevenue: input.earnings === null ? null : compToRevenue(input.earnings, attainment.credited),
    forecastAccuracy: forecastAccuracy(input.forecasts ?? []),
    dataCompleteness: dataCompleteness(input.deals, input.activities, input.asOf),
  };
}
