import { wrapInteger, wrappingMultiply } from '../../kernels/integer.js';
import { reduceAccumulate, type Accumulation, type ReduceOptions } from '../../kernels/reduce.js';
import type { Dim } from '../../onnx/records.js';
import { formatDims, tensor, toNumbers, type DType, type Tensor } from '../../tensor.js';
import { defineOp, type AnyOpDeclaration, type OpContext, type ValueType } from '../declaration.js';
import { BOOL, HIGH_PRECISION, integerFormat, toIntegerResult } from '../elementwise/common.js';

const KEEPDIMS = { keepdims: { type: 'int', default: 1, oneOf: [0, 1] } } as const;
const ATTRIBUTE_FORM = {
  axes: { type: 'ints', doc: 'default: every axis' },
  ...KEEPDIMS,
} as const;
const INPUT_FORM = {
  ...KEEPDIMS,
  noop_with_empty_axes: {
    type: 'int',
    default: 0,
    oneOf: [0, 1],
    doc: '1: absent or empty axes reduce nothing (the per-element part still applies: ReduceL2 gives |x|)',
  },
} as const;

export interface ReduceVersion {
  since: number;
  types: readonly DType[];
  /** From ReduceSum-13 / the others' opset 18, axes are an optional int64 input instead of an attribute. */
  axesInput?: true;
}

interface ReduceSpec {
  opType: string;
  summary: string;
  versions: readonly ReduceVersion[];
  accumulate: Accumulation;
  /** Maps an accumulator to the stored value, given the element type and how many elements each reduced. */
  finish?(dtype: DType, count: number): (acc: number) => number;
}

/**
 * Which axes are reduced. Absent or empty axes mean all of them, or none with noop_with_empty_axes; negative axes
 * count from the back; an axis out of range or given twice is an error.
 */
function reducedAxes(rank: number, axes: readonly number[] | undefined, noop: boolean, fromInput: boolean, ctx: OpContext): boolean[] {
  if (!axes || axes.length === 0) return new Array<boolean>(rank).fill(!noop);
  const reduced = new Array<boolean>(rank).fill(false);
  const fail = (message: string): never => (fromInput ? ctx.shapeError(`axes input: ${message}`) : ctx.badAttribute('axes', message));
  for (const a of axes) {
    if (!Number.isInteger(a) || a < -rank || a >= rank) fail(`axis ${a} is out of range for rank ${rank}; use a value in [${-rank}, ${rank - 1}]`);
    const axis = a < 0 ? a + rank : a;
    if (reduced[axis]) fail(`axis ${axis} is listed twice in [${axes.join(',')}]`);
    reduced[axis] = true;
  }
  return reduced;
}

function outputDims<D extends Dim>(dims: readonly D[], reduced: readonly boolean[], keepdims: boolean): (D | 1)[] {
  return keepdims ? dims.map((d, i) => (reduced[i] ? 1 : d)) : dims.filter((_, i) => !reduced[i]);
}

function checkAxesInput(axes: ValueType | Tensor | undefined, ctx: OpContext): void {
  if (axes?.dims && axes.dims.length > 1) ctx.shapeError(`axes input has shape ${formatDims(axes.dims)}; it must be 1-D`);
}

/** Output dims when the axes input is computed at run time: the rank is known only in some cases. */
function unknownAxesDims(x: readonly Dim[], axes: ValueType, keepdims: boolean): Dim[] | undefined {
  const count = axes.dims?.length === 1 ? axes.dims[0] : axes.dims?.length === 0 ? 1 : undefined;
  if (keepdims) return x.map((d) => (d === 1 ? 1 : '?'));
  if (typeof count === 'number' && count > 0) return new Array<Dim>(x.length - count).fill('?');
  return undefined;
}

function extremes(dtype: DType): ReduceOptions {
  const format = integerFormat(dtype);
  if (!format || format.bits === 64) return format?.signed === false ? { lowest: 0, highest: Infinity } : {};
  if (format.signed) return { lowest: -(2 ** (format.bits - 1)), highest: 2 ** (format.bits - 1) - 1 };
  return { lowest: 0, highest: 2 ** format.bits - 1 };
}

function compute(spec: ReduceSpec, x: Tensor, reduced: readonly boolean[], keepdims: boolean): Tensor {
  const format = integerFormat(x.dtype);
  const options: ReduceOptions = { ...extremes(x.dtype), ...(format ? { multiply: wrappingMultiply(format) } : {}) };
  const acc = reduceAccumulate(x.data, x.dims, reduced, spec.accumulate, options);
  const count = x.dims.reduce((n, d, i) => (reduced[i] ? n * d : n), 1);
  const out = tensor(x.dtype, outputDims(x.dims, reduced, keepdims));
  const finish = spec.finish?.(x.dtype, count);
  const data = out.data;
  for (let i = 0; i < acc.length; i++) data[i] = finish ? finish(acc[i]!) : acc[i]!;
  return out;
}

function reduceOp(spec: ReduceSpec): AnyOpDeclaration[] {
  return spec.versions.map((v) => {
    const common = {
      opType: spec.opType,
      domain: '',
      since: v.since,
      summary: spec.summary,
      outputs: [{ name: 'reduced', type: 'T' }],
    };
    if (!v.axesInput) {
      return defineOp({
        ...common,
        inputs: [{ name: 'data', type: 'T' }],
        types: { T: v.types },
        attributes: ATTRIBUTE_FORM,
        shape([x], attrs, ctx): ValueType[] {
          if (!x!.dims) return [{ dtype: x!.dtype }];
          const reduced = reducedAxes(x!.dims.length, attrs.axes, false, false, ctx);
          return [{ dtype: x!.dtype, dims: outputDims(x!.dims, reduced, attrs.keepdims === 1) }];
        },
        run([x], attrs, ctx) {
          const reduced = reducedAxes(x!.dims.length, attrs.axes, false, false, ctx);
          return [compute(spec, x!, reduced, attrs.keepdims === 1)];
        },
      });
    }
    return defineOp({
      ...common,
      inputs: [
        { name: 'data', type: 'T' },
        { name: 'axes', type: 'I', optional: true },
      ],
      types: { T: v.types, I: ['int64'] },
      attributes: INPUT_FORM,
      shape([x, axes], attrs, ctx): ValueType[] {
        checkAxesInput(axes, ctx);
        const keepdims = attrs.keepdims === 1;
        if (!x!.dims) return [{ dtype: x!.dtype }];
        if (axes && !axes.value) {
          const dims = unknownAxesDims(x!.dims, axes, keepdims);
          return [{ dtype: x!.dtype, ...(dims ? { dims } : {}) }];
        }
        const reduced = reducedAxes(x!.dims.length, axes?.value && toNumbers(axes.value), attrs.noop_with_empty_axes === 1, true, ctx);
        return [{ dtype: x!.dtype, dims: outputDims(x!.dims, reduced, keepdims) }];
      },
      run([x, axes], attrs, ctx) {
        checkAxesInput(axes, ctx);
        const reduced = reducedAxes(x!.dims.length, axes && toNumbers(axes), attrs.noop_with_empty_axes === 1, true, ctx);
        return [compute(spec, x!, reduced, attrs.keepdims === 1)];
      },
    });
  });
}

/** The version history of ReduceMean, ReduceProd, ReduceL2 and ReduceLogSumExp. */
function standardVersions(): ReduceVersion[] {
  return [
    { since: 1, types: HIGH_PRECISION },
    { since: 11, types: HIGH_PRECISION },
    { since: 13, types: HIGH_PRECISION },
    { since: 18, types: HIGH_PRECISION, axesInput: true },
  ];
}

/** ReduceMax/ReduceMin: opset 12 adds int8/uint8, opset 20 bool (max = any, min = all). */
function extremumVersions(): ReduceVersion[] {
  const withBytes: DType[] = [...HIGH_PRECISION, 'int8', 'uint8'];
  return [
    { since: 1, types: HIGH_PRECISION },
    { since: 11, types: HIGH_PRECISION },
    { since: 12, types: withBytes },
    { since: 13, types: withBytes },
    { since: 18, types: withBytes, axesInput: true },
    { since: 20, types: [...withBytes, ...BOOL], axesInput: true },
  ];
}

/** Integer results of real-valued reductions are truncated as onnxruntime's cast back to the type does. */
function integerTruncating(f: (acc: number) => number): (dtype: DType) => (acc: number) => number {
  return (dtype) => {
    const format = integerFormat(dtype);
    if (!format) return f;
    const toInteger = toIntegerResult(format);
    return (acc) => toInteger(f(acc));
  };
}

export const reduceSumOps = reduceOp({
  opType: 'ReduceSum',
  summary: 'sum over axes (float32 accumulated in double); integers wrap',
  versions: [
    { since: 1, types: HIGH_PRECISION },
    { since: 11, types: HIGH_PRECISION },
    { since: 13, types: HIGH_PRECISION, axesInput: true },
  ],
  accumulate: 'sum',
  finish: (dtype) => {
    const format = integerFormat(dtype);
    return format ? (acc) => wrapInteger(acc, format) : (acc) => acc;
  },
});

export const reduceMeanOps = reduceOp({
  opType: 'ReduceMean',
  summary: 'mean over axes (NaN over an empty set); integer means truncate',
  versions: standardVersions(),
  accumulate: 'sum',
  finish: (dtype, count) => {
    const format = integerFormat(dtype);
    if (!format) return (acc) => acc / count;
    // onnxruntime sums in the integer type and divides with C++ integer division.
    return (acc) => (count === 0 ? 0 : Math.trunc(wrapInteger(acc, format) / count));
  },
});

export const reduceMaxOps = reduceOp({
  opType: 'ReduceMax',
  summary: 'maximum over axes; NaN wins as in torch.amax; −∞ (or the type minimum) over an empty set',
  versions: extremumVersions(),
  accumulate: 'max',
});

export const reduceMinOps = reduceOp({
  opType: 'ReduceMin',
  summary: 'minimum over axes; NaN wins as in torch.amin; +∞ (or the type maximum) over an empty set',
  versions: extremumVersions(),
  accumulate: 'min',
});

export const reduceProdOps = reduceOp({
  opType: 'ReduceProd',
  summary: 'product over axes; integers wrap',
  versions: standardVersions(),
  accumulate: 'prod',
});

export const reduceL2Ops = reduceOp({
  opType: 'ReduceL2',
  summary: '√(Σx²) over axes',
  versions: standardVersions(),
  accumulate: 'sumOfSquares',
  finish: integerTruncating(Math.sqrt),
});

export const reduceLogSumExpOps = reduceOp({
  opType: 'ReduceLogSumExp',
  summary: 'log Σ eˣ over axes, max-subtracted as torch.logsumexp',
  versions: standardVersions(),
  accumulate: 'logSumExp',
  finish: integerTruncating((acc) => acc),
});
