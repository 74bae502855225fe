// The comp service: a user's statements from the store, through the one engine. Every
// tool that needs a payout (statements, attainment, estimates, stalled-deal leverage,
// simulation) goes through here, so there is exactly one way a number is computed.
import type { Dec } from '../engine/money.ts';
import { Money } from '../engine/money.ts';
import { type LocalDate, type Period, containsDate, parsePeriodId, periodOf, periodsBetween } from '../engine/periods.ts';
import type { ChurnEvent, CompCase, CompPlan, Credit } from '../engine/plan.ts';
import { type CalcResult, type Statement, type StatementLine, calculate, tierIndexAt, tierBand, describeBand } from '../engine/statement.ts';
import type { PlanAssignment, Store, User } from '../store/types.ts';
import { AttainError } from '../tools/errors.ts';

export interface PlanContext {
  assignment: PlanAssignment;
  plan: CompPlan;
}

/** The plan assignment whose plan holds `periodId` (or, with no id, the one in force on `asOf`). */
export function resolvePlanPeriod(store: Store, user: User, periodId: string | null | undefined, asOf: LocalDate): PlanContext & { period: Period } {
  const assignments = store.assignmentsOf(user.id);
  if (assignments.length === 0) throw new AttainError('NO_ACTIVE_PLAN', `${user.name} has no comp plan assigned.`);
  if (!periodId) {
    const a = store.assignmentAt(user.id, asOf) ?? latestBefore(assignments, asOf);
    if (!a) throw new AttainError('NO_ACTIVE_PLAN', `${user.name} has no comp plan in force on ${asOf}.`);
    const plan = planOf(store, a);
    return { assignment: a, plan, period: periodOf(asOf, plan) };
  }
  const shapes = new Set<string>();
  for (const a of assignments) {
    const plan = planOf(store, a);
    const period = parsePeriodId(periodId, plan);
    if (!period) {
      shapes.add(`${plan.period}${plan.fiscalYearStartMonth === 1 ? '' : ` (fiscal year from month ${plan.fiscalYearStartMonth})`}`);
      continue;
    }
    if (a.effectiveFrom <= period.end && (a.effectiveTo === null || a.effectiveTo >= period.start)) return { assignment: a, plan, period };
  }
  if (shapes.size > 0 && assignments.every((a) => !parsePeriodId(periodId, planOf(store, a)))) {
    throw new AttainError('PERIOD_INVALID', `"${periodId}" is not a period of ${user.name}'s plan (${[...shapes].join(', ')} periods, e.g. ${periodOf(asOf, planOf(store, assignments[assignments.length - 1]!)).id}).`);
  }
  throw new AttainError('NO_ACTIVE_PLAN', `${user.name} has no comp plan in force in ${periodId}.`);
}

function latestBefore(assignments: readonly PlanAssignment[], date: LocalDate): PlanAssignment | undefined {
  return [...assignments].filter((a) => a.effectiveFrom <= date).sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? 1 : -1))[0];
}

function planOf(store: Store, a: PlanAssignment): CompPlan {
  const plan = store.getPlan(a.planId, a.planVersion);
  if (!plan) throw new Error(`assignment of ${a.userId} names missing plan ${a.planId} v${a.planVersion}`);
  return plan;
}

/**
 * The case of one user under one assignment, from the assignment's first period with a
 * quota through `through` (so draw balances carry), plus any extra (hypothetical) credits.
 */
export function buildCase(store: Store, user: User, ctx: PlanContext, through: Period, extraCredits: readonly Credit[] = [], planOverride?: CompPlan): CompCase {
  const plan = planOverride ?? ctx.plan;
  const quotas = store.quotasOf(user.id);
  const from = ctx.assignment.effectiveFrom;
  const to = ctx.assignment.effectiveTo !== null && ctx.assignment.effectiveTo < through.end ? ctx.assignment.effectiveTo : through.end;
  const periods: { period: Period; quota: Dec }[] = [];
  for (const p of periodsBetween(from, to, plan)) {
    const q = quotas.get(p.id);
    if (q !== undefined && !q.isZero()) periods.push({ period: p, quota: q });
  }
  const inCase = (date: LocalDate) => date >= from && date <= to && periods.some((p) => containsDate(p.period, date));
  const credits: Credit[] = [...store.creditsOf(user.id, { from, to }), ...extraCredits].filter((c) => inCase(c.closedAt));
  // Churn of the deals credited in the case (read by deal: the credits are already here).
  const dealIds = [...new Set(credits.map((c) => c.dealId))];
  const events: ChurnEvent[] = store
    .churnEventsOfDeals(dealIds)
    .filter((e) => inCase(e.on))
    .map((e) => ({ kind: 'churn', dealId: e.dealId, on: e.on }));
  return { plan, periods, openingDrawBalance: Money.zero(plan.currency).amount, credits, events };
}

export interface UserStatement extends PlanContext {
  user: User;
  period: Period;
  statement: Statement;
  result: CalcResult;
}

/** The statement of `user` for `periodId` (default: the period containing asOf). */
export function statementFor(store: Store, user: User, periodId: string | null | undefined, asOf: LocalDate, extraCredits: readonly Credit[] = []): UserStatement {
  const resolved = resolvePlanPeriod(store, user, periodId, asOf);
  requireQuota(store, user, resolved.period);
  return { ...resolved, user, ...periodStatement(buildCase(store, user, resolved, resolved.period, extraCredits), resolved.period) };
}

function requireQuota(store: Store, user: User, period: Period): void {
  const quota = store.quotasOf(user.id).get(period.id);
  if (quota === undefined || quota.isZero()) throw new AttainError('NO_QUOTA', `${user.name} has no quota for ${period.id}.`);
}

/** Computes a case and picks the statement of `period` from it. */
function periodStatement(compCase: CompCase, period: Period): { statement: Statement; result: CalcResult } {
  const result = calculate(compCase);
  const statement = result.statements.find((s) => s.period.id === period.id);
  if (!statement) throw new Error(`no statement for ${period.id}`);
  return { statement, result };
}

// ---------------------------------------------------------------------------------------
// "What if this closes"

export interface Hypothetical {
  dealId: string;
  amount: Dec;
  closeDate: LocalDate;
  dealType?: string;
  termMonths?: number;
  countsTowardQuota?: boolean;
}

export interface TierCrossing {
  component: string;
  from: string;
  to: string;
}

export interface LineChange {
  kind: StatementLine['kind'];
  component: string | null;
  dealId: string | null;
  before: string | null;
  after: string | null;
  delta: string;
  explain: string;
}

export interface Estimate {
  user: User;
  plan: CompPlan;
  period: Period;
  before: Statement;
  after: Statement;
  tiersCrossed: TierCrossing[];
  changes: LineChange[];
}

/** Payout of `user`'s period before and after `deal` closes (credited to them at its amount). */
export function estimate(store: Store, user: User, deal: Hypothetical): Estimate {
  return estimator(store, user)(deal);
}

/**
 * Estimates for many deals of one user: the period's case is read and computed without the
 * deal once per plan period, then once more per deal with it. (Payout leverage ranks every
 * stalled deal of an owner this way.) The shared "before" statement is read-only.
 */
export function estimator(store: Store, user: User): (deal: Hypothetical) => Estimate {
  const bases = new Map<string, { target: PlanContext & { period: Period }; baseCase: CompCase; before: Statement }>();
  return (deal) => {
    // The period the deal would close in, under the plan in force then.
    const target = resolvePlanPeriod(store, user, null, deal.closeDate);
    const key = `${target.assignment.planId}@${target.assignment.planVersion}|${target.assignment.effectiveFrom}|${target.period.id}`;
    let base = bases.get(key);
    if (!base) {
      requireQuota(store, user, target.period);
      const baseCase = buildCase(store, user, target, target.period);
      base = { target, baseCase, before: periodStatement(baseCase, target.period).statement };
      bases.set(key, base);
    }
    const credit: Credit = {
      dealId: deal.dealId,
      amount: deal.amount,
      closedAt: deal.closeDate,
      ...(deal.dealType !== undefined ? { dealType: deal.dealType } : {}),
      ...(deal.termMonths !== undefined ? { termMonths: deal.termMonths } : {}),
      countsTowardQuota: deal.countsTowardQuota ?? true,
    };
    const { target: t, baseCase, before } = base;
    const after = periodStatement({ ...baseCase, credits: [...baseCase.credits, credit] }, t.period).statement;
    return { user, plan: t.plan, period: t.period, before, after, tiersCrossed: tiersCrossed(t.plan, before, after), changes: lineChanges(before, after) };
  };
}

function tiersCrossed(plan: CompPlan, before: Statement, after: Statement): TierCrossing[] {
  const out: TierCrossing[] = [];
  if (before.attainment === null || after.attainment === null) return out;
  for (const c of plan.components) {
    if (c.kind !== 'commission') continue;
    const i0 = tierIndexAt(c.tiers, before.attainment);
    const i1 = tierIndexAt(c.tiers, after.attainment);
    for (let i = i0 + 1; i <= i1; i++) {
      const band = tierBand(c.tiers, i);
      out.push({ component: c.id, from: describeBand(tierBand(c.tiers, i - 1).from, tierBand(c.tiers, i - 1).to), to: `${describeBand(band.from, band.to)} at ${c.tiers[i]!.rate.toPercent()}` });
    }
  }
  for (const c of plan.components) {
    if (c.kind === 'bonus' && before.attainment.lt(c.attainmentAtLeast) && !after.attainment.lt(c.attainmentAtLeast)) {
      out.push({ component: c.id, from: 'not reached', to: `bonus unlocked at ${c.attainmentAtLeast.times(100).toString()}%` });
    }
  }
  return out;
}

function lineKey(l: StatementLine): string {
  return `${l.kind}|${l.component ?? ''}|${l.dealId ?? ''}`;
}

function lineChanges(before: Statement, after: Statement): LineChange[] {
  const b = new Map(before.lines.map((l) => [lineKey(l), l]));
  const a = new Map(after.lines.map((l) => [lineKey(l), l]));
  const keys = [...new Set([...b.keys(), ...a.keys()])];
  const out: LineChange[] = [];
  for (const k of keys) {
    const lb = b.get(k);
    const la = a.get(k);
    const zero = Money.zero(before.quota.currency);
    const delta = (la?.amount ?? zero).minus(lb?.amount ?? zero);
    if (lb && la && delta.isZero()) continue;
    const l = (la ?? lb)!;
    out.push({
      kind: l.kind,
      component: l.component ?? null,
      dealId: l.dealId ?? null,
      before: lb ? lb.amount.toString() : null,
      after: la ? la.amount.toString() : null,
      delta: delta.toString(),
      explain: l.explain,
    });
  }
  return out;
}
