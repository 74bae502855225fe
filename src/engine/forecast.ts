// Risk-weighted payout forecast: Monte Carlo over a rep's open pipeline for one period,
// through the real plan. Expected payout under tiers, caps and bonuses is not the sum of
// probability × commission, so every trial is a full statement computed by `calculate`.
//
// Decisions:
// - A trial draws, for each candidate deal, "won" with its probability; each won deal
//   becomes a credit of its full amount to its owner, dated on its close date, or on
//   `asOf` when that date has passed while the deal is still open (it slipped; it cannot
//   close in the past). Deals closing after the period, or without a close date, or in
//   another currency, are not candidates (listed in `excluded`).
// - The payout of a trial is the period statement's `payout` (draw top-up included).
// - A trial's outcome depends only on the set of deals won, so statements are memoized by
//   that set: exact, and far cheaper when the pipeline is small.
// - Only the periods the target period depends on are recomputed: from the earliest period
//   holding a credit that a churn in or before the target could claw back; the draw
//   balance carried into that period comes from the full baseline calculation.
// - Expected payout = mean of the trials' exact payouts, rounded half-up to minor units.
//   Percentiles are nearest-rank over the trials. Probabilities are counts / trials.
// - A deal's swing = mean payout of the trials where it was won − of those where it was
//   lost (null when it was always or never won). The deals that matter most have the
//   largest swing × √(p(1−p)), their share of the outcome's spread.
import { Dec, Money } from './money.ts';
import { type LocalDate, type Period } from './periods.ts';
import type { CompCase, Credit } from './plan.ts';
import type { Rng } from './random.ts';
import { planMilestones } from './simulate.ts';
import { calculate } from './statement.ts';
import type { DealChange, Stage } from './deals.ts';

export interface PipelineDeal {
  id: string;
  name: string;
  amount: Dec;
  currency: string;
  closeDate: LocalDate | null;
  /** Win probability in [0, 1]. */
  probability: Dec;
  /** Where the probability came from. */
  probabilitySource: 'deal' | 'stage-history';
  stage: string;
  dealType?: string;
  termMonths?: number;
}

export interface ForecastInput {
  /** The rep's case from the start of whatever history it needs through the target period. */
  compCase: CompCase;
  /** Id of the period to forecast; must be one of the case's periods. */
  periodId: string;
  asOf: LocalDate;
  deals: readonly PipelineDeal[];
  trials: number;
  rng: Rng;
}

export interface ForecastDeal {
  dealId: string;
  name: string;
  amount: Money;
  closeDate: LocalDate;
  probability: Dec;
  probabilitySource: PipelineDeal['probabilitySource'];
  /** Share of trials in which it was won. */
  wonShare: Dec;
  /** Mean payout when won − when lost; null if it was always or never won. */
  swing: Money | null;
}

export interface ForecastResult {
  currency: string;
  period: Period;
  trials: number;
  /** Payout and attainment if no open deal closes. */
  currentPayout: Money;
  currentAttainment: Dec | null;
  expectedPayout: Money;
  p10: Money;
  p50: Money;
  p90: Money;
  /** Mean attainment over the trials (exact mean of exact ratios). */
  expectedAttainment: Dec | null;
  /** Probability of final attainment ≥ 1.0. */
  probabilityQuota: Dec;
  /** Probability of reaching each accelerator (and quota), as in `planMilestones`. */
  milestones: { kind: 'quota' | 'accelerator'; attainment: Dec; componentId?: string; tierIndex?: number; probability: Dec }[];
  /** Candidate deals, the ones that matter most first. */
  deals: ForecastDeal[];
  excluded: { dealId: string; reason: string }[];
  /** Distinct won-sets computed (the rest of the trials were memo hits). */
  distinctOutcomes: number;
}

interface Outcome {
  payout: Dec;
  attainment: Dec | null;
  /** Which candidates were won (1) in this outcome. */
  won: Uint8Array;
  /** Trials that drew this outcome. */
  count: number;
}

/** First case period the target depends on (see the module note). */
function firstNeededPeriod(c: CompCase, targetIndex: number): number {
  const target = c.periods[targetIndex]!.period;
  let start = targetIndex;
  for (const e of c.events) {
    if (e.on > target.end) continue;
    for (const cr of c.credits) {
      if (cr.dealId !== e.dealId) continue;
      const idx = c.periods.findIndex((p) => p.period.start <= cr.closedAt && cr.closedAt <= p.period.end);
      if (idx >= 0 && idx < start) start = idx;
    }
  }
  return start;
}

export function forecast(input: ForecastInput): ForecastResult {
  const { compCase, asOf, rng } = input;
  const currency = compCase.plan.currency;
  const targetIndex = compCase.periods.findIndex((p) => p.period.id === input.periodId);
  if (targetIndex < 0) throw new TypeError(`forecast: period ${input.periodId} is not in the case`);
  if (!Number.isInteger(input.trials) || input.trials < 1) throw new TypeError('forecast: trials must be a positive integer');
  const period = compCase.periods[targetIndex]!.period;

  // The trimmed case every trial extends: periods [start .. target], their credits/events.
  const start = firstNeededPeriod(compCase, targetIndex);
  let opening = compCase.openingDrawBalance;
  if (start > 0) {
    const full = calculate({ ...compCase, periods: compCase.periods.slice(0, targetIndex + 1), credits: compCase.credits.filter((c) => c.closedAt <= period.end), events: compCase.events.filter((e) => e.on <= period.end) });
    opening = full.statements[start - 1]!.drawBalance.amount;
  }
  const from = compCase.periods[start]!.period.start;
  const baseCase: CompCase = {
    plan: compCase.plan,
    periods: compCase.periods.slice(start, targetIndex + 1),
    openingDrawBalance: opening,
    credits: compCase.credits.filter((c) => c.closedAt >= from && c.closedAt <= period.end),
    events: compCase.events.filter((e) => e.on >= from && e.on <= period.end),
  };

  const excluded: { dealId: string; reason: string }[] = [];
  const candidates: { deal: PipelineDeal; credit: Credit; threshold: number }[] = [];
  for (const d of input.deals) {
    if (d.currency !== currency) excluded.push({ dealId: d.id, reason: `in ${d.currency}, the plan pays in ${currency}` });
    else if (d.closeDate === null) excluded.push({ dealId: d.id, reason: 'no close date' });
    else if (d.closeDate > period.end) excluded.push({ dealId: d.id, reason: `closes ${d.closeDate}, after ${period.id}` });
    else if (!d.amount.gt(0)) excluded.push({ dealId: d.id, reason: 'amount is not positive' });
    else if (asOf > period.end) excluded.push({ dealId: d.id, reason: `${period.id} has ended` });
    else {
      const closedAt = d.closeDate < asOf ? (asOf < period.start ? period.start : asOf) : d.closeDate;
      const credit: Credit = {
        dealId: d.id,
        amount: d.amount,
        closedAt,
        ...(d.dealType !== undefined ? { dealType: d.dealType } : {}),
        ...(d.termMonths !== undefined ? { termMonths: d.termMonths } : {}),
        countsTowardQuota: true,
      };
      // Won when a uniform 32-bit draw < p·2^32 (p = 1 always wins, p = 0 never does).
      const p = Dec.min(Dec.max(d.probability, 0), 1);
      candidates.push({ deal: d, credit, threshold: p.times(4294967296).floor().toNumber() });
    }
  }

  // Distinct won-sets, each computed once; trials only count how often each came up.
  const memo = new Map<string, Outcome>();
  const lastIndex = baseCase.periods.length - 1;
  const n = candidates.length;
  const outcomeOf = (key: string, flags: Uint8Array, won: Credit[]): Outcome => {
    let o = memo.get(key);
    if (!o) {
      const r = calculate(won.length === 0 ? baseCase : { ...baseCase, credits: [...baseCase.credits, ...won] });
      const s = r.statements[lastIndex]!;
      o = { payout: s.payout.amount, attainment: s.attainment, won: flags.slice(), count: 0 };
      memo.set(key, o);
    }
    return o;
  };

  const flags = new Uint8Array(n);
  const current = outcomeOf('0'.repeat(n), flags, []);
  const wonCredits: Credit[] = [];
  const codes: string[] = new Array(n);
  for (let t = 0; t < input.trials; t++) {
    wonCredits.length = 0;
    for (let i = 0; i < n; i++) {
      const c = candidates[i]!;
      const won = rng.nextUint32() < c.threshold;
      flags[i] = won ? 1 : 0;
      codes[i] = won ? '1' : '0';
      if (won) wonCredits.push(c.credit);
    }
    outcomeOf(codes.join(''), flags, wonCredits).count++;
  }

  const trials = input.trials;
  const milestoneDefs = planMilestones(compCase.plan);
  const milestoneHits = milestoneDefs.map(() => 0);
  const wins = new Array<number>(n).fill(0);
  const sumIfWon = Array.from({ length: n }, () => new Dec(0));
  let total = new Dec(0);
  let attainmentSum = new Dec(0);
  const outcomes = [...memo.values()].filter((o) => o.count > 0);
  for (const o of outcomes) {
    const weighted = o.payout.times(o.count);
    total = total.plus(weighted);
    if (o.attainment !== null) {
      attainmentSum = attainmentSum.plus(o.attainment.times(o.count));
      for (let m = 0; m < milestoneDefs.length; m++) if (o.attainment.gte(milestoneDefs[m]!.attainment)) milestoneHits[m]! += o.count;
    }
    for (let i = 0; i < n; i++) {
      if (o.won[i]) {
        wins[i]! += o.count;
        sumIfWon[i] = sumIfWon[i]!.plus(weighted);
      }
    }
  }
  outcomes.sort((a, b) => a.payout.cmp(b.payout));
  /** Nearest-rank percentile over the trials, walking the sorted distinct outcomes. */
  const percentile = (p: number): Dec => {
    const rank = Math.max(1, Math.ceil(p * trials));
    let seen = 0;
    for (const o of outcomes) {
      seen += o.count;
      if (seen >= rank) return o.payout;
    }
    return outcomes[outcomes.length - 1]!.payout;
  };

  const money = (d: Dec) => Money.of(d, currency).round();
  const share = (count: number) => new Dec(count).div(trials);
  const deals: (ForecastDeal & { weight: Dec })[] = candidates.map((c, i) => {
    const w = wins[i]!;
    const swing = w === 0 || w === trials ? null : sumIfWon[i]!.div(w).minus(total.minus(sumIfWon[i]!).div(trials - w));
    const p = c.deal.probability;
    return {
      dealId: c.deal.id,
      name: c.deal.name,
      amount: Money.of(c.deal.amount, currency),
      closeDate: c.credit.closedAt,
      probability: p,
      probabilitySource: c.deal.probabilitySource,
      wonShare: share(w),
      swing: swing === null ? null : money(swing),
      weight: swing === null ? new Dec(0) : swing.abs().times(p.times(new Dec(1).minus(p)).abs().sqrt()),
    };
  });
  deals.sort((a, b) => b.weight.cmp(a.weight) || b.amount.cmp(a.amount) || a.dealId.localeCompare(b.dealId));
  const quotaIndex = milestoneDefs.findIndex((m) => m.kind === 'quota');

  return {
    currency,
    period,
    trials,
    currentPayout: money(current.payout),
    currentAttainment: current.attainment,
    expectedPayout: money(total.div(trials)),
    p10: money(percentile(0.1)),
    p50: money(percentile(0.5)),
    p90: money(percentile(0.9)),
    expectedAttainment: current.attainment === null ? null : attainmentSum.div(trials),
    probabilityQuota: share(milestoneHits[quotaIndex] ?? 0),
    milestones: milestoneDefs.map((m, i) => ({ ...m, probability: share(milestoneHits[i]!) })),
    deals: deals.map(({ weight: _weight, ...d }) => d),
    excluded,
    distinctOutcomes: memo.size,
  };
}

// ---------------------------------------------------------------------------------------
// Win probability by stage, learned from the org's closed deals

export interface StageWinRate {
  stage: string;
  /** Closed deals that were ever in this stage. */
  closed: number;
  won: number;
  /** (won + k·overall) / (closed + k): shrunk toward the overall rate when evidence is thin. */
  probability: Dec;
}

export interface WinRates {
  overall: Dec | null;
  closedDeals: number;
  byStage: Map<string, StageWinRate>;
}

/** Weight (in deals) of the overall win rate in each stage's estimate. */
export const STAGE_PRIOR_WEIGHT = 5;

/**
 * Learns, from deal history alone, the share of closed deals that were won among those
 * that passed through each open stage. A deal is closed when its history moves it to a
 * won/lost stage or sets its status to won/lost (the last such change decides).
 */
export function learnWinRates(history: readonly DealChange[], stages: readonly Stage[]): WinRates {
  const statusOfStage = new Map(stages.map((s) => [s.name, s.status]));
  const visited = new Map<string, Set<string>>();
  const outcome = new Map<string, 'won' | 'lost'>();
  for (const ch of history) {
    if (ch.field === 'stage') {
      let set = visited.get(ch.dealId);
      if (!set) visited.set(ch.dealId, (set = new Set()));
      if (ch.from !== null) set.add(ch.from);
      if (ch.to !== null) {
        set.add(ch.to);
        const st = statusOfStage.get(ch.to);
        if (st === 'won' || st === 'lost') outcome.set(ch.dealId, st);
      }
    } else if (ch.field === 'status' && (ch.to === 'won' || ch.to === 'lost')) {
      outcome.set(ch.dealId, ch.to);
    }
  }
  const counts = new Map<string, { closed: number; won: number }>();
  let closed = 0;
  let won = 0;
  for (const [dealId, result] of outcome) {
    closed++;
    if (result === 'won') won++;
    for (const stage of visited.get(dealId) ?? []) {
      if (statusOfStage.get(stage) !== 'open' && statusOfStage.has(stage)) continue;
      const c = counts.get(stage) ?? { closed: 0, won: 0 };
      c.closed++;
      if (result === 'won') c.won++;
      counts.set(stage, c);
    }
  }
  const overall = closed === 0 ? null : new Dec(won).div(closed);
  const byStage = new Map<string, StageWinRate>();
  if (overall !== null) {
    for (const [stage, c] of counts) {
      byStage.set(stage, { stage, closed: c.closed, won: c.won, probability: new Dec(c.won).plus(overall.times(STAGE_PRIOR_WEIGHT)).div(c.closed + STAGE_PRIOR_WEIGHT) });
    }
  }
  return { overall, closedDeals: closed, byStage };
}

/** A deal's probability: its own when set, else its stage's learned rate, else the overall rate. */
export function dealProbability(deal: { probability: Dec | null; stage: string }, rates: WinRates): { probability: Dec; source: PipelineDeal['probabilitySource'] } | undefined {
  if (deal.probability !== null) return { probability: deal.probability, source: 'deal' };
  const p = rates.byStage.get(deal.stage)?.probability ?? rates.overall;
  return p === null ? undefined : { probability: p, source: 'stage-history' };
}
