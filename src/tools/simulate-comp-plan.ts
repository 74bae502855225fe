import { z } from 'zod';
import { Dec, formatRatio } from '../engine/money.ts';
import { type Period, parsePeriodId, periodOf, periodsBetween } from '../engine/periods.ts';
import { type PlanEdit, type Proposal, applyPlanEdits, planEditKinds, proposalFromDocument } from '../engine/plan-patch.ts';
import { type CompPlan, ValidationError } from '../engine/plan.ts';
import { type Distribution, type RepOutcome, type SideSummary, type SimulationSubject, simulate } from '../engine/simulate.ts';
import { buildCase } from '../services/comp.ts';
import type { User } from '../store/types.ts';
import { reportsUnder, requireManager, userInScope, visibleUsers } from './access.ts';
import type { ToolContext } from './context.ts';
import { defineTool } from './define-tool.ts';
import { AttainError } from './errors.ts';
import { money, ratio, userRef, userRefOf } from './schemas.ts';

const editInput = z.object({
  edit: z
    .enum(planEditKinds)
    .describe(
      'tier_rate / tier_up_to: a commission tier\'s rate or upper bound (componentId, index = tier from 0); cap: a commission cap (value null removes it); multiplier_factor (componentId, index); bonus_amount / bonus_threshold; spiff_amount; draw_amount; quota_factor: multiply every quota (value "1.1" = +10%)',
    ),
  componentId: z.string().nullable().describe('Plan component the edit applies to (null for draw_amount and quota_factor)'),
  index: z.number().int().min(0).nullable().describe('Tier or multiplier index, from 0 (null when not needed)'),
  value: z.string().nullable().describe('New value as a decimal string: a rate "0.15", an attainment "1.2", an amount "60000", a factor "1.1". null only to remove a cap or make the last tier unbounded'),
});

const distributionOut = z
  .object({
    min: money('Lowest payout of one rep'),
    p10: money('10th percentile (nearest rank)'),
    median: money('Median (nearest rank)'),
    p90: money('90th percentile (nearest rank)'),
    max: money('Highest payout of one rep'),
  })
  .nullable();

const sideOut = z.object({
  plan: z.string().describe('Plan id and version'),
  payout: money('Total payout over the range, all reps'),
  costOfSales: ratio('payout / credited revenue').nullable(),
  distribution: distributionOut.describe('Per-rep total payout over the range'),
  milestones: z
    .array(
      z.object({
        kind: z.enum(['quota', 'accelerator']).describe('quota = 100% attainment; accelerator = a commission tier starting at or above 100% with a higher rate'),
        attainment: ratio('Attainment where it starts'),
        componentId: z.string().nullable().describe('Commission component of an accelerator'),
        tierIndex: z.number().int().nullable().describe('Tier index of an accelerator'),
        repPeriods: z.number().int().describe('Rep-periods whose final attainment reached it'),
        reps: z.number().int().describe('Reps that reached it in at least one period'),
      }),
    )
    .describe('How many reach quota and each accelerator'),
});

const repOut = z.object({
  user: userRef,
  credited: money('Credited toward quota over the range'),
  baselinePayout: money('Payout under the current plan'),
  proposedPayout: money('Payout under the proposal'),
  delta: money('proposed − baseline'),
  baselineAttainment: ratio('Σ credited / Σ quota under the current quotas').nullable(),
  proposedAttainment: ratio('Σ credited / Σ quota under the proposal (quotas scaled)').nullable(),
});

const ratioOrNull = (d: Dec | null) => (d === null ? null : formatRatio(d));
const dist = (d: Distribution | null) => d && { min: d.min.toString(), p10: d.p10.toString(), median: d.median.toString(), p90: d.p90.toString(), max: d.max.toString() };
const sideOf = (s: SideSummary) => ({
  plan: `${s.planId} v${s.planVersion}`,
  payout: s.payout.toString(),
  costOfSales: ratioOrNull(s.costOfSales),
  distribution: dist(s.distribution),
  milestones: s.milestones.map((m) => ({ kind: m.kind, attainment: formatRatio(m.attainment), componentId: m.componentId ?? null, tierIndex: m.tierIndex ?? null, repPeriods: m.repPeriods, reps: m.reps })),
});
const repOf = (r: RepOutcome) => ({
  user: { id: r.userId, name: r.name },
  credited: r.credited.toString(),
  baselinePayout: r.baselinePayout.toString(),
  proposedPayout: r.proposedPayout.toString(),
  delta: r.delta.toString(),
  baselineAttainment: ratioOrNull(r.baselineAttainment),
  proposedAttainment: ratioOrNull(r.proposedAttainment),
});

function invalid(path: string, message: string): AttainError {
  return new AttainError('INVALID_INPUT', `${path}: ${message}`, [{ path, message }]);
}

function planInvalid(err: ValidationError): AttainError {
  return new AttainError('PLAN_INVALID', `The proposed plan is not valid: ${err.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, err.issues);
}

export const simulateCompPlan = defineTool({
  name: 'simulate_comp_plan',
  title: 'Simulate a comp-plan change',
  description:
    'Replays real history (every stored credit, churn and draw) under the current plan and a proposed one, side by side, through the same engine as statements. The proposal is either a full plan document (proposedPlanJson) or a list of edits (a tier rate or bound, a cap, a multiplier, a bonus or SPIF amount, the draw, quotas scaled by a factor). Scope: one user, a manager\'s team, or everyone on a plan; range: past periods (default: the current fiscal year through the current period). Returns total payout before/after and the difference, cost of sales, the per-rep distribution, how many reach quota and each accelerator, per-rep changes and the biggest winners and losers. Managers (their team) and admins only. Nothing is written.',
  input: z.object({
    scope: z.enum(['user', 'team', 'plan']).describe('user: one person; team: everyone under a manager (transitively); plan: everyone you can see who is on planId'),
    userId: z.string().nullable().describe('For scope user: the rep; for scope team: the manager (null = yourself). Ignored for scope plan'),
    planId: z.string().nullable().describe('Plan to change. Required for scope plan; otherwise null = the one plan the people in scope are on'),
    fromPeriod: z.string().nullable().describe('First period of the range, e.g. "2026-Q1" (null = first period of the current fiscal year)'),
    toPeriod: z.string().nullable().describe('Last period of the range, e.g. "2026-Q3" (null = the current period)'),
    proposedPlanJson: z.string().nullable().describe('A complete proposed plan document as JSON text (docs/plan-format.md); null to use changes instead'),
    changes: z.array(editInput).nullable().describe('Edits applied to the current plan (ignored when proposedPlanJson is given)'),
    limit: z.number().int().min(0).max(1000).nullable().describe('Most per-rep rows to return, largest changes first (default 50)'),
  }),
  output: z.object({
    scope: z.object({ kind: z.enum(['user', 'team', 'plan']).describe('Scope kind'), user: userRef.nullable().describe('The user or manager of the scope'), planId: z.string().describe('Plan simulated') }),
    periods: z.array(z.string()).describe('Periods replayed'),
    currency: z.string(),
    reps: z.number().int().describe('Reps simulated'),
    repPeriods: z.number().int().describe('Statements replayed per side'),
    revenue: money('Credited revenue over the range (every credit)'),
    proposal: z.object({ plan: z.string().describe('Proposed plan id and version (not stored)'), quotaFactor: ratio('Quota multiplier'), changes: z.array(z.string()).describe('The edits, in words') }),
    baseline: sideOut,
    proposed: sideOut,
    difference: z.object({ payout: money('proposed − baseline payout'), ratio: ratio('difference / baseline payout').nullable() }),
    perRep: z.array(repOut).describe('Per-rep before/after, largest absolute change first'),
    perRepTruncated: z.boolean().describe('True when more reps were simulated than listed'),
    winners: z.array(repOut).describe('Biggest gains'),
    losers: z.array(repOut).describe('Biggest losses'),
    skipped: z.array(z.object({ user: userRef, reason: z.string() })).describe('People in scope not simulated, and why'),
  }),
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  async handler(input, ctx) {
    requireManager(ctx);
    const today = ctx.clock.today();
    const { people, scopeUser } = peopleInScope(ctx, input.scope, input.userId, input.planId);

    // The plan: given, or the single plan the people in scope are on today (or last were).
    let planId = input.planId;
    if (planId === null) {
      const ids = new Set(people.map((u) => (ctx.store.assignmentAt(u.id, today) ?? ctx.store.assignmentsOf(u.id).at(-1))?.planId).filter((x): x is string => x !== undefined));
      if (ids.size === 0) throw new AttainError('NO_ACTIVE_PLAN', 'Nobody in scope has a comp plan assigned.');
      if (ids.size > 1) throw invalid('planId', `people in scope are on several plans (${[...ids].sort().join(', ')}); name one`);
      planId = [...ids][0]!;
    }
    const current = ctx.store.getPlan(planId);
    if (!current) throw new AttainError('PLAN_NOT_FOUND', `No plan "${planId}".`);

    const range = periodRange(current, input.fromPeriod, input.toPeriod, today);
    const propose = proposer(current, input.proposedPlanJson, input.changes ?? []);
    propose(current); // validate before any replay

    // One subject per assignment to the plan overlapping the range: each replays under the
    // plan version that was in force, exactly as its statements were computed. Built lazily,
    // one rep at a time, so a whole-org simulation never holds every case in memory.
    const skipped: { user: { id: string; name: string }; reason: string }[] = [];
    const first = range[0]!;
    const last = range[range.length - 1]!;
    const plans = new Map<string, CompPlan>(); // compiled once per version, not per rep
    let count = 0;
    function* subjects(): Generator<SimulationSubject> {
      for (const user of people) {
        const overlapping = ctx.store
          .assignmentsOf(user.id)
          .filter((a) => a.planId === planId && a.effectiveFrom <= last.end && (a.effectiveTo === null || a.effectiveTo >= first.start));
        if (overlapping.length === 0) {
          if (input.scope !== 'plan') skipped.push({ user: userRefOf(user), reason: `not on ${planId} in ${first.id}..${last.id}` });
          continue;
        }
        for (const a of overlapping) {
          const key = `${a.planId}@${a.planVersion}`;
          const plan = plans.get(key) ?? ctx.store.getPlan(a.planId, a.planVersion);
          if (!plan) throw new Error(`assignment of ${user.id} names missing plan ${a.planId} v${a.planVersion}`);
          plans.set(key, plan);
          count++;
          yield { userId: user.id, name: user.name, baseline: buildCase(ctx.store, user, { assignment: a, plan }, last) };
        }
      }
    }

    const r = simulate(subjects(), propose, { periodIds: new Set(range.map((p) => p.id)), basePlan: current });
    if (count === 0) throw new AttainError('NO_ACTIVE_PLAN', `Nobody in scope is on ${planId} in ${first.id}..${last.id}.`);
    const proposal = propose(current);
    const limit = input.limit ?? 50;
    const byChange = [...r.perRep].sort((a, b) => b.delta.amount.abs().cmp(a.delta.amount.abs()) || a.userId.localeCompare(b.userId));
    return {
      scope: { kind: input.scope, user: scopeUser ? userRefOf(scopeUser) : null, planId },
      periods: r.periodIds,
      currency: r.currency,
      reps: r.reps,
      repPeriods: r.repPeriods,
      revenue: r.revenue.toString(),
      proposal: { plan: `${proposal.plan.id} v${proposal.plan.version}`, quotaFactor: formatRatio(proposal.quotaFactor), changes: describeChanges(input.proposedPlanJson, input.changes ?? []) },
      baseline: sideOf(r.baseline),
      proposed: sideOf(r.proposed),
      difference: { payout: r.difference.toString(), ratio: ratioOrNull(r.differenceRatio) },
      perRep: byChange.slice(0, limit).map(repOf),
      perRepTruncated: byChange.length > limit,
      winners: r.winners.map(repOf),
      losers: r.losers.map(repOf),
      skipped,
    };
  },
  summarize: (o) =>
    `${o.proposal.plan} vs ${o.baseline.plan} for ${o.reps} reps over ${o.periods.join(', ')}: payout ${o.baseline.payout} → ${o.proposed.payout} ${o.currency} (${o.difference.payout.startsWith('-') ? '' : '+'}${o.difference.payout}); cost of sales ${o.baseline.costOfSales ?? 'n/a'} → ${o.proposed.costOfSales ?? 'n/a'}.`,
});

function peopleInScope(ctx: ToolContext, scope: 'user' | 'team' | 'plan', userId: string | null, planId: string | null): { people: User[]; scopeUser: User | null } {
  switch (scope) {
    case 'user': {
      if (userId === null) throw invalid('userId', 'is required for scope user');
      return { people: [userInScope(ctx, userId)], scopeUser: userInScope(ctx, userId) };
    }
    case 'team': {
      const manager = userInScope(ctx, userId);
      return { people: reportsUnder(ctx, manager.id), scopeUser: manager };
    }
    case 'plan': {
      if (planId === null) throw invalid('planId', 'is required for scope plan');
      return { people: visibleUsers(ctx), scopeUser: null };
    }
  }
}

function periodRange(plan: CompPlan, fromId: string | null, toId: string | null, today: string): Period[] {
  const parse = (id: string, field: string): Period => {
    const p = parsePeriodId(id, plan);
    if (!p) throw new AttainError('PERIOD_INVALID', `${field}: "${id}" is not a ${plan.period} period of ${plan.id} (e.g. ${periodOf(today, plan).id})`, [{ path: field, message: 'not a period of the plan' }]);
    return p;
  };
  const to = toId === null ? periodOf(today, plan) : parse(toId, 'toPeriod');
  const from = fromId === null ? periodOf(periodOf(to.end, { period: 'year', fiscalYearStartMonth: plan.fiscalYearStartMonth }).start, plan) : parse(fromId, 'fromPeriod');
  if (from.start > to.start) throw invalid('fromPeriod', `${from.id} is after ${to.id}`);
  return periodsBetween(from.start, to.end, plan);
}

/**
 * The proposal for each baseline plan version: the full document for all of them, or the
 * edits applied to each version's own document. Invalid → PLAN_INVALID naming the field.
 */
function proposer(current: CompPlan, json: string | null, changes: readonly PlanEdit[]): (base: CompPlan) => Proposal {
  let doc: unknown;
  if (json !== null) {
    try {
      doc = JSON.parse(json);
    } catch {
      throw invalid('proposedPlanJson', 'is not valid JSON');
    }
  }
  const memo = new Map<string, Proposal>();
  return (base) => {
    const key = `${base.id}@${base.version}`;
    const hit = memo.get(key);
    if (hit) return hit;
    let proposal: Proposal;
    try {
      proposal = json !== null ? proposalFromDocument(doc) : applyPlanEdits(base.document, changes);
    } catch (err) {
      if (err instanceof ValidationError) throw planInvalid(err);
      throw err;
    }
    const p = proposal.plan;
    if (p.currency !== current.currency || p.period !== current.period || p.fiscalYearStartMonth !== current.fiscalYearStartMonth) {
      throw new AttainError('PLAN_INVALID', `A proposal must keep the plan's currency and calendar (${current.currency}, ${current.period}, fiscal year from month ${current.fiscalYearStartMonth}): quotas and history are kept per period.`);
    }
    memo.set(key, proposal);
    return proposal;
  };
}

function describeChanges(json: string | null, changes: readonly PlanEdit[]): string[] {
  if (json !== null) return ['full plan document replaced'];
  return changes.map((c) => {
    const where = [c.componentId, c.index === null ? null : `#${c.index}`].filter(Boolean).join(' ');
    return `${c.edit}${where ? ` (${where})` : ''} → ${c.value ?? 'none'}`;
  });
}
