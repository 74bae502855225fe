// Stalled and at-risk open deals: deterministic signals over a deal, its change history
// and its activities, as of a given date. Pure: `asOf` is an argument, nothing is read.
//
// Signals and default thresholds (../shared/research/mission-anchors.md §4.2; every
// threshold is configurable through `stalledConfig`):
// - stage_age: days in the current stage > the stage norm (warning), > 1.5 × norm
//   (critical). The norm is the median days won deals spent in that stage; with fewer than
//   `stageNormMinSamples` (5) won deals through a stage, the default norm (14 days) is used,
//   and then stage age turns critical only past `stageStuckDays` (30) as well.
//   Deals under `stageMinDays` (7) in their stage are never flagged for stage age.
// - no_activity: ≥ 14 days since the last activity (warning), > 30 days (critical). With
//   no activity at all, the days since the deal was created count.
// - close_date_past: open with an expected close date before asOf (warning), more than 30
//   days before (critical).
// - close_date_pushed: the close date moved later ≥ 2 times (warning), ≥ 3 (critical).
// - amount_reduced: the amount was lowered at least once (warning).
// - stage_regressed: the stage moved to an earlier open stage at least once (warning).
// - next_step_missing: no next step recorded (warning).
// Deal severity: critical when any signal is critical, high with two or more warnings,
// medium with one. Deals without signals are not listed.
//
// History rows and activities dated after `asOf` are ignored, so a run as of a past date
// sees what was known then.
import { z } from 'zod';
import type { Activity, Deal, DealChange, Stage } from './deals.ts';
import { Dec, Money, isDecimalString } from './money.ts';
import { decimalString } from './plan.ts';
import { type LocalDate, daysBetween } from './periods.ts';

export const SIGNAL_KINDS = ['stage_age', 'no_activity', 'close_date_past', 'close_date_pushed', 'amount_reduced', 'stage_regressed', 'next_step_missing'] as const;
export type SignalKind = (typeof SIGNAL_KINDS)[number];
export type SignalSeverity = 'warning' | 'critical';
export type DealSeverity = 'critical' | 'high' | 'medium';

const days = (what: string, def: number) => z.int().min(0).default(def).describe(what);

export const stalledConfigSchema = z.strictObject({
  noActivityDays: days('Days without activity from which a deal is flagged (inclusive)', 14),
  noActivityCriticalDays: days('Days without activity beyond which the flag is critical', 30),
  pushCount: days('Close-date pushes (moved later) from which a deal is flagged', 2),
  pushCriticalCount: days('Close-date pushes from which the flag is critical', 3),
  overdueCriticalDays: days('Days past the expected close date beyond which the flag is critical', 30),
  stageNormMinSamples: days('Won deals through a stage needed before its learned median is used', 5),
  defaultStageNormDays: days('Stage norm in days when history is too thin to learn one', 14),
  stageNormDefaults: z.record(z.string(), z.int().min(0)).default({}).describe('Per-stage default norms in days, overriding defaultStageNormDays'),
  stageMinDays: days('Deals fewer days than this in their stage are never flagged for stage age', 7),
  stageStuckDays: days('With a default (not learned) norm, stage age is critical only beyond this many days', 30),
  stageCriticalFactor: decimalString({ gte: '1' }).default('1.5').describe('Days in stage above norm × this factor is critical'),
  disabledSignals: z.array(z.enum(SIGNAL_KINDS)).default([]).describe('Signals to skip (e.g. next_step_missing for a CRM without next steps)'),
});

export type StalledConfigInput = z.input<typeof stalledConfigSchema>;
export type StalledConfig = z.output<typeof stalledConfigSchema>;

/** The defaults, overridden by `overrides` (validated; throws a ZodError naming the field). */
export function stalledConfig(overrides: StalledConfigInput = {}): StalledConfig {
  return stalledConfigSchema.parse(overrides);
}

// ---------------------------------------------------------------------------------------
// Types

export interface StageNorm {
  stage: string;
  /** Median days won deals spent in the stage; null when no won deal went through it. */
  medianDays: number | null;
  /** Won deals that went through the stage. */
  samples: number;
  /** The norm used: the median when samples ≥ stageNormMinSamples, the default otherwise. */
  normDays: number;
  source: 'learned' | 'default';
}

export interface DatedMove {
  at: LocalDate;
  from: string;
  to: string;
}

export type SignalEvidence =
  | { kind: 'stage_age'; stage: string; enteredAt: LocalDate; daysInStage: number; normDays: number; normSource: 'learned' | 'default'; samples: number }
  | { kind: 'no_activity'; lastActivityAt: LocalDate | null; since: LocalDate; days: number }
  | { kind: 'close_date_past'; closeDate: LocalDate; daysOverdue: number }
  | { kind: 'close_date_pushed'; pushes: DatedMove[] }
  | { kind: 'amount_reduced'; reductions: { at: LocalDate; from: Money; to: Money }[] }
  | { kind: 'stage_regressed'; moves: DatedMove[] }
  | { kind: 'next_step_missing' };

export interface StalledSignal {
  kind: SignalKind;
  severity: SignalSeverity;
  /** Plain words with the numbers: "41 days in Negotiation; won deals spend a median of 9". */
  reason: string;
  evidence: SignalEvidence;
}

export interface StalledDeal {
  deal: Deal;
  severity: DealSeverity;
  signals: StalledSignal[];
  /** The open amount that could be lost. */
  amountAtRisk: Money;
}

export interface StalledDealsInput {
  /** Every deal known (open ones are checked; won ones teach the stage norms unless `stageSamples` is given). */
  deals: readonly Deal[];
  history: readonly DealChange[];
  activities: readonly Activity[];
  stages: readonly Stage[];
  asOf: LocalDate;
  config?: StalledConfig;
  /**
   * The org's won-deal stage samples as of asOf (`stageSamplesOf`), when the caller has
   * them: the norms then come from these, and `deals` and `history` need only hold the
   * deals to check.
   */
  stageSamples?: ReadonlyMap<string, StageSample>;
}

export interface StalledDealsResult {
  asOf: LocalDate;
  /** Open deals examined. */
  evaluated: number;
  /** Flagged deals: most severe first, then the largest amount, then by id. */
  stalled: StalledDeal[];
  /** The norm of every open stage (and of any other stage an open deal sits in). */
  norms: StageNorm[];
}

// ---------------------------------------------------------------------------------------
// Helpers

const dateOf = (at: string): LocalDate => at.slice(0, 10);

/** Median of numbers (mean of the middle two for an even count); null when empty. */
export function medianOf(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** "120,000.00 USD" */
export function moneyText(m: Money): string {
  const [int, frac] = m.toString().split('.');
  const sign = int!.startsWith('-') ? '-' : '';
  const digits = sign ? int!.slice(1) : int!;
  return `${sign}${digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${frac !== undefined ? `.${frac}` : ''} ${m.currency}`;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Changes grouped by deal, dated on or before asOf, oldest first (stable for equal dates). */
function historyByDeal(history: readonly DealChange[], asOf: LocalDate): Map<string, DealChange[]> {
  const out = new Map<string, DealChange[]>();
  history
    .map((c, i) => ({ c, i }))
    .filter(({ c }) => dateOf(c.at) <= asOf)
    .sort((a, b) => (a.c.at < b.c.at ? -1 : a.c.at > b.c.at ? 1 : a.i - b.i))
    .forEach(({ c }) => {
      const list = out.get(c.dealId);
      if (list) list.push(c);
      else out.set(c.dealId, [c]);
    });
  return out;
}

/** What daysPerStage reads of a change. */
type StageMove = Pick<DealChange, 'field' | 'from' | 'at'>;

/**
 * Days a deal spent in each stage it left, from its stage changes: the first stage is
 * entered at createdAt (it is the first change's `from`); each change closes the stay in
 * its `from` stage. Repeat visits add up.
 */
export function daysPerStage(deal: Pick<Deal, 'createdAt'>, changes: readonly StageMove[]): Map<string, number> {
  const out = new Map<string, number>();
  let enteredAt = deal.createdAt;
  for (const c of changes) {
    if (c.field !== 'stage' || c.from === null) continue;
    const at = dateOf(c.at);
    out.set(c.from, (out.get(c.from) ?? 0) + Math.max(0, daysBetween(enteredAt, at)));
    enteredAt = at;
  }
  return out;
}

/** A stage change of a won deal, with the deal's creation date: what stage norms learn from. */
export interface WonStageChange {
  dealId: string;
  /** The deal's createdAt: when it entered its first stage. */
  createdAt: LocalDate;
  /** ISO 8601 date or date-time of the change. */
  at: string;
  /** The stage the deal left. */
  from: string;
}

/** What the org's won deals say about one stage: how many went through it, and their median days in it. */
export interface StageSample {
  samples: number;
  /** null when no won deal went through the stage. */
  medianDays: number | null;
}

/**
 * Days each won deal spent in each stage it left (repeat visits add up), summarized per
 * stage. `changes` come grouped by deal, each deal's oldest first, holding only won deals
 * closed on or before asOf and changes dated on or before it (as `wonStageChanges` does);
 * one pass, so a store can stream them.
 */
export function stageSamplesOf(changes: Iterable<WonStageChange>): Map<string, StageSample> {
  const days = new Map<string, number[]>();
  const add = (createdAt: LocalDate, group: readonly StageMove[]) => {
    for (const [stage, n] of daysPerStage({ createdAt }, group)) {
      const list = days.get(stage);
      if (list) list.push(n);
      else days.set(stage, [n]);
    }
  };
  let current: WonStageChange | undefined;
  let group: StageMove[] = [];
  for (const c of changes) {
    if (current !== undefined && c.dealId !== current.dealId) {
      add(current.createdAt, group);
      group = [];
    }
    current = c;
    group.push({ field: 'stage', from: c.from, at: c.at });
  }
  if (current !== undefined) add(current.createdAt, group);
  const out = new Map<string, StageSample>();
  for (const [stage, list] of days) out.set(stage, { samples: list.length, medianDays: medianOf(list) });
  return out;
}

/** The won-deal stage changes among `deals` and `history`, as `stageSamplesOf` takes them. */
function wonStageChangesOf(deals: readonly Deal[], history: readonly DealChange[], asOf: LocalDate): WonStageChange[] {
  const byDeal = historyByDeal(history, asOf);
  const out: WonStageChange[] = [];
  for (const d of deals) {
    if (d.status !== 'won' || d.closedAt === null || d.closedAt > asOf) continue;
    for (const c of byDeal.get(d.id) ?? []) if (c.field === 'stage' && c.from !== null) out.push({ dealId: d.id, createdAt: d.createdAt, at: c.at, from: c.from });
  }
  return out;
}

/** The norm of every open stage, in pipeline order, then of each of `extraStages` not among them. */
export function stageNormsFrom(input: { samples: ReadonlyMap<string, StageSample>; stages: readonly Stage[]; config?: StalledConfig; extraStages?: readonly string[] }): StageNorm[] {
  const config = input.config ?? stalledConfig();
  const names = [...input.stages].filter((s) => s.status === 'open').sort((a, b) => a.order - b.order).map((s) => s.name);
  for (const extra of input.extraStages ?? []) if (!names.includes(extra)) names.push(extra);
  return names.map((stage) => {
    const { samples, medianDays } = input.samples.get(stage) ?? { samples: 0, medianDays: null };
    const learned = medianDays !== null && samples >= config.stageNormMinSamples;
    return {
      stage,
      medianDays,
      samples,
      normDays: learned ? medianDays : (config.stageNormDefaults[stage] ?? config.defaultStageNormDays),
      source: learned ? 'learned' : 'default',
    };
  });
}

/** Median days in each stage over won deals closed on or before asOf; defaults when thin. */
export function learnStageNorms(input: { deals: readonly Deal[]; history: readonly DealChange[]; stages: readonly Stage[]; asOf: LocalDate; config?: StalledConfig; extraStages?: readonly string[] }): StageNorm[] {
  const samples = stageSamplesOf(wonStageChangesOf(input.deals, input.history, input.asOf));
  return stageNormsFrom({ samples, stages: input.stages, ...(input.config ? { config: input.config } : {}), ...(input.extraStages ? { extraStages: input.extraStages } : {}) });
}

// ---------------------------------------------------------------------------------------
// The signals, one function each

function stageAge(deal: Deal, changes: readonly DealChange[], norm: StageNorm, asOf: LocalDate, config: StalledConfig): StalledSignal | undefined {
  const stageChanges = changes.filter((c) => c.field === 'stage');
  const intoCurrent = [...stageChanges].reverse().find((c) => c.to === deal.stage);
  const last = stageChanges[stageChanges.length - 1];
  const enteredAt = dateOf(intoCurrent?.at ?? last?.at ?? deal.createdAt);
  const daysInStage = daysBetween(enteredAt, asOf);
  if (daysInStage < config.stageMinDays || !(daysInStage > norm.normDays)) return undefined;
  // A default norm is a guess, so it alone does not make a deal critical before it has
  // been stuck `stageStuckDays` (30+ days in one stage is "stuck" whatever the norm).
  const critical =
    new Dec(daysInStage).gt(new Dec(norm.normDays).times(config.stageCriticalFactor)) && (norm.source === 'learned' || daysInStage > config.stageStuckDays);
  const normText =
    norm.source === 'learned'
      ? `won deals spend a median of ${norm.normDays}`
      : `default norm of ${norm.normDays} (too little won-deal history to learn one: ${norm.samples} of ${config.stageNormMinSamples} needed)`;
  return {
    kind: 'stage_age',
    severity: critical ? 'critical' : 'warning',
    reason: `${daysInStage} days in ${deal.stage}; ${normText}`,
    evidence: { kind: 'stage_age', stage: deal.stage, enteredAt, daysInStage, normDays: norm.normDays, normSource: norm.source, samples: norm.samples },
  };
}

function noActivity(deal: Deal, activities: readonly Activity[], asOf: LocalDate, config: StalledConfig): StalledSignal | undefined {
  let last: LocalDate | null = deal.lastActivityAt !== null && deal.lastActivityAt <= asOf ? deal.lastActivityAt : null;
  for (const a of activities) if (a.at <= asOf && (last === null || a.at > last)) last = a.at;
  const since = last ?? deal.createdAt;
  const n = daysBetween(since, asOf);
  if (n < config.noActivityDays) return undefined;
  return {
    kind: 'no_activity',
    severity: n > config.noActivityCriticalDays ? 'critical' : 'warning',
    reason: last !== null ? `no activity for ${plural(n, 'day')} (last ${last})` : `no activity recorded in the ${plural(n, 'day')} since it was created`,
    evidence: { kind: 'no_activity', lastActivityAt: last, since, days: n },
  };
}

function closeDatePast(deal: Deal, asOf: LocalDate, config: StalledConfig): StalledSignal | undefined {
  if (deal.closeDate === null || deal.closeDate >= asOf) return undefined;
  const n = daysBetween(deal.closeDate, asOf);
  return {
    kind: 'close_date_past',
    severity: n > config.overdueCriticalDays ? 'critical' : 'warning',
    reason: `expected to close ${deal.closeDate}, ${plural(n, 'day')} ago, and still open`,
    evidence: { kind: 'close_date_past', closeDate: deal.closeDate, daysOverdue: n },
  };
}

function closeDatePushed(changes: readonly DealChange[], config: StalledConfig): StalledSignal | undefined {
  const pushes: DatedMove[] = changes
    .filter((c) => c.field === 'closeDate' && c.from !== null && c.to !== null && c.to > c.from)
    .map((c) => ({ at: dateOf(c.at), from: c.from!, to: c.to! }));
  if (pushes.length < config.pushCount || pushes.length === 0) return undefined;
  return {
    kind: 'close_date_pushed',
    severity: pushes.length >= config.pushCriticalCount ? 'critical' : 'warning',
    reason: `close date pushed later ${plural(pushes.length, 'time')} (${[pushes[0]!.from, ...pushes.map((p) => p.to)].join(' → ')})`,
    evidence: { kind: 'close_date_pushed', pushes },
  };
}

function amountReduced(deal: Deal, changes: readonly DealChange[]): StalledSignal | undefined {
  const reductions = changes
    .filter((c) => c.field === 'amount' && c.from !== null && c.to !== null && isDecimalString(c.from) && isDecimalString(c.to) && new Dec(c.to).lt(c.from))
    .map((c) => ({ at: dateOf(c.at), from: Money.of(c.from!, deal.currency), to: Money.of(c.to!, deal.currency) }));
  if (reductions.length === 0) return undefined;
  const first = reductions[0]!.from;
  const now = Money.of(deal.amount, deal.currency);
  const cut = first.minus(now);
  const pctText = first.isZero() ? '' : ` (${cut.amount.div(first.amount).times(100).toDecimalPlaces(1).toString()}% less)`;
  return {
    kind: 'amount_reduced',
    severity: 'warning',
    reason: `amount reduced ${plural(reductions.length, 'time')}, from ${moneyText(first)} to ${moneyText(now)}${pctText}`,
    evidence: { kind: 'amount_reduced', reductions },
  };
}

function stageRegressed(changes: readonly DealChange[], order: ReadonlyMap<string, number>): StalledSignal | undefined {
  const moves: DatedMove[] = [];
  for (const c of changes) {
    if (c.field !== 'stage' || c.from === null || c.to === null) continue;
    const a = order.get(c.from);
    const b = order.get(c.to);
    if (a !== undefined && b !== undefined && b < a) moves.push({ at: dateOf(c.at), from: c.from, to: c.to });
  }
  if (moves.length === 0) return undefined;
  return {
    kind: 'stage_regressed',
    severity: 'warning',
    reason: `moved back ${moves.map((m) => `from ${m.from} to ${m.to} on ${m.at}`).join('; ')}`,
    evidence: { kind: 'stage_regressed', moves },
  };
}

function nextStepMissing(deal: Deal): StalledSignal | undefined {
  if (deal.nextStep !== null && deal.nextStep.trim() !== '') return undefined;
  return { kind: 'next_step_missing', severity: 'warning', reason: 'no next step recorded', evidence: { kind: 'next_step_missing' } };
}

export function severityOf(signals: readonly StalledSignal[]): DealSeverity {
  if (signals.some((s) => s.severity === 'critical')) return 'critical';
  return signals.length >= 2 ? 'high' : 'medium';
}

export const SEVERITY_RANK: Readonly<Record<DealSeverity, number>> = { critical: 3, high: 2, medium: 1 };

// ---------------------------------------------------------------------------------------

/** Flags the open deals that show at least one signal, with evidence and reasons. */
export function detectStalledDeals(input: StalledDealsInput): StalledDealsResult {
  const config = input.config ?? stalledConfig();
  const { asOf } = input;
  const off = new Set<SignalKind>(config.disabledSignals);
  const open = input.deals.filter((d) => d.status === 'open' && d.createdAt <= asOf);
  const byDeal = historyByDeal(input.history, asOf);
  const activitiesByDeal = new Map<string, Activity[]>();
  for (const a of input.activities) {
    if (a.dealId === null) continue;
    const list = activitiesByDeal.get(a.dealId);
    if (list) list.push(a);
    else activitiesByDeal.set(a.dealId, [a]);
  }
  // Regression compares open stages only: reopening a lost deal is not a step back.
  const order = new Map(input.stages.filter((s) => s.status === 'open').map((s) => [s.name, s.order]));
  const extraStages = [...new Set(open.map((d) => d.stage))];
  const norms =
    input.stageSamples !== undefined
      ? stageNormsFrom({ samples: input.stageSamples, stages: input.stages, config, extraStages })
      : learnStageNorms({ deals: input.deals, history: input.history, stages: input.stages, asOf, config, extraStages });
  const normOf = new Map(norms.map((n) => [n.stage, n]));

  const stalled: StalledDeal[] = [];
  for (const deal of open) {
    const changes = byDeal.get(deal.id) ?? [];
    const candidates: (StalledSignal | undefined)[] = [
      off.has('stage_age') ? undefined : stageAge(deal, changes, normOf.get(deal.stage)!, asOf, config),
      off.has('no_activity') ? undefined : noActivity(deal, activitiesByDeal.get(deal.id) ?? [], asOf, config),
      off.has('close_date_past') ? undefined : closeDatePast(deal, asOf, config),
      off.has('close_date_pushed') ? undefined : closeDatePushed(changes, config),
      off.has('amount_reduced') ? undefined : amountReduced(deal, changes),
      off.has('stage_regressed') ? undefined : stageRegressed(changes, order),
      off.has('next_step_missing') ? undefined : nextStepMissing(deal),
    ];
    const signals = candidates.filter((s): s is StalledSignal => s !== undefined);
    if (signals.length === 0) continue;
    stalled.push({ deal, severity: severityOf(signals), signals, amountAtRisk: Money.of(deal.amount, deal.currency) });
  }
  stalled.sort(
    (a, b) =>
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      (a.deal.currency === b.deal.currency ? b.deal.amount.cmp(a.deal.amount) : 0) ||
      (a.deal.id < b.deal.id ? -1 : a.deal.id > b.deal.id ? 1 : 0),
  );
  return { asOf, evaluated: open.length, stalled, norms };
}
