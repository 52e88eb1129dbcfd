import { normalizeBlocks } from '../../kernels/normalization.js';
import { sizeOf, tensor, type Tensor } from '../../tensor.js';
import type { AnyOpDeclaration, AttrMap, OpContext, ValueType } from '../declaration.js';
import { FLOATS } from '../float-types.js';
import { requireDims, sameDim } from '../shape-utils.js';

function checkShapes(inputs: readonly (ValueType | undefined)[], ctx: OpContext) {
  const x = requireDims(inputs[0], 'input', ctx, { min: 3 });
  ['scale', 'B'].forEach((name, k) => {
    const dims = requireDims(inputs[k + 1], `input ${name}`, ctx, 1);
    if (!sameDim(dims[0]!, x[1]!)) ctx.shapeError(`input ${name} has ${dims[0]} values but the input has ${x[1]} channels`);
  });
  return x;
}

function instanceNormVersion(since: number, attributes: AttrMap): AnyOpDeclaration {
  return {
    opType: 'InstanceNormalization',
    domain: '',
    since,
    summary: 'Normalization per sample and channel over the spatial axes, then per-channel scale and bias',
    inputs: [
      { name: 'input', type: 'T' },
      { name: 'scale', type: 'T' },
      { name: 'B', type: 'T' },
    ],
    outputs: [{ name: 'output', type: 'T' }],
    types: { T: FLOATS },
    attributes,
    shape(inputs, _attrs, ctx) {
      return [{ dtype: inputs[0]!.dtype, dims: checkShapes(inputs, ctx) }];
    },
    run(inputs, attrs: { epsilon: number }, ctx): Tensor[] {
      checkShapes(inputs, ctx);
      const [x, scale, bias] = inputs as Tensor[];
      const y = tensor(x!.dtype, x!.dims);
      const channels = x!.dims[1]!;
      // PyTorch's instance_norm is batch_norm over [1, N·C, ...] in training mode: one block per (n, c).
      normalizeBlocks(x!.data, scale!.data, bias!.data, y.data, {
        blocks: x!.dims[0]! * channels,
        blockSize: sizeOf(x!.dims.slice(2)),
        epsilon: attrs.epsilon,
        blocksPerSample: channels,
        paramsPerBlock: 1,
        paramRun: Math.max(1, sizeOf(x!.dims.slice(2))),
      });
      return [y];
    },
  };
}

const EPSILON = { epsilon: { type: 'float', default: 1e-5 } } as const;

/** 1: consumed_inputs (a legacy in-place hint, optional). 6: epsilon only. 22 adds only bfloat16. */
export const instanceNormalizationVersions: AnyOpDeclaration[] = [
  instanceNormVersion(1, { ...EPSILON, consumed_inputs: { type: 'ints', doc: 'legacy in-place hint; no effect on the result' } }),
  instanceNormVersion(6, EPSILON),
];
