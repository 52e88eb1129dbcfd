import { gatherAxes, padAxisMap, type PadMode } from '../../kernels/pad.js';
import { checkOutputSize } from '../../limits.js';
import type { Dim } from '../../onnx/records.js';
import { allocate, NUMERIC_DTYPES, sizeOf, toNumbers, type DType, type Tensor } from '../../tensor.js';
import { defineVersions, type AttrMap, type OpContext, type ValueType } from '../declaration.js';
import { FLOATS } from '../float-types.js';
import { isKnown, requireDims } from '../shape-utils.js';
import { ALL, INT64, knownInts, known, normalizeAxes, vectorLength } from './common.js';

/**
 * Pad, opsets 1–21+. torch.nn.functional.pad's modes map one to one: constant → constant, reflect → reflect,
 * replicate → edge, circular → wrap (opset 19; older TorchScript exports write circular as Slice + Concat).
 *
 * Where the modes cannot fill a pad we refuse, as PyTorch does: reflect needs each pad ≤ size − 1 (PyTorch:
 * "Padding size should be less than the corresponding input dimension"; onnxruntime refuses too, while numpy and
 * the ONNX reference would reflect again), edge needs a non-empty axis, and wrap needs something left after
 * negative pads crop. Wrap pads longer than the axis repeat it (numpy's 'wrap', the ONNX reference); PyTorch
 * refuses those ("Padding value causes wrapping around more than once") and onnxruntime 1.30 returns a wrong first
 * element, so only this engine and the reference define them.
 */

interface PadRequest {
  mode: PadMode;
  /** [begin per listed axis..., end per listed axis...], when known. */
  pads: readonly number[] | undefined;
  /** Number of pad values when only the input's length is known. */
  padsLength: number | undefined;
  /** The axes input (opset 18); undefined means every axis, null means present but not yet known. */
  axes: readonly number[] | undefined | null;
  /** The attribute to blame for bad pads (opset < 11); undefined blames the input. */
  attribute?: 'pads' | 'paddings';
}

interface PadGeometry {
  dims: Dim[] | undefined;
  begin: number[];
  end: number[];
}

function failPads(request: PadRequest, ctx: OpContext, message: string, hint?: string): never {
  return request.attribute ? ctx.badAttribute(request.attribute, message, hint) : ctx.shapeError(`pads input ${message}`, hint);
}

function padGeometry(x: ValueType | undefined, request: PadRequest, ctx: OpContext): PadGeometry {
  const dims = requireDims(x, 'data', ctx);
  const rank = dims.length;
  const none = { begin: [], end: [] };
  // Which axes the pads belong to is only known at run time.
  if (request.axes === null) return { dims: dims.map(() => '?'), ...none };
  const axes = request.axes === undefined ? dims.map((_, i) => i) : normalizeAxes(request.axes, rank, ctx, 'axes input');
  const expected = 2 * axes.length;
  const what = request.axes === undefined ? `rank ${rank}` : `${axes.length} axes`;
  const length = request.pads?.length ?? request.padsLength;
  if (length !== undefined && length !== expected) {
    failPads(request, ctx, `has ${length} values but ${what} needs ${expected} (all begins, then all ends)`);
  }
  if (!request.pads) return { dims: dims.map((d, i) => (axes.includes(i) ? '?' : d)), ...none };
  if (request.pads.some((p) => !Number.isSafeInteger(p))) failPads(request, ctx, `[${request.pads.join(',')}] holds a value that is not an integer`);
  const begin = new Array<number>(rank).fill(0);
  const end = new Array<number>(rank).fill(0);
  axes.forEach((a, k) => {
    begin[a] = request.pads![k]!;
    end[a] = request.pads![k + axes.length]!;
  });
  const out: Dim[] = dims.map((size, a) => {
    const b = begin[a]!;
    const e = end[a]!;
    if (!isKnown(size)) return b + e === 0 ? size : '?';
    const n = size + b + e;
    if (n < 0) ctx.shapeError(`axis ${a} has size ${size}; pads ${b} and ${e} would leave ${n} elements`);
    checkModeFits(request.mode, a, size, b, e, ctx);
    return n;
  });
  // At run time ctx carries the run's limits; shape inference checks against the defaults.
  if (out.every(isKnown)) checkOutputSize(ctx, out as number[], x!.dtype, 'the padded output');
  return { dims: out, begin, end };
}

function checkModeFits(mode: PadMode, axis: number, size: number, begin: number, end: number, ctx: OpContext): void {
  if (begin <= 0 && end <= 0) return;
  const pad = Math.max(begin, end);
  if (mode === 'edge' && size === 0) ctx.shapeError(`edge padding cannot extend axis ${axis}: it is empty`);
  if (mode === 'reflect' && pad > size - 1) {
    ctx.shapeError(
      `reflect padding of ${pad} on axis ${axis} needs the axis to be longer than ${pad}, but it has ${size} elements`,
      'torch.nn.functional.pad refuses this too (pad must be < input size); use edge (replicate) or constant padding',
    );
  }
  if (mode === 'wrap' && size - Math.max(-begin, 0) - Math.max(-end, 0) < 1) {
    ctx.shapeError(`wrap padding cannot extend axis ${axis}: nothing is left of its ${size} elements after the negative pads crop it`);
  }
}

function padRun(x: Tensor, request: PadRequest, value: number, ctx: OpContext): Tensor {
  const g = padGeometry(known(x), request, ctx);
  const maps = x.dims.map((size, a) => padAxisMap(size, g.begin[a]!, g.end[a]!, request.mode));
  const dims = maps.map((m) => m.length);
  const data = allocate(x.dtype, sizeOf(dims));
  gatherAxes(x.data, x.dims, maps, data, value);
  return { dtype: x.dtype, dims, data };
}

/** The constant_value input: one element of the data's type, or 0 (false) when absent. */
function constantValue(v: ValueType | Tensor | undefined, ctx: OpContext): number | undefined {
  if (!v) return 0;
  if (v.dims && v.dims.every(isKnown) && sizeOf(v.dims as number[]) !== 1) {
    ctx.shapeError(`constant_value must hold one value, but has dims [${v.dims.join(',')}]`);
  }
  const t = 'data' in v ? v : v.value;
  return t ? toNumbers(t)[0] : undefined;
}

function typed(x: ValueType, dims: Dim[] | undefined): ValueType {
  return dims ? { dtype: x.dtype, dims } : { dtype: x.dtype };
}

const MODES = ['constant', 'reflect', 'edge'] as const;
const MODES_19 = ['constant', 'reflect', 'edge', 'wrap'] as const;

function modeAttribute(oneOf: readonly string[]): AttrMap {
  return { mode: { type: 'string', default: 'constant', oneOf } };
}

function attributeForm(name: 'pads' | 'paddings') {
  const attributes = {
    ...modeAttribute(MODES),
    [name]: { type: 'ints', required: true, doc: '[begin per axis..., end per axis...]; negative values crop' },
    value: { type: 'float', default: 0, doc: 'the constant for mode=constant' },
  } as AttrMap;
  const request = (attrs: Record<string, unknown>): PadRequest => ({
    mode: attrs.mode as PadMode,
    pads: attrs[name] as number[],
    padsLength: undefined,
    axes: undefined,
    attribute: name,
  });
  return {
    attributes,
    shape([x]: readonly (ValueType | undefined)[], attrs: Record<string, unknown>, ctx: OpContext) {
      return [typed(x!, padGeometry(x, request(attrs), ctx).dims)];
    },
    run([x]: readonly (Tensor | undefined)[], attrs: Record<string, unknown>, ctx: OpContext) {
      return [padRun(x!, request(attrs), attrs.value as number, ctx)];
    },
  };
}

function inputRequest(mode: unknown, pads: ValueType | undefined, axes: ValueType | undefined, ctx: OpContext): PadRequest {
  const axesValues = axes ? (knownInts(axes) ?? null) : undefined;
  if (axes) vectorLength(axes, 'axes input', ctx);
  return { mode: mode as PadMode, pads: knownInts(pads), padsLength: vectorLength(pads, 'pads input', ctx), axes: axesValues };
}

const inputForm = {
  shape([x, pads, value, axes]: readonly (ValueType | undefined)[], attrs: Record<string, unknown>, ctx: OpContext) {
    constantValue(value, ctx);
    return [typed(x!, padGeometry(x, inputRequest(attrs.mode, pads, axes, ctx), ctx).dims)];
  },
  run([x, pads, value, axes]: readonly (Tensor | undefined)[], attrs: Record<string, unknown>, ctx: OpContext) {
    const request = inputRequest(attrs.mode, known(pads), known(axes), ctx);
    return [padRun(x!, request, constantValue(value, ctx)!, ctx)];
  },
};

const INPUTS_11 = [
  { name: 'data', type: 'T' },
  { name: 'pads', type: 'I' },
  { name: 'constant_value', type: 'T', optional: true },
] as const;
const INPUTS_18 = [...INPUTS_11, { name: 'axes', type: 'A', optional: true }] as const;
const AXES_TYPES: readonly DType[] = ['int32', 'int64'];

export const padOps = defineVersions(
  {
    opType: 'Pad',
    domain: '',
    summary: 'Pads (or, with negative pads, crops) each axis: constant, reflect, edge, and from opset 19 wrap',
    inputs: [{ name: 'data', type: 'T' }],
    outputs: [{ name: 'output', type: 'T' }],
    types: { T: FLOATS },
    shape: attributeForm('pads').shape,
    run: attributeForm('pads').run,
  },
  [
    { since: 1, ...attributeForm('paddings') },
    { since: 2, ...attributeForm('pads') },
    { since: 11, inputs: INPUTS_11, types: { T: NUMERIC_DTYPES, I: INT64 }, attributes: modeAttribute(MODES), ...inputForm },
    { since: 13, inputs: INPUTS_11, types: { T: ALL, I: INT64 }, attributes: modeAttribute(MODES), ...inputForm },
    // The torch 2.x dynamo exporter writes mode='wrap' (F.pad circular) into opset-18 models although ONNX adds
    // 'wrap' only in Pad-19; onnxruntime runs them and the computation is unambiguous, so Pad-18 accepts it too.
    { since: 18, inputs: INPUTS_18, types: { T: ALL, I: INT64, A: AXES_TYPES }, attributes: modeAttribute(MODES_19), ...inputForm },
    { since: 19, inputs: INPUTS_18, types: { T: ALL, I: INT64, A: AXES_TYPES }, attributes: modeAttribute(MODES_19), ...inputForm },
    // Opset 21 and later add element types torchparity does not hold (4-bit, float8); the semantics are 19's.
    { since: 21, inputs: INPUTS_18, types: { T: ALL, I: INT64, A: AXES_TYPES }, attributes: modeAttribute(MODES_19), ...inputForm },
  ],
);
