import { forEachBroadcastRow } from './broadcast.js';
import type { Numeric } from './elementwise.js';

export type Accumulation = 'sum' | 'sumOfSquares' | 'max' | 'min' | 'prod' | 'logSumExp';

export interface ReduceOptions {
  /** Wrapping product for integer types (default: a * b). */
  multiply?: (a: number, b: number) => number;
  /** Start of a max reduction, its result over an empty set: -∞ for floats, the type's minimum for integers. */
  lowest?: number;
  /** Start of a min reduction: +∞ for floats, the type's maximum for integers. */
  highest?: number;
}

/**
 * Reduces x (laid out with `dims`) over the axes flagged in `reduced`, one double-precision accumulator per kept
 * position (the keepdims layout). Accumulating float32 in double keeps long sums within float32 rounding of the
 * exact result, which is at least as close as PyTorch's cascade summation. Max and min propagate NaN as
 * torch.amax/amin do; logSumExp subtracts the maximum first and, like torch.logsumexp, treats an infinite maximum
 * as 0 so that all −∞ gives −∞ and any +∞ gives +∞.
 */
export function reduceAccumulate(
  x: Numeric,
  dims: readonly number[],
  reduced: readonly boolean[],
  kind: Accumulation,
  options: ReduceOptions = {},
): Float64Array {
  const kept = dims.map((d, i) => (reduced[i] ? 1 : d));
  const acc = new Float64Array(kept.reduce((a, b) => a * b, 1));
  const visit = (step: (a: number, v: number) => number) =>
    forEachBroadcastRow([kept], dims, (o, [start], [stride], n) => {
      let p = start!;
      for (let i = 0; i < n; i++, p += stride!) acc[p] = step(acc[p]!, x[o + i]!);
    });
  switch (kind) {
    case 'sum':
      visit((a, v) => a + v);
      break;
    case 'sumOfSquares':
      visit((a, v) => a + v * v);
      break;
    case 'prod': {
      const multiply = options.multiply ?? ((a: number, b: number) => a * b);
      acc.fill(1);
      visit(multiply);
      break;
    }
    case 'max':
      acc.fill(options.lowest ?? -Infinity);
      visit((a, v) => (v > a || v !== v ? v : a));
      break;
    case 'min':
      acc.fill(options.highest ?? Infinity);
      visit((a, v) => (v < a || v !== v ? v : a));
      break;
    case 'logSumExp': {
      acc.fill(-Infinity);
      visit((a, v) => (v > a || v !== v ? v : a));
      const shift = acc.map((m) => (Number.isFinite(m) ? m : 0));
      acc.fill(0);
      forEachBroadcastRow([kept], dims, (o, [start], [stride], n) => {
        let p = start!;
        for (let i = 0; i < n; i++, p += stride!) acc[p] = acc[p]! + Math.exp(x[o + i]! - shift[p]!);
      });
      for (let i = 0; i < acc.length; i++) acc[i] = Math.log(acc[i]!) + shift[i]!;
      break;
    }
  }
  return acc;
}
