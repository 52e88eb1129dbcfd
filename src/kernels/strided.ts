import { stridesOf } from '../tensor.js';

/**
 * One copy loop for the ops that only move data (Transpose, Slice, Expand, DepthToSpace, SpaceToDepth): output
 * element at multi-index i reads src[offset + Σ i[k]·strides[k]]. A transposed, sliced (any step, negative
 * included) or broadcast view is just a choice of offset and per-axis strides, with 0 on broadcast axes.
 */

type Indexable = { [index: number]: number; readonly length: number };

export function stridedCopy(src: Indexable, offset: number, strides: readonly number[], outDims: readonly number[], dst: Indexable): void {
  const rank = outDims.length;
  let total = 1;
  for (const d of outDims) total *= d;
  if (total === 0) return;
  if (rank === 0) {
    dst[0] = src[offset]!;
    return;
  }
  const inner = outDims[rank - 1]!;
  const innerStride = strides[rank - 1]!;
  const counter = new Array<number>(rank).fill(0);
  let base = offset;
  let o = 0;
  while (o < total) {
    let p = base;
    for (let j = 0; j < inner; j++, p += innerStride) dst[o++] = src[p]!;
    // Advance the outer axes like an odometer.
    for (let axis = rank - 2; axis >= 0; axis--) {
      counter[axis]!++;
      base += strides[axis]!;
      if (counter[axis]! < outDims[axis]!) break;
      base -= strides[axis]! * outDims[axis]!;
      counter[axis] = 0;
    }
  }
}

/** Strides that read `dims` (row-major) in the axis order `perm`: output axis k walks input axis perm[k]. */
export function permutedStrides(dims: readonly number[], perm: readonly number[]): number[] {
  const strides = stridesOf(dims);
  return perm.map((p) => strides[p]!);
}
