// Seeded pseudo-random numbers for Monte Carlo. Pure: the generator is a value passed in,
// never Math.random, so a forecast is reproducible from its seed.
//
// xoshiro128** (Blackman & Vigna), seeded through splitmix32 from a 32-bit integer or from a
// string (hashed with FNV-1a). Good statistical quality, 4 words of state, fast in JS.

export interface Rng {
  /** Uniform integer in [0, 2^32). */
  nextUint32(): number;
  /** Uniform float in [0, 1) with 32 bits of randomness. */
  nextFloat(): number;
}

/** FNV-1a over UTF-16 code units: a stable 32-bit seed for a string such as "u42:2027-Q3". */
export function hashSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** A reproducible generator: the same seed always yields the same sequence. */
export function seededRng(seed: number | string): Rng {
  const sm = { s: typeof seed === 'string' ? hashSeed(seed) : seed >>> 0 };
  let a = splitmix32(sm);
  let b = splitmix32(sm);
  let c = splitmix32(sm);
  let d = splitmix32(sm);
  if ((a | b | c | d) === 0) a = 1; // the all-zero state is a fixed point
  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };
  return { nextUint32, nextFloat: () => nextUint32() / 4294967296 };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
