import { checkOutputSize } from '../../limits.js';
import { allocate, type DType, type Tensor } from '../../tensor.js';
import { defineOp, type OpContext, type ValueType } from '../declaration.js';
import { requireDims } from '../shape-utils.js';

/**
 * Range follows torch.arange (aten/src/ATen/native/RangeFactories.cpp): the length is ceil((limit - start) / delta)
 * computed in double, and element i is start + i·delta computed in double and then rounded to the output type.
 * onnxruntime instead adds delta repeatedly in the output type, which drifts for long float32 ranges.
 */
function rangeLength(start: number, limit: number, delta: number, ctx: OpContext): number {
  if (delta === 0) ctx.shapeError('delta is 0');
  if (![start, limit, delta].every(Number.isFinite)) ctx.shapeError(`start ${start}, limit ${limit}, delta ${delta} must be finite`);
  return Math.max(0, Math.ceil((limit - start) / delta));
}

function scalarOf(v: ValueType | Tensor | undefined, what: string, ctx: OpContext): number | undefined {
  const dims = requireDims(v as ValueType, what, ctx);
  if (dims.length > 1 || (dims.length === 1 && dims[0] !== 1)) ctx.shapeError(`${what} must be a scalar, but has dims [${dims.join(',')}]`);
  const t = v && 'data' in v ? v : v?.value;
  return t ? t.data[0] : undefined;
}

export const range = defineOp({
  opType: 'Range',
  domain: '',
  since: 11,
  summary: 'start, start + delta, … up to limit (exclusive), as torch.arange computes it',
  inputs: [
    { name: 'start', type: 'T' },
    { name: 'limit', type: 'T' },
    { name: 'delta', type: 'T' },
  ],
  outputs: [{ name: 'output', type: 'T' }],
  // float16 is beyond ONNX's list for Range but ONNX's own backend tests use it; it costs nothing to accept.
  types: { T: ['float32', 'float64', 'float16', 'int16', 'int32', 'int64'] as DType[] },
  attributes: {},
  shape([start, limit, delta], _attrs, ctx) {
    const s = scalarOf(start, 'start', ctx);
    const l = scalarOf(limit, 'limit', ctx);
    const d = scalarOf(delta, 'delta', ctx);
    const known = s !== undefined && l !== undefined && d !== undefined;
    return [{ dtype: start!.dtype, dims: [known ? rangeLength(s, l, d, ctx) : '?'] }];
  },
  run([start, limit, delta], _attrs, ctx) {
    const s = scalarOf(start, 'start', ctx)!;
    const d = scalarOf(delta, 'delta', ctx)!;
    const n = rangeLength(s, scalarOf(limit, 'limit', ctx)!, d, ctx);
    const data = allocate(start!.dtype, checkOutputSize(ctx, [n], start!.dtype));
    for (let i = 0; i < n; i++) data[i] = s + i * d;
    return [{ dtype: start!.dtype, dims: [n], data }];
  },
});
