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

/** What a commission line's explanation is written from (data only: no text until read). */
interface CommissionNote {
  legs: readonly TierLeg[];
  showBands: boolean;
  factors: readonly { when: Condition; factor: Rate }[];
  retroactiveAt?: Dec;
  notTowardQuotaAt?: Dec;
  cap?: { cap: Money; before: Money };
}

/**
 * A statement line whose `explain` is written on first read (then kept): explanations are
 * for people, and bulk computations (recalculation, simulation, forecast trials) never
 * read them. `toJSON` includes it, like a plain object would.
 */
class Line implements StatementLine {
  private text: string | undefined;
  constructor(
    readonly kind: LineKind,
    readonly component: string | undefined,
    readonly dealId: string | undefined,
    readonly amount: Money,
    private readonly write: (line: Line) => string,
    readonly detail?: LineDetail,
    readonly note?: CommissionNote,
  ) {}

  get explain(): string {
    return (this.text ??= this.write(this));
  }

  toJSON(): StatementLine {
    return {
      kind: this.kind,
      ...(this.component !== undefined ? { component: this.component } : {}),
      ...(this.dealId !== undefined ? { dealId: this.dealId } : {}),
      amount: this.amount,
      explain: this.explain,
      ...(this.detail ? { detail: this.detail } : {}),
    };
  }
}

function explainCommission(line: Line): string {
  const n = line.note!;
  const currency = line.amount.currency;
  const legs = n.legs.map((l) => `${Money.of(l.amount, currency).toString()} at ${l.rate.toPercent()}${n.showBands ? ` (${describeBand(l.from, l.to)})` : ''}`).join(' + ');
  const how =
    n.retroactiveAt !== undefined
      ? ` (retroactive: final attainment ${pct(n.retroactiveAt)} is in ${describeBand(n.legs[0]!.from, n.legs[0]!.to)})`
      : n.notTowardQuotaAt !== undefined
        ? ` (not toward quota: rate where attainment stood, ${pct(n.notTowardQuotaAt)})`
        : '';
  const factors = n.factors.map((m) => ` × ${m.factor.toString()} (${describeCondition(m.when)})`).join('');
  const cap = n.cap
    ? line.amount.isZero()
      ? `; cap ${n.cap.cap.toString()} already reached: pays 0`
      : `; cap ${n.cap.cap.toString()} reached: cut from ${n.cap.before.toString()} to ${line.amount.toString()}`
    : '';
  return `${legs}${how}${factors}${cap}`;
}

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

/** Each tier's band in currency for quota q: [lo, hi), hi null = unbounded. */
export interface CurrencyBand {
  from: Dec;
  to: Dec | null;
  lo: Dec;
  hi: Dec | null;
  rate: Rate;
}

export function currencyBands(tiers: readonly Tier[], q: Dec): CurrencyBand[] {
  return tiers.map((t, i) => {
    const { from, to } = tierBand(tiers, i);
    return { from, to, lo: from.times(q), hi: to === null ? null : to.times(q), rate: t.rate };
  });
}

/** Marginal legs of the amount band [c0, c0 + amount) over tier bands in currency. */
export function marginalLegs(bands: readonly CurrencyBand[], c0: Dec, amount: Dec): TierLeg[] {
  const legs: TierLeg[] = [];
  const c1 = c0.plus(amount);
  for (let i = 0; i < bands.length; i++) {
    const b = bands[i]!;
    if (b.hi !== null && !b.hi.gt(c0)) continue; // band entirely below the credit
    if (!c1.gt(b.lo)) break; // this band and every later one lie above it
    const lo = b.lo.gt(c0) ? b.lo : c0;
    const hi = b.hi === null || c1.lt(b.hi) ? c1 : b.hi;
    if (hi.gt(lo)) legs.push({ tierIndex: i, from: b.from, to: b.to, amount: hi.minus(lo), rate: b.rate });
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
  const bands = comp.tiering === 'marginal' ? currencyBands(comp.tiers, quota) : [];
  let paid = Money.zero(currency);
  let counted = ZERO; // C: counted credits so far this period

  for (const { credit, index } of credits) {
    const c0 = counted;
    if (credit.countsTowardQuota) counted = counted.plus(credit.amount);
    if (comp.filter && (credit.dealType === undefined || !comp.filter.dealTypes.includes(credit.dealType))) continue;

    let legs: TierLeg[];
    const note: { retroactiveAt?: Dec; notTowardQuotaAt?: Dec } = {};
    if (comp.tiering === 'retroactive') {
      legs = [singleLeg(comp.tiers, finalTier, credit.amount)];
      note.retroactiveAt = finalAttainment;
    } else if (credit.countsTowardQuota) {
      legs = marginalLegs(bands, c0, credit.amount);
    } else {
      const at = c0.div(quota);
      legs = [singleLeg(comp.tiers, tierIndexAt(comp.tiers, at), credit.amount)];
      note.notTowardQuotaAt = at;
    }

    let raw = legs.reduce((s, l) => s.plus(l.amount.times(l.rate.value)), ZERO);
    let multiplier = Rate.ONE;
    const factors: { when: Condition; factor: Rate }[] = [];
    for (const m of comp.multipliers) {
      if (matches(m.when, credit)) {
        multiplier = multiplier.times(m.factor);
        factors.push(m);
      }
    }
    if (factors.length > 0) raw = raw.times(multiplier.value);

    let amount = Money.of(raw, currency).round();
    let capCut = ZERO;
    let capNote: CommissionNote['cap'];
    if (cap) {
      const room = cap.minus(paid).max(Money.zero(currency));
      if (amount.cmp(room) > 0) {
        capCut = amount.minus(room).amount;
        capNote = { cap, before: amount };
        amount = room;
      }
    }
    paid = paid.plus(amount);

    const detail: LineDetail = { legs, multiplier, unrounded: raw, capCut, countsTowardQuota: credit.countsTowardQuota };
    const commissionNote: CommissionNote = { legs, showBands: comp.tiering === 'marginal' && credit.countsTowardQuota, factors, ...note, ...(capNote ? { cap: capNote } : {}) };
    lines.push(new Line('commission', comp.id, credit.dealId, amount, explainCommission, detail, commissionNote));
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
    const closedAt = credit.closedAt;
    const window = comp.from || comp.to ? `, closed ${closedAt} within ${comp.from ?? '…'}..${comp.to ?? '…'}` : '';
    lines.push(new Line('spiff', comp.id, credit.dealId, amount, (l) => `SPIF ${comp.name ?? comp.id}: ${l.amount.toString()} for a deal matching ${describeCondition(comp.when ?? {})}${window}`));
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
