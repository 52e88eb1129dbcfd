import type { TensorData } from '../tensor.js';

/**
 * Concat and Split see every tensor as [outer, axis·inner] rows: a part occupies columns [start, start + width)
 * of the joined tensor's rows. Source and destination share one element type, so rows move with set().
 */

/** Copies each part's rows into `out`, side by side. `widths[k]` is part k's axis·inner. */
export function concatRows(parts: readonly TensorData[], widths: readonly number[], outer: number, out: TensorData): void {
  const total = widths.reduce((a, b) => a + b, 0);
  let start = 0;
  parts.forEach((part, k) => {
    const width = widths[k]!;
    if (width > 0) {
      for (let r = 0; r < outer; r++) out.set(part.subarray(r * width, (r + 1) * width) as never, r * total + start);
    }
    start += width;
  });
}

/** The rows' columns [start, start + width) of `src` (rows of `total` columns), into `out`. */
export function sliceRows(src: TensorData, total: number, start: number, width: number, outer: number, out: TensorData): void {
  if (width === 0) return;
  for (let r = 0; r < outer; r++) out.set(src.subarray(r * total + start, r * total + start + width) as never, r * width);
}
