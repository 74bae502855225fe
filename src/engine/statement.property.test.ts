// Invariants of the calculation, over random plans and credits (fast-check).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dec, Money } from './money.ts';
import { parseCase } from './plan.ts';
import { calculate } from './statement.ts';

const cents = (min: number, max: number) => fc.integer({ min, max }).map((c) => (c / 100).toFixed(2));
const rate = fc.integer({ min: 0, max: 3000 }).map((bp) => (bp / 10000).toFixed(4));

/** Increasing tier bounds (attainment) with rates; last tier unbounded. */
const tiers = fc
  .array(fc.integer({ min: 5, max: 80 }), { minLength: 0, maxLength: 4 })
  .chain((steps) =>
    fc.array(rate, { minLength: steps.length + 1, maxLength: steps.length + 1 }).map((rates) => {
      let bound = 0;
      return rates.map((r, i) => {
        if (i === steps.length) return { upTo: null, rate: r };
        bound += steps[i]!;
        return { upTo: (bound / 100).toFixed(2), rate: r };
      });
    }),
  );

const credit = fc.record({ amount: cents(1, 5_000_000), day: fc.integer({ min: 1, max: 28 }), month: fc.integer({ min: 1, max: 3 }), counts: fc.boolean() });

function caseOf(opts: { tiering: 'marginal' | 'retroactive'; tiers: unknown; cap?: string; quota: string; credits: { amount: string; day: number; month: number; counts: boolean }[]; draw?: boolean }) {
  return parseCase({
    plan: {
      id: 'p', version: 1, name: 'P', currency: 'USD', period: 'quarter',
      components: [{ kind: 'commission', id: 'base', tiering: opts.tiering, tiers: opts.tiers, ...(opts.cap ? { cap: opts.cap } : {}) }],
      ...(opts.draw ? { draw: { amount: '2500', recoverable: true } } : {}),
    },
    quotas: { '2027-Q1': opts.quota, '2027-Q2': opts.quota },
    credits: opts.credits.map((c, i) => ({
      dealId: `D${i}`, amount: c.amount,
      closedAt: `2027-${String(c.month).padStart(2, '0')}-${String(c.day).padStart(2, '0')}`,
      countsTowardQuota: c.counts,
    })),
  });
}

const commissionTotal = (r: ReturnType<typeof calculate>) =>
  r.statements.flatMap((s) => s.lines).filter((l) => l.kind === 'commission').reduce((s, l) => s.plus(l.amount.amount), new Dec(0));

describe('calculation invariants', () => {
  it('marginal commission of a credit never falls when its amount grows', () => {
    fc.assert(
      fc.property(tiers, cents(100_000, 50_000_000), fc.array(credit, { maxLength: 5 }), cents(1, 10_000_000), cents(1, 1_000_000), (t, quota, before, a, extra) => {
        const grown = (new Dec(a).plus(extra)).toFixed(2);
        const last = { amount: a, day: 28, month: 3, counts: true };
        const small = calculate(caseOf({ tiering: 'marginal', tiers: t, quota, credits: [...before, last] }));
        const big = calculate(caseOf({ tiering: 'marginal', tiers: t, quota, credits: [...before, { ...last, amount: grown }] }));
        expect(commissionTotal(big).gte(commissionTotal(small))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('statements add up to the cent, with and without a draw', () => {
    fc.assert(
      fc.property(tiers, fc.constantFrom('marginal' as const, 'retroactive' as const), cents(100_000, 50_000_000), fc.array(credit, { maxLength: 8 }), fc.boolean(), (t, tiering, quota, credits, draw) => {
        const r = calculate(caseOf({ tiering, tiers: t, quota, credits, draw }));
        let balance = Money.zero('USD');
        for (const s of r.statements) {
          const sum = Money.sum(s.lines.map((l) => l.amount), 'USD');
          expect(s.earnings.toString()).toBe(sum.toString());
          for (const l of s.lines) expect(l.amount.amount.decimalPlaces()).toBeLessThanOrEqual(2);
          expect(s.payout.toString()).toBe(s.earnings.minus(s.drawRecovery).plus(s.drawTopUp).toString());
          expect(s.drawBalance.toString()).toBe(balance.plus(s.drawTopUp).minus(s.drawRecovery).toString());
          balance = s.drawBalance;
        }
      }),
      { numRuns: 200 },
    );
  });

  it('a cap is never exceeded', () => {
    fc.assert(
      fc.property(tiers, cents(100_000, 50_000_000), fc.array(credit, { maxLength: 8 }), cents(0, 2_000_000), (t, quota, credits, cap) => {
        const r = calculate(caseOf({ tiering: 'marginal', tiers: t, quota, credits, cap }));
        for (const s of r.statements) {
          const paid = s.lines.filter((l) => l.kind === 'commission').reduce((acc, l) => acc.plus(l.amount.amount), new Dec(0));
          expect(paid.lte(cap)).toBe(true);
          for (const l of s.lines) expect(l.amount.isNegative()).toBe(false);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('retroactive and marginal agree when there is one tier', () => {
    fc.assert(
      fc.property(rate, cents(100_000, 50_000_000), fc.array(credit, { maxLength: 8 }), (r, quota, credits) => {
        const one = [{ upTo: null, rate: r }];
        const m = calculate(caseOf({ tiering: 'marginal', tiers: one, quota, credits }));
        const x = calculate(caseOf({ tiering: 'retroactive', tiers: one, quota, credits }));
        expect(m.statements.map((s) => s.lines.map((l) => l.amount.toString()))).toEqual(x.statements.map((s) => s.lines.map((l) => l.amount.toString())));
      }),
      { numRuns: 200 },
    );
  });
});
