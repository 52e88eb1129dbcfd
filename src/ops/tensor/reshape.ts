import type { Dim } from '../../onnx/records.js';
import { reshapeView, sizeOf, type Tensor } from '../../tensor.js';
import { defineOp, defineVersions, type OpContext, type ValueType } from '../declaration.js';
import { FLOATS } from '../float-types.js';
import { isKnown, requireDims } from '../shape-utils.js';
import { ALL, INT64, knownInts, knownProduct } from './common.js';

/**
 * Output dims of Reshape for a target shape: 0 copies the input dim (unless allowzero), -1 takes what is left.
 * Symbolic input dims flow through: a copied dim keeps its symbol, and -1 becomes the one symbol left over when the
 * known sizes cancel ([N,3,4] with [-1,12] → [N,12]); otherwise it is '?'.
 */
export function reshapeDims(input: readonly Dim[] | undefined, target: readonly number[], allowzero: boolean, ctx: OpContext): Dim[] {
  const shown = `[${target.join(',')}]`;
  let inferAt = -1;
  target.forEach((t, i) => {
    if (!Number.isInteger(t) || t < -1) ctx.shapeError(`target shape ${shown} has ${t} at position ${i}; sizes must be ≥ -1`);
    if (t === -1) {
      if (inferAt >= 0) ctx.shapeError(`target shape ${shown} has more than one -1`);
      inferAt = i;
    }
  });
  if (allowzero && inferAt >= 0 && target.includes(0)) {
    ctx.shapeError(`target shape ${shown} has both 0 and -1 with allowzero=1`, 'with allowzero=1 a 0 is a real empty dim, which leaves -1 undetermined');
  }
  const copied = new Set<number>();
  const out: Dim[] = target.map((t, i) => {
    if (t !== 0 || allowzero) return t;
    if (input === undefined) return '?';
    if (i >= input.length) {
      ctx.shapeError(`target shape ${shown} copies dim ${i} (a 0) but the input has rank ${input.length}`);
    }
    copied.add(i);
    return input[i]!;
  });
  if (input === undefined) {
    if (inferAt >= 0) out[inferAt] = '?';
    return out;
  }
  const restIn = input.filter((_, i) => !copied.has(i));
  const restOut = out.filter((_, i) => i !== inferAt && !copied.has(i));
  const inProduct = knownProduct(restIn.filter(isKnown));
  const outProduct = knownProduct(restOut.filter(isKnown))!;
  const inSymbols = restIn.filter((d): d is string => !isKnown(d));
  const outSymbols = restOut.filter((d): d is string => !isKnown(d));
  const leftover = [...inSymbols];
  let cancels = !inSymbols.includes('?') && !outSymbols.includes('?');
  for (const s of outSymbols) {
    const k = leftover.indexOf(s);
    if (k < 0) cancels = false;
    else leftover.splice(k, 1);
  }
  const describe = `input [${input.join(',')}] cannot be reshaped to ${shown}`;
  if (inferAt >= 0) {
    if (!cancels || leftover.length > 1) out[inferAt] = '?';
    else if (leftover.length === 1) out[inferAt] = inProduct === outProduct ? leftover[0]! : '?';
    else {
      if (outProduct === 0) ctx.shapeError(`${describe}: the other sizes multiply to 0, so -1 is undetermined`);
      if (inProduct! % outProduct !== 0) ctx.shapeError(`${describe}: ${inProduct} elements do not divide into parts of ${outProduct}`);
      out[inferAt] = inProduct! / outProduct;
    }
  } else if (cancels && leftover.length === 0 && inProduct !== outProduct) {
    ctx.shapeError(`${describe}: ${sizeOf(input as number[])} elements vs ${sizeOf(out as number[])}`);
  }
  return out;
}

function reshapeType(x: ValueType | undefined, target: number[] | undefined, targetLength: Dim | undefined, allowzero: boolean, ctx: OpContext): ValueType {
  const dtype = x!.dtype;
  if (target) return { dtype, dims: reshapeDims(x!.dims, target, allowzero, ctx) };
  // Shape unknown at import: the rank is the target's length, each size known only at run time.
  return isKnown(targetLength) ? { dtype, dims: new Array<Dim>(targetLength).fill('?') } : { dtype };
}

function reshapeRun(x: Tensor, target: readonly number[], allowzero: boolean, ctx: OpContext): Tensor {
  return reshapeView(x, reshapeDims(x.dims, target, allowzero, ctx) as number[]);
}

function targetLength(shape: ValueType | undefined, ctx: OpContext): Dim | undefined {
  if (!shape?.dims) return undefined;
  if (shape.dims.length !== 1) ctx.shapeError(`shape input must be 1-D, but has dims [${shape.dims.join(',')}]`);
  return shape.dims[0];
}

const reshapeBase = {
  opType: 'Reshape',
  domain: '',
  summary: 'Reshape (numpy semantics: 0 copies the input dim, -1 is inferred; allowzero from opset 14)',
  outputs: [{ name: 'reshaped', type: 'T' }],
} as const;

/** Opset 1: the target shape is an attribute. consumed_inputs is a legacy optimization hint with no effect. */
const reshape1 = defineOp({
  ...reshapeBase,
  since: 1,
  inputs: [{ name: 'data', type: 'T' }],
  types: { T: FLOATS },
  attributes: {
    shape: { type: 'ints', default: [] },
    consumed_inputs: { type: 'ints', doc: 'legacy optimization hint; ignored' },
  },
  shape([x], attrs, ctx) {
    return [reshapeType(x, [...attrs.shape], undefined, false, ctx)];
  },
  run([x], attrs, ctx) {
    return [reshapeRun(x!, attrs.shape, false, ctx)];
  },
});

const reshape5 = defineVersions(
  {
    ...reshapeBase,
    inputs: [
      { name: 'data', type: 'T' },
      { name: 'shape', type: 'I' },
    ],
    types: { T: ALL, I: INT64 },
    shape([x, shape], attrs, ctx) {
      return [reshapeType(x, knownInts(shape), targetLength(shape, ctx), (attrs.allowzero ?? 0) === 1, ctx)];
    },
    run([x, shape], attrs, ctx) {
      return [reshapeRun(x!, Array.from(shape!.data), (attrs.allowzero ?? 0) === 1, ctx)];
    },
  },
  [
    { since: 5, attributes: {} },
    { since: 14, attributes: { allowzero: { type: 'int', default: 0, oneOf: [0, 1], doc: '1: a 0 in shape is an empty dim, not a copy' } } },
  ],
);

/** [prod(dims[:axis]), prod(dims[axis:])]; a lone symbolic dim keeps its name. */
function flattenDims(x: ValueType | undefined, axis: number, ctx: OpContext, negativeAllowed: boolean): Dim[] {
  const dims = requireDims(x, 'input', ctx);
  const rank = dims.length;
  if (!Number.isInteger(axis) || axis > rank || axis < (negativeAllowed ? -rank : 0)) {
    ctx.badAttribute('axis', `is ${axis}, outside [${negativeAllowed ? -rank : 0}, ${rank}] for an input of rank ${rank}`);
  }
  const a = axis < 0 ? axis + rank : axis;
  const product = (part: readonly Dim[]): Dim => {
    const n = knownProduct(part);
    if (n !== undefined) return n;
    const symbols = part.filter((d) => !isKnown(d));
    return symbols.length === 1 && knownProduct(part.filter(isKnown)) === 1 ? symbols[0]! : '?';
  };
  return [product(dims.slice(0, a)), product(dims.slice(a))];
}

const flatten = defineVersions(
  {
    opType: 'Flatten',
    domain: '',
    summary: 'Flattens to 2-D around an axis: [prod(dims before), prod(dims from axis on)]',
    inputs: [{ name: 'input', type: 'T' }],
    outputs: [{ name: 'output', type: 'T' }],
    types: { T: ALL },
    // Negative axes arrived with opset 11.
    shape([x], attrs, ctx) {
      return [{ dtype: x!.dtype, dims: flattenDims(x, attrs.axis as number, ctx, ctx.opset >= 11) }];
    },
    run([x], attrs, ctx) {
      return [reshapeView(x!, flattenDims(x, attrs.axis as number, ctx, ctx.opset >= 11) as number[])];
    },
  },
  [
    { since: 1, types: { T: FLOATS }, attributes: { axis: { type: 'int', default: 1, min: 0, doc: 'in [0, r]' } } },
    { since: 9, attributes: { axis: { type: 'int', default: 1, min: 0, doc: 'in [0, r]' } } },
    { since: 11, attributes: { axis: { type: 'int', default: 1, doc: 'in [-r, r]' } } },
  ],
);

export const reshapeOps = [reshape1, ...reshape5, ...flatten];
