import { gatherAxis } from '../../kernels/gather.js';
import type { Dim } from '../../onnx/records.js';
import { allocate, sizeOf, toNumbers, type Tensor } from '../../tensor.js';
import { defineOp, type OpContext, type ValueType } from '../declaration.js';
import { INDEX_TYPES } from '../float-types.js';
import { normalizeAxis, requireDims } from '../shape-utils.js';
import { ALL, known } from './common.js';

/**
 * Output dims data[:axis] + indices + data[axis+1:], and the indices normalized to [0, size) when known. Negative
 * indices count from the end, as in torch.index_select/tensor[idx] (ONNX wrote that down in opset 11; earlier
 * runtimes already did it).
 */
function gatherGeometry(data: ValueType | undefined, indices: ValueType | undefined, axis: number, ctx: OpContext) {
  const dims = requireDims(data, 'data', ctx, { min: 1 });
  const a = normalizeAxis(axis, dims.length, ctx);
  const indexDims = requireDims(indices, 'indices', ctx);
  const size = dims[a]!;
  let normalized: number[] | undefined;
  if (indices?.value && typeof size === 'number') {
    normalized = toNumbers(indices.value).map((i) => {
      if (!(i >= -size && i < size)) {
        ctx.shapeError(`index ${i} is out of range for axis ${a} of size ${size} (data [${dims.join(',')}])`, `indices must lie in [${-size}, ${size - 1}]`);
      }
      return i < 0 ? i + size : i;
    });
  }
  const out: Dim[] = [...dims.slice(0, a), ...indexDims, ...dims.slice(a + 1)];
  return { axis: a, out, normalized };
}

export const gather = defineOp({
  opType: 'Gather',
  domain: '',
  since: 1,
  summary: 'Takes entries along one axis by (possibly negative) index; scalar or N-D indices',
  inputs: [
    { name: 'data', type: 'T' },
    { name: 'indices', type: 'Tind' },
  ],
  outputs: [{ name: 'output', type: 'T' }],
  types: { T: ALL, Tind: INDEX_TYPES },
  attributes: { axis: { type: 'int', default: 0, doc: 'in [-r, r-1]' } },
  shape([data, indices], attrs, ctx) {
    return [{ dtype: data!.dtype, dims: gatherGeometry(data, indices, attrs.axis, ctx).out }];
  },
  run([data, indices], attrs, ctx): Tensor[] {
    const g = gatherGeometry(data, known(indices), attrs.axis, ctx);
    const dims = data!.dims;
    const outDims = g.out as number[];
    const out = allocate(data!.dtype, sizeOf(outDims));
    gatherAxis(data!.data, sizeOf(dims.slice(0, g.axis)), dims[g.axis]!, sizeOf(dims.slice(g.axis + 1)), g.normalized!, out);
    return [{ dtype: data!.dtype, dims: outDims, data: out }];
  },
});
