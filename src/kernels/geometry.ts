/**
 * Window geometry shared by shape inference and kernels, so the two cannot disagree. All sizes are per spatial
 * axis; pads are explicit (begin, end) once resolved.
 */

/** Extent of a dilated kernel: taps span (k - 1) * d + 1 input cells. */
export function effectiveKernel(kernel: number, dilation: number): number {
  return (kernel - 1) * dilation + 1;
}

/** floor((in + pads - effective) / stride) + 1, the size Conv and non-ceil pools produce; may be ≤ 0 if the window does not fit. */
export function windowOutputSize(input: number, kernel: number, stride: number, dilation: number, padBegin: number, padEnd: number): number {
  return Math.floor((input + padBegin + padEnd - effectiveKernel(kernel, dilation)) / stride) + 1;
}

/**
 * Pooling output size with PyTorch's ceil_mode rule (aten/src/ATen/native/Pool.h, pooling_output_shape_pad_lr):
 * rounding up may add one more window, but a last window that would start inside the right padding (at or past
 * input + padBegin) is dropped. ONNX text before opset 19 and some runtimes keep it; PyTorch is our truth.
 */
export function poolOutputSize(
  input: number,
  kernel: number,
  stride: number,
  dilation: number,
  padBegin: number,
  padEnd: number,
  ceilMode: boolean,
): number {
  const span = input + padBegin + padEnd - effectiveKernel(kernel, dilation);
  if (!ceilMode) return Math.floor(span / stride) + 1;
  let out = Math.ceil(span / stride) + 1;
  if ((out - 1) * stride >= input + padBegin) out -= 1;
  return out;
}

/**
 * auto_pad SAME_UPPER / SAME_LOWER: output = ceil(input / stride), and the total padding that needs, with the odd
 * cell at the end (UPPER) or the beginning (LOWER). Dilation enters through the effective kernel, as in
 * PyTorch's padding='same' (which only allows stride 1, where this reduces to total = d * (k - 1)).
 */
export function samePads(input: number, kernel: number, stride: number, dilation: number, upper: boolean): [number, number] {
  const out = Math.ceil(input / stride);
  const total = Math.max(0, (out - 1) * stride + effectiveKernel(kernel, dilation) - input);
  const small = Math.floor(total / 2);
  return upper ? [small, total - small] : [total - small, small];
}

export type AutoPad = 'NOTSET' | 'SAME_UPPER' | 'SAME_LOWER' | 'VALID';

/** Explicit (begin, end) pads per axis for any auto_pad mode; `pads` is ONNX's [b0, b1, ..., e0, e1, ...]. */
export function resolvePads(
  autoPad: AutoPad,
  pads: readonly number[] | undefined,
  input: readonly number[],
  kernel: readonly number[],
  strides: readonly number[],
  dilations: readonly number[],
): { begin: number[]; end: number[] } {
  const rank = input.length;
  const begin = new Array<number>(rank).fill(0);
  const end = new Array<number>(rank).fill(0);
  for (let i = 0; i < rank; i++) {
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
      [begin[i], end[i]] = samePads(input[i]!, kernel[i]!, strides[i]!, dilations[i]!, autoPad === 'SAME_UPPER');
    } else if (autoPad === 'NOTSET' && pads) {
      begin[i] = pads[i]!;
      end[i] = pads[i + rank]!;
    }
  }
  return { begin, end };
}

/** Resolved geometry of a sliding-window op over `rank` spatial axes. */
export interface WindowGeometry {
  input: number[];
  kernel: number[];
  strides: number[];
  dilations: number[];
  padBegin: number[];
  padEnd: number[];
  output: number[];
}
