/**
 * The register-tiled core of the fast float32 paths (Conv as implicit GEMM, 1×1 Conv, Gemm, MatMul): a 2 × 4 block
 * of outputs accumulated over the whole reduction in eight local variables.
 *
 * Operand A is read in place as two rows of K contiguous values (a Conv weight [M, C/group·k...] or a Gemm weight
 * stored [N, K] already has that layout, so weights need no copy). Operand B is a "panel": four columns, element
 * (k, c) at b + k·bStride + c — a packed panel (bStride 4) or, for a 1×1 convolution, the input itself (bStride = the
 * plane size).
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
 * acc[r·4 + c] = acc[r] + Σ_{k<K} A[a_r + k] · B[b + k·bStride + c] for r < 2, c < 4: on entry acc[0] and acc[1] hold
 * each row's starting value (a Conv bias, or 0). They come through the Float64Array, not as arguments, so V8 always
 * sees doubles: an argument that is sometimes the small integer 0 and sometimes a double deoptimizes the loop and
 * leaves slower code behind. A row past the matrix is passed as a repeat of the valid one (its results are ignored),
 * so the loop never reads outside A.
 */
export function tile2x4(
  A: Float32Array,
  a0: number,
  a1: number,
  B: Float32Array,
  b: number,
  bStride: number,
  K: number,
  acc: Float64Array,
): void {
  const init0 = acc[0]!;
  const init1 = acc[1]!;
  let c00 = init0, c01 = init0, c02 = init0, c03 = init0;
  let c10 = init1, c11 = init1, c12 = init1, c13 = init1;
  // `| 0` keeps the index arithmetic in int32 without overflow checks (V8), a measurable share of this loop. Two k
  // steps per iteration halve the loop overhead (+16 % measured); each sum still adds its terms in k order.
  let k = 0;
  for (const pairs = K - 1; k < pairs; k = (k + 2) | 0) {
    let x0 = A[(a0 + k) | 0]!;
    let x1 = A[(a1 + k) | 0]!;
    let v = B[b]!;
    c00 += x0 * v;
    c10 += x1 * v;
    v = B[(b + 1) | 0]!;
    c01 += x0 * v;
    c11 += x1 * v;
    v = B[(b + 2) | 0]!;
    c02 += x0 * v;
    c12 += x1 * v;
    v = B[(b + 3) | 0]!;
    c03 += x0 * v;
    c13 += x1 * v;
    b = (b + bStride) | 0;
    x0 = A[(a0 + k + 1) | 0]!;
    x1 = A[(a1 + k + 1) | 0]!;
    v = B[b]!;
    c00 += x0 * v;
    c10 += x1 * v;
    v = B[(b + 1) | 0]!;
    c01 += x0 * v;
    c11 += x1 * v;
    v = B[(b + 2) | 0]!;
    c02 += x0 * v;
    c12 += x1 * v;
    v = B[(b + 3) | 0]!;
    c03 += x0 * v;
    c13 += x1 * v;
    b = (b + bStride) | 0;
  }
  if (k < K) {
    const x0 = A[(a0 + k) | 0]!;
    const x1 = A[(a1 + k) | 0]!;
    c00 += x0 * B[b]!;
    c10 += x1 * B[b]!;
    c01 += x0 * B[(b + 1) | 0]!;
    c11 += x1 * B[(b + 1) | 0]!;
    c02 += x0 * B[(b + 2) | 0]!;
    c12 += x1 * B[(b + 2) | 0]!;
    c03 += x0 * B[(b + 3) | 0]!;
    c13 += x1 * B[(b + 3) | 0]!;
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
 * tile2x4 (same contract, acc[0..1] holding the starting values) with both operands in one array S: the two A rows
 * at a0 and a1 and a packed panel (stride 4) at b. V8
 * checks an array's map and reloads its data pointer on every loop iteration, once per array read there, so reading
 * one array instead of two is measurably faster (+8–13 %); callers copy the two weight rows next to their panels.
 */
export function tile2x4Packed(S: Float32Array, a0: number, a1: number, b: number, K: number, acc: Float64Array): void {
  const init0 = acc[0]!;
  const init1 = acc[1]!;
  let c00 = init0, c01 = init0, c02 = init0, c03 = init0;
  let c10 = init1, c11 = init1, c12 = init1, c13 = init1;
  let k = 0;
  for (const pairs = K - 1; k < pairs; k = (k + 2) | 0) {
    let x0 = S[(a0 + k) | 0]!;
    let x1 = S[(a1 + k) | 0]!;
    let v = S[b]!;
    c00 += x0 * v;
    c10 += x1 * v;
    v = S[(b + 1) | 0]!;
    c01 += x0 * v;
    c11 += x1 * v;
    v = S[(b + 2) | 0]!;
    c02 += x0 * v;
    c12 += x1 * v;
    v = S[(b + 3) | 0]!;
    c03 += x0 * v;
    c13 += x1 * v;
    x0 = S[(a0 + k + 1) | 0]!;
    x1 = S[(a1 + k + 1) | 0]!;
    v = S[(b + 4) | 0]!;
    c00 += x0 * v;
    c10 += x1 * v;
    v = S[(b + 5) | 0]!;
    c01 += x0 * v;
    c11 += x1 * v;
    v = S[(b + 6) | 0]!;
    c02 += x0 * v;
    c12 += x1 * v;
    v = S[(b + 7) | 0]!;
    c03 += x0 * v;
    c13 += x1 * v;
    b = (b + 8) | 0;
  }
  if (k < K) {
    const x0 = S[(a0 + k) | 0]!;
    const x1 = S[(a1 + k) | 0]!;
    c00 += x0 * S[b]!;
    c10 += x1 * S[b]!;
    c01 += x0 * S[(b + 1) | 0]!;
    c11 += x1 * S[(b + 1) | 0]!;
    c02 += x0 * S[(b + 2) | 0]!;
    c12 += x1 * S[(b + 2) | 0]!;
    c03 += x0 * S[(b + 3) | 0]!;
    c13 += x1 * S[(b + 3) | 0]!;
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
