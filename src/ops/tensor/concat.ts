import { concatRows } from '../../kernels/concat.js';
import type { Dim } from '../../onnx/records.js';
import { allocate, sizeOf, type Tensor } from '../../tensor.js';
import { defineVersions, type OpContext, type ValueType } from '../declaration.js';
import { FLOATS } from '../float-types.js';
import { isKnown, normalizeAxis, requireDims, sameDim } from '../shape-utils.js';
import { ALL } from './common.js';

/** Every input has the first input's rank and dims except along the axis, where sizes add up. */
function concatDims(inputs: readonly (ValueType | undefined)[], axis: number, ctx: OpContext): { axis: number; out: Dim[] } {
  const first = requireDims(inputs[0], 'input 0', ctx, { min: 1 });
  const rank = first.length;
  const a = normalizeAxis(axis, rank, ctx);
  const out = [...first];
  let total: Dim = 0;
  inputs.forEach((v, k) => {
    const dims = requireDims(v, `input ${k}`, ctx, rank);
    dims.forEach((d, i) => {
      if (i === a) return;
      if (!sameDim(d, out[i]!)) {
        ctx.shapeError(`input ${k} has dims [${dims.join(',')}] but input 0 has [${first.join(',')}]; only axis ${a} may differ`);
      }
      if (!isKnown(out[i]) && isKnown(d)) out[i] = d;
    });
    total = isKnown(total) && isKnown(dims[a]) ? total + dims[a] : '?';
  });
  out[a] = total;
  return { axis: a, out };
}

const concat = defineVersions(
  {
    opType: 'Concat',
    domain: '',
    summary: 'Joins tensors along an axis',
    inputs: [{ name: 'inputs', type: 'T', variadic: true }],
    outputs: [{ name: 'concat_result', type: 'T' }],
    types: { T: ALL },
    shape(inputs, attrs, ctx) {
      return [{ dtype: inputs[0]!.dtype, dims: concatDims(inputs, attrs.axis as number, ctx).out }];
    },
    run(inputs, attrs, ctx): Tensor[] {
      const parts = inputs as Tensor[];
      const { axis, out } = concatDims(parts, attrs.axis as number, ctx);
      const dims = out as number[];
      const outer = sizeOf(dims.slice(0, axis));
      const inner = sizeOf(dims.slice(axis + 1));
      const data = allocate(parts[0]!.dtype, sizeOf(dims));
      concatRows(
        parts.map((p) => p.data),
        parts.map((p) => p.dims[axis]! * inner),
        outer,
        data,
      );
      return [{ dtype: parts[0]!.dtype, dims, data }];
    },
  },
  [
    { since: 1, types: { T: FLOATS }, attributes: { axis: { type: 'int', default: 1, min: 0 } } },
    { since: 4, attributes: { axis: { type: 'int', required: true, min: 0 } } },
    { since: 11, attributes: { axis: { type: 'int', required: true, doc: 'in [-r, r-1]' } } },
  ],
);

export const concatOps = [...concat];
