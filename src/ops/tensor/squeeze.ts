import type { Dim } from '../../onnx/records.js';
import { reshapeView, toNumbers, type Tensor } from '../../tensor.js';
import { defineVersions, type OpContext, type ValueType } from '../declaration.js';
import { requireDims } from '../shape-utils.js';
import { ALL, INT64, knownInts, normalizeAxes, vectorLength } from './common.js';

/** Axes from the attribute (opset < 13) or the second input (13+); undefined when only known at run time. */
interface AxesSource {
  axes: readonly number[] | undefined;
  /** How many axes there are when the values are unknown; undefined when even that is unknown. */
  count: number | undefined;
  /** Name to blame in errors: the attribute, or undefined for the input. */
  attribute?: string;
}

function fromAttribute(axes: readonly number[] | undefined): AxesSource {
  return { axes, count: axes?.length, attribute: 'axes' };
}

function fromInput(v: ValueType | undefined, ctx: OpContext): AxesSource {
  if (!v) return { axes: undefined, count: undefined };
  return { axes: knownInts(v), count: vectorLength(v, 'axes input', ctx) };
}

function unsqueezeDims(x: ValueType | undefined, source: AxesSource, ctx: OpContext): Dim[] | undefined {
  const dims = requireDims(x, 'input', ctx);
  if (source.axes === undefined) {
    return source.count === undefined ? undefined : new Array<Dim>(dims.length + source.count).fill('?');
  }
  const rank = dims.length + source.axes.length;
  const axes = normalizeAxes(source.axes, rank, ctx, 'axes', source.attribute);
  const out: Dim[] = [];
  let k = 0;
  for (let i = 0; i < rank; i++) out.push(axes.includes(i) ? 1 : dims[k++]!);
  return out;
}

/**
 * Squeeze: listed axes must be size 1; with no axes every size-1 dim goes, which needs every dim known (a symbolic
 * dim might be 1), so the output rank is then unknown until run time.
 */
function squeezeDims(x: ValueType | undefined, source: AxesSource, given: boolean, ctx: OpContext): Dim[] | undefined {
  const dims = requireDims(x, 'input', ctx);
  if (!given) {
    if (dims.some((d) => typeof d !== 'number')) return undefined;
    return dims.filter((d) => d !== 1);
  }
  if (source.axes === undefined) {
    return source.count === undefined ? undefined : new Array<Dim>(dims.length - source.count).fill('?');
  }
  const axes = normalizeAxes(source.axes, dims.length, ctx, 'axes', source.attribute);
  for (const a of axes) {
    const d = dims[a]!;
    if (typeof d === 'number' && d !== 1) {
      ctx.shapeError(`cannot squeeze axis ${a} of input [${dims.join(',')}]: its size is ${d}, not 1`);
    }
  }
  return dims.filter((_, i) => !axes.includes(i));
}

function typed(x: ValueType | Tensor, dims: Dim[] | undefined): ValueType {
  return dims ? { dtype: x.dtype, dims } : { dtype: x.dtype };
}

const unsqueeze = defineVersions(
  {
    opType: 'Unsqueeze',
    domain: '',
    summary: 'Inserts size-1 dims at the given output axes (axes attribute before opset 13, input from 13)',
    inputs: [{ name: 'data', type: 'T' }],
    outputs: [{ name: 'expanded', type: 'T' }],
    types: { T: ALL },
    shape([x], attrs, ctx) {
      return [typed(x!, unsqueezeDims(x, fromAttribute(attrs.axes as number[]), ctx))];
    },
    run([x], attrs, ctx) {
      return [reshapeView(x!, unsqueezeDims(x, fromAttribute(attrs.axes as number[]), ctx) as number[])];
    },
  },
  [
    { since: 1, attributes: { axes: { type: 'ints', required: true, min: 0 } } },
    { since: 11, attributes: { axes: { type: 'ints', required: true } } },
    {
      since: 13,
      attributes: {},
      inputs: [
        { name: 'data', type: 'T' },
        { name: 'axes', type: 'I' },
      ],
      types: { T: ALL, I: INT64 },
      shape([x, axes], _attrs, ctx) {
        return [typed(x!, unsqueezeDims(x, fromInput(axes, ctx), ctx))];
      },
      run([x, axes], _attrs, ctx) {
        return [reshapeView(x!, unsqueezeDims(x, { axes: toNumbers(axes!), count: axes!.data.length }, ctx) as number[])];
      },
    },
  ],
);

const squeeze = defineVersions(
  {
    opType: 'Squeeze',
    domain: '',
    summary: 'Removes size-1 dims: the listed axes, or all of them (axes attribute before opset 13, input from 13)',
    inputs: [{ name: 'data', type: 'T' }],
    outputs: [{ name: 'squeezed', type: 'T' }],
    types: { T: ALL },
    shape([x], attrs, ctx) {
      const axes = attrs.axes as number[] | undefined;
      return [typed(x!, squeezeDims(x, fromAttribute(axes), axes !== undefined, ctx))];
    },
    run([x], attrs, ctx) {
      const axes = attrs.axes as number[] | undefined;
      return [reshapeView(x!, squeezeDims(x, fromAttribute(axes), axes !== undefined, ctx) as number[])];
    },
  },
  [
    { since: 1, attributes: { axes: { type: 'ints', min: 0, doc: 'default: every size-1 dim' } } },
    { since: 11, attributes: { axes: { type: 'ints', doc: 'default: every size-1 dim' } } },
    {
      since: 13,
      attributes: {},
      inputs: [
        { name: 'data', type: 'T' },
        { name: 'axes', type: 'I', optional: true },
      ],
      types: { T: ALL, I: INT64 },
      shape([x, axes], _attrs, ctx) {
        return [typed(x!, squeezeDims(x, fromInput(axes, ctx), axes !== undefined, ctx))];
      },
      run([x, axes], _attrs, ctx) {
        const source = axes ? { axes: toNumbers(axes), count: axes.data.length } : { axes: undefined, count: undefined };
        return [reshapeView(x!, squeezeDims(x, source, axes !== undefined, ctx) as number[])];
      },
    },
  ],
);

export const squeezeOps = [...unsqueeze, ...squeeze];
