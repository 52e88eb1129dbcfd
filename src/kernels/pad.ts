/**
 * Per-axis gathers: out[j0, j1, …] = x[map0[j0], map1[j1], …], or a fill value where any map holds -1. Every Pad
 * mode is one index map per axis, and so is nearest-neighbour Resize (with -1 for tf_crop_and_resize's
 * extrapolation), so both ops run this one loop.
 */

type Indexable = { [index: number]: number; readonly length: number };

export function gatherAxes(x: Indexable, inDims: readonly number[], maps: readonly Int32Array[], out: Indexable, fill: number): void {
  const rank = maps.length;
  if (rank === 0) {
    out[0] = x[0]!;
    return;
  }
  let total = 1;
  for (const m of maps) total *= m.length;
  if (total === 0) return;
  // Element offsets into x per axis and output position; -1 stays -1.
  const offsets: Int32Array[] = [];
  let stride = 1;
  for (let a = rank - 1; a >= 0; a--) {
    const m = maps[a]!;
    const off = new Int32Array(m.length);
    for (let j = 0; j < m.length; j++) off[j] = m[j]! < 0 ? -1 : m[j]! * stride;
    offsets[a] = off;
    stride *= inDims[a]!;
  }
  const last = offsets[rank - 1]!;
  const inner = last.length;
  const counter = new Array<number>(rank).fill(0);
  for (let o = 0; o < total; o += inner) {
    let base = 0;
    let outside = false;
    for (let a = 0; a < rank - 1; a++) {
      const v = offsets[a]![counter[a]!]!;
      if (v < 0) outside = true;
      base += v;
    }
    if (outside) {
      for (let j = 0; j < inner; j++) out[o + j] = fill;
    } else {
      for (let j = 0; j < inner; j++) {
        const v = last[j]!;
        out[o + j] = v < 0 ? fill : x[base + v]!;
      }
    }
    for (let a = rank - 2; a >= 0; a--) {
      if (++counter[a]! < maps[a]!.length) break;
      counter[a] = 0;
    }
  }
}

export type PadMode = 'constant' | 'reflect' | 'edge' | 'wrap';

/**
 * Source index for each output position along one axis of length `size` padded by `begin` and `end` (either may be
 * negative: a crop), or -1 for the constant. The caller has checked that the mode can fill the pads (see Pad's
 * shape rule): reflect needs begin, end ≤ size − 1, edge needs size ≥ 1, wrap needs something left after cropping.
 *
 * Reflect and edge read positions relative to the uncropped axis, as torch.nn.functional.pad does
 * (aten/src/ATen/native/ReflectionPad.cpp, ReplicationPad.cpp: ip_x = j − pad_l mirrored or clamped in the input's
 * own range); with non-negative pads that is the only reading. Wrap repeats the cropped axis with its own period,
 * as PyTorch's circular mode copies from the already-cropped centre (aten/src/ATen/native/PadNd.cpp,
 * _pad_circular_symint) and onnxruntime crops before padding; pads longer than that period wrap again (numpy's
 * 'wrap', the ONNX reference), where PyTorch refuses.
 */
export function padAxisMap(size: number, begin: number, end: number, mode: PadMode): Int32Array {
  const map = new Int32Array(size + begin + end);
  const lo = Math.max(-begin, 0);
  const period = size - lo - Math.max(-end, 0);
  const first = Math.max(begin, 0);
  for (let j = 0; j < map.length; j++) {
    const p = j - begin;
    if (p >= 0 && p < size) {
      map[j] = p;
      continue;
    }
    switch (mode) {
      case 'constant':
        map[j] = -1;
        break;
      case 'edge':
        map[j] = p < 0 ? 0 : size - 1;
        break;
      case 'reflect':
        map[j] = p < 0 ? -p : 2 * (size - 1) - p;
        break;
      case 'wrap':
        map[j] = lo + ((((j - first) % period) + period) % period);
        break;
    }
  }
  return map;
}
