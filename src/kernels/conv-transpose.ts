import type { FloatData } from '../tensor.js';
import { as3d } from './conv.js';
import { effectiveKernel, type WindowGeometry } from './geometry.js';

/**
 * Transposed-convolution geometry, shared by ConvTranspose's shape inference and its kernel. Input tap i with
 * kernel offset t lands on output cell i * stride + t * dilation - padBegin; the output keeps cells [0, output).
 */

/** Size of the full scatter before any cropping: (in - 1) * stride + dilation * (k - 1) + 1. */
export function transposedSpan(input: number, kernel: number, stride: number, dilation: number): number {
  return (input - 1) * stride + effectiveKernel(kernel, dilation);
}

/**
 * Output size with explicit pads, as PyTorch's ConvTranspose computes it
 * (aten/src/ATen/native/ConvUtils.h, conv_input_size / _convolution output shape for transposed=true):
 * (in - 1) * stride - padBegin - padEnd + dilation * (k - 1) + outputPadding + 1.
 */
export function transposedOutputSize(
  input: number,
  kernel: number,
  stride: number,
  dilation: number,
  padBegin: number,
  padEnd: number,
  outputPadding: number,
): number {
  return transposedSpan(input, kernel, stride, dilation) + outputPadding - padBegin - padEnd;
}

/**
 * Pads that produce a requested output size (ONNX ConvTranspose-11, `output_shape` and auto_pad SAME_*):
 * total = (in - 1) * stride + outputPadding + dilation * (k - 1) + 1 - target, split with the odd cell at the end
 * for SAME_UPPER and at the beginning otherwise. A negative total (target larger than the scatter) pads nothing:
 * the extra cells come at the end, where output_padding puts them, and hold only the bias.
 */
export function padsForOutputSize(
  input: number,
  kernel: number,
  stride: number,
  dilation: number,
  outputPadding: number,
  target: number,
  upper: boolean,
): [number, number] {
  const total = Math.max(0, transposedSpan(input, kernel, stride, dilation) + outputPadding - target);
  const small = Math.floor(total / 2);
  return upper ? [small, total - small] : [total - small, small];
}

export interface ConvTransposeParams {
  batch: number;
  inChannels: number;
  outChannels: number;
  group: number;
  /** 1 to 3 spatial axes; `input` is X's spatial dims, `output` Y's; padEnd is implied by the output size. */
  geometry: WindowGeometry;
}

/** First and last input index whose tap at kernel offset `tap` lands inside [0, output). */
function validInputRange(input: number, output: number, stride: number, dilation: number, padBegin: number, tap: number): [number, number] {
  const shift = tap * dilation - padBegin;
  const first = Math.max(0, Math.ceil(-shift / stride));
  const last = Math.min(input - 1, Math.floor((output - 1 - shift) / stride));
  return [first, last];
}

/**
 * Direct transposed convolution: every input cell scatters weight × value into the output cells its kernel taps
 * reach. Weights are [C_in, C_out/group, k...]; input channel c of group g feeds output channels
 * g·(C_out/group) … (g+1)·(C_out/group) − 1. Works in the precision of `out`.
 */
export function convTransposeDirect(x: FloatData, w: FloatData, bias: FloatData | undefined, out: FloatData, p: ConvTransposeParams): void {
  const g = as3d(p.geometry);
  const [D, H, W] = g.input;
  const [KD, KH, KW] = g.kernel;
  const [SD, SH, SW] = g.strides;
  const [DD, DH, DW] = g.dilations;
  const [PD, PH, PW] = g.padBegin;
  const [OD, OH, OW] = g.output;
  const inPerGroup = p.inChannels / p.group;
  const outPerGroup = p.outChannels / p.group;
  const inPlane = D * H * W;
  const outPlane = OD * OH * OW;
  const kernelSize = KD * KH * KW;

  for (let n = 0; n < p.batch; n++) {
    for (let oc = 0; oc < p.outChannels; oc++) {
      const outBase = (n * p.outChannels + oc) * outPlane;
      out.fill(bias ? bias[oc]! : 0, outBase, outBase + outPlane);
    }
    for (let ic = 0; ic < p.inChannels; ic++) {
      const group = Math.floor(ic / inPerGroup);
      const inBase = (n * p.inChannels + ic) * inPlane;
      for (let ocg = 0; ocg < outPerGroup; ocg++) {
        const oc = group * outPerGroup + ocg;
        const outBase = (n * p.outChannels + oc) * outPlane;
        const wBase = (ic * outPerGroup + ocg) * kernelSize;
        for (let kd = 0; kd < KD; kd++) {
          const [id0, id1] = validInputRange(D, OD, SD, DD, PD, kd);
          for (let kh = 0; kh < KH; kh++) {
            const [ih0, ih1] = validInputRange(H, OH, SH, DH, PH, kh);
            for (let kw = 0; kw < KW; kw++) {
              const [iw0, iw1] = validInputRange(W, OW, SW, DW, PW, kw);
              if (iw0 > iw1) continue;
              const weight = w[wBase + (kd * KH + kh) * KW + kw]!;
              for (let id = id0; id <= id1; id++) {
                const od = id * SD + kd * DD - PD;
                for (let ih = ih0; ih <= ih1; ih++) {
                  const oh = ih * SH + kh * DH - PH;
                  const inRow = inBase + (id * H + ih) * W;
                  const outRow = outBase + (od * OH + oh) * OW + kw * DW - PW;
                  for (let iw = iw0; iw <= iw1; iw++) out[outRow + iw * SW] = out[outRow + iw * SW]! + weight * x[inRow + iw]!;
                }
              }
            }
          }
        }
      }
    }
  }
}
