import { permutedStrides, stridedCopy } from '../../kernels/strided.js';
import type { Dim } from '../../onnx/records.js';
import { allocate, sizeOf, type Tensor } from '../../tensor.js';
import { defineOp, type OpContext, type ValueType } from '../declaration.js';
import { requireDims } from '../shape-utils.js';
import { ALL } from './common.js';

/** perm must be a permutation of 0..rank-1; absent, it reverses the axes. */
function resolvePerm(rank: number, perm: readonly number[] | undefined, ctx: OpContext): number[] {
  if (perm === undefined) return Array.from({ length: rank }, (_, i) => rank - 1 - i);
  const sorted = [...perm].sort((a, b) => a - b);
  if (perm.length !== rank || sorted.some((p, i) => p !== i)) {
    ctx.badAttribute('perm', `[${perm.join(',')}] is not a permutation of the ${rank} axes`, `list each of 0..${rank - 1} once`);
  }
  return [...perm];
}

function transposeGeometry(x: ValueType | Tensor | undefined, perm: readonly number[] | undefined, ctx: OpContext) {
  const dims = requireDims(x as ValueType, 'input', ctx);
  const p = resolvePerm(dims.length, perm, ctx);
  return { perm: p, out: p.map((a) => dims[a]!) as Dim[] };
}

export const transpose = defineOp({
  opType: 'Transpose',
  domain: '',
  since: 1,
  summary: 'Permutes axes (default: reverses them)',
  inputs: [{ name: 'data', type: 'T' }],
  outputs: [{ name: 'transposed', type: 'T' }],
  types: { T: ALL },
  attributes: { perm: { type: 'ints', min: 0, doc: 'default: reversed axes' } },
  shape([x], attrs, ctx) {
    return [{ dtype: x!.dtype, dims: transposeGeometry(x, attrs.perm, ctx).out }];
  },
  run([x], attrs, ctx) {
    const { perm, out } = transposeGeometry(x, attrs.perm, ctx);
    const dims = out as number[];
    const data = allocate(x!.dtype, sizeOf(dims));
    stridedCopy(x!.data, 0, permutedStrides(x!.dims, perm), dims, data);
    return [{ dtype: x!.dtype, dims, data }];
  },
});
