import { normalizeBlocks } from '../../kernels/normalization.js';
import type { Dim } from '../../onnx/records.js';
import { sizeOf, tensor, type Tensor } from '../../tensor.js';
import type { AnyOpDeclaration, AttrMap, OpContext, ValueType } from '../declaration.js';
import { FLOATS } from '../float-types.js';
import { requireDims, sameDim } from '../shape-utils.js';

type GroupNormAttrs = {
  epsilon: number;
  num_groups: number;
};

function checkShapes(inputs: readonly (ValueType | undefined)[], attrs: GroupNormAttrs, perChannel: boolean, ctx: OpContext) {
  const x = requireDims(inputs[0], 'input X', ctx, { min: 2 });
  const channels = x[1]!;
  const groups = attrs.num_groups;
  if (typeof channels === 'number' && channels % groups !== 0) {
    ctx.badAttribute('num_groups', `is ${groups}, which does not divide the ${channels} channels`);
  }
  const expected: Dim = perChannel ? channels : groups;
  ['scale', 'bias'].forEach((name, k) => {
    const dims = requireDims(inputs[k + 1], `input ${name}`, ctx, 1);
    if (!sameDim(dims[0]!, expected)) {
      ctx.shapeError(
        `input ${name} has ${dims[0]} values but GroupNormalization-${perChannel ? '21 takes one per channel' : '18 takes one per group'} (${expected})`,
        perChannel ? undefined : 'opset 21 changed scale and bias to one value per channel, as PyTorch\'s GroupNorm has',
      );
    }
  });
  return x;
}

/**
 * GroupNormalization: statistics per sample and group of C/num_groups consecutive channels, over those channels and
 * the spatial axes. Version 18 scales and shifts per group; 21 per channel, as PyTorch's F.group_norm does
 * (aten/src/ATen/native/cpu/group_norm_kernel.cpp). ONNX 18's scale/bias layout has no PyTorch counterpart.
 */
function groupNormVersion(since: number, attributes: AttrMap, perChannel: boolean): AnyOpDeclaration {
  return {
    opType: 'GroupNormalization',
    domain: '',
    since,
    summary: `Normalization per sample and channel group, then scale and bias per ${perChannel ? 'channel' : 'group'}`,
    inputs: [
      { name: 'X', type: 'T' },
      { name: 'scale', type: 'T' },
      { name: 'bias', type: 'T' },
    ],
    outputs: [{ name: 'Y', type: 'T' }],
    types: { T: FLOATS },
    attributes,
    shape(inputs, attrs: GroupNormAttrs, ctx) {
      return [{ dtype: inputs[0]!.dtype, dims: checkShapes(inputs, attrs, perChannel, ctx) }];
    },
    run(inputs, attrs: GroupNormAttrs, ctx): Tensor[] {
      checkShapes(inputs, attrs, perChannel, ctx);
      const [x, scale, bias] = inputs as Tensor[];
      const y = tensor(x!.dtype, x!.dims);
      const groups = attrs.num_groups;
      const channelsPerGroup = x!.dims[1]! / groups;
      const spatial = sizeOf(x!.dims.slice(2));
      normalizeBlocks(x!.data, scale!.data, bias!.data, y.data, {
        blocks: x!.dims[0]! * groups,
        blockSize: channelsPerGroup * spatial,
        epsilon: attrs.epsilon,
        blocksPerSample: groups,
        paramsPerBlock: perChannel ? channelsPerGroup : 1,
        paramRun: perChannel ? Math.max(1, spatial) : Math.max(1, channelsPerGroup * spatial),
      });
      return [y];
    },
  };
}

const V18 = {
  epsilon: { type: 'float', default: 1e-5 },
  num_groups: { type: 'int', required: true, min: 1 },
} as const;
const V21 = {
  ...V18,
  stash_type: { type: 'int', default: 1, oneOf: [1], doc: 'precision of the statistics: 1 (float32); torchparity computes them in double' },
} as const;

export const groupNormalizationVersions: AnyOpDeclaration[] = [groupNormVersion(18, V18, false), groupNormVersion(21, V21, true)];
