import { mulberry32 } from '../random.js';

/**
 * A small seeded generator for tensor values. fast-check decides a case's structure (shapes, attributes) and hands
 * it one integer seed; the values come from here, so a case is reproducible from its JSON alone and shrinking works
 * on the structure without having to shrink thousands of floats.
 */
export class Random {
  /** Uniform in [0, 1), 32 random bits. */
  readonly next: () => number;
  private spare: number | undefined;

  constructor(seed: number) {
    // splitmix32-style scrambling so seeds 0, 1, 2 give unrelated streams.
    let s = (seed ^ 0x9e3779b9) >>> 0;
    s = Math.imul(s ^ (s >>> 16), 0x85ebca6b) >>> 0;
    s = Math.imul(s ^ (s >>> 13), 0xc2b2ae35) >>> 0;
    this.next = mulberry32((s ^ (s >>> 16)) >>> 0);
  }

  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** Standard normal (Box–Muller, both values used). */
  normal(): number {
    if (this.spare !== undefined) {
      const v = this.spare;
      this.spare = undefined;
      return v;
    }
    let u = this.next();
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
}

/** A 32-bit seed for case `index` of a campaign started with `seed`: distinct, and independent of the shard layout. */
export function deriveSeed(seed: number, index: number): number {
  let h = (seed >>> 0) ^ Math.imul(index + 1, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
