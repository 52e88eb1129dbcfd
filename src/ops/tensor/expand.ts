import { broadcastStrides } from '../../kernels/broadcast.js';
import { stridedCopy } from '../../kernels/strided.js';
import { checkOutputSize } from '../../limits.js';
import type { Dim } from '../../onnx/records.js';
import { allocate, stridesOf, toNumbers, type Tensor } from '../../tensor.js';
import { defineOp, type OpContext, type ValueType } from '../declaration.js';
import { broadcastDims, isKnown, requireDims } from '../shape-utils.js';
import { ALL, INT64, known, knownInts, vectorLength } from './common.js';

/**
 * Expand broadcasts both ways, as numpy does (and unlike torch.Tensor.expand, which cannot shrink a dim: a 1 in the
 * shape keeps the input's size). The exporter writes expand(-1 …) as a Shape-derived shape, so the ONNX rule covers it.
 */
function expandDims(x: ValueType | undefined, shape: ValueType | undefined, ctx: OpContext): Dim[] | undefined {
  const dims = requireDims(x, 'input', ctx);
  const target = knownInts(shape);
  if (target) {
    if (target.some((d) => !Number.isSafeInteger(d) || d < 0)) ctx.shapeError(`shape [${target.join(',')}] has a negative size`);
    return broadcastDims([dims, target], ctx);
  }
  const length = vectorLength(shape, 'shape input', ctx);
  return length === undefined ? undefined : new Array<Dim>(Math.max(length, dims.length)).fill('?');
}

const expand = defineOp({
  opType: 'Expand',
  domain: '',
  since: 8,
  summary: 'Broadcasts the input to a shape (numpy rules, both ways)',
  inputs: [
    { name: 'input', type: 'T' },
    { name: 'shape', type: 'I' },
  ],
  outputs: [{ name: 'output', type: 'T' }],
  types: { T: ALL, I: INT64 },
  attributes: {},
  shape([x, shape], _attrs, ctx) {
    const dims = expandDims(x, shape, ctx);
    return [dims ? { dtype: x!.dtype, dims } : { dtype: x!.dtype }];
  },
  run([x, shape], _attrs, ctx) {
    const dims = expandDims(x, known(shape), ctx) as number[];
    const data = allocate(x!.dtype, checkOutputSize(ctx, dims, x!.dtype));
    stridedCopy(x!.data, 0, broadcastStrides(x!.dims, dims), dims, data);
    return [{ dtype: x!.dtype, dims, data }];
  },
});

function tileDims(x: ValueType | undefined, repeats: ValueType | undefined, ctx: OpContext): Dim[] {
  const dims = requireDims(x, 'input', ctx);
  const length = vectorLength(repeats, 'repeats input', ctx);
  if (length !== undefined && length !== dims.length) {
    ctx.shapeError(`repeats has ${length} values but the input has rank ${dims.length}`, 'give one repeat count per axis');
  }
  const r = knownInts(repeats);
  if (!r) return dims.map(() => '?');
  if (r.some((v) => !Number.isSafeInteger(v) || v < 0)) ctx.shapeError(`repeats [${r.join(',')}] has a negative count`);
  return dims.map((d, i) => (isKnown(d) ? d * r[i]! : r[i] === 1 ? d : r[i] === 0 ? 0 : '?'));
}

/**
 * Tile is a strided copy: output axis i of size r·d is walked as (repeat k, index j) with k outer, so reading the
 * input with stride 0 for k and the input's stride for j lays the copies end to end.
 */
const tile = defineOp({
  opType: 'Tile',
  domain: '',
  since: 6,
  summary: 'Repeats the input along each axis',
  inputs: [
    { name: 'input', type: 'T' },
    { name: 'repeats', type: 'I' },
  ],
  outputs: [{ name: 'output', type: 'T' }],
  types: { T: ALL, I: INT64 },
  attributes: {},
  shape([x, repeats], _attrs, ctx) {
    return [{ dtype: x!.dtype, dims: tileDims(x, repeats, ctx) }];
  },
  run([x, repeats], _attrs, ctx): Tensor[] {
    const dims = tileDims(x, known(repeats), ctx) as number[];
    const r = toNumbers(repeats!);
    const strides = stridesOf(x!.dims);
    const walkDims = x!.dims.flatMap((d, i) => [r[i]!, d]);
    const walkStrides = strides.flatMap((s) => [0, s]);
    const data = allocate(x!.dtype, checkOutputSize(ctx, dims, x!.dtype));
    stridedCopy(x!.data, 0, walkStrides, walkDims, data);
    return [{ dtype: x!.dtype, dims, data }];
  },
});

export const expandOps = [expand, tile];
