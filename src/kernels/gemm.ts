/**
 * Plain GEMM on typed arrays: out = alpha · op(A) · op(B) + beta · C, with every parameter resolved by the caller.
 * Float storage (float32, float64, and int64/uint64 held in Float64Array) accumulates each output row in float64
 * and rounds once when storing; int32/uint32 accumulate with 32-bit wrap-around, as two's-complement C++ and
 * PyTorch integer matmul do.
 */

export type GemmData = Float32Array | Float64Array | Int32Array | Uint32Array;

export interface GemmParams {
  /** Rows of op(A) and of the output. */
  M: number;
  /** Columns of op(B) and of the output. */
  N: number;
  /** Columns of op(A) = rows of op(B). */
  K: number;
  /** A is stored [K, M] (true) or [M, K] (false). */
  transA: boolean;
  /** B is stored [N, K] (true) or [K, N] (false). */
  transB: boolean;
  alpha: number;
  beta: number;
  /** The element type is an integer type (int64/uint64 are held in Float64Array, so storage alone cannot tell). */
  integer: boolean;
}

/** A matrix operand: its storage and the element offset where the matrix starts. */
export interface GemmOperand {
  data: GemmData;
  offset: number;
}

/** C seen as an [M, N] matrix: element (i, j) is data[i * rowStride + j * colStride]; 0 strides broadcast. */
export interface GemmBias {
  data: GemmData;
  rowStride: number;
  colStride: number;
}

function isInt32Storage(data: GemmData): data is Int32Array | Uint32Array {
  return data instanceof Int32Array || data instanceof Uint32Array;
}

/**
 * Writes the [M, N] result at out.offset. With beta = 0, C is not read at all: torch.addmm documents that "if beta
 * is 0, then input will be ignored, and nan and inf in it will not be propagated" (ONNX's reference computes
 * 0 · NaN = NaN; onnxruntime agrees with PyTorch).
 */
export function gemm(p: GemmParams, a: GemmOperand, b: GemmOperand, c: GemmBias | undefined, out: GemmOperand): void {
  const { M, N, K } = p;
  if (M === 0 || N === 0) return;
  const int32 = isInt32Storage(out.data);
  const acc: GemmData = int32 ? new (out.data.constructor as typeof Int32Array)(N) : new Float64Array(N);
  // Element (i, k) of op(A) is a[aOff + i * aRow + k * aCol]; element (k, j) of op(B) is b[bOff + k * bRow + j * bCol].
  const aRow = p.transA ? 1 : K;
  const aCol = p.transA ? p.M : 1;
  const bRow = p.transB ? 1 : N;
  const bCol = p.transB ? K : 1;
  const bias = p.beta === 0 ? undefined : c;
  for (let i = 0; i < M; i++) {
    if (K === 0) acc.fill(0);
    else if (int32) accumulateRowInt32(acc as Int32Array | Uint32Array, a, b, i, N, K, aRow, aCol, bRow, bCol);
    else accumulateRow(acc as Float64Array, a, b, i, N, K, aRow, aCol, bRow, bCol);
    storeRow(acc, out.data, out.offset + i * N, N, p.alpha, p.beta, bias, i, p.integer && (p.alpha !== 1 || p.beta !== 1));
  }
}

/** acc[j] = Σ_k op(A)[i, k] · op(B)[k, j] in float64. */
function accumulateRow(
  acc: Float64Array,
  a: GemmOperand,
  b: GemmOperand,
  i: number,
  N: number,
  K: number,
  aRow: number,
  aCol: number,
  bRow: number,
  bCol: number,
): void {
  const ad = a.data;
  const bd = b.data;
  const aBase = a.offset + i * aRow;
  if (bCol === 1) {
    // i-k-j: the inner loop walks a row of B and the accumulator row contiguously.
    acc.fill(0);
    for (let k = 0; k < K; k++) {
      const aik = ad[aBase + k * aCol]!;
      const bBase = b.offset + k * bRow;
      for (let j = 0; j < N; j++) acc[j] = acc[j]! + aik * bd[bBase + j]!;
    }
    return;
  }
  // B stored transposed ([N, K], nn.Linear's weight layout): each output is a dot product of contiguous rows.
  for (let j = 0; j < N; j++) {
    const bBase = b.offset + j * bCol;
    let s = 0;
    for (let k = 0; k < K; k++) s += ad[aBase + k * aCol]! * bd[bBase + k * bRow]!;
    acc[j] = s;
  }
}

/** The same sums modulo 2^32: Math.imul gives the low 32 bits of each product, the typed-array store wraps the sum. */
function accumulateRowInt32(
  acc: Int32Array | Uint32Array,
  a: GemmOperand,
  b: GemmOperand,
  i: number,
  N: number,
  K: number,
  aRow: number,
  aCol: number,
  bRow: number,
  bCol: number,
): void {
  const ad = a.data;
  const bd = b.data;
  const aBase = a.offset + i * aRow;
  if (bCol === 1) {
    acc.fill(0);
    for (let k = 0; k < K; k++) {
      const aik = ad[aBase + k * aCol]!;
      const bBase = b.offset + k * bRow;
      for (let j = 0; j < N; j++) acc[j] = acc[j]! + Math.imul(aik, bd[bBase + j]!);
    }
    return;
  }
  for (let j = 0; j < N; j++) {
    const bBase = b.offset + j * bCol;
    let s = 0;
    for (let k = 0; k < K; k++) s = (s + Math.imul(ad[aBase + k * aCol]!, bd[bBase + k * bRow]!)) | 0;
    acc[j] = s;
  }
}

/**
 * out[j] = alpha · acc[j] + beta · C[i, j]. Integer outputs with alpha = beta = 1 stay exact (and wrap for 32-bit
 * types); other scales are applied in float64 and truncated toward zero, as a C cast or numpy's astype would.
 */
function storeRow(
  acc: GemmData,
  out: GemmData,
  outBase: number,
  N: number,
  alpha: number,
  beta: number,
  c: GemmBias | undefined,
  i: number,
  truncate: boolean,
): void {
  if (!c) {
    if (alpha === 1) for (let j = 0; j < N; j++) out[outBase + j] = acc[j]!;
    else if (truncate) for (let j = 0; j < N; j++) out[outBase + j] = Math.trunc(alpha * acc[j]!);
    else for (let j = 0; j < N; j++) out[outBase + j] = alpha * acc[j]!;
    return;
  }
  const cd = c.data;
  const cBase = i * c.rowStride;
  const cs = c.colStride;
  if (alpha === 1 && beta === 1) {
    for (let j = 0; j < N; j++) out[outBase + j] = acc[j]! + cd[cBase + j * cs]!;
  } else if (truncate) {
    for (let j = 0; j < N; j++) out[outBase + j] = Math.trunc(alpha * acc[j]! + beta * cd[cBase + j * cs]!);
  } else {
    for (let j = 0; j < N; j++) out[outBase + j] = alpha * acc[j]! + beta * cd[cBase + j * cs]!;
  }
}
