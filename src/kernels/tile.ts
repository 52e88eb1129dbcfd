/**
 * The register-tiled core of the fast float32 paths (Conv as implicit GEMM, 1×1 Conv, Gemm, MatMul): a 2 × 4 block
 * of outputs accumulated over the whole reduction in eight local variables,
 *
 *   acc[r·4 + c] = acc[r] + Σ_{k<K} A_r[k] · B[k][c]   for r < 2, c < 4,
 *
 * where A_r are two rows of K contiguous values (two rows of a Conv weight [M, C/group·k...] or of a Gemm weight
 * [N, K]) and B is a packed "panel" of four columns, element (k, c) at b + 4k + c. On entry acc[0] and acc[1] hold
 * each row's starting value (a Conv bias, or 0). They come through the Float64Array, not as arguments, so V8 always
 * sees doubles: an argument that is sometimes the small integer 0 and sometimes a double deoptimizes the loop and
 * leaves slower code behind. A row past the matrix is passed as a repeat of the valid one (its results are ignored).
 *
 * Locals are doubles in JavaScript, so the sums are float64 and each output is rounded to float32 once, on store:
 * every product of two float32 values is exact in float64, so the result is at least as accurate as a float32
 * accumulation in any order (the reference kernels' Float32Array accumulators round after every addition).
 * Tile shape, measured on V8 (Node 20, x64, Zen 4; interleaved runs of every shape in one process): V8 allocates
 * about 15 double registers, and a tile whose accumulators, A values and B value outgrow them spills to the stack on
 * every k step. 2 × 4 (8 accumulators), 3 × 3 and 2 × 5 run fastest (~4.1 GFLOP/s on the busy machine), 3 × 4 about
 * 5 % slower, 4 × 4 (21 live values: spills) and 4 × 2 about 13 % slower. With so few live values, two k steps per
 * iteration pay (three do not). 2 × 4 keeps the 4-wide panels.
 */

/** Rows of A per tile (output channels, or Gemm output features). */
export const ROWS = 2;
/** Columns of B per tile: the width of a packed panel (pixels, or Gemm batch rows). */
export const COLS = 4;

/**
 * The packed kernels' operands: two rows of A (at a0 and a1) and 4-wide panels of B (element (k, c) at b + 4k + c),
 * all in one Float64Array. Two things make these loops faster than reading the float32 operands in place:
 * - float64 elements load straight into the double registers the sums are kept in; a float32 element is a load plus a
 *   conversion.
 * - V8 (TurboFan) checks every typed-array read against the array's length and computes its address from the
 *   array's data pointer. For an array it can see as a constant — a `const` of this module, never passed around —
 *   it compiles the length and the data address into the loop as immediates, so each read is an index, one compare
 *   and the load, instead of also reloading and re-adding the array's base (measured in isolation on Zen 4: ~5.2
 *   GFLOP/s for tile2x4Panel against ~3.9 for the same loop on a Float32Array argument; a Float64Array argument
 *   alone gives ~4.1).
 * So the packed path has one fixed buffer, PANEL, that callers fill through panelBuffer() and tile2x4Panel reads by
 * name. It holds the two A rows and a block of panels: 6·K doubles at least, so a reduction longer than
 * PANEL_DOUBLES / 6 takes tile2x4Packed, the same loop over a buffer passed as an argument.
 */
export const PANEL_DOUBLES = 262144;
const PANEL = new Float64Array(PANEL_DOUBLES);

/** The buffer tile2x4Panel reads (2 MiB; one per thread, as each worker loads its own copy of this module). */
export function panelBuffer(): Float64Array {
  return PANEL;
}

/** Whether a reduction of length K fits PANEL: two A rows and one panel. */
export function fitsPanel(K: number): boolean {
  return 6 * K <= PANEL_DOUBLES;
}

/**
 * tile2x4 (same contract: acc[0..1] hold the rows' starting values on entry, acc[r·4 + c] the sums on return) with
 * both operands in PANEL: A rows at a0 and a1, a packed panel at b.
 */
export function tile2x4Panel(a0: number, a1: number, b: number, K: number, acc: Float64Array): void {
  const init0 = acc[0]!;
  const init1 = acc[1]!;
  let c00 = init0, c01 = init0, c02 = init0, c03 = init0;
  let c10 = init1, c11 = init1, c12 = init1, c13 = init1;
  // int32 locals, so the loop never re-checks that a tagged argument is a small integer.
  let i0 = a0 | 0;
  let i1 = a1 | 0;
  let p = b | 0;
  let k = 0;
  for (const pairs = (K - 1) | 0; k < pairs; k = (k + 2) | 0) {
    let x0 = PANEL[i0]!;
    let x1 = PANEL[i1]!;
    let v = PANEL[p]!;
    c00 += x0 * v;
    c10 += x1 * v;
    v = PANEL[(p + 1) | 0]!;
    c01 += x0 * v;
    c11 += x1 * v;
    v = PANEL[(p + 2) | 0]!;
    c02 += x0 * v;
    c12 += x1 * v;
    v = PANEL[(p + 3) | 0]!;
    c03 += x0 * v;
    c13 += x1 * v;
    x0 = PANEL[(i0 + 1) | 0]!;
    x1 = PANEL[(i1 + 1) | 0]!;
    v = PANEL[(p + 4) | 0]!;
    c00 += x0 * v;
    c10 += x1 * v;
    v = PANEL[(p + 5) | 0]!;
    c01 += x0 * v;
    c11 += x1 * v;
    v = PANEL[(p + 6) | 0]!;
    c02 += x0 * v;
    c12 += x1 * v;
    v = PANEL[(p + 7) | 0]!;
    c03 += x0 * v;
    c13 += x1 * v;
    i0 = (i0 + 2) | 0;
    i1 = (i1 + 2) | 0;
    p = (p + 8) | 0;
  }
  if (k < K) {
    const x0 = PANEL[i0]!;
    const x1 = PANEL[i1]!;
    c00 += x0 * PANEL[p]!;
    c10 += x1 * PANEL[p]!;
    c01 += x0 * PANEL[(p + 1) | 0]!;
    c11 += x1 * PANEL[(p + 1) | 0]!;
    c02 += x0 * PANEL[(p + 2) | 0]!;
    c12 += x1 * PANEL[(p + 2) | 0]!;
    c03 += x0 * PANEL[(p + 3) | 0]!;
    c13 += x1 * PANEL[(p + 3) | 0]!;
  }
  acc[0] = c00;
  acc[1] = c01;
  acc[2] = c02;
  acc[3] = c03;
  acc[4] = c10;
  acc[5] = c11;
  acc[6] = c12;
  acc[7] = c13;
}

/**
 * tile2x4Panel's loop over a buffer S passed in, for reductions too long for PANEL (K > PANEL_DOUBLES / 6): the
 * caller packs into a Float64Array of its own. Kept apart from tile2x4Panel so that each loop sees one array.
 */
export function tile2x4Packed(S: Float64Array, a0: number, a1: number, b: number, K: number, acc: Float64Array): void {
  const init0 = acc[0]!;
  const init1 = acc[1]!;
  let c00 = init0, c01 = init0, c02 = init0, c03 = init0;
  let c10 = init1, c11 = init1, c12 = init1, c13 = init1;
  let i0 = a0 | 0;
  let i1 = a1 | 0;
  let p = b | 0;
  let k = 0;
  for (const pairs = (K - 1) | 0; k < pairs; k = (k + 2) | 0) {
    let x0 = S[i0]!;
    let x1 = S[i1]!;
    let v = S[p]!;
    c00 += x0 * v;
    c10 += x1 * v;
    v = S[(p + 1) | 0]!;
    c01 += x0 * v;
    c11 += x1 * v;
    v = S[(p + 2) | 0]!;
    c02 += x0 * v;
    c12 += x1 * v;
    v = S[(p + 3) | 0]!;
    c03 += x0 * v;
    c13 += x1 * v;
    x0 = S[(i0 + 1) | 0]!;
    x1 = S[(i1 + 1) | 0]!;
    v = S[(p + 4) | 0]!;
    c00 += x0 * v;
    c10 += x1 * v;
    v = S[(p + 5) | 0]!;
    c01 += x0 * v;
    c11 += x1 * v;
    v = S[(p + 6) | 0]!;
    c02 += x0 * v;
    c12 += x1 * v;
    v = S[(p + 7) | 0]!;
    c03 += x0 * v;
    c13 += x1 * v;
    i0 = (i0 + 2) | 0;
    i1 = (i1 + 2) | 0;
    p = (p + 8) | 0;
  }
  if (k < K) {
    const x0 = S[i0]!;
    const x1 = S[i1]!;
    c00 += x0 * S[p]!;
    c10 += x1 * S[p]!;
    c01 += x0 * S[(p + 1) | 0]!;
    c11 += x1 * S[(p + 1) | 0]!;
    c02 += x0 * S[(p + 2) | 0]!;
    c12 += x1 * S[(p + 2) | 0]!;
    c03 += x0 * S[(p + 3) | 0]!;
    c13 += x1 * S[(p + 3) | 0]!;
  }
  acc[0] = c00;
  acc[1] = c01;
  acc[2] = c02;
  acc[3] = c03;
  acc[4] = c10;
  acc[5] = c11;
  acc[6] = c12;
  acc[7] = c13;
}

/**
 * PyTorch's relu (clamp_min(x, 0), NaN kept; kernels/activation.ts relu). Applying it to the float64 sum before the
 * float32 rounding gives the same bits as rounding first: rounding is monotonic and maps 0 to 0, and both orders
 * turn −0 and tiny negatives into +0.
 */
export function reluStore(v: number): number {
  return v > 0 || v !== v ? v : 0;
}

/**
 * Writes rows × cols of a tile: out[o + r·rowStride + c] = acc[r·4 + c] (+ relu), for a Conv tile (output channels
 * × pixels).
 */
export function storeTile(acc: Float64Array, out: Float32Array, o: number, rowStride: number, rows: number, cols: number, relu: boolean): void {
  if (cols === COLS && !relu) {
    out[o] = acc[0]!;
    out[o + 1] = acc[1]!;
    out[o + 2] = acc[2]!;
    out[o + 3] = acc[3]!;
    if (rows === 1) return;
    o += rowStride;
    out[o] = acc[4]!;
    out[o + 1] = acc[5]!;
    out[o + 2] = acc[6]!;
    out[o + 3] = acc[7]!;
    return;
  }
  for (let r = 0; r < rows; r++) {
    const row = o + r * rowStride;
    for (let c = 0; c < cols; c++) {
      const v = acc[r * COLS + c]!;
      out[row + c] = relu ? reluStore(v) : v;
    }
  }
}

/** relu(Y) in place, for a Relu fused into an op that computed Y with a reference kernel. */
export function reluInPlace(data: Float32Array | Float64Array): void {
  for (let i = 0; i < data.length; i++) data[i] = reluStore(data[i]!);
}
