// Comp-plan simulation: replay real history under a baseline and a proposed plan, side by
// side. Both sides go through `calculate` (the one statement computation); this module only
// swaps the plan (and scales quotas) and aggregates the statements.
//
// Decisions:
// - A rep's payout over the range is the sum of the `payout` of the statements whose period
//   is in the range (draws and clawbacks included: that is what the company pays).
// - Credited revenue is the sum of every credit amount dated inside the range (whether or
//   not it counts toward quota); cost of sales = payout / credited revenue (null when 0).
// - A rep's attainment over the range = Σ credited (toward quota) / Σ quota of its periods.
// - Percentiles are nearest-rank on the sorted per-rep payouts (rank ⌈p·n⌉, at least 1):
//   every figure reported is a real rep's payout, so money stays exact.
// - Scaled quotas are rounded to the currency's minor unit, half-up.
// - A milestone is reaching quota (attainment ≥ 1.0) or an accelerator: the start of any
//   commission tier that begins at or above 1.0 with a rate higher than the tier below it.
import { Dec, Money, minorUnits } from './money.ts';
import type { Proposal } from './plan-patch.ts';
import type { CompCase, CompPlan } from './plan.ts';
import type { Period } from './periods.ts';
import { type CalcResult, calculate } from './statement.ts';

export interface SimulationSubject {
  userId: string;
  name: string;
  /** The rep's case under the plan in force (history from wherever the draw/clawbacks need it). */
  baseline: CompCase;
}

export interface SimulationOptions {
  /** Only statements of these periods are counted (all of each case when omitted). */
  periodIds?: ReadonlySet<string>;
  /** How many winners and losers to list (default 5 each). */
  top?: number;
}

export interface RepOutcome {
  userId: string;
  name: string;
  periods: number;
  credited: Money;
  baselinePayout: Money;
  proposedPayout: Money;
  /** proposed − baseline. */
  delta: Money;
  baselineAttainment: Dec | null;
  proposedAttainment: Dec | null;
}

export interface Distribution {
  min: Money;
  p10: Money;
  median: Money;
  p90: Money;
  max: Money;
}

export interface Milestone {
  /** `quota` or `accelerator`. */
  kind: 'quota' | 'accelerator';
  /** The attainment where it starts (1.0 = 100 %). */
  attainment: Dec;
  /** Commission component and tier of an accelerator. */
  componentId?: string;
  tierIndex?: number;
  /** Rep-periods whose final attainment reached it. */
  repPeriods: number;
  /** Reps that reached it in at least one period of the range. */
  reps: number;
}

export interface SideSummary {
  planId: string;
  planVersion: number;
  payout: Money;
  /** payout / credited revenue; null when nothing was credited. */
  costOfSales: Dec | null;
  distribution: Distribution | null;
  milestones: Milestone[];
}

export interface SimulationResult {
  currency: string;
  reps: number;
  repPeriods: number;
  periodIds: string[];
  revenue: Money;
  baseline: SideSummary;
  proposed: SideSummary;
  /** proposed − baseline payout. */
  difference: Money;
  /** difference / baseline payout; null when the baseline paid 0. */
  differenceRatio: Dec | null;
  perRep: RepOutcome[];
  /** Largest positive deltas, largest first. */
  winners: RepOutcome[];
  /** Largest negative deltas, most negative first. */
  losers: RepOutcome[];
}

/** The same case under the proposed plan, quotas scaled. Credits, events, draw balance unchanged. */
export function proposedCase(base: CompCase, proposal: Proposal): CompCase {
  const places = minorUnits(proposal.plan.currency);
  const scale = !proposal.quotaFactor.eq(1);
  return {
    ...base,
    plan: proposal.plan,
    periods: scale ? base.periods.map((p) => ({ period: p.period, quota: p.quota.times(proposal.quotaFactor).toDecimalPlaces(places, Dec.ROUND_HALF_UP) })) : base.periods,
  };
}

interface Milestones {
  defs: { kind: 'quota' | 'accelerator'; attainment: Dec; componentId?: string; tierIndex?: number }[];
  repPeriods: number[];
  reps: Set<string>[];
}

/** Quota and the accelerator tiers of a plan, in increasing attainment. */
export function planMilestones(plan: CompPlan): { kind: 'quota' | 'accelerator'; attainment: Dec; componentId?: string; tierIndex?: number }[] {
  const out: { kind: 'quota' | 'accelerator'; attainment: Dec; componentId?: string; tierIndex?: number }[] = [{ kind: 'quota', attainment: new Dec(1) }];
  for (const c of plan.components) {
    if (c.kind !== 'commission') continue;
    for (let i = 1; i < c.tiers.length; i++) {
      const from = c.tiers[i - 1]!.upTo!;
      if (from.gte(1) && c.tiers[i]!.rate.value.gt(c.tiers[i - 1]!.rate.value)) {
        out.push({ kind: 'accelerator', attainment: from, componentId: c.id, tierIndex: i });
      }
    }
  }
  return out.sort((a, b) => a.attainment.cmp(b.attainment));
}

function newMilestones(plan: CompPlan): Milestones {
  const defs = planMilestones(plan);
  return { defs, repPeriods: defs.map(() => 0), reps: defs.map(() => new Set<string>()) };
}

interface SideTotals {
  payout: Money;
  attainment: Dec | null;
}

function tally(result: CalcResult, userId: string, inRange: (p: Period) => boolean, ms: Milestones): SideTotals & { credited: Dec; quota: Dec; periods: number } {
  let payout = new Dec(0);
  let credited = new Dec(0);
  let quota = new Dec(0);
  let periods = 0;
  for (const s of result.statements) {
    if (!inRange(s.period)) continue;
    periods++;
    payout = payout.plus(s.payout.amount);
    credited = credited.plus(s.credited.amount);
    quota = quota.plus(s.quota.amount);
    if (s.attainment === null) continue;
    ms.defs.forEach((d, i) => {
      if (s.attainment!.gte(d.attainment)) {
        ms.repPeriods[i]!++;
        ms.reps[i]!.add(userId);
      }
    });
  }
  return { payout: Money.of(payout, result.currency), attainment: quota.isZero() ? null : credited.div(quota), credited, quota, periods };
}

/** Nearest-rank percentile of sorted values (p in (0, 1]). */
export function nearestRank<T>(sorted: readonly T[], p: number): T {
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1]!;
}

function distribution(values: Money[]): Distribution | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a.cmp(b));
  return { min: sorted[0]!, p10: nearestRank(sorted, 0.1), median: nearestRank(sorted, 0.5), p90: nearestRank(sorted, 0.9), max: sorted[sorted.length - 1]! };
}

/**
 * Replays every subject under its baseline plan and under its proposal. `propose` is one
 * proposal for everyone (a replacement plan) or a function of the subject's own plan (edits
 * applied to each plan version in force, so unchanged edits reproduce history exactly).
 * A user may appear in several subjects (one per plan assignment); their figures are summed.
 * Milestones are those of `options.basePlan` (default: the first subject's plan) and of its
 * proposal. All subjects must be in the proposal's currency. Subjects may be produced
 * lazily (a generator): each case is dropped once tallied, so memory stays per rep.
 */
export function simulate(
  subjects: Iterable<SimulationSubject>,
  propose: Proposal | ((base: CompPlan) => Proposal),
  options: SimulationOptions & { basePlan?: CompPlan } = {},
): SimulationResult {
  const proposalOf = typeof propose === 'function' ? memoByPlan(propose) : () => propose;
  const top = options.top ?? 5;
  const inRange = options.periodIds ? (p: Period) => options.periodIds!.has(p.id) : () => true;
  const iterator = subjects[Symbol.iterator]();
  let next = iterator.next();
  const basePlan = options.basePlan ?? (next.done ? undefined : next.value.baseline.plan);
  if (!basePlan) throw new TypeError('simulate: no subjects and no basePlan');
  const primary = proposalOf(basePlan);
  const currency = primary.plan.currency;
  const baseMs = newMilestones(basePlan);
  const propMs = newMilestones(primary.plan);
  const byUser = new Map<string, { name: string; periods: number; credited: Dec; base: Dec; prop: Dec; baseQuota: Dec; propQuota: Dec }>();
  const periodIds = new Set<string>();
  let revenue = new Dec(0);
  let repPeriods = 0;
  let basePaid = new Dec(0);
  let propPaid = new Dec(0);

  for (; !next.done; next = iterator.next()) {
    const subject = next.value;
    const base = subject.baseline;
    const proposal = proposalOf(base.plan);
    if (base.plan.currency !== currency || proposal.plan.currency !== currency) throw new TypeError(`simulate: ${subject.userId} is paid in ${base.plan.currency}, the proposal in ${currency}`);
    const b = tally(calculate(base), subject.userId, inRange, baseMs);
    const p = tally(calculate(proposedCase(base, proposal)), subject.userId, inRange, propMs);
    const ranged = base.periods.filter((x) => inRange(x.period));
    for (const { period } of ranged) periodIds.add(period.id);
    for (const c of base.credits) {
      if (ranged.some((x) => x.period.start <= c.closedAt && c.closedAt <= x.period.end)) revenue = revenue.plus(c.amount);
    }
    repPeriods += b.periods;
    basePaid = basePaid.plus(b.payout.amount);
    propPaid = propPaid.plus(p.payout.amount);
    const acc = byUser.get(subject.userId) ?? { name: subject.name, periods: 0, credited: new Dec(0), base: new Dec(0), prop: new Dec(0), baseQuota: new Dec(0), propQuota: new Dec(0) };
    acc.periods += b.periods;
    acc.credited = acc.credited.plus(b.credited);
    acc.base = acc.base.plus(b.payout.amount);
    acc.prop = acc.prop.plus(p.payout.amount);
    acc.baseQuota = acc.baseQuota.plus(b.quota);
    acc.propQuota = acc.propQuota.plus(p.quota);
    byUser.set(subject.userId, acc);
  }

  const perRep: RepOutcome[] = [...byUser].map(([userId, a]) => ({
    userId,
    name: a.name,
    periods: a.periods,
    credited: Money.of(a.credited, currency),
    baselinePayout: Money.of(a.base, currency),
    proposedPayout: Money.of(a.prop, currency),
    delta: Money.of(a.prop.minus(a.base), currency),
    baselineAttainment: a.baseQuota.isZero() ? null : a.credited.div(a.baseQuota),
    proposedAttainment: a.propQuota.isZero() ? null : a.credited.div(a.propQuota),
  }));
  const side = (plan: CompPlan, paid: Dec, ms: Milestones, pick: (r: RepOutcome) => Money): SideSummary => ({
    planId: plan.id,
    planVersion: plan.version,
    payout: Money.of(paid, currency),
    costOfSales: revenue.isZero() ? null : paid.div(revenue),
    distribution: distribution(perRep.map(pick)),
    milestones: ms.defs.map((d, i) => ({ ...d, repPeriods: ms.repPeriods[i]!, reps: ms.reps[i]!.size })),
  });
  const byDelta = [...perRep].sort((a, b) => b.delta.cmp(a.delta) || a.userId.localeCompare(b.userId));
  const difference = propPaid.minus(basePaid);
  return {
    currency,
    reps: perRep.length,
    repPeriods,
    periodIds: [...periodIds].sort(),
    revenue: Money.of(revenue, currency),
    baseline: side(basePlan, basePaid, baseMs, (r) => r.baselinePayout),
    proposed: side(primary.plan, propPaid, propMs, (r) => r.proposedPayout),
    difference: Money.of(difference, currency),
    differenceRatio: basePaid.isZero() ? null : difference.div(basePaid),
    perRep,
    winners: byDelta.filter((r) => r.delta.amount.gt(0)).slice(0, top),
    losers: byDelta
      .filter((r) => r.delta.amount.lt(0))
      .reverse()
      .slice(0, top),
  };
}

/** One proposal per plan id and version. */
function memoByPlan(propose: (base: CompPlan) => Proposal): (base: CompPlan) => Proposal {
  const memo = new Map<string, Proposal>();
  return (base) => {
    const key = `${base.id}@${base.version}`;
    let p = memo.get(key);
    if (!p) memo.set(key, (p = propose(base)));
    return p;
  };
}
