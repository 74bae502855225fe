// Money and rates, exactly. Every figure in attain goes through this module.
//
// Contract: arithmetic is decimal (decimal.js) at 50 significant digits, never binary
// floats. Rounding to a currency's minor unit is half away from zero ("half-up" in the
// plan spec) and happens only where a figure becomes payable: `Money.round()`.
import { Decimal } from 'decimal.js';

/** The engine's own Decimal constructor; the global one is never configured. */
export const Dec = Decimal.clone({
  precision: 50,
  rounding: Decimal.ROUND_HALF_UP,
  toExpNeg: -40,
  toExpPos: 40,
});
export type Dec = InstanceType<typeof Dec>;

const DECIMAL_RE = /^-?(0|[1-9]\d*)(\.\d+)?$/;

/** True when `text` is a plain decimal string such as "1234.50" or "-0.08". */
export function isDecimalString(text: string): boolean {
  return DECIMAL_RE.test(text);
}

export function dec(value: string | number | Dec): Dec {
  if (typeof value === 'number') {
    // Integers are safe; a fractional JS number is a bug at the call site.
    if (!Number.isInteger(value)) throw new TypeError(`dec(${value}): fractional numbers are not exact`);
  }
  return new Dec(value);
}

/**
 * ISO 4217 minor units of the currencies attain accepts. Anything else is rejected at the
 * edge rather than guessed.
 */
const MINOR_UNITS: Readonly<Record<string, number>> = {
  USD: 2, EUR: 2, GBP: 2, CAD: 2, AUD: 2, NZD: 2, CHF: 2, SEK: 2, NOK: 2, DKK: 2,
  PLN: 2, CZK: 2, HUF: 2, RON: 2, BGN: 2, TRY: 2, ILS: 2, ZAR: 2, MXN: 2, BRL: 2,
  ARS: 2, COP: 2, CLP: 0, PEN: 2, INR: 2, CNY: 2, HKD: 2, SGD: 2, TWD: 2, THB: 2,
  MYR: 2, PHP: 2, IDR: 2, VND: 0, JPY: 0, KRW: 0, ISK: 0, AED: 2, SAR: 2, QAR: 2,
  EGP: 2, NGN: 2, KES: 2, PKR: 2, BDT: 2, UAH: 2,
  BHD: 3, KWD: 3, OMR: 3, JOD: 3, TND: 3,
};

export function isKnownCurrency(code: string): boolean {
  return Object.hasOwn(MINOR_UNITS, code);
}

export function minorUnits(currency: string): number {
  const units = MINOR_UNITS[currency];
  if (units === undefined) throw new TypeError(`unknown currency ${currency}`);
  return units;
}

export const knownCurrencies = (): string[] => Object.keys(MINOR_UNITS);

/** A rate or ratio: a pure number such as 0.08 (8 %) or 1.25 (a factor). Not money. */
export class Rate {
  private readonly brand = 'rate' as const;
  private constructor(readonly value: Dec) {}

  static of(value: string | Dec): Rate {
    return new Rate(typeof value === 'string' ? new Dec(value) : value);
  }

  static readonly ONE = new Rate(new Dec(1));

  times(other: Rate): Rate {
    return new Rate(this.value.times(other.value));
  }

  eq(other: Rate): boolean {
    return this.value.eq(other.value);
  }

  /** "8%", "12.5%": for explanations. */
  toPercent(): string {
    return `${this.value.times(100).toDecimalPlaces(4).toString()}%`;
  }

  toString(): string {
    return this.value.toString();
  }
}

/** An amount in one currency, at full precision until `round()`. */
export class Money {
  private readonly brand = 'money' as const;
  private constructor(
    readonly amount: Dec,
    readonly currency: string,
  ) {}

  static of(amount: string | Dec, currency: string): Money {
    minorUnits(currency); // asserts the currency is known
    return new Money(typeof amount === 'string' ? new Dec(amount) : amount, currency);
  }

  static zero(currency: string): Money {
    return Money.of(new Dec(0), currency);
  }

  /** Sum of many amounts of one currency; `zero` when empty. */
  static sum(items: readonly Money[], currency: string): Money {
    let total = new Dec(0);
    for (const m of items) {
      assertSameCurrency(m.currency, currency);
      total = total.plus(m.amount);
    }
    return new Money(total, currency);
  }

  plus(other: Money): Money {
    assertSameCurrency(this.currency, other.currency);
    return new Money(this.amount.plus(other.amount), this.currency);
  }

  minus(other: Money): Money {
    assertSameCurrency(this.currency, other.currency);
    return new Money(this.amount.minus(other.amount), this.currency);
  }

  /** Money × rate (or factor) is money. */
  times(rate: Rate): Money {
    return new Money(this.amount.times(rate.value), this.currency);
  }

  /** Money ÷ money is a ratio (attainment, cost of sales). */
  ratioTo(other: Money): Rate {
    assertSameCurrency(this.currency, other.currency);
    return Rate.of(this.amount.div(other.amount));
  }

  negated(): Money {
    return new Money(this.amount.negated(), this.currency);
  }

  min(other: Money): Money {
    return this.cmp(other) <= 0 ? this : other;
  }

  max(other: Money): Money {
    return this.cmp(other) >= 0 ? this : other;
  }

  cmp(other: Money): number {
    assertSameCurrency(this.currency, other.currency);
    return this.amount.cmp(other.amount);
  }

  isZero(): boolean {
    return this.amount.isZero();
  }

  isNegative(): boolean {
    return this.amount.isNegative() && !this.amount.isZero();
  }

  /** Rounded to the currency's minor unit, half away from zero. */
  round(): Money {
    return new Money(this.amount.toDecimalPlaces(minorUnits(this.currency), Dec.ROUND_HALF_UP), this.currency);
  }

  /** "1600.00": rounded to minor units, the form money takes in every output. */
  toString(): string {
    const s = this.amount.toFixed(minorUnits(this.currency), Dec.ROUND_HALF_UP);
    return s === '-0.00' || s === '-0' || /^-0\.0+$/.test(s) ? s.slice(1) : s;
  }

  /** Full precision, for explanations of unrounded legs. */
  toExactString(): string {
    return this.amount.toString();
  }
}

function assertSameCurrency(a: string, b: string): void {
  if (a !== b) throw new TypeError(`currency mismatch: ${a} vs ${b}`);
}

/**
 * Splits `total` into parts proportional to `weights`, each rounded to minor units, so
 * that the parts add up to the rounded total exactly (largest remainder; ties go to the
 * earlier part).
 */
export function allocate(total: Money, weights: readonly Rate[]): Money[] {
  if (weights.length === 0) throw new TypeError('allocate: no weights');
  const weightSum = weights.reduce((s, w) => s.plus(w.value), new Dec(0));
  if (weightSum.lte(0)) throw new TypeError('allocate: weights must sum to more than 0');
  const units = minorUnits(total.currency);
  const unit = new Dec(1).div(new Dec(10).pow(units));
  const rounded = total.round().amount;
  const sign = rounded.isNegative() ? -1 : 1;
  const abs = rounded.abs();
  const exact = weights.map((w) => abs.times(w.value).div(weightSum));
  const floors = exact.map((e) => e.toDecimalPlaces(units, Dec.ROUND_DOWN));
  let left = abs.minus(floors.reduce((s, f) => s.plus(f), new Dec(0)));
  const order = exact
    .map((e, i) => ({ i, rem: e.minus(floors[i]!) }))
    .sort((a, b) => b.rem.cmp(a.rem) || a.i - b.i);
  const parts = [...floors];
  for (const { i } of order) {
    if (left.lte(0)) break;
    parts[i] = parts[i]!.plus(unit);
    left = left.minus(unit);
  }
  return parts.map((p) => Money.of(sign < 0 ? p.negated() : p, total.currency));
}

/** A ratio rendered with `places` decimals, half-up (attainment uses 4). */
export function formatRatio(value: Dec, places = 4): string {
  return value.toFixed(places, Dec.ROUND_HALF_UP);
}
