import { z } from 'zod';
import { KPI_FORMULAS, type RampKpi, type SalesKpis, medianDec, rampTime, salesKpis, winRate } from '../engine/kpis.ts';
import { Dec, Money, formatRatio } from '../engine/money.ts';
import { type FiscalCalendar, type LocalDate, type Period, addDays, parsePeriodId, periodOf, periodsBetween } from '../engine/periods.ts';
import { type UserStatement, resolvePlanPeriod, statementFor } from '../services/comp.ts';
import type { Store, User } from '../store/types.ts';
import { reportsUnder, teamOf, userInScope } from './access.ts';
import type { ToolContext } from './context.ts';
import { defineTool } from './define-tool.ts';
import { memoized, underlyingStore } from './find-stalled-deals.ts';
import { AttainError } from './errors.ts';
import { periodInput, periodOut, userIdInput, userRef, userRefOf } from './schemas.ts';

// ---------------------------------------------------------------------------------------
// Shared with get_coaching_summary: KPI facts for one user or a group of users.

/** Days of the trailing window whose win rate sets the required pipeline coverage. */
export const TRAILING_WIN_RATE_DAYS = 365;
/** Reps who started within this many days of asOf are new (ramp time is reported). */
export const NEW_REP_DAYS = 365;
/** Fewest teammates with a value before a team median is shown (so no one's value can be backed out). */
export const MIN_MEDIAN_GROUP = 3;

const NO_FIGURES = new Set(['NO_ACTIVE_PLAN', 'NO_QUOTA', 'PERIOD_INVALID']);
const QUARTERLY: FiscalCalendar = { period: 'quarter', fiscalYearStartMonth: 1 };

export interface KpiPeriod {
  period: Period;
  calendar: FiscalCalendar;
  currency: string;
}

/** The period (and calendar, currency) from the first of `users` with a plan holding it. */
export function kpiPeriod(ctx: ToolContext, users: readonly User[], periodId: string | null, asOf: LocalDate): KpiPeriod {
  let firstError: AttainError | undefined;
  for (const u of users) {
    try {
      const r = resolvePlanPeriod(ctx.store, u, periodId, asOf);
      return { period: r.period, calendar: r.plan, currency: r.plan.currency };
    } catch (err) {
      if (!(err instanceof AttainError) || !NO_FIGURES.has(err.code)) throw err;
      firstError ??= err;
    }
  }
  if (periodId === null) return { period: periodOf(asOf, QUARTERLY), calendar: QUARTERLY, currency: 'USD' };
  for (const period of ['quarter', 'month', 'year'] as const) {
    const cal = { period, fiscalYearStartMonth: 1 };
    const p = parsePeriodId(periodId, cal);
    if (p) return { period: p, calendar: cal, currency: 'USD' };
  }
  throw firstError ?? new AttainError('PERIOD_INVALID', `"${periodId}" is not a period id (e.g. 2026-Q4, 2026-11, 2026).`);
}

export interface KpiFacts {
  users: User[];
  period: Period;
  currency: string;
  kpis: SalesKpis;
  /** Win rate over the trailing 12 months (sets the required coverage). */
  trailingWinRate: ReturnType<typeof winRate>;
  notes: string[];
}

/** Statements computed in the current call, by the call's memoized store (see `memoized`). */
const callStatements = new WeakMap<Store, Map<string, UserStatement | AttainError>>();

/**
 * statementFor, computed once per user and period within one tool call: a team's KPIs and
 * each member's need the same statements. Outside a memoized context, computed each time.
 */
function statementOnce(ctx: ToolContext, user: User, periodId: string, asOf: LocalDate): UserStatement {
  if (underlyingStore(ctx.store) === ctx.store) return statementFor(ctx.store, user, periodId, asOf);
  let memo = callStatements.get(ctx.store);
  if (!memo) callStatements.set(ctx.store, (memo = new Map()));
  const key = `${user.id}|${periodId}|${asOf}`;
  let hit = memo.get(key);
  if (hit === undefined) {
    try {
      hit = statementFor(ctx.store, user, periodId, asOf);
    } catch (err) {
      if (!(err instanceof AttainError)) throw err;
      hit = err;
    }
    memo.set(key, hit);
  }
  if (hit instanceof AttainError) throw hit;
  return hit;
}

/** KPIs of `users` together: their deals, credits, quotas and earnings summed. */
export function kpiFacts(ctx: ToolContext, users: readonly User[], kp: KpiPeriod, asOf: LocalDate): KpiFacts {
  const { period, currency } = kp;
  const ids = users.map((u) => u.id);
  const deals = ctx.store.listDeals({ ownerIds: ids }).filter((d) => d.currency === currency);
  const notes: string[] = [];
  let quota: Money | null = null;
  let earnings: Money | null = null;
  const credits = [];
  for (const u of users) {
    for (const c of ctx.store.creditsOf(u.id, { from: period.start, to: period.end })) credits.push(c);
    const q = ctx.store.quotasOf(u.id).get(period.id);
    if (q !== undefined && !q.isZero()) quota = (quota ?? Money.zero(currency)).plus(Money.of(q, currency));
    try {
      const s = statementOnce(ctx, u, period.id, asOf);
      if (s.plan.currency === currency) earnings = (earnings ?? Money.zero(currency)).plus(s.statement.earnings);
    } catch (err) {
      if (!(err instanceof AttainError) || !NO_FIGURES.has(err.code)) throw err;
      if (users.length === 1) notes.push(err.message);
    }
  }
  const open = deals.filter((d) => d.status === 'open').map((d) => d.id);
  const history = ctx.store.dealHistory(deals.map((d) => d.id));
  const activities = ctx.store.activitiesOf(open);
  const trailing = winRate(deals, { id: 'trailing-12-months', start: addDays(asOf, -(TRAILING_WIN_RATE_DAYS - 1)), end: asOf }, currency);
  const kpis = salesKpis({ period, asOf, currency, deals, history, activities, stages: ctx.store.listStages(), credits, quota, earnings, coverageWinRate: trailing.byValue });
  return { users: [...users], period, currency, kpis, trailingWinRate: trailing, notes };
}

/** Attainment per period from quotas and credits (no plan needed). */
function attainmentSeries(ctx: ToolContext, user: User, periods: readonly Period[]): { period: Period; attainment: Dec | null }[] {
  const quotas = ctx.store.quotasOf(user.id);
  const credits = ctx.store.creditsOf(user.id);
  return periods.map((period) => {
    const q = quotas.get(period.id);
    if (q === undefined || q.isZero()) return { period, attainment: null };
    const credited = credits.filter((c) => c.countsTowardQuota && c.closedAt >= period.start && c.closedAt <= period.end).reduce((s, c) => s.plus(c.amount), new Dec(0));
    return { period, attainment: credited.div(q) };
  });
}

/**
 * Ramp of a rep who started within NEW_REP_DAYS of asOf: periods until their attainment
 * reached the median attainment of the ramped `peers` over the same (completed) periods,
 * or 100 % when there are no ramped peers. Null for anyone else.
 */
export function rampOf(ctx: ToolContext, user: User, peers: readonly User[], kp: KpiPeriod, asOf: LocalDate): RampKpi | null {
  if (user.startDate === null || user.startDate > asOf || user.startDate < addDays(asOf, -NEW_REP_DAYS)) return null;
  const periods = periodsBetween(user.startDate, asOf, kp.calendar);
  const ramped = peers.filter((p) => p.id !== user.id && p.startDate !== null && p.startDate < addDays(asOf, -NEW_REP_DAYS));
  const done = periods.filter((p) => p.end < asOf);
  const peerValues = ramped.flatMap((p) => attainmentSeries(ctx, p, done).map((s) => s.attainment)).filter((a): a is Dec => a !== null);
  const target = medianDec(peerValues) ?? new Dec(1);
  return rampTime(user.startDate, attainmentSeries(ctx, user, periods), target);
}

// ---------------------------------------------------------------------------------------
// KPI rows

export const KPI_ROWS = [
  'attainment',
  'win_rate_by_count',
  'win_rate_by_value',
  'average_deal_size',
  'sales_cycle_median_days',
  'sales_cycle_mean_days',
  'pipeline_coverage',
  'required_coverage',
  'comp_to_revenue',
  'data_completeness',
  'forecast_accuracy',
  'ramp_periods',
] as const;
export type KpiRow = (typeof KPI_ROWS)[number];

type Unit = 'ratio' | 'money' | 'days' | 'multiple' | 'periods';
const ROW_META: Readonly<Record<KpiRow, { label: string; unit: Unit; formula: string }>> = {
  attainment: { label: 'Quota attainment', unit: 'ratio', formula: KPI_FORMULAS.attainment },
  win_rate_by_count: { label: 'Win rate (by count)', unit: 'ratio', formula: KPI_FORMULAS.winRate },
  win_rate_by_value: { label: 'Win rate (by value)', unit: 'ratio', formula: KPI_FORMULAS.winRate },
  average_deal_size: { label: 'Average deal size', unit: 'money', formula: KPI_FORMULAS.averageDealSize },
  sales_cycle_median_days: { label: 'Sales cycle, median', unit: 'days', formula: KPI_FORMULAS.salesCycle },
  sales_cycle_mean_days: { label: 'Sales cycle, mean', unit: 'days', formula: KPI_FORMULAS.salesCycle },
  pipeline_coverage: { label: 'Pipeline coverage', unit: 'multiple', formula: KPI_FORMULAS.pipelineCoverage },
  required_coverage: {
    label: 'Required coverage',
    unit: 'multiple',
    formula: 'required coverage = 1 / win rate by value over deals closed in the trailing 12 months',
  },
  comp_to_revenue: { label: 'Compensation-to-revenue', unit: 'ratio', formula: KPI_FORMULAS.compToRevenue },
  data_completeness: { label: 'CRM data completeness', unit: 'ratio', formula: KPI_FORMULAS.dataCompleteness },
  forecast_accuracy: { label: 'Forecast accuracy', unit: 'ratio', formula: KPI_FORMULAS.forecastAccuracy },
  ramp_periods: { label: 'Ramp time', unit: 'periods', formula: KPI_FORMULAS.rampTime },
};

/** The scalar value of every KPI row (null = not measurable). */
export function kpiValues(f: KpiFacts, ramp: RampKpi | null): Record<KpiRow, Dec | null> {
  const k = f.kpis;
  const fa = k.forecastAccuracy;
  return {
    attainment: k.attainment.attainment,
    win_rate_by_count: k.winRate.byCount,
    win_rate_by_value: k.winRate.byValue,
    average_deal_size: k.averageDealSize.average?.amount ?? null,
    sales_cycle_median_days: k.salesCycle.medianDays,
    sales_cycle_mean_days: k.salesCycle.meanDays,
    pipeline_coverage: k.pipelineCoverage.coverage,
    required_coverage: k.pipelineCoverage.requiredCoverage,
    comp_to_revenue: k.compToRevenue?.ratio ?? null,
    data_completeness: k.dataCompleteness.completeShare,
    forecast_accuracy: fa.status === 'recorded' ? fa.accuracy : null,
    ramp_periods: ramp?.periodsToRamp != null ? new Dec(ramp.periodsToRamp) : null,
  };
}

function fmt(unit: Unit, v: Dec | null, currency: string): string | null {
  if (v === null) return null;
  switch (unit) {
    case 'ratio':
      return formatRatio(v);
    case 'money':
      return Money.of(v, currency).toString();
    case 'days':
      return v.toDecimalPlaces(1, Dec.ROUND_HALF_UP).toFixed(1);
    case 'multiple':
      return formatRatio(v, 2);
    case 'periods':
      return v.toFixed(0);
  }
}

const pct = (d: Dec | null) => (d === null ? 'n/a' : `${d.times(100).toDecimalPlaces(1).toFixed(1)}%`);

/** The plain-words detail of a row, with its inputs. */
function detailOf(row: KpiRow, f: KpiFacts, ramp: RampKpi | null): string {
  const k = f.kpis;
  const c = f.currency;
  switch (row) {
    case 'attainment':
      return k.attainment.quota === null ? 'no quota for this period' : `${k.attainment.credited.toString()} credited of ${k.attainment.quota.toString()} ${c}`;
    case 'win_rate_by_count':
      return `${k.winRate.won} won, ${k.winRate.lost} lost in the period`;
    case 'win_rate_by_value':
      return `${k.winRate.wonAmount.toString()} won, ${k.winRate.lostAmount.toString()} lost ${c}`;
    case 'average_deal_size':
      return `${k.averageDealSize.total.toString()} ${c} over ${k.averageDealSize.won} won deals`;
    case 'sales_cycle_median_days':
    case 'sales_cycle_mean_days':
      return `${k.salesCycle.won} deals won in the period`;
    case 'pipeline_coverage': {
      const p = k.pipelineCoverage;
      if (p.remainingQuota === null) return `${p.openPipeline.toString()} ${c} open pipeline closing in the period; no quota`;
      if (p.remainingQuota.isZero()) return `quota reached; ${p.openPipeline.toString()} ${c} open pipeline closing in the period`;
      return `${p.openPipeline.toString()} ${c} in ${p.openDeals} open deals closing in the period, against ${p.remainingQuota.toString()} remaining quota`;
    }
    case 'required_coverage': {
      const gap = k.pipelineCoverage.pipelineGap;
      return `trailing 12-month win rate by value ${pct(f.trailingWinRate.byValue)} (${f.trailingWinRate.won} won, ${f.trailingWinRate.lost} lost)${gap !== null && !gap.isZero() ? `; ${gap.toString()} ${c} more pipeline needed` : ''}`;
    }
    case 'comp_to_revenue':
      return k.compToRevenue === null ? 'no statement for the period' : `${k.compToRevenue.earnings.toString()} earned on ${k.compToRevenue.revenue.toString()} ${c} credited`;
    case 'data_completeness': {
      const d = k.dataCompleteness;
      return `${d.complete} of ${d.openDeals} open deals complete (amount ${d.withAmount}, close date ${d.withCloseDate}, next step ${d.withNextStep}, activity in 14 days ${d.withRecentActivity})`;
    }
    case 'forecast_accuracy':
      return k.forecastAccuracy.status === 'not_recorded' ? 'not recorded: attain holds no forecast submissions to compare with' : `${k.forecastAccuracy.periods.length} periods`;
    case 'ramp_periods':
      if (ramp === null) return 'not a new rep (started more than 12 months ago, or no start date)';
      return ramp.periodsToRamp === null
        ? `started ${ramp.startDate}; not yet at the ramp target ${pct(ramp.target)} after ${ramp.periodsObserved} periods`
        : `started ${ramp.startDate}; reached ${pct(ramp.target)} in ${ramp.rampedIn}, period ${ramp.periodsToRamp}`;
  }
}

const kpiRowOut = z.object({
  name: z.enum(KPI_ROWS).describe('KPI'),
  label: z.string().describe('KPI name for people'),
  unit: z.enum(['ratio', 'money', 'days', 'multiple', 'periods']).describe('ratio: 4-place decimal ("0.2500" = 25%); money: decimal string in the currency; days; multiple: "3.00" = 3×; periods: whole plan periods'),
  value: z.string().nullable().describe('The value (null = cannot be measured, see detail)'),
  teamMedian: z.string().nullable().describe(`Median of the same KPI over the comparison group (null when fewer than ${MIN_MEDIAN_GROUP} have a value)`),
  formula: z.string().describe('How the KPI is computed'),
  detail: z.string().describe('The inputs behind the value, in plain words'),
});

function rows(f: KpiFacts, ramp: RampKpi | null, medians: Record<KpiRow, Dec | null>): z.infer<typeof kpiRowOut>[] {
  const values = kpiValues(f, ramp);
  return KPI_ROWS.map((name) => {
    const m = ROW_META[name];
    return { name, label: m.label, unit: m.unit, value: fmt(m.unit, values[name], f.currency), teamMedian: fmt(m.unit, medians[name], f.currency), formula: m.formula, detail: detailOf(name, f, ramp) };
  });
}

/** Median of each row over `values`, when at least MIN_MEDIAN_GROUP have one. */
export function rowMedians(values: readonly Record<KpiRow, Dec | null>[]): Record<KpiRow, Dec | null> {
  const out = {} as Record<KpiRow, Dec | null>;
  for (const name of KPI_ROWS) {
    const vs = values.map((v) => v[name]).filter((v): v is Dec => v !== null);
    out[name] = vs.length >= MIN_MEDIAN_GROUP ? medianDec(vs) : null;
  }
  return out;
}

/** Reps under the same manager as `user` (including the user); empty without a manager. */
export function peersOf(ctx: ToolContext, user: User): User[] {
  return user.managerId === null ? [] : reportsUnder(ctx, user.managerId).filter((u) => u.role === 'rep');
}

const noMedians = (): Record<KpiRow, Dec | null> => Object.fromEntries(KPI_ROWS.map((n) => [n, null])) as Record<KpiRow, Dec | null>;

// ---------------------------------------------------------------------------------------

export const getSalesKpis = defineTool({
  name: 'get_sales_kpis',
  title: 'Sales KPIs',
  description:
    'Sales KPIs of a user, or of a manager\'s team, for one period (default: the current one): quota attainment, win rate by count and by value, average deal size, sales cycle (median and mean), pipeline coverage and the coverage their win rate requires, stage conversion, ramp time of new reps, compensation-to-revenue, forecast accuracy (reported as not recorded when no forecasts exist) and CRM data completeness. Every KPI comes with its formula, the inputs behind it, and the team median beside it. For a team, each member\'s values are listed too.',
  input: z.object({
    userId: userIdInput,
    period: periodInput,
    includeTeam: z.boolean().nullable().describe('For a manager: KPIs of their whole team, with each member. null = yes when the user manages people.'),
  }),
  output: z.object({
    asOf: z.string().describe('Date the KPIs are computed for (YYYY-MM-DD)'),
    user: userRef.describe('Whose KPIs (the manager, for a team)'),
    scope: z.enum(['user', 'team']).describe('user: the user alone; team: everyone under the manager, summed'),
    period: periodOut,
    currency: z.string().describe('ISO 4217 code of every amount'),
    comparisonGroup: z.string().describe('Who the team medians are taken over'),
    kpis: z.array(kpiRowOut).describe('Every KPI with value, team median, formula and detail'),
    stageConversion: z
      .array(
        z.object({
          stage: z.string().describe('Open stage'),
          reached: z.number().int().describe('Deals closed in the period that reached the stage'),
          advanced: z.number().int().describe('Of those, deals that reached a later open stage or were won'),
          won: z.number().int().describe('Of those, deals won'),
          toNext: z.string().nullable().describe('advanced / reached (4-place ratio)'),
          toWon: z.string().nullable().describe('won / reached (4-place ratio)'),
        }),
      )
      .describe(KPI_FORMULAS.stageConversion),
    members: z
      .array(z.object({ user: userRef, kpis: z.array(z.object({ name: z.enum(KPI_ROWS).describe('KPI'), value: z.string().nullable().describe('Value, in the unit of the team row') })).describe('The member\'s values') }))
      .nullable()
      .describe('Each team member\'s KPI values (team scope only)'),
    notes: z.array(z.string()).describe('Anything that limited the figures'),
  }),
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  async handler(input, ctx) {
    ctx = memoized(ctx);
    const asOf = ctx.clock.today();
    const user = userInScope(ctx, input.userId);
    const reports = teamOf(ctx, user).filter((u) => u.role === 'rep');
    const team = (input.includeTeam ?? true) && reports.length > 0;

    if (!team) {
      const kp = kpiPeriod(ctx, [user], input.period, asOf);
      const facts = kpiFacts(ctx, [user], kp, asOf);
      const peers = peersOf(ctx, user);
      const ramp = rampOf(ctx, user, peers, kp, asOf);
      // Peers' values feed only the median, never the output on their own.
      // The user is among their peers: their facts and ramp are reused, not recomputed.
      const medians =
        peers.length >= MIN_MEDIAN_GROUP
          ? rowMedians(peers.map((p) => (p.id === user.id ? kpiValues(facts, ramp) : kpiValues(kpiFacts(ctx, [p], kp, asOf), rampOf(ctx, p, peers, kp, asOf)))))
          : noMedians();
      return {
        asOf,
        user: userRefOf(user),
        scope: 'user' as const,
        period: kp.period,
        currency: kp.currency,
        comparisonGroup: peers.length > 0 ? `the ${peers.length} reps under the same manager (including ${user.name})` : 'none: no manager on record',
        kpis: rows(facts, ramp, medians),
        stageConversion: stageRows(facts),
        members: null,
        notes: facts.notes,
      };
    }

    const kp = kpiPeriod(ctx, reports, input.period, asOf);
    const facts = kpiFacts(ctx, reports, kp, asOf);
    const memberValues = reports.map((m) => ({ user: m, values: kpiValues(kpiFacts(ctx, [m], kp, asOf), rampOf(ctx, m, reports, kp, asOf)) }));
    const medians = rowMedians(memberValues.map((m) => m.values));
    return {
      asOf,
      user: userRefOf(user),
      scope: 'team' as const,
      period: kp.period,
      currency: kp.currency,
      comparisonGroup: `the ${reports.length} reps under ${user.name}`,
      kpis: rows(facts, null, medians),
      stageConversion: stageRows(facts),
      members: memberValues.map((m) => ({ user: userRefOf(m.user), kpis: KPI_ROWS.map((name) => ({ name, value: fmt(ROW_META[name].unit, m.values[name], kp.currency) })) })),
      notes: facts.notes,
    };
  },
  summarize: (o) => {
    const v = (n: KpiRow) => o.kpis.find((k) => k.name === n);
    const p = (n: KpiRow) => {
      const r = v(n);
      return r?.value == null ? 'n/a' : r.unit === 'ratio' ? `${new Dec(r.value).times(100).toDecimalPlaces(1).toString()}%` : r.unit === 'multiple' ? `${r.value}×` : r.value;
    };
    return `${o.user.name}${o.scope === 'team' ? "'s team" : ''}, ${o.period.id}: attainment ${p('attainment')}, win rate ${p('win_rate_by_count')} (by value ${p('win_rate_by_value')}), median cycle ${p('sales_cycle_median_days')} days, coverage ${p('pipeline_coverage')} (needs ${p('required_coverage')}).`;
  },
});

function stageRows(f: KpiFacts) {
  return f.kpis.stageConversion.map((r) => ({
    stage: r.stage,
    reached: r.reached,
    advanced: r.advanced,
    won: r.won,
    toNext: r.toNext === null ? null : formatRatio(r.toNext),
    toWon: r.toWon === null ? null : formatRatio(r.toWon),
  }));
}
