import { convTransposeDirect, padsForOutputSize, transposedOutputSize } from '../../kernels/conv-transpose.js';
import type { WindowGeometry } from '../../kernels/geometry.js';
import type { Dim } from '../../onnx/records.js';
import { sizeOf, tensor, type FloatData, type Tensor } from '../../tensor.js';
import { defineVersions, type Attrs, type OpContext, type ValueType } from '../declaration.js';
import { FLOATS } from '../float-types.js';
import { allKnown, requireDims, sameDim } from '../shape-utils.js';
import { WINDOW_ATTRIBUTES } from './window.js';

const attributes = {
  ...WINDOW_ATTRIBUTES,
  group: { type: 'int', default: 1, min: 1 },
  kernel_shape: { type: 'ints', min: 1, doc: "default: the weight's spatial dims" },
  output_padding: { type: 'ints', min: 0, doc: 'cells added at the end of each spatial axis; default 0' },
  output_shape: { type: 'ints', min: 1, doc: 'spatial output size; pads are derived from it' },
} as const;

type ConvTransposeAttrs = Attrs<typeof attributes>;

function perAxis(values: readonly number[] | undefined, rank: number, name: string, fallback: number, ctx: OpContext): number[] {
  if (values === undefined) return new Array<number>(rank).fill(fallback);
  if (values.length !== rank) {
    ctx.badAttribute(name, `has ${values.length} values but the input has ${rank} spatial axes`, 'give one value per spatial axis');
  }
  return [...values];
}

/**
 * Output size and pads per spatial axis. Explicit pads give PyTorch's size formula; `output_shape`, and auto_pad
 * SAME_* (whose target is input · stride, ONNX ConvTranspose-11), derive the pads from a target size instead.
 * One rule serves opsets 1 and 11: ConvTranspose-1's text split an odd total with the extra cell at the start for
 * SAME_UPPER, contradicting its own auto_pad description; ONNX acknowledged the formula as the error
 * (onnx/onnx#1609) and opset 11 states it as used here: SAME_UPPER puts the extra cell at the end, anything else
 * at the start.
 */
function resolveAxes(attrs: ConvTransposeAttrs, input: readonly Dim[], kernel: readonly number[], ctx: OpContext) {
  const rank = input.length;
  const strides = perAxis(attrs.strides, rank, 'strides', 1, ctx);
  const dilations = perAxis(attrs.dilations, rank, 'dilations', 1, ctx);
  const outputPadding = perAxis(attrs.output_padding, rank, 'output_padding', 0, ctx);
  // aten/src/ATen/native/NaiveConvolutionTranspose{2,3}d.cpp shape checks: PyTorch accepts output_padding below
  // the stride OR the dilation (ONNX says "less than the corresponding stride/dilation").
  outputPadding.forEach((p, i) => {
    if (p >= strides[i]! && p >= dilations[i]!) {
      ctx.badAttribute(
        'output_padding',
        `is ${p} on spatial axis ${i}, not smaller than the stride ${strides[i]} or the dilation ${dilations[i]}`,
        'PyTorch requires output_padding < stride or < dilation on every axis',
      );
    }
  });
  if (attrs.pads !== undefined && attrs.pads.length !== 2 * rank) {
    ctx.badAttribute('pads', `has ${attrs.pads.length} values but ${rank} spatial axes need ${2 * rank} (begins then ends)`);
  }
  const explicitPads = attrs.pads !== undefined && attrs.pads.some((p) => p !== 0);
  if (attrs.auto_pad !== 'NOTSET' && explicitPads) {
    ctx.badAttribute('pads', `is set together with auto_pad=${attrs.auto_pad}`, 'ONNX allows explicit pads only with auto_pad=NOTSET');
  }
  // ONNX: "If output_shape is specified pads values are ignored" (onnxruntime does the same).
  const outputShape = attrs.output_shape;
  if (outputShape !== undefined) {
    if (outputShape.length !== rank) {
      ctx.badAttribute('output_shape', `has ${outputShape.length} values but the input has ${rank} spatial axes`, 'give the spatial output sizes only');
    }
  }
  const upper = attrs.auto_pad === 'SAME_UPPER';
  const same = upper || attrs.auto_pad === 'SAME_LOWER';
  const padBegin: number[] = [];
  const padEnd: number[] = [];
  const output: number[] = [];
  const symbolicOutput: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    const size = input[i]!;
    const [k, s, d, op] = [kernel[i]!, strides[i]!, dilations[i]!, outputPadding[i]!];
    if (typeof size !== 'number') {
      padBegin.push(0);
      padEnd.push(0);
      output.push(0);
      symbolicOutput.push(outputShape ? outputShape[i]! : '?');
      continue;
    }
    let begin: number;
    let end: number;
    let out: number;
    if (outputShape !== undefined || same) {
      out = outputShape !== undefined ? outputShape[i]! : size * s;
      [begin, end] = padsForOutputSize(size, k, s, d, op, out, upper);
    } else {
      [begin, end] = attrs.auto_pad === 'VALID' || attrs.pads === undefined ? [0, 0] : [attrs.pads[i]!, attrs.pads[i + rank]!];
      out = transposedOutputSize(size, k, s, d, begin, end, op);
    }
    if (out < 1) {
      ctx.shapeError(`spatial axis ${i}: input ${size}, kernel ${k}, stride ${s}, dilation ${d} and pads ${begin}+${end} leave an output of ${out}`);
    }
    padBegin.push(begin);
    padEnd.push(end);
    output.push(out);
    symbolicOutput.push(out);
  }
  const known = input.map((d) => (typeof d === 'number' ? d : 0));
  const geometry: WindowGeometry = { input: known, kernel: [...kernel], strides, dilations, padBegin, padEnd, output };
  return { geometry, symbolicOutput };
}

/** Geometry from X [N, C, ...] and W [C, M/group, k...], with every check that involves both. */
function convTransposeGeometry(
  x: ValueType | undefined,
  w: ValueType | undefined,
  b: ValueType | undefined,
  attrs: ConvTransposeAttrs,
  ctx: OpContext,
) {
  const xDims = requireDims(x, 'input X', ctx, { min: 3 });
  const wDims = requireDims(w, 'weight W', ctx, xDims.length);
  const spatial = xDims.length - 2;
  if (spatial > 3) ctx.shapeError(`${spatial}-D transposed convolution is not supported (1-D to 3-D are)`);
  const kernel = wDims.slice(2);
  if (!allKnown(kernel)) ctx.shapeError(`weight W has symbolic spatial dims [${wDims.join(',')}]`);
  if (attrs.kernel_shape !== undefined) {
    if (attrs.kernel_shape.length !== spatial || attrs.kernel_shape.some((k, i) => k !== kernel[i])) {
      ctx.badAttribute('kernel_shape', `is [${attrs.kernel_shape.join(',')}] but the weight's spatial dims are [${kernel.join(',')}]`);
    }
  }
  const [n, c] = xDims as [Dim, Dim];
  const [wIn, outPerGroup] = wDims as [Dim, Dim];
  const group = attrs.group;
  if (typeof c === 'number' && c % group !== 0) {
    ctx.badAttribute('group', `is ${group}, which does not divide the ${c} input channels`);
  }
  if (!sameDim(c, wIn)) {
    ctx.shapeError(`input has ${c} channels but weight W is [${wDims.join(',')}]; ConvTranspose weights are [C_in, C_out/group, k...]`);
  }
  const m: Dim = typeof outPerGroup === 'number' ? outPerGroup * group : '?';
  if (b) {
    const bDims = requireDims(b, 'bias B', ctx, 1);
    if (!sameDim(bDims[0]!, m)) ctx.shapeError(`bias has ${bDims[0]} elements but there are ${m} output channels (W.dims[1] × group)`);
  }
  const { geometry, symbolicOutput } = resolveAxes(attrs, xDims.slice(2), kernel, ctx);
  return { n, m, geometry, symbolicOutput };
}

const base = {
  opType: 'ConvTranspose',
  domain: '',
  summary: 'N-D transposed convolution (1-D to 3-D) with groups, dilations, pads, output_padding, output_shape, optional bias',
  inputs: [
    { name: 'X', type: 'T' },
    { name: 'W', type: 'T' },
    { name: 'B', type: 'T', optional: true },
  ],
  outputs: [{ name: 'Y', type: 'T' }],
  types: { T: FLOATS },
  shape([x, w, b]: readonly (ValueType | undefined)[], attrs: ConvTransposeAttrs, ctx: OpContext): ValueType[] {
    const { n, m, symbolicOutput } = convTransposeGeometry(x, w, b, attrs, ctx);
    return [{ dtype: x!.dtype, dims: [n, m, ...symbolicOutput] }];
  },
  run([x, w, b]: readonly (Tensor | undefined)[], attrs: ConvTransposeAttrs, ctx: OpContext): Tensor[] {
    const { geometry } = convTransposeGeometry(x, w, b, attrs, ctx);
    const [batch, inChannels] = x!.dims as [number, number];
    const outChannels = w!.dims[1]! * attrs.group;
    const dims = [batch, outChannels, ...geometry.output];
    const y = tensor(x!.dtype, dims);
    if (sizeOf(dims) > 0) {
      convTransposeDirect(x!.data as FloatData, w!.data as FloatData, b?.data as FloatData | undefined, y.data as FloatData, {
        batch,
        inChannels,
        outChannels,
        group: attrs.group,
        geometry,
      });
    }
    return [y];
  },
} as const;

// ConvTranspose-11 changed only documentation (the pads formula for output_shape, SAME_* targets of input · stride);
// ConvTranspose-22 added bfloat16, which torchparity has no storage for.
export const convTransposeOps = defineVersions<typeof attributes>(base, [
  { since: 1, attributes },
  { since: 11, attributes },
  { since: 22, attributes },
]);
