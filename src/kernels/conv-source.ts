import type { ConvShape } from './conv-fast.js';

/**
 * Where the packing reads one image and group: the input itself when the convolution does not pad, else a copy with
 * the padding written out as zeros, so that every window lies inside it and packing needs no bounds logic. Its axes
 * are Dp × Hp × Wp (the input plus its begin padding, and far enough for the last window), the input sitting at
 * (PD, PH, PW); planes are `plane` apart.
 */
export interface Source {
  Hp: number;
  Wp: number;
  plane: number;
}

export function sourceOf(s: ConvShape): Source {
  if (!s.padded) return { Hp: s.H, Wp: s.W, plane: s.inPlane };
  const extent = (input: number, pad: number, out: number, stride: number, kernel: number, dilation: number) =>
    Math.max(input + pad, (out - 1) * stride + (kernel - 1) * dilation + 1);
  const Dp = extent(s.D, s.PD, s.OD, s.SD, s.KD, s.DD);
  const Hp = extent(s.H, s.PH, s.OH, s.SH, s.KH, s.DH);
  const Wp = extent(s.W, s.PW, s.OW, s.SW, s.KW, s.DW);
  return { Hp, Wp, plane: Dp * Hp * Wp };
}

/** The padded copy of the current image and group (grown as needed). */
let paddedInput = new Float32Array(0);

/**
 * The padded copy of image/group planes at xBase, in paddedInput. With `rows` (sources of one depth slice), only padded
 * rows [rows[0], rows[1]) are written: a thread that computes a band of output rows pads only the input rows under it.
 */
export function padInput(x: Float32Array, xBase: number, s: ConvShape, src: Source, rows?: readonly [number, number]): Float32Array {
  const { D, H, W, PD, PH, PW } = s;
  const { Hp, Wp, plane } = src;
  const length = s.inPerGroup * plane;
  if (paddedInput.length < length) paddedInput = new Float32Array(length);
  const P = paddedInput;
  // A band needs a source of one depth slice (a 3-D convolution of depth 1 can still pad along D).
  const band = D === 1 && plane === Hp * Wp && rows !== undefined;
  const first = band ? Math.max(0, rows[0]) : 0;
  const end = band ? Math.min(Hp, rows[1]) : Hp;
  if (!band) P.fill(0, 0, length);
  // Rows are copied by a loop, not by set(subarray): a band is a few short rows per channel, where creating a view
  // per row cost more than the copy (and set reads a SharedArrayBuffer through a slower path).
  const h0 = Math.max(0, first - PH);
  const h1 = Math.min(H, end - PH);
  for (let c = 0; c < s.inPerGroup; c++) {
    if (band) P.fill(0, c * plane + first * Wp, c * plane + Math.max(first, end) * Wp);
    for (let d = 0; d < D; d++) {
      for (let h = h0; h < h1; h++) {
        let from = (xBase + c * s.inPlane + (d * H + h) * W) | 0;
        let to = (c * plane + ((d + PD) * Hp + h + PH) * Wp + PW) | 0;
        for (const stop = (from + W) | 0; from < stop; from = (from + 1) | 0, to = (to + 1) | 0) P[to] = x[from]!;
      }
    }
  }
  return P;
}
