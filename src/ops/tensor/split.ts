import { sliceRows } from '../../kernels/concat.js';
import type { Dim } from '../../onnx/records.js';
import { allocate, sizeOf, toNumbers, type Tensor } from '../../tensor.js';
import { defineVersions, type OpContext, type ValueType } from '../declaration.js';
import { isKnown, normalizeAxis, requireDims } from '../shape-utils.js';
import { ALL, INT64, vectorLength } from './common.js';

interface SplitRequest {
  /** Part sizes from the split attribute or input; undefined when not given or not known yet. */
  sizes?: readonly number[];
  /** The split input is present but its values are only known at run time. */
  sizesPending?: boolean;
  /** Blame for a bad split list: the attribute's name, or undefined for the input. */
  attribute?: string;
  numOutputs?: number;
}

function outputCount(ctx: OpContext): number {
  const n = ctx.node.outputCount;
  if (n === undefined || n < 1) ctx.shapeError('Split needs at least one output');
  return n;
}

/**
 * Part sizes along the axis. Without a split list the parts are equal; opset 18 (num_outputs) lets the last part be
 * smaller: every part is ceil(size / n) and the last takes the rest, as torch.tensor_split/chunk-style exports need.
 * Zero-size parts are allowed.
 */
function splitGeometry(x: ValueType | undefined, axis: number, request: SplitRequest, ctx: OpContext) {
  const dims = requireDims(x, 'input', ctx, { min: 1 });
  const a = normalizeAxis(axis, dims.length, ctx);
  const count = outputCount(ctx);
  const size = dims[a]!;
  const fail = (message: string): never => (request.attribute ? ctx.badAttribute(request.attribute, message) : ctx.shapeError(`split input: ${message}`));
  if (request.numOutputs !== undefined && request.numOutputs !== count) {
    ctx.badAttribute('num_outputs', `is ${request.numOutputs} but the node lists ${count} outputs`);
  }
  let parts: Dim[];
  if (request.sizes) {
    if (request.sizes.length !== count) fail(`has ${request.sizes.length} sizes [${request.sizes.join(',')}] but the node lists ${count} outputs`);
    if (request.sizes.some((s) => !Number.isInteger(s) || s < 0)) fail(`has a negative size: [${request.sizes.join(',')}]`);
    const total = request.sizes.reduce((p, q) => p + q, 0);
    if (isKnown(size) && total !== size) fail(`sizes [${request.sizes.join(',')}] add up to ${total} but axis ${a} has size ${size}`);
    parts = [...request.sizes];
  } else if (request.sizesPending || !isKnown(size)) {
    parts = new Array<Dim>(count).fill('?');
  } else if (size % count === 0) {
    parts = new Array<number>(count).fill(size / count);
  } else if (ctx.opset >= 18) {
    const chunk = Math.ceil(size / count);
    const last = size - chunk * (count - 1);
    if (last < 0) ctx.shapeError(`axis ${a} of size ${size} cannot give ${count} parts of ${chunk} (the last part would be ${last})`);
    parts = [...new Array<number>(count - 1).fill(chunk), last];
  } else {
    ctx.shapeError(`axis ${a} of size ${size} does not split into ${count} equal parts`, 'give split sizes (or use opset 18, where the last part may be smaller)');
  }
  return { axis: a, outputs: parts.map((p) => dims.map((d, i) => (i === a ? p : d))) };
}

function splitRun(x: Tensor, axis: number, request: SplitRequest, ctx: OpContext): Tensor[] {
  const g = splitGeometry(x, axis, request, ctx);
  const outer = sizeOf(x.dims.slice(0, g.axis));
  const inner = sizeOf(x.dims.slice(g.axis + 1));
  const total = x.dims[g.axis]! * inner;
  let start = 0;
  return g.outputs.map((d) => {
    const dims = d as number[];
    const width = dims[g.axis]! * inner;
    const data = allocate(x.dtype, sizeOf(dims));
    sliceRows(x.data, total, start, width, outer, data);
    start += width;
    return { dtype: x.dtype, dims, data };
  });
}

function types(x: ValueType, outputs: Dim[][]): ValueType[] {
  return outputs.map((dims) => ({ dtype: x.dtype, dims }));
}

function splitInput(v: ValueType | undefined, ctx: OpContext): SplitRequest {
  if (!v) return {};
  vectorLength(v, 'split input', ctx);
  return v.value ? { sizes: toNumbers(v.value) } : { sizesPending: true };
}

const attributeForm = (attrs: Record<string, unknown>): SplitRequest => ({ sizes: attrs.split as number[] | undefined, attribute: 'split' });

const split = defineVersions(
  {
    opType: 'Split',
    domain: '',
    summary: 'Splits along an axis into given sizes, equal parts, or (opset 18) num_outputs parts with a smaller last one',
    inputs: [{ name: 'input', type: 'T' }],
    outputs: [{ name: 'outputs', type: 'T', variadic: true }],
    types: { T: ALL },
    shape([x], attrs, ctx) {
      return types(x!, splitGeometry(x, attrs.axis as number, attributeForm(attrs), ctx).outputs);
    },
    run([x], attrs, ctx) {
      return splitRun(x!, attrs.axis as number, attributeForm(attrs), ctx);
    },
  },
  [
    { since: 2, attributes: { axis: { type: 'int', default: 0, min: 0 }, split: { type: 'ints', min: 0, doc: 'part sizes; default: equal parts' } } },
    { since: 11, attributes: { axis: { type: 'int', default: 0 }, split: { type: 'ints', min: 0, doc: 'part sizes; default: equal parts' } } },
    {
      since: 13,
      attributes: { axis: { type: 'int', default: 0 } },
      inputs: [
        { name: 'input', type: 'T' },
        { name: 'split', type: 'I', optional: true },
      ],
      types: { T: ALL, I: INT64 },
      shape([x, s], attrs, ctx) {
        return types(x!, splitGeometry(x, attrs.axis as number, splitInput(s, ctx), ctx).outputs);
      },
      run([x, s], attrs, ctx) {
        return splitRun(x!, attrs.axis as number, s ? { sizes: toNumbers(s) } : {}, ctx);
      },
    },
    {
      since: 18,
      attributes: { axis: { type: 'int', default: 0 }, num_outputs: { type: 'int', min: 1 } },
      inputs: [
        { name: 'input', type: 'T' },
        { name: 'split', type: 'I', optional: true },
      ],
      types: { T: ALL, I: INT64 },
      shape([x, s], attrs, ctx) {
        return types(x!, splitGeometry(x, attrs.axis as number, withCount(splitInput(s, ctx), attrs, s, ctx), ctx).outputs);
      },
      run([x, s], attrs, ctx) {
        return splitRun(x!, attrs.axis as number, withCount(s ? { sizes: toNumbers(s) } : {}, attrs, s, ctx), ctx);
      },
    },
  ],
);

function withCount(request: SplitRequest, attrs: Record<string, unknown>, s: unknown, ctx: OpContext): SplitRequest {
  const numOutputs = attrs.num_outputs as number | undefined;
  if (numOutputs !== undefined && s) ctx.badAttribute('num_outputs', 'is set together with the split input', 'give one or the other');
  // Split-18 dropped the equal-parts-by-output-count default of earlier versions; ONNX and onnxruntime refuse it.
  if (numOutputs === undefined && !s) {
    ctx.badAttribute('num_outputs', 'is missing and there is no split input', 'Split-18 needs one of the two to know the parts');
  }
  return { ...request, numOutputs };
}

export const splitOps = [...split];
