import { convDirect, type ConvParams } from '../../kernels/conv.js';
import { allFinite, convShape, fastConvPath, needsFiniteData, usesPaddedTaps } from '../../kernels/conv-fast.js';
import { reluInPlace } from '../../kernels/tile.js';
import { windowOutputSize } from '../../kernels/geometry.js';
import { sizeOf, tensor, type FloatData, type Tensor } from '../../tensor.js';
import { defineOp, type Attrs, type OpContext, type RunContext, type ValueType } from '../declaration.js';
import { memoized, runKernelTask } from '../engine-hooks.js';
import { FLOATS } from '../float-types.js';
import { allKnown, requireDims, sameDim } from '../shape-utils.js';
import { resolveWindow, WINDOW_ATTRIBUTES } from './window.js';

const attributes = {
  ...WINDOW_ATTRIBUTES,
  group: { type: 'int', default: 1, min: 1 },
  kernel_shape: { type: 'ints', min: 1, doc: 'default: the weight\'s spatial dims' },
} as const;

type ConvAttrs = Attrs<typeof attributes>;

/** Geometry from X [N, C, ...] and W [M, C/group, k...], with every check that involves both. */
function convGeometry(x: ValueType | undefined, w: ValueType | undefined, b: ValueType | undefined, attrs: ConvAttrs, ctx: OpContext) {
  const xDims = requireDims(x, 'input X', ctx, { min: 3 });
  const wDims = requireDims(w, 'weight W', ctx, xDims.length);
  const spatial = xDims.length - 2;
  if (spatial > 3) ctx.shapeError(`${spatial}-D convolution is not supported (1-D to 3-D are)`);
  const kernelFromWeight = wDims.slice(2);
  if (!allKnown(kernelFromWeight)) ctx.shapeError(`weight W has symbolic spatial dims [${wDims.join(',')}]`);
  if (attrs.kernel_shape !== undefined) {
    if (attrs.kernel_shape.length !== spatial || attrs.kernel_shape.some((k, i) => k !== kernelFromWeight[i])) {
      ctx.badAttribute('kernel_shape', `is [${attrs.kernel_shape.join(',')}] but the weight's spatial dims are [${kernelFromWeight.join(',')}]`);
    }
  }
  const [n, c] = xDims as [typeof xDims[0], typeof xDims[0]];
  const [m, cPerGroup] = wDims as [typeof wDims[0], typeof wDims[0]];
  const group = attrs.group;
  if (typeof m === 'number' && m % group !== 0) {
    ctx.badAttribute('group', `is ${group}, which does not divide the ${m} output channels`);
  }
  if (typeof c === 'number' && typeof cPerGroup === 'number' && c !== cPerGroup * group) {
    ctx.shapeError(`input has ${c} channels but weight expects ${cPerGroup} per group × group ${group} = ${cPerGroup * group}`);
  }
  if (b) {
    const bDims = requireDims(b, 'bias B', ctx, 1);
    if (!sameDim(bDims[0]!, m)) ctx.shapeError(`bias has ${bDims[0]} elements but there are ${m} output channels`);
  }
  const window = resolveWindow(attrs, xDims.slice(2), kernelFromWeight, ctx, (i, size, g) =>
    windowOutputSize(size, g.kernel[i]!, g.strides[i]!, g.dilations[i]!, g.padBegin[i]!, g.padEnd[i]!),
  );
  return { n, m, window };
}

export const conv = defineOp({
  opType: 'Conv',
  domain: '',
  since: 1,
  summary: 'N-D convolution (1-D to 3-D) with groups, dilations, explicit or SAME/VALID padding, optional bias',
  inputs: [
    { name: 'X', type: 'T' },
    { name: 'W', type: 'T' },
    { name: 'B', type: 'T', optional: true },
  ],
  outputs: [{ name: 'Y', type: 'T' }],
  types: { T: FLOATS },
  attributes,
  shape([x, w, b], attrs, ctx) {
    const { n, m, window } = convGeometry(x, w, b, attrs, ctx);
    return [{ dtype: x!.dtype, dims: [n, m, ...window.symbolicOutput] }];
  },
  run([x, w, b], attrs, ctx): Tensor[] {
    const { window } = convGeometry(x, w, b, attrs, ctx);
    const [batch, inChannels] = x!.dims as [number, number];
    const outChannels = w!.dims[0]!;
    const dims = [batch, outChannels, ...window.output];
    const y = tensor(x!.dtype, dims);
    const relu = ctx.engine?.relu === true;
    if (sizeOf(dims) > 0) {
      const params: ConvParams = { batch, inChannels, outChannels, group: attrs.group, geometry: window };
      if (!convFastPath(x!, w!, b, y, params, relu, ctx)) {
        convDirect(x!.data as FloatData, w!.data as FloatData, b?.data as FloatData | undefined, y.data as FloatData, params);
        if (relu) reluInPlace(y.data as FloatData);
      }
    }
    return [y];
  },
});

/**
 * float32 convolutions run on the fast kernels (kernels/conv-fast.ts; convDirect stays the reference for float64
 * referee runs and float16). The implicit-GEMM path multiplies padded taps by their weights, which only differs from
 * convDirect's skipping them when a weight is ±Infinity or NaN: such a padded convolution takes the reference. The
 * Winograd path subtracts inputs and weights, so it runs only on finite data (else the implicit GEMM does).
 */
function convFastPath(x: Tensor, w: Tensor, b: Tensor | undefined, y: Tensor, params: ConvParams, relu: boolean, ctx: RunContext): boolean {
  if (x.dtype !== 'float32' || !(x.data instanceof Float32Array) || !(w.data instanceof Float32Array) || !(y.data instanceof Float32Array)) {
    return false;
  }
  const shape = convShape(params);
  const weights = w.data;
  const weightsFinite = () => memoized(ctx, 'weights-finite', [1], () => allFinite(weights));
  let path = fastConvPath(shape, ctx.engine?.winograd === true);
  if (needsFiniteData(path) && !(weightsFinite() && allFinite(x.data))) path = 'gemm';
  if (usesPaddedTaps(shape, path) && !weightsFinite()) return false;
  const bias = b?.data as Float32Array | undefined;
  const stable = [ctx.engine?.constantInputs[1] ? weights : undefined, ctx.engine?.constantInputs[2] ? bias : undefined];
  runKernelTask(ctx, { kind: 'conv', x: x.data, w: weights, bias, out: y.data, shape, path, relu }, stable.filter((a): a is Float32Array => a !== undefined));
  return true;
}
