import { globalAveragePool, globalMaxPool } from '../../kernels/pool.js';
import { sizeOf, tensor, type TensorData } from '../../tensor.js';
import { defineOp, type OpContext, type ValueType } from '../declaration.js';
import { FLOATS } from '../float-types.js';
import { requireDims } from '../shape-utils.js';

/** [N, C, D1...] → [N, C, 1...]; an empty spatial axis has nothing to pool. */
function globalDims(x: ValueType | undefined, ctx: OpContext) {
  const dims = requireDims(x, 'input X', ctx, { min: 3 });
  if (dims.slice(2).some((d) => d === 0)) ctx.shapeError(`input has an empty spatial axis ([${dims.join(',')}]), so there is nothing to pool`);
  return [dims[0]!, dims[1]!, ...dims.slice(2).map(() => 1)];
}

function globalPool(
  opType: string,
  summary: string,
  kernel: (x: TensorData, y: TensorData, planes: number, planeSize: number) => void,
) {
  return defineOp({
    opType,
    domain: '',
    since: 1,
    summary,
    inputs: [{ name: 'X', type: 'T' }],
    outputs: [{ name: 'Y', type: 'T' }],
    types: { T: FLOATS },
    attributes: {},
    shape([x], _attrs, ctx) {
      return [{ dtype: x!.dtype, dims: globalDims(x, ctx) }];
    },
    run([x], _attrs, ctx) {
      const dims = globalDims(x, ctx) as number[];
      const y = tensor(x!.dtype, dims);
      const planes = x!.dims[0]! * x!.dims[1]!;
      if (planes > 0) kernel(x!.data, y.data, planes, sizeOf(x!.dims) / planes);
      return [y];
    },
  });
}

// Version 22 of both adds only bfloat16, which torchparity does not hold, so version 1 serves every opset.
export const globalAveragePoolOp = globalPool(
  'GlobalAveragePool',
  'Mean over all spatial axes (any rank ≥ 3), as adaptive_avg_pool to size 1',
  globalAveragePool,
);
export const globalMaxPoolOp = globalPool('GlobalMaxPool', 'Max over all spatial axes (any rank ≥ 3); NaN propagates as in PyTorch', globalMaxPool);
