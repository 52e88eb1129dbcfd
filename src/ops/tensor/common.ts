import type { Dim } from '../../onnx/records.js';
import { ALL_DTYPES, toNumbers, type DType, type Tensor } from '../../tensor.js';
import type { OpContext, ValueType } from '../declaration.js';
import { isKnown } from '../shape-utils.js';

/** Every element type torchparity computes with; data-movement ops accept them all. */
export const ALL: readonly DType[] = ALL_DTYPES;
/** Shape, axes and repeats inputs: ONNX constrains them to tensor(int64). */
export const INT64: readonly DType[] = ['int64'];

/** An int64 (or int32) input's values when shape inference knows them (a constant or a folded shape subgraph). */
export function knownInts(v: ValueType | undefined): number[] | undefined {
  return v?.value ? toNumbers(v.value) : undefined;
}

/** The values of a 1-D integer input that `run` needs; names the input in the error. */
export function vectorOf(t: Tensor | undefined, what: string, ctx: OpContext): number[] {
  if (!t) return ctx.shapeError(`${what} is missing`);
  if (t.dims.length !== 1) ctx.shapeError(`${what} must be 1-D, but has dims [${t.dims.join(',')}]`);
  return toNumbers(t);
}

/** A 1-D input's length from shape inference, when its rank and size are known. */
export function vectorLength(v: ValueType | undefined, what: string, ctx: OpContext): number | undefined {
  if (!v?.dims) return undefined;
  if (v.dims.length !== 1) ctx.shapeError(`${what} must be 1-D, but has dims [${v.dims.join(',')}]`);
  return isKnown(v.dims[0]) ? v.dims[0] : undefined;
}

/** Normalizes a list of axes against a rank; duplicates (after normalization) are an error. */
export function normalizeAxes(axes: readonly number[], rank: number, ctx: OpContext, what: string, attribute?: string): number[] {
  const out: number[] = [];
  for (const a of axes) {
    if (!Number.isInteger(a) || a < -rank || a >= rank) {
      const message = `axis ${a} is out of range for rank ${rank}`;
      const hint = `use values in [${-rank}, ${rank - 1}]`;
      if (attribute) ctx.badAttribute(attribute, message, hint);
      ctx.shapeError(`${what}: ${message}`, hint);
    }
    const n = a < 0 ? a + rank : a;
    if (out.includes(n)) {
      const message = `lists axis ${n} twice ([${axes.join(',')}])`;
      if (attribute) ctx.badAttribute(attribute, message);
      ctx.shapeError(`${what} ${message}`);
    }
    out.push(n);
  }
  return out;
}

/** Product of dims when all are known, else undefined. */
export function knownProduct(dims: readonly Dim[]): number | undefined {
  let n = 1;
  for (const d of dims) {
    if (!isKnown(d)) return undefined;
    n *= d;
  }
  return n;
}

/** A run-time tensor as shape inference would see it if it were constant, so `run` reuses the shape rule's code. */
export function known(t: Tensor): ValueType;
export function known(t: Tensor | undefined): ValueType | undefined;
export function known(t: Tensor | undefined): ValueType | undefined {
  return t && { dtype: t.dtype, dims: t.dims, value: t };
}
