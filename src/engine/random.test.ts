import { describe, expect, it } from 'vitest';
import { hashSeed, seededRng } from './random.ts';

describe('seededRng', () => {
  it('is reproducible for a seed and differs across seeds', () => {
    const a = seededRng(42);
    const b = seededRng(42);
    const c = seededRng('42');
    const xs = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(xs);
    expect(hashSeed('u1:2027-Q1')).toBe(hashSeed('u1:2027-Q1'));
  });

  it('draws floats in [0, 1) with a plausible mean', () => {
    const rng = seededRng(7);
    let sum = 0;
    let outside = 0;
    for (let i = 0; i < 100_000; i++) {
      const x = rng.nextFloat();
      if (!(x >= 0 && x < 1)) outside++;
      sum += x;
    }
    expect(outside).toBe(0);
    expect(Math.abs(sum / 100_000 - 0.5)).toBeLessThan(0.005);
  });
});
