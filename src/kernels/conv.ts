import type { FloatData } from '../tensor.js';
import type { WindowGeometry } from './geometry.js';

export interface ConvParams {
  batch: number;
  inChannels: number;
  outChannels: number;
  group: number;
  /** 1 to 3 spatial axes. */
  geometry: WindowGeometry;
}

type Triple = [number, number, number];

/** A geometry with exactly three spatial axes, typed so kernels can destructure (D, H, W) directly. */
export type Geometry3d = { [K in keyof WindowGeometry]: Triple };

/** Pads a 1-D or 2-D geometry out to 3-D with unit leading axes, so one loop nest serves every rank. */
export function as3d(g: WindowGeometry): Geometry3d {
  const lead = 3 - g.input.length;
  const pad = (values: number[], fill: number) => [...new Array<number>(lead).fill(fill), ...values] as Triple;
  return {
    input: pad(g.input, 1),
    kernel: pad(g.kernel, 1),
    strides: pad(g.strides, 1),
    dilations: pad(g.dilations, 1),
    padBegin: pad(g.padBegin, 0),
    padEnd: pad(g.padEnd, 0),
    output: pad(g.output, 1),
  };
}

/**
 * First and last output index whose tap at kernel offset `tap` lands inside the input: the tap reads input index
 * o * stride + tap * dilation - padBegin, which must lie in [0, input).
 */
export function validOutputRange(output: number, input: number, stride: number, dilation: number, padBegin: number, tap: number): [number, number] {
  const shift = tap * dilation - padBegin;
  const first = Math.max(0, Math.ceil(-shift / stride));
  const last = Math.min(output - 1, Math.floor((input - 1 - shift) / stride));
  return [first, last];
}

/**
 * Direct convolution, the readable reference: for every output channel and kernel tap, add weight × shifted input
 * row into the output. Works in the precision of `out` (float32 or float64). Weights are [M, C/group, k...].
 */
export function convDirect(x: FloatData, w: FloatData, bias: FloatData | undefined, out: FloatData, p: ConvParams): void {
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
      const group = Math.floor(oc / outPerGroup);
      const outBase = (n * p.outChannels + oc) * outPlane;
      out.fill(bias ? bias[oc]! : 0, outBase, outBase + outPlane);
      for (let icg = 0; icg < inPerGroup; icg++) {
        const inBase = (n * p.inChannels + group * inPerGroup + icg) * inPlane;
        const wBase = (oc * inPerGroup + icg) * kernelSize;
        for (let kd = 0; kd < KD; kd++) {
          const [od0, od1] = validOutputRange(OD, D, SD, DD, PD, kd);
          for (let kh = 0; kh < KH; kh++) {
            const [oh0, oh1] = validOutputRange(OH, H, SH, DH, PH, kh);
            for (let kw = 0; kw < KW; kw++) {
              const [ow0, ow1] = validOutputRange(OW, W, SW, DW, PW, kw);
              if (ow0 > ow1) continue;
              const weight = w[wBase + (kd * KH + kh) * KW + kw]!;
              for (let od = od0; od <= od1; od++) {
                const id = od * SD + kd * DD - PD;
                for (let oh = oh0; oh <= oh1; oh++) {
                  const ih = oh * SH + kh * DH - PH;
                  const outRow = outBase + (od * OH + oh) * OW;
                  const inRow = inBase + (id * H + ih) * W + kw * DW - PW;
                  for (let ow = ow0; ow <= ow1; ow++) out[outRow + ow] = out[outRow + ow]! + weight * x[inRow + ow * SW]!;
                }
              }
            }
          }
        }
      }
    }
  }
}
