import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dec, Money, Rate, allocate, formatRatio } from './money.ts';

describe('Money', () => {
  it('rounds half away from zero, once, to the currency minor unit', () => {
    expect(Money.of('2.345', 'USD').toString()).toBe('2.35');
    expect(Money.of('-2.345', 'USD').toString()).toBe('-2.35');
    expect(Money.of('2.344999', 'USD').toString()).toBe('2.34');
    expect(Money.of('1234.5', 'JPY').toString()).toBe('1235');
    expect(Money.of('1.0005', 'BHD').toString()).toBe('1.001');
    expect(Money.of('-0.001', 'USD').toString()).toBe('0.00');
  });

  it('is exact where binary floats are not', () => {
    expect(Money.of('0.1', 'USD').plus(Money.of('0.2', 'USD')).toExactString()).toBe('0.3');
    expect(Money.of('12345678901234567.89', 'USD').plus(Money.of('0.01', 'USD')).toString()).toBe('12345678901234567.90');
    expect(Money.of('100', 'USD').times(Rate.of('0.07')).toExactString()).toBe('7');
  });

  it('refuses to mix currencies and unknown currencies', () => {
    expect(() => Money.of('1', 'USD').plus(Money.of('1', 'EUR'))).toThrow(/currency mismatch/);
    expect(() => Money.of('1', 'XYZ')).toThrow(/unknown currency/);
  });

  it('does not let money be added to a rate (a type error)', () => {
    const m = Money.of('1', 'USD');
    // @ts-expect-error a Rate is not Money
    expect(() => m.plus(Rate.of('0.1'))).toThrow();
  });

  it('formats ratios half-up to 4 places', () => {
    expect(formatRatio(new Dec('0.92345'))).toBe('0.9235');
    expect(formatRatio(new Dec(1))).toBe('1.0000');
  });

  it('allocates by largest remainder, conserving the total', () => {
    expect(allocate(Money.of('100', 'USD'), [Rate.of('1'), Rate.of('1'), Rate.of('1')]).map(String)).toEqual(['33.34', '33.33', '33.33']);
    fc.assert(
      fc.property(fc.integer({ min: -10_000_000, max: 10_000_000 }), fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 7 }), (c, ws) => {
        const total = Money.of((c / 100).toFixed(2), 'USD');
        const parts = allocate(total, ws.map((w) => Rate.of(String(w))));
        expect(Money.sum(parts, 'USD').toString()).toBe(total.toString());
        for (const p of parts) expect(p.amount.decimalPlaces()).toBeLessThanOrEqual(2);
      }),
    );
  });
});
