import { stridedCopy } from '../../kernels/strided.js';
import type { Dim } from '../../onnx/records.js';
import { allocate, sizeOf, stridesOf, toNumbers, type Tensor } from '../../tensor.js';
import { defineOp, type OpContext, type ValueType } from '../declaration.js';
import { INDEX_TYPES } from '../float-types.js';
import { requireDims } from '../shape-utils.js';
import { ALL, normalizeAxes, vectorLength } from './common.js';

/** One sliced axis, resolved: first index read, step, and how many elements. */
interface AxisSlice {
  axis: number;
  start: number;
  step: number;
  count: number;
}

/**
 * Python/numpy slice resolution, which is also what PyTorch's slicing does (aten/src/ATen/native/TensorShape.cpp,
 * slice: negative indices wrap once, then clamp): starts and ends below zero add the dim size, then clamp to
 * [0, size] for positive steps and [-1, size-1] for negative ones. Exporters write "to the end" as INT64_MAX and
 * "to the beginning" (negative steps) as INT64_MIN, which arrive here as ±Infinity and clamp the same way.
 */
export function resolveSliceAxis(size: number, start: number, end: number, step: number): { start: number; count: number } {
  const wrap = (v: number) => (v < 0 ? v + size : v);
  let s = wrap(start);
  let e = wrap(end);
  if (step > 0) {
    s = Math.min(Math.max(s, 0), size);
    e = Math.min(Math.max(e, 0), size);
  } else {
    s = Math.min(Math.max(s, 0), size - 1);
    e = Math.min(Math.max(e, -1), size - 1);
  }
  return { start: s, count: Math.max(0, Math.ceil((e - s) / step)) };
}

interface SliceParams {
  starts?: readonly number[];
  ends?: readonly number[];
  axes?: readonly number[];
  steps?: readonly number[];
  /** Parameter lengths when values are unknown (inputs computed at run time). */
  length?: number;
  /** Opset 1 takes the parameters as attributes: errors name them. */
  attributes: boolean;
  /** Some parameter input is present but only known at run time; `axesPending` when it is axes. */
  pending?: boolean;
  axesPending?: boolean;
}

function sliceGeometry(x: ValueType | Tensor | undefined, p: SliceParams, ctx: OpContext): { out: Dim[]; axes?: AxisSlice[] } {
  const dims = requireDims(x as ValueType, 'data', ctx);
  const rank = dims.length;
  const fail = (what: string, message: string): never => (p.attributes ? ctx.badAttribute(what, message) : ctx.shapeError(`${what} input: ${message}`));
  const lists = { starts: p.starts, ends: p.ends, axes: p.axes, steps: p.steps };
  const n = p.starts?.length ?? p.ends?.length ?? p.length;
  for (const [name, list] of Object.entries(lists)) {
    if (list && n !== undefined && list.length !== n) fail(name, `has ${list.length} values but starts has ${n}`);
  }
  if (n !== undefined && n > rank) fail('starts', `has ${n} values but the data has rank ${rank}`);
  const axes = p.axes
    ? normalizeAxes(p.axes, rank, ctx, 'axes', p.attributes ? 'axes' : undefined)
    : p.axesPending || n === undefined
      ? undefined
      : [...Array(n).keys()];
  if (p.steps?.some((s) => s === 0)) fail('steps', `[${p.steps.join(',')}] has a 0 step`);
  if (p.pending || !p.starts || !p.ends || !axes) {
    // Values known only at run time: the rank stays, sliced axes (or all, if unknown) lose their size.
    return { out: dims.map((d, i) => (axes && !axes.includes(i) ? d : '?')) };
  }
  const out = [...dims];
  const resolved: AxisSlice[] = [];
  axes.forEach((axis, k) => {
    const size = dims[axis]!;
    const step = p.steps?.[k] ?? 1;
    if (typeof size !== 'number') {
      out[axis] = '?';
      return;
    }
    const { start, count } = resolveSliceAxis(size, p.starts![k]!, p.ends![k]!, step);
    out[axis] = count;
    resolved.push({ axis, start, step, count });
  });
  return { out, axes: resolved };
}

function sliceRun(x: Tensor, p: SliceParams, ctx: OpContext): Tensor {
  const { out, axes } = sliceGeometry(x, p, ctx);
  const dims = out as number[];
  const strides = stridesOf(x.dims);
  let offset = 0;
  const steps = [...strides];
  for (const a of axes!) {
    offset += a.start * strides[a.axis]!;
    steps[a.axis] = strides[a.axis]! * a.step;
  }
  const data = allocate(x.dtype, sizeOf(dims));
  stridedCopy(x.data, offset, steps, dims, data);
  return { dtype: x.dtype, dims, data };
}

const slice1 = defineOp({
  opType: 'Slice',
  domain: '',
  since: 1,
  summary: 'numpy-style slicing with starts/ends/axes attributes (opset 1-9)',
  inputs: [{ name: 'data', type: 'T' }],
  outputs: [{ name: 'output', type: 'T' }],
  types: { T: ALL },
  attributes: {
    starts: { type: 'ints', required: true },
    ends: { type: 'ints', required: true },
    axes: { type: 'ints', doc: 'default: the first len(starts) axes' },
  },
  shape([x], attrs, ctx) {
    return [{ dtype: x!.dtype, dims: sliceGeometry(x, { ...attrs, attributes: true }, ctx).out }];
  },
  run([x], attrs, ctx) {
    return [sliceRun(x!, { ...attrs, attributes: true }, ctx)];
  },
});

function inputParams(inputs: readonly (ValueType | Tensor | undefined)[], ctx: OpContext): SliceParams {
  const names = ['starts', 'ends', 'axes', 'steps'] as const;
  const p: SliceParams = { attributes: false };
  names.forEach((name, k) => {
    const v = inputs[k + 1];
    if (!v) return;
    const length = vectorLength(v as ValueType, `${name} input`, ctx);
    const t = 'data' in v ? v : v.value;
    if (t) p[name] = toNumbers(t);
    else {
      p.pending = true;
      if (name === 'axes') p.axesPending = true;
    }
    if (length !== undefined) p.length ??= length;
  });
  return p;
}

const slice10 = defineOp({
  opType: 'Slice',
  domain: '',
  since: 10,
  summary: 'numpy-style slicing with starts/ends/axes/steps inputs; negative steps, clamped out-of-range bounds',
  inputs: [
    { name: 'data', type: 'T' },
    { name: 'starts', type: 'Tind' },
    { name: 'ends', type: 'Tind' },
    { name: 'axes', type: 'Tind', optional: true },
    { name: 'steps', type: 'Tind', optional: true },
  ],
  outputs: [{ name: 'output', type: 'T' }],
  types: { T: ALL, Tind: INDEX_TYPES },
  attributes: {},
  shape(inputs, _attrs, ctx) {
    return [{ dtype: inputs[0]!.dtype, dims: sliceGeometry(inputs[0], inputParams(inputs, ctx), ctx).out }];
  },
  run(inputs, _attrs, ctx) {
    return [sliceRun(inputs[0]!, inputParams(inputs, ctx), ctx)];
  },
});

export const sliceOps = [slice1, slice10];
