import { permutedStrides, stridedCopy } from '../../kernels/strided.js';
import type { Dim } from '../../onnx/records.js';
import { allocate, sizeOf, type Tensor } from '../../tensor.js';
import { defineVersions, type OpContext, type ValueType } from '../declaration.js';
import { isKnown, requireDims } from '../shape-utils.js';
import { ALL } from './common.js';

/**
 * Both ops are a reshape to 6-D, a transpose, and a reshape back; the transpose is one strided copy. DCR puts the
 * block offsets before the channel (blocks-first, TensorFlow's layout), CRD after it — CRD is what
 * torch.nn.functional.pixel_shuffle computes (aten/src/ATen/native/PixelShuffle.cpp) and what the exporter emits.
 */
function plan(x: ValueType | Tensor | undefined, blocksize: number, mode: string, toSpace: boolean, ctx: OpContext) {
  const dims = requireDims(x as ValueType, 'input', ctx, 4);
  const [n, c, h, w] = dims as [Dim, Dim, Dim, Dim];
  const b = blocksize;
  const dcr = mode === 'DCR';
  if (toSpace) {
    if (isKnown(c) && c % (b * b) !== 0) ctx.shapeError(`channels ${c} are not divisible by blocksize² = ${b * b}`);
    const cOut = isKnown(c) ? c / (b * b) : '?';
    const view = dcr ? [n, b, b, cOut, h, w] : [n, cOut, b, b, h, w];
    const perm = dcr ? [0, 3, 4, 1, 5, 2] : [0, 1, 4, 2, 5, 3];
    const out: Dim[] = [n, cOut, isKnown(h) ? h * b : '?', isKnown(w) ? w * b : '?'];
    return { view, perm, out };
  }
  for (const [name, d] of [['height', h], ['width', w]] as const) {
    if (isKnown(d) && d % b !== 0) ctx.shapeError(`${name} ${d} is not divisible by blocksize ${b}`);
  }
  const view = [n, c, isKnown(h) ? h / b : '?', b, isKnown(w) ? w / b : '?', b];
  const perm = dcr ? [0, 3, 5, 1, 2, 4] : [0, 1, 3, 5, 2, 4];
  const out: Dim[] = [n, isKnown(c) ? c * b * b : '?', view[2]!, view[4]!];
  return { view, perm, out };
}

function rearrange(x: Tensor, blocksize: number, mode: string, toSpace: boolean, ctx: OpContext): Tensor {
  const { view, perm, out } = plan(x, blocksize, mode, toSpace, ctx);
  const viewDims = view as number[];
  const dims = out as number[];
  const data = allocate(x.dtype, sizeOf(dims));
  stridedCopy(x.data, 0, permutedStrides(viewDims, perm), perm.map((p) => viewDims[p]!), data);
  return { dtype: x.dtype, dims, data };
}

const BLOCKSIZE = { type: 'int', required: true, min: 1 } as const;
const MODE = { type: 'string', default: 'DCR', oneOf: ['DCR', 'CRD'] } as const;

const depthToSpace = defineVersions(
  {
    opType: 'DepthToSpace',
    domain: '',
    summary: 'Moves channel blocks into space (DCR or, from opset 11, CRD = pixel_shuffle)',
    inputs: [{ name: 'input', type: 'T' }],
    outputs: [{ name: 'output', type: 'T' }],
    types: { T: ALL },
    shape([x], attrs, ctx) {
      return [{ dtype: x!.dtype, dims: plan(x, attrs.blocksize as number, (attrs.mode as string) ?? 'DCR', true, ctx).out }];
    },
    run([x], attrs, ctx) {
      return [rearrange(x!, attrs.blocksize as number, (attrs.mode as string) ?? 'DCR', true, ctx)];
    },
  },
  [
    { since: 1, attributes: { blocksize: BLOCKSIZE } },
    { since: 11, attributes: { blocksize: BLOCKSIZE, mode: MODE } },
  ],
);

const spaceToDepth = defineVersions(
  {
    opType: 'SpaceToDepth',
    domain: '',
    summary: 'Moves spatial blocks into channels (DCR; CRD too from opset 28)',
    inputs: [{ name: 'input', type: 'T' }],
    outputs: [{ name: 'output', type: 'T' }],
    types: { T: ALL },
    shape([x], attrs, ctx) {
      return [{ dtype: x!.dtype, dims: plan(x, attrs.blocksize as number, (attrs.mode as string) ?? 'DCR', false, ctx).out }];
    },
    run([x], attrs, ctx) {
      return [rearrange(x!, attrs.blocksize as number, (attrs.mode as string) ?? 'DCR', false, ctx)];
    },
  },
  [
    { since: 1, attributes: { blocksize: BLOCKSIZE } },
    { since: 28, attributes: { blocksize: BLOCKSIZE, mode: MODE } },
  ],
);

export const depthSpaceOps = [...depthToSpace, ...spaceToDepth];
