/**
 * The register-tiled core of the fast float32 paths (Conv as implicit GEMM, 1×1 Conv, Gemm, MatMul): a 4 × 4 block
 * of outputs accumulated over the whole reduction in sixteen local variables.
 *
 * Operand A is read in place as four rows of K contiguous values (a Conv weight [M, C/group·k...] or a Gemm weight
 * stored [N, K] already has that layout, so weights need no copy). Operand B is a "panel": four columns, element
 * (k, c) at b + k·bStride + c — a packed panel (bStride 4) or, for a 1×1 convolution, the input itself (bStride = the
 * plane size).
 *
 * Locals are doubles in JavaScript, so the sums are float64 and each output is rounded to float32 once, on store:
 * every product of two float32 values is exact in float64, so the result is at least as accurate as a float32
 * accumulation in any order (the reference kernels' Float32Array accumulators round after every addition).
 * Measured on V8 (Node 20, x64): 4 × 4 with A loaded first is the widest tile that stays near register-resident;
 * wider tiles (4 × 8, 6 × 4) and k-unrolling spill and run slower.
 */

/** Rows and columns of one tile. */
export const TILE = 4;

/**
 * acc[r·4 + c] = init_r + Σ_{k<K} A[a_r + k] · B[b + k·bStride + c]. Rows past the matrix are passed as a repeat of
 * a valid row (their results are ignored), so the loop never reads outside A.
 */
export function tile4x4(
  A: Float32Array,
  a0: number,
  a1: number,
  a2: number,
  a3: number,
  B: Float32Array,
  b: number,
  bStride: number,
  K: number,
  init0: number,
  init1: number,
  init2: number,
  init3: number,
  acc: Float64Array,
): void {
  let c00 = init0, c01 = init0, c02 = init0, c03 = init0;
  let c10 = init1, c11 = init1, c12 = init1, c13 = init1;
  let c20 = init2, c21 = init2, c22 = init2, c23 = init2;
  let c30 = init3, c31 = init3, c32 = init3, c33 = init3;
  // `| 0` keeps the index arithmetic in int32 without overflow checks (V8), a measurable share of this loop.
  for (let k = 0; k < K; k = (k + 1) | 0) {
    const x0 = A[(a0 + k) | 0]!;
    const x1 = A[(a1 + k) | 0]!;
    const x2 = A[(a2 + k) | 0]!;
    const x3 = A[(a3 + k) | 0]!;
    let v = B[b]!;
    c00 += x0 * v; c10 += x1 * v; c20 += x2 * v; c30 += x3 * v;
    v = B[(b + 1) | 0]!;
    c01 += x0 * v; c11 += x1 * v; c21 += x2 * v; c31 += x3 * v;
    v = B[(b + 2) | 0]!;
    c02 += x0 * v; c12 += x1 * v; c22 += x2 * v; c32 += x3 * v;
    v = B[(b + 3) | 0]!;
    c03 += x0 * v; c13 += x1 * v; c23 += x2 * v; c33 += x3 * v;
    b = (b + bStride) | 0;
  }
  acc[0] = c00; acc[1] = c01; acc[2] = c02; acc[3] = c03;
  acc[4] = c10; acc[5] = c11; acc[6] = c12; acc[7] = c13;
  acc[8] = c20; acc[9] = c21; acc[10] = c22; acc[11] = c23;
  acc[12] = c30; acc[13] = c31; acc[14] = c32; acc[15] = c33;
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
 * Writes rows × cols of a tile: out[o + r·rowStride + c·colStride] = acc[r·4 + c] (+ relu). A Conv tile has
 * colStride 1; a Gemm tile computed as (weights × activations) is stored transposed.
 */
export function storeTile(
  acc: Float64Array,
  out: Float32Array,
  o: number,
  rowStride: number,
  colStride: number,
  rows: number,
  cols: number,
  relu: boolean,
): void {
  if (rows === 4 && cols === 4 && colStride === 1 && !relu) {
    out[o] = acc[0]!; out[o + 1] = acc[1]!; out[o + 2] = acc[2]!; out[o + 3] = acc[3]!;
    o += rowStride;
    out[o] = acc[4]!; out[o + 1] = acc[5]!; out[o + 2] = acc[6]!; out[o + 3] = acc[7]!;
    o += rowStride;
    out[o] = acc[8]!; out[o + 1] = acc[9]!; out[o + 2] = acc[10]!; out[o + 3] = acc[11]!;
    o += rowStride;
    out[o] = acc[12]!; out[o + 1] = acc[13]!; out[o + 2] = acc[14]!; out[o + 3] = acc[15]!;
    return;
  }
  for (let r = 0; r < rows; r++) {
    const row = o + r * rowStride;
    for (let c = 0; c < cols; c++) {
      const v = acc[r * 4 + c]!;
      out[row + c * colStride] = relu ? reluStore(v) : v;
    }
  }
}

/** relu(Y) in place, for a Relu fused into an op that computed Y with a reference kernel. */
export function reluInPlace(data: Float32Array | Float64Array): void {
  for (let i = 0; i < data.length; i++) data[i] = reluStore(data[i]!);
}
