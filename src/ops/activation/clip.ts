import { clamp } from '../../kernels/activation.js';
import { mapUnary } from '../../kernels/elementwise.js';
import { emptyLike, formatDims, type DType, type Tensor } from '../../tensor.js';
import { defineOp, type OpContext, type ValueType } from '../declaration.js';
import { CONSUMED_INPUTS, NUMERIC } from '../elementwise/common.js';
import { FLOATS } from '../float-types.js';

// A missing bound is no bound, as in torch.clamp(x, min=m): ONNX (and onnxruntime) take numeric_limits::max()
// instead, which turns +inf into FLT_MAX where PyTorch keeps inf.
const BOUND_DOC = 'default: unbounded (ONNX says the type\'s lowest/max; torch.clamp leaves ±inf alone)';

const ATTRIBUTE_BOUNDS = {
  min: { type: 'float', doc: BOUND_DOC },
  max: { type: 'float', doc: BOUND_DOC },
} as const;

function sameShape(x: ValueType | undefined): ValueType[] {
  return [{ dtype: x!.dtype, ...(x!.dims ? { dims: x!.dims } : {}) }];
}

function clipTensor(x: Tensor, lo: number, hi: number): Tensor {
  const y = emptyLike(x);
  mapUnary(x.data, y.data, clamp(lo, hi));
  return y;
}

/** Opsets 1 and 6: bounds are attributes. */
const attributeForms = [1, 6].map((since) =>
  defineOp({
    opType: 'Clip',
    domain: '',
    since,
    summary: 'min(max(X, min), max) with attribute bounds; NaN stays NaN and min > max gives max, as torch.clamp',
    inputs: [{ name: 'input', type: 'T' }],
    outputs: [{ name: 'output', type: 'T' }],
    types: { T: FLOATS },
    attributes: since === 1 ? { ...ATTRIBUTE_BOUNDS, ...CONSUMED_INPUTS } : ATTRIBUTE_BOUNDS,
    shape: ([x]) => sameShape(x),
    run: ([x], attrs) => [clipTensor(x!, attrs.min ?? -Infinity, attrs.max ?? Infinity)],
  }),
);

function checkBound(v: { dims?: readonly (number | string)[] } | undefined, name: string, ctx: OpContext): void {
  if (!v?.dims) return;
  if (v.dims.length > 1 || (v.dims.length === 1 && v.dims[0] !== 1)) {
    ctx.shapeError(`${name} has shape ${formatDims(v.dims)}; it must be a scalar`, `give ${name} as a tensor of shape [] (or [1])`);
  }
}

/** Opset 11 on: bounds are optional scalar inputs; 12 adds the integer types. */
const inputForms = [
  { since: 11, types: FLOATS },
  { since: 12, types: NUMERIC },
  { since: 13, types: NUMERIC },
].map((v: { since: number; types: readonly DType[] }) =>
  defineOp({
    opType: 'Clip',
    domain: '',
    since: v.since,
    summary: 'min(max(X, min), max) with optional scalar-input bounds; NaN stays NaN and min > max gives max, as torch.clamp',
    inputs: [
      { name: 'input', type: 'T' },
      { name: 'min', type: 'T', optional: true },
      { name: 'max', type: 'T', optional: true },
    ],
    outputs: [{ name: 'output', type: 'T' }],
    types: { T: v.types },
    attributes: {},
    shape([x, min, max], _attrs, ctx) {
      checkBound(min, 'min', ctx);
      checkBound(max, 'max', ctx);
      return sameShape(x);
    },
    run([x, min, max], _attrs, ctx) {
      checkBound(min, 'min', ctx);
      checkBound(max, 'max', ctx);
      return [clipTensor(x!, min ? min.data[0]! : -Infinity, max ? max.data[0]! : Infinity)];
    },
  }),
);

export const clipOps = [...attributeForms, ...inputForms];
