import { normalizeBlocks } from '../../kernels/normalization.js';
import type { Dim } from '../../onnx/records.js';
import { sizeOf, tensor, type Tensor } from '../../tensor.js';
import { defineOp, type OpContext, type ValueType } from '../declaration.js';
import { FLOATS } from '../float-types.js';
import { allKnown, normalizeAxis, requireDims } from '../shape-utils.js';

/** Leading dims (one block each), the normalized size, and the dims of Mean / InvStdDev. */
function layout(inputs: readonly (ValueType | undefined)[], axisAttr: number, ctx: OpContext) {
  const x = requireDims(inputs[0], 'input X', ctx, { min: 1 });
  const axis = normalizeAxis(axisAttr, x.length, ctx);
  const normalized = x.slice(axis);
  const size = allKnown(normalized) ? sizeOf(normalized) : undefined;
  ['Scale', 'B'].forEach((name, k) => {
    const p = inputs[k + 1];
    if (!p) return;
    const dims = requireDims(p, `input ${name}`, ctx);
    // ONNX flattens Scale and B to one row of the normalized size; PyTorch's weight has exactly normalized_shape.
    if (size !== undefined && allKnown(dims) && sizeOf(dims) !== size) {
      ctx.shapeError(`input ${name} has dims [${dims.join(',')}] but axis ${axis} normalizes [${normalized.join(',')}] (${size} values)`);
    }
  });
  const statDims: Dim[] = [...x.slice(0, axis), ...normalized.map(() => 1)];
  return { x, axis, statDims };
}

/**
 * LayerNormalization-17: normalize over the axes from `axis` on, then Scale and optional B (F.layer_norm with
 * normalized_shape = X.shape[axis:], which the exporters emit from opset 17 on). Mean and InvStdDev are float32
 * (stash_type 1, the only type ONNX allows for them besides bfloat16). Statistics are computed in double for every
 * input type; PyTorch uses float for float16/float32 inputs and double for float64, and agrees with this to the
 * input type's rounding (ONNX's stash_type=1 would compute float64 inputs in float32; PyTorch does not).
 */
export const layerNormalization = defineOp({
  opType: 'LayerNormalization',
  domain: '',
  since: 17,
  summary: 'Normalization over the trailing axes from `axis`, with Scale and optional B; optional Mean and InvStdDev',
  inputs: [
    { name: 'X', type: 'T' },
    { name: 'Scale', type: 'T' },
    { name: 'B', type: 'T', optional: true },
  ],
  outputs: [
    { name: 'Y', type: 'T' },
    { name: 'Mean', type: 'U', optional: true },
    { name: 'InvStdDev', type: 'U', optional: true },
  ],
  types: { T: FLOATS, U: ['float32'] },
  attributes: {
    axis: { type: 'int', default: -1 },
    epsilon: { type: 'float', default: 1e-5 },
    stash_type: { type: 'int', default: 1, oneOf: [1], doc: 'element type of Mean and InvStdDev: 1 (float32); bfloat16 (16) is not held' },
  },
  shape(inputs, attrs, ctx) {
    const { x, statDims } = layout(inputs, attrs.axis, ctx);
    return [
      { dtype: inputs[0]!.dtype, dims: x },
      { dtype: 'float32', dims: statDims },
      { dtype: 'float32', dims: statDims },
    ];
  },
  run(inputs, attrs, ctx): Tensor[] {
    const { axis, statDims } = layout(inputs, attrs.axis, ctx);
    const [x, scale, bias] = inputs as [Tensor, Tensor, Tensor | undefined];
    const y = tensor(x.dtype, x.dims);
    const blockSize = sizeOf(x.dims.slice(axis));
    // The statistics are one value per block, so they are always produced.
    const mean = tensor(ctx.floatType, statDims as number[]);
    const invStdDev = tensor(ctx.floatType, statDims as number[]);
    normalizeBlocks(
      x.data,
      scale.data,
      bias?.data,
      y.data,
      { blocks: sizeOf(x.dims.slice(0, axis)), blockSize, epsilon: attrs.epsilon, blocksPerSample: 1, paramsPerBlock: blockSize, paramRun: 1 },
      mean.data,
      invStdDev.data,
    );
    return [y, mean, invStdDev];
  },
});
