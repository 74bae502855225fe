// The calculation: a case in, one statement per period out, every line explained.
// This file implements ../shared/spec/plan-format.md §2 to the letter; where the spec is
// silent the choice is written next to the code.
import { Dec, Money, Rate, formatRatio } from './money.ts';
import type { BonusComponent, ChurnEvent, CommissionComponent, CompCase, CompPlan, Condition, Credit, SpiffComponent, Tier } from './plan.ts';
import { type Period, containsDate, daysBetween } from './periods.ts';

export type LineKind = 'commission' | 'spiff' | 'bonus' | 'clawback';

/** One slice of a credit paid at one tier's rate. */
export interface TierLeg {
  tierIndex: number;
  /** The tier's band in attainment: [from, to); to null = unbounded. */
  from: Dec;
  to: Dec | null;
  /** The part of the credit's amount inside the band (currency). */
  amount: Dec;
  rate: Rate;
}

export interface LineDetail {
  legs: TierLeg[];
  /** Product of the factors of every matching multiplier (1 when none). */
  multiplier: Rate;
  /** Commission before rounding and cap. */
  unrounded: Dec;
  /** How much the cap took off this line (0 when it did not bite). */
  capCut: Dec;
  countsTowardQuota: boolean;
}

export interface StatementLine {
  kind: LineKind;
  component?: string;
  dealId?: string;
  /** Rounded to the currency's minor unit, exactly once. */
  amount: Money;
  explain: string;
  detail?: LineDetail;
}

export interface Statement {
  period: Period;
  quota: Money;
  /** Sum of the period's credits that count toward quota (exact). */
  credited: Money;
  /** credited / quota, exact; null only for a spiff-only plan with a zero quota. */
  attainment: Dec | null;
  lines: StatementLine[];
  earnings: Money;
  drawRecovery: Money;
  drawTopUp: Money;
  payout: Money;
  drawBalance: Money;
}

export interface CalcResult {
  currency: string;
  statements: Statement[];
  ignoredEvents: ChurnEvent[];
}

const ZERO = new Dec(0);

export function matches(when: Condition | undefined, credit: Pick<Credit, 'dealType' | 'termMonths'>): boolean {
  if (!when) return true;
  if (when.termMonthsAtLeast !== undefined && (credit.termMonths === undefined || credit.termMonths < when.termMonthsAtLeast)) return false;
  if (when.dealTypes !== undefined && (credit.dealType === undefined || !when.dealTypes.includes(credit.dealType))) return false;
  return true;
}

function describeCondition(when: Condition): string {
  const parts: string[] = [];
  if (when.termMonthsAtLeast !== undefined) parts.push(`term ≥ ${when.termMonthsAtLeast} months`);
  if (when.dealTypes !== undefined) parts.push(`type ${when.dealTypes.join('/')}`);
  return parts.join(', ') || 'always';
}

const pct = (ratio: Dec): string => `${ratio.times(100).toDecimalPlaces(2).toString()}%`;

export function tierBand(tiers: readonly Tier[], i: number): { from: Dec; to: Dec | null } {
  return { from: i === 0 ? ZERO : tiers[i - 1]!.upTo!, to: tiers[i]!.upTo };
}

export function describeBand(from: Dec, to: Dec | null): string {
  return to === null ? `${pct(from)}+` : `${pct(from)}–${pct(to)}`;
}

/**
 * Index of the tier holding attainment `a`. A value exactly at a tier's upTo belongs to
 * the next tier (reaching 100 % exactly earns the rate that starts at 1.0).
 */
export function tierIndexAt(tiers: readonly Tier[], a: Dec): number {
  for (let i = 0; i < tiers.length; i++) {
    const upTo = tiers[i]!.upTo;
    if (upTo === null || a.lt(upTo)) return i;
  }
  return tiers.length - 1;
}

/** Marginal legs of the amount band [c0, c0 + amount) against quota q. */
export function marginalLegs(tiers: readonly Tier[], q: Dec, c0: Dec, amount: Dec): TierLeg[] {
  const legs: TierLeg[] = [];
  const c1 = c0.plus(amount);
  for (let i = 0; i < tiers.length; i++) {
    const { from, to } = tierBand(tiers, i);
    const lo = Dec.max(c0, from.times(q));
    const hi = to === null ? c1 : Dec.min(c1, to.times(q));
    if (hi.gt(lo)) legs.push({ tierIndex: i, from, to, amount: hi.minus(lo), rate: tiers[i]!.rate });
  }
  return legs;
}

function singleLeg(tiers: readonly Tier[], index: number, amount: Dec): TierLeg {
  const { from, to } = tierBand(tiers, index);
  return { tierIndex: index, from, to, amount, rate: tiers[index]!.rate };
}

interface PeriodCredit {
  credit: Credit;
  /** Position in the case, for stable ordering. */
  index: number;
}

/** What a credit earned in its own period: the base of a clawback. */
type Earned = Map<number, Money[]>;

function commissionLines(
  comp: CommissionComponent,
  credits: readonly PeriodCredit[],
  quota: Dec,
  totalCounted: Dec,
  currency: string,
  earned: Earned,
): StatementLine[] {
  const lines: StatementLine[] = [];
  const finalAttainment = totalCounted.div(quota);
  const finalTier = tierIndexAt(comp.tiers, finalAttainment);
  const cap = comp.cap === undefined ? undefined : Money.of(comp.cap, currency).round();
  let paid = Money.zero(currency);
  let counted = ZERO; // C: counted credits so far this period

  for (const { credit, index } of credits) {
    const c0 = counted;
    if (credit.countsTowardQuota) counted = counted.plus(credit.amount);
    if (comp.filter && (credit.dealType === undefined || !comp.filter.dealTypes.includes(credit.dealType))) continue;

    let legs: TierLeg[];
    let how: string;
    if (comp.tiering === 'retroactive') {
      legs = [singleLeg(comp.tiers, finalTier, credit.amount)];
      how = ` (retroactive: final attainment ${pct(finalAttainment)} is in ${describeBand(legs[0]!.from, legs[0]!.to)})`;
    } else if (credit.countsTowardQuota) {
      legs = marginalLegs(comp.tiers, quota, c0, credit.amount);
      how = '';
    } else {
      legs = [singleLeg(comp.tiers, tierIndexAt(comp.tiers, c0.div(quota)), credit.amount)];
      how = ` (not toward quota: rate where attainment stood, ${pct(c0.div(quota))})`;
    }

    let raw = legs.reduce((s, l) => s.plus(l.amount.times(l.rate.value)), ZERO);
    let multiplier = Rate.ONE;
    const factorTexts: string[] = [];
    for (const m of comp.multipliers) {
      if (matches(m.when, credit)) {
        multiplier = multiplier.times(m.factor);
        factorTexts.push(`× ${m.factor.toString()} (${describeCondition(m.when)})`);
      }
    }
    raw = raw.times(multiplier.value);

    let amount = Money.of(raw, currency).round();
    let capCut = ZERO;
    let capText = '';
    if (cap) {
      const room = cap.minus(paid).max(Money.zero(currency));
      if (amount.cmp(room) > 0) {
        capCut = amount.minus(room).amount;
        capText = room.isZero() ? `; cap ${cap.toString()} already reached: pays 0` : `; cap ${cap.toString()} reached: cut from ${amount.toString()} to ${room.toString()}`;
        amount = room;
      }
    }
    paid = paid.plus(amount);

    const legText = legs
      .map((l) => `${Money.of(l.amount, currency).toString()} at ${l.rate.toPercent()}${comp.tiering === 'marginal' && credit.countsTowardQuota ? ` (${describeBand(l.from, l.to)})` : ''}`)
      .join(' + ');
    const explain = `${legText}${how}${factorTexts.length ? ' ' + factorTexts.join(' ') : ''}${capText}`;
    lines.push({
      kind: 'commission',
      component: comp.id,
      dealId: credit.dealId,
      amount,
      explain,
      detail: { legs, multiplier, unrounded: raw, capCut, countsTowardQuota: credit.countsTowardQuota },
    });
    pushEarned(earned, index, amount);
  }
  return lines;
}

function pushEarned(earned: Earned, index: number, amount: Money): void {
  const list = earned.get(index);
  if (list) list.push(amount);
  else earned.set(index, [amount]);
}

function spiffLines(comp: SpiffComponent, credits: readonly PeriodCredit[], currency: string, earned: Earned): StatementLine[] {
  const lines: StatementLine[] = [];
  const amount = Money.of(comp.amount, currency).round();
  for (const { credit, index } of credits) {
    if (comp.from !== undefined && credit.closedAt < comp.from) continue;
    if (comp.to !== undefined && credit.closedAt > comp.to) continue;
    if (!matches(comp.when, credit)) continue;
    const window = comp.from || comp.to ? `, closed ${credit.closedAt} within ${comp.from ?? '…'}..${comp.to ?? '…'}` : '';
    lines.push({
      kind: 'spiff',
      component: comp.id,
      dealId: credit.dealId,
      amount,
      explain: `SPIF ${comp.name ?? comp.id}: ${amount.toString()} for a deal matching ${describeCondition(comp.when ?? {})}${window}`,
    });
    pushEarned(earned, index, amount);
  }
  return lines;
}

function bonusLine(comp: BonusComponent, attainment: Dec, currency: string): StatementLine | undefined {
  if (attainment.lt(comp.attainmentAtLeast)) return undefined;
  const amount = Money.of(comp.amount, currency).round();
  return {
    kind: 'bonus',
    component: comp.id,
    amount,
    explain: `bonus ${comp.name ?? comp.id}: attainment ${pct(attainment)} reached ${pct(comp.attainmentAtLeast)}`,
  };
}

/** Sorts credits by closedAt, ties by their order in the case. */
function inCreditOrder(credits: readonly Credit[]): PeriodCredit[] {
  return credits
    .map((credit, index) => ({ credit, index }))
    .sort((a, b) => (a.credit.closedAt < b.credit.closedAt ? -1 : a.credit.closedAt > b.credit.closedAt ? 1 : a.index - b.index));
}

/** Computes every statement of a validated case. */
export function calculate(input: CompCase): CalcResult {
  const { plan } = input;
  const currency = plan.currency;
  const ordered = inCreditOrder(input.credits);
  const earned: Earned = new Map();
  const clawedBack = new Set<string>();
  const ignoredEvents: ChurnEvent[] = [];
  const zero = Money.zero(currency);
  const drawAmount = plan.draw ? Money.of(plan.draw.amount, currency).round() : undefined;
  let balance = Money.of(input.openingDrawBalance, currency).round();

  // Events in time order, ties by their order in the case.
  const events = input.events.map((e, i) => ({ e, i })).sort((a, b) => (a.e.on < b.e.on ? -1 : a.e.on > b.e.on ? 1 : a.i - b.i));

  const statements: Statement[] = [];
  for (const { period, quota } of input.periods) {
    const credits = ordered.filter((c) => containsDate(period, c.credit.closedAt));
    const totalCounted = credits.reduce((s, c) => (c.credit.countsTowardQuota ? s.plus(c.credit.amount) : s), ZERO);
    const attainment = quota.isZero() ? null : totalCounted.div(quota);

    const lines: StatementLine[] = [];
    for (const comp of plan.components) {
      if (comp.kind === 'commission') lines.push(...commissionLines(comp, credits, quota, totalCounted, currency, earned));
    }
    for (const comp of plan.components) {
      if (comp.kind === 'spiff') lines.push(...spiffLines(comp, credits, currency, earned));
    }
    for (const comp of plan.components) {
      if (comp.kind === 'bonus' && attainment !== null) {
        const line = bonusLine(comp, attainment, currency);
        if (line) lines.push(line);
      }
    }
    for (const { e } of events) {
      if (!containsDate(period, e.on)) continue;
      const line = clawbackLine(plan, e, ordered, earned, clawedBack, currency);
      if (line) lines.push(line);
      else ignoredEvents.push(e);
    }

    const earnings = Money.sum(
      lines.map((l) => l.amount),
      currency,
    );
    let payout = earnings;
    let recovery = zero;
    let topUp = zero;
    if (drawAmount && plan.draw) {
      if (earnings.cmp(drawAmount) >= 0) {
        recovery = balance.min(earnings.minus(drawAmount));
        payout = earnings.minus(recovery);
        balance = balance.minus(recovery);
      } else {
        payout = drawAmount;
        topUp = drawAmount.minus(earnings);
        if (plan.draw.recoverable) balance = balance.plus(topUp);
      }
    }
    statements.push({
      period,
      quota: Money.of(quota, currency),
      credited: Money.of(totalCounted, currency),
      attainment,
      lines,
      earnings,
      drawRecovery: recovery,
      drawTopUp: topUp,
      payout,
      drawBalance: balance,
    });
  }
  return { currency, statements, ignoredEvents };
}

/**
 * The clawback of a churned deal: minus what its credits earned in their own period
 * (commission after multipliers and cap, plus spiffs), for the credits closed at most
 * `withinDays` before the churn. Undefined when the churn changes nothing.
 */
function clawbackLine(
  plan: CompPlan,
  event: ChurnEvent,
  ordered: readonly PeriodCredit[],
  earned: Earned,
  clawedBack: Set<string>,
  currency: string,
): StatementLine | undefined {
  if (!plan.clawback || clawedBack.has(event.dealId)) return undefined;
  const within = ordered.filter(({ credit }) => {
    if (credit.dealId !== event.dealId) return false;
    const days = daysBetween(credit.closedAt, event.on);
    return days >= 0 && days <= plan.clawback!.withinDays;
  });
  if (within.length === 0) return undefined;
  clawedBack.add(event.dealId);
  const total = Money.sum(
    within.flatMap(({ index }) => earned.get(index) ?? []),
    currency,
  );
  const closed = within.map((w) => w.credit.closedAt).join(', ');
  return {
    kind: 'clawback',
    dealId: event.dealId,
    amount: total.negated(),
    explain: `clawback: deal ${event.dealId} churned ${event.on}, ${daysBetween(within[0]!.credit.closedAt, event.on)} days after it closed (${closed}; window ${plan.clawback.withinDays} days); reverses ${total.toString()} of commission and SPIFs`,
  };
}

// ---------------------------------------------------------------------------------------
// The result JSON of the spec (§4)

export interface SpecLine {
  kind: LineKind;
  component?: string;
  dealId?: string;
  amount: string;
  explain: string;
}

export interface SpecStatement {
  period: string;
  quota: string;
  credited: string;
  attainment: string | null;
  lines: SpecLine[];
  earnings: string;
  drawRecovery: string;
  drawTopUp: string;
  payout: string;
  drawBalance: string;
}

export interface SpecResult {
  currency: string;
  statements: SpecStatement[];
  ignoredEvents: ChurnEvent[];
}

export function specLine(l: StatementLine): SpecLine {
  return {
    kind: l.kind,
    ...(l.component !== undefined ? { component: l.component } : {}),
    ...(l.dealId !== undefined ? { dealId: l.dealId } : {}),
    amount: l.amount.toString(),
    explain: l.explain,
  };
}

export function specStatement(s: Statement): SpecStatement {
  return {
    period: s.period.id,
    quota: s.quota.toString(),
    credited: s.credited.toString(),
    attainment: s.attainment === null ? null : formatRatio(s.attainment),
    lines: s.lines.map(specLine),
    earnings: s.earnings.toString(),
    drawRecovery: s.drawRecovery.toString(),
    drawTopUp: s.drawTopUp.toString(),
    payout: s.payout.toString(),
    drawBalance: s.drawBalance.toString(),
  };
}

export function toSpecResult(r: CalcResult): SpecResult {
  return { currency: r.currency, statements: r.statements.map(specStatement), ignoredEvents: r.ignoredEvents.map((e) => ({ ...e })) };
}
