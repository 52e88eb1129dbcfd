import type { TensorData } from '../tensor.js';

/**
 * Gather along one axis of data viewed as [outer, axisSize, inner]: out[o, k, i] = data[o, indices[k], i], so the
 * output is [outer, indices.length, inner]. Indices are already normalized to [0, axisSize).
 */
export function gatherAxis(
  data: TensorData,
  outer: number,
  axisSize: number,
  inner: number,
  indices: ArrayLike<number>,
  out: TensorData,
): void {
  const count = indices.length;
  let o = 0;
  for (let b = 0; b < outer; b++) {
    const base = b * axisSize * inner;
    for (let k = 0; k < count; k++) {
      const start = base + indices[k]! * inner;
      if (inner === 1) out[o++] = data[start]!;
      else {
        out.set(data.subarray(start, start + inner) as never, o);
        o += inner;
      }
    }
  }
}
