import { prepare } from './pool.js';
import type { WindowGeometry } from './geometry.js';

export interface FastMaxPoolParams {
  /** N × C. */
  planes: number;
  geometry: WindowGeometry;
  /** What a window with no tap inside the input yields (-Infinity for floats). */
  emptyValue: number;
}

/**
 * Max pooling of float32 values when the Indices output is not wanted: the same values as maxPool (the reference in
 * pool.ts, which also serves Indices, float64 and integers) — taps in row-major order, a tap wins when
 * `v > best || v !== v`, so NaN propagates and ±0 ties keep the first — with the bounds work moved out of the tap
 * loops. Each output row splits into border columns (the clipped windows of the reference) and interior columns
 * whose whole window row lies inside the input; interior 2×2 and 3×3 windows are straight-line code with no index
 * bookkeeping and no loop. JavaScript has no float select (V8 compiles the comparison to a branch), so the
 * remaining branches are the data's own comparisons. Computes planes [firstPlane, endPlane) (all by default: a worker
 * thread computes a range of them).
 */
export function maxPoolFast(x: Float32Array, y: Float32Array, p: FastMaxPoolParams, firstPlane = 0, endPlane = p.planes): void {
  const { g, axes, inPlane, outPlane } = prepare(p.geometry);
  const [, H, W] = g.input;
  const [OD, OH, OW] = g.output;
  const [, KH, KW] = g.kernel;
  const [SW] = g.strides.slice(2) as [number];
  const [DD, DH, DW] = g.dilations;
  const [ad, ah, aw] = axes;
  // Interior columns: every tap of the window row lands inside [0, W).
  let owLo = 0;
  while (owLo < OW && aw.inside[owLo]! !== KW) owLo++;
  let owHi = owLo;
  while (owHi < OW && aw.inside[owHi]! === KW) owHi++;
  const k22 = KH === 2 && KW === 2;
  const k33 = KH === 3 && KW === 3;
  for (let plane = firstPlane; plane < endPlane; plane++) {
    const inBase = plane * inPlane;
    let o = plane * outPlane;
    for (let od = 0; od < OD; od++) {
      const d0 = ad.first[od]!;
      const nd = ad.inside[od]!;
      for (let oh = 0; oh < OH; oh++, o += OW) {
        const h0 = ah.first[oh]!;
        const nh = ah.inside[oh]!;
        if (nd === 0 || nh === 0) {
          y.fill(p.emptyValue, o, o + OW);
          continue;
        }
        const row0 = inBase + (d0 * H + h0) * W;
        let ow = 0;
        for (; ow < owLo; ow++) y[o + ow] = box(x, inBase, H, W, d0, nd, DD, h0, nh, DH, aw.first[ow]!, aw.inside[ow]!, DW, p.emptyValue);
        if (nd === 1 && k22 && nh === 2) {
          const r1 = row0 + DH * W;
          for (; ow < owHi; ow++) {
            const c = aw.first[ow]!;
            let m = x[row0 + c]!;
            let v = x[row0 + c + DW]!;
            if (v > m || v !== v) m = v;
            v = x[r1 + c]!;
            if (v > m || v !== v) m = v;
            v = x[r1 + c + DW]!;
            if (v > m || v !== v) m = v;
            y[o + ow] = m;
          }
        } else if (nd === 1 && k33 && nh === 3) {
          const r1 = row0 + DH * W;
          const r2 = r1 + DH * W;
          const d2 = 2 * DW;
          for (let c = aw.first[ow]!; ow < owHi; ow++, c += SW) {
            let m = x[row0 + c]!;
            let v = x[row0 + c + DW]!;
            if (v > m || v !== v) m = v;
            v = x[row0 + c + d2]!;
            if (v > m || v !== v) m = v;
            v = x[r1 + c]!;
            if (v > m || v !== v) m = v;
            v = x[r1 + c + DW]!;
            if (v > m || v !== v) m = v;
            v = x[r1 + c + d2]!;
            if (v > m || v !== v) m = v;
            v = x[r2 + c]!;
            if (v > m || v !== v) m = v;
            v = x[r2 + c + DW]!;
            if (v > m || v !== v) m = v;
            v = x[r2 + c + d2]!;
            if (v > m || v !== v) m = v;
            y[o + ow] = m;
          }
        }
        for (; ow < OW; ow++) y[o + ow] = box(x, inBase, H, W, d0, nd, DD, h0, nh, DH, aw.first[ow]!, aw.inside[ow]!, DW, p.emptyValue);
      }
    }
  }
}

/** The reference's rule over one clipped window (a box of nd × nh × nw taps inside the input). */
function box(
  x: Float32Array,
  inBase: number,
  H: number,
  W: number,
  d0: number,
  nd: number,
  DD: number,
  h0: number,
  nh: number,
  DH: number,
  w0: number,
  nw: number,
  DW: number,
  empty: number,
): number {
  if (nd === 0 || nh === 0 || nw === 0) return empty;
  let best = -Infinity;
  for (let kd = 0, id = d0; kd < nd; kd++, id += DD) {
    for (let kh = 0, ih = h0; kh < nh; kh++, ih += DH) {
      const row = inBase + (id * H + ih) * W;
      for (let kw = 0, iw = w0; kw < nw; kw++, iw += DW) {
        const v = x[row + iw]!;
        if (v > best || v !== v) best = v;
      }
    }
  }
  return best;
}
