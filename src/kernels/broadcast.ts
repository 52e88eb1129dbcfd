/** numpy-style broadcasting on resolved dims. Returns undefined when the shapes are incompatible. */
export function broadcastShape(shapes: readonly (readonly number[])[]): number[] | undefined {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const axis = rank - s.length + i;
      const d = s[i]!;
      if (d === 1) continue;
      if (out[axis] === 1) out[axis] = d;
      else if (out[axis] !== d) return undefined;
    }
  }
  return out;
}

/** Element strides of `dims` seen through the broadcast to `outDims`: 0 on broadcast axes. */
export function broadcastStrides(dims: readonly number[], outDims: readonly number[]): number[] {
  const rank = outDims.length;
  const strides = new Array<number>(rank).fill(0);
  let s = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    const axis = rank - dims.length + i;
    strides[axis] = dims[i] === 1 ? 0 : s;
    s *= dims[i]!;
  }
  return strides;
}

/**
 * Calls `visit(outIndex, offsets)` for runs along the last axis: the inner loop is left to the caller so the
 * per-element work stays a plain indexed loop. `offsets[k]` is input k's offset at the run's start, and
 * `innerStrides[k]` its step along the last axis.
 */
export function forEachBroadcastRow(
  inputs: readonly (readonly number[])[],
  outDims: readonly number[],
  visit: (outOffset: number, offsets: readonly number[], innerStrides: readonly number[], length: number) => void,
): void {
  const rank = outDims.length;
  const strides = inputs.map((d) => broadcastStrides(d, outDims));
  if (rank === 0) {
    visit(0, inputs.map(() => 0), inputs.map(() => 0), 1);
    return;
  }
  const length = outDims[rank - 1]!;
  const innerStrides = strides.map((s) => s[rank - 1]!);
  let rows = 1;
  for (let i = 0; i < rank - 1; i++) rows *= outDims[i]!;
  if (length === 0 || rows === 0) return;
  const counter = new Array<number>(rank - 1).fill(0);
  const offsets = inputs.map(() => 0);
  for (let row = 0; row < rows; row++) {
    visit(row * length, offsets, innerStrides, length);
    for (let axis = rank - 2; axis >= 0; axis--) {
      counter[axis]!++;
      for (let k = 0; k < offsets.length; k++) offsets[k]! += strides[k]![axis]!;
      if (counter[axis]! < outDims[axis]!) break;
      for (let k = 0; k < offsets.length; k++) offsets[k]! -= strides[k]![axis]! * outDims[axis]!;
      counter[axis] = 0;
    }
  }
}

type Numeric = { [index: number]: number; readonly length: number };

/** out[i] = f(a[ia], b[ib]) under broadcasting; `out` is laid out with `outDims`. */
export function binaryBroadcast(
  a: Numeric,
  aDims: readonly number[],
  b: Numeric,
  bDims: readonly number[],
  out: Numeric,
  outDims: readonly number[],
  f: (x: number, y: number) => number,
): void {
  if (a.length === out.length && b.length === out.length) {
    for (let i = 0; i < out.length; i++) out[i] = f(a[i]!, b[i]!);
    return;
  }
  forEachBroadcastRow([aDims, bDims], outDims, (o, [ia, ib], [sa, sb], n) => {
    let pa = ia!;
    let pb = ib!;
    for (let i = 0; i < n; i++, pa += sa!, pb += sb!) out[o + i] = f(a[pa]!, b[pb]!);
  });
}
