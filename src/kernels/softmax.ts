import type { Numeric } from './elementwise.js';

/**
 * Softmax (or log-softmax) over the middle axis of x viewed as [outer, size, inner]. Numerically stable: the
 * row maximum is subtracted before exponentiating, and the sum of exponentials is accumulated in double
 * precision. A row containing NaN, or +∞, gives NaN throughout, as PyTorch's softmax does.
 */
export function softmax(x: Numeric, out: Numeric, outer: number, size: number, inner: number, log: boolean): void {
  const block = size * inner;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const start = o * block + i;
      const end = start + block;
      let max = -Infinity;
      for (let p = start; p < end; p += inner) {
        const v = x[p]!;
        if (v > max || v !== v) max = v;
        if (v !== v) break;
      }
      let sum = 0;
      for (let p = start; p < end; p += inner) sum += Math.exp(x[p]! - max);
      if (log) {
        const logSum = Math.log(sum);
        for (let p = start; p < end; p += inner) out[p] = x[p]! - max - logSum;
      } else {
        for (let p = start; p < end; p += inner) out[p] = Math.exp(x[p]! - max) / sum;
      }
    }
  }
}
