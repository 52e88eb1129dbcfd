import { effectiveKernel } from '../kernels/geometry.js';

/**
 * Boundary classes: the edge situations where window ops go wrong, named so that campaigns can count how often each
 * was exercised (coverage that a pass count alone does not show).
 */

/** One spatial axis of a sliding-window op, pads resolved. */
export interface AxisWindow {
  input: number;
  kernel: number;
  stride: number;
  dilation: number;
  padBegin: number;
  padEnd: number;
  output: number;
}

export const CLASS = {
  asymmetricPads: 'asymmetric pads',
  padKernelMinusOne: 'pad = kernel−1',
  sizeModStride: 'input size mod stride ≠ 0',
  windowPartlyInPadding: 'window partly in padding',
  windowWhollyInPadding: 'window wholly in padding',
  windowStartsInEndPadding: 'window starts in end padding',
  strideOverKernel: 'stride > effective kernel (skipped cells)',
  kernelOverInput: 'kernel larger than input',
  stride: 'stride > 1',
  dilation: 'dilation > 1',
  sameStride: 'SAME with stride > 1',
  sameDilation: 'SAME with dilation > 1',
  sameOdd: 'SAME with odd total padding',
  sameNegative: 'SAME with negative ONNX total padding',
  ceilAddsWindow: 'ceil_mode adds a window',
  ceilDropsWindow: 'ceil_mode last window would start in padding (dropped)',
} as const;

/** Taps of output window `o` inside the input, and in total. */
function tapsInside(a: AxisWindow, o: number): number {
  let inside = 0;
  for (let t = 0; t < a.kernel; t++) {
    const i = o * a.stride + t * a.dilation - a.padBegin;
    if (i >= 0 && i < a.input) inside++;
  }
  return inside;
}

/** Classes of a window op from its resolved axes and auto_pad mode. */
export function windowClasses(axes: readonly AxisWindow[], autoPad: string): string[] {
  const found = new Set<string>();
  const same = autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER';
  for (const a of axes) {
    const eff = effectiveKernel(a.kernel, a.dilation);
    if (a.padBegin !== a.padEnd) found.add(same ? CLASS.sameOdd : CLASS.asymmetricPads);
    if (a.kernel > 1 && (a.padBegin === a.kernel - 1 || a.padEnd === a.kernel - 1)) found.add(CLASS.padKernelMinusOne);
    if ((a.input + a.padBegin + a.padEnd - eff) % a.stride !== 0) found.add(CLASS.sizeModStride);
    if (a.stride > 1) found.add(CLASS.stride);
    if (a.dilation > 1) found.add(CLASS.dilation);
    if (a.stride > eff) found.add(CLASS.strideOverKernel);
    if (eff > a.input) found.add(CLASS.kernelOverInput);
    if (same && a.stride > 1) found.add(CLASS.sameStride);
    if (same && a.dilation > 1) found.add(CLASS.sameDilation);
    if (same && onnxSameTotal(a.input, a.kernel, a.stride, a.dilation) < 0) found.add(CLASS.sameNegative);
    for (let o = 0; o < a.output; o++) {
      const inside = tapsInside(a, o);
      if (inside === 0) found.add(CLASS.windowWhollyInPadding);
      else if (inside < a.kernel) found.add(CLASS.windowPartlyInPadding);
      if (o * a.stride - a.padBegin >= a.input) found.add(CLASS.windowStartsInEndPadding);
    }
  }
  if (autoPad !== 'NOTSET') found.add(`auto_pad ${autoPad}`);
  return [...found];
}

/**
 * ONNX's SAME total padding, (ceil(in/stride) − 1)·stride + dilated kernel − in, without the clamp at 0: negative
 * when the stride reaches past the kernel. torchparity clamps it (kernels/geometry.ts samePads, as TensorFlow, where
 * SAME comes from, does in tensorflow/core/framework/kernel_shape_util.cc); onnxruntime uses it as it is.
 */
export function onnxSameTotal(input: number, kernel: number, stride: number, dilation: number): number {
  return (Math.ceil(input / stride) - 1) * stride + effectiveKernel(kernel, dilation) - input;
}

/** A window op's spatial geometry as written in a case: X's spatial dims and the window attributes. */
export function writtenAxes(attributes: Record<string, unknown>, xDims: readonly number[], kernel: readonly number[]) {
  const rank = kernel.length;
  const input = xDims.slice(2);
  const strides = (attributes.strides as number[] | undefined) ?? new Array<number>(rank).fill(1);
  const dilations = (attributes.dilations as number[] | undefined) ?? new Array<number>(rank).fill(1);
  const pads = (attributes.pads as number[] | undefined) ?? new Array<number>(2 * rank).fill(0);
  const autoPad = (attributes.auto_pad as string | undefined) ?? 'NOTSET';
  const same = autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER';
  return {
    kernel,
    input,
    strides,
    dilations,
    pads,
    autoPad,
    same,
    negativeSame: same && kernel.some((k, i) => onnxSameTotal(input[i]!, k, strides[i]!, dilations[i]!) < 0),
  };
}
