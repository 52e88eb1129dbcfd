/**
 * The register-tiled core of the fast float32 paths (Conv as implicit GEMM, 1×1 Conv, Gemm, MatMul): a 2 × 3 block
 * of outputs accumulated over a reduction in six local variables,
 *
 *   acc[r·3 + c] += Σ_{k<K} A_r[k] · B_c[k]   for r < 2, c < 3,
 *
 * where A_0, A_1 are two rows of the weight side (two output channels of a Conv weight [M, C/group·k...], or two rows
 * of a Gemm weight [N, K]) and B_0..B_2 three columns of the packed activation side (three output pixels, or three
 * Gemm batch rows). On entry acc holds each output's starting value (a Conv bias, 0, or the sum over an earlier part
 * of the reduction), as doubles: values that come through a Float64Array are always doubles to V8, whereas an
 * argument that is sometimes the small integer 0 deoptimizes the loop.
 *
 * Locals are doubles in JavaScript, so the sums are float64 and each output is rounded to float32 once, on store:
 * every product of two float32 values is exact in float64, so the result is at least as accurate as a float32
 * accumulation in any order (the reference kernels' Float32Array accumulators round after every addition).
 *
 * Why five separate arrays, each a `const` of this module that is never exported or passed around (measured on V8,
 * Node 20, x64, Zen 4, interleaved runs of each variant in one process):
 * - V8 (TurboFan) checks every typed-array read against the array's length. For an array it sees as a constant it
 *   compiles the length and the data address into the loop as immediates, and reads of several such arrays at the
 *   same index share one check. With A_0, A_1 read at one index and B_0..B_2 at another, a step of the loop is five
 *   loads, two checks, six multiplies and six adds; one interleaved buffer needs an index computation and a check
 *   per load.
 * - V8 allocates 15 double registers and schedules a step's loads first, then its multiplies, then its adds. Six
 *   accumulators, five operands and six products fit; the 2 × 4 tile's eight accumulators and eight products do not
 *   and spill to the stack every step.
 * The 2 × 3 tile over separate arrays ran 1.3–1.7× faster than a 2 × 4 tile over one interleaved Float64Array
 * (~7 against ~5 GFLOP/s on a quiet machine); 3 × 2 ran as fast, 3 × 3, 3 × 4 and 2 × 4 slower (spills), and two
 * steps per iteration slower again.
 */

/** Rows of A per tile (output channels, or Gemm output features). */
export const ROWS = 2;
/** Columns of B per tile (pixels, or Gemm batch rows). */
export const COLS = 3;

/**
 * Doubles per operand array: the longest reduction one pass covers (longer ones are summed in parts of this length,
 * each continuing from the last through acc), and the most B values packed at a time per column. 5 × 512 KiB per
 * thread (each worker loads its own copy of this module), and 256 KiB of STAGE.
 */
export const TILE_K = 65536;

/**
 * Packed B values at a time, per column: 3 × 171 KiB, half of a Zen 4 core's L2, so a block of panels stays in L2
 * while every row pair's tile reads it.
 */
export const BLOCK_DOUBLES = 21845;

const A0 = new Float64Array(TILE_K);
const A1 = new Float64Array(TILE_K);
const B0 = new Float64Array(TILE_K);
const B1 = new Float64Array(TILE_K);
const B2 = new Float64Array(TILE_K);

/** The arrays tile2x3 reads, for the packing code to fill: A rows, then B columns. */
export interface TileOperands {
  a: readonly [Float64Array, Float64Array];
  b: readonly [Float64Array, Float64Array, Float64Array];
}

const OPERANDS: TileOperands = { a: [A0, A1], b: [B0, B1, B2] };

export function tileOperands(): TileOperands {
  return OPERANDS;
}

/**
 * Adds Σ_{k<K} A_r[a + k] · B_c[b + k] to acc[at + r·3 + c] (a + K and b + K at most TILE_K). A row past the matrix
 * is passed as a copy of the valid one, a column past it as anything finite: their results are not stored.
 */
export function tile2x3(a: number, b: number, K: number, acc: Float64Array, at = 0): void {
  let c00 = acc[at]!;
  let c01 = acc[at + 1]!;
  let c02 = acc[at + 2]!;
  let c10 = acc[at + 3]!;
  let c11 = acc[at + 4]!;
  let c12 = acc[at + 5]!;
  // int32 locals, so the loop never re-checks that a tagged argument is a small integer.
  let i = a | 0;
  let j = b | 0;
  for (const end = (a + K) | 0; i < end; i = (i + 1) | 0, j = (j + 1) | 0) {
    const x0 = A0[i]!;
    const x1 = A1[i]!;
    let v = B0[j]!;
    c00 += x0 * v;
    c10 += x1 * v;
    v = B1[j]!;
    c01 += x0 * v;
    c11 += x1 * v;
    v = B2[j]!;
    c02 += x0 * v;
    c12 += x1 * v;
  }
  acc[at] = c00;
  acc[at + 1] = c01;
  acc[at + 2] = c02;
  acc[at + 3] = c10;
  acc[at + 4] = c11;
  acc[at + 5] = c12;
}

/**
 * Rows read from shared memory on their way to A (see loadRows2). set() from a SharedArrayBuffer to another element
 * type takes a slow element-by-element path in V8 (0.7–1.2 ns a value against 0.2–0.5 from an ArrayBuffer; weights
 * in shared memory made 3 × 3 layers of 256–512 channels 3–9% slower); a same-type copy out of shared memory, then
 * the conversion from ordinary memory, costs what the plain conversion does (two threads: 1.01–1.04× on those layers).
 */
const STAGE = new Float32Array(TILE_K);

/** data[from, from + count), as a view of ordinary memory (through STAGE when data is shared). */
function rowOf(data: Float32Array, from: number, count: number): Float32Array {
  const row = data.subarray(from, from + count);
  if (!(data.buffer instanceof SharedArrayBuffer)) return row;
  STAGE.set(row);
  return STAGE.subarray(0, count);
}

/** Loads two rows of A: A_0[i] = data[from0 + i], A_1[i] = data[from1 + i] for i < count (a weight row pair). */
export function loadRows2(data: Float32Array, from0: number, from1: number, count: number): void {
  A0.set(rowOf(data, from0, count));
  A1.set(rowOf(data, from1, count));
}

/**
 * Packs three columns of B with a constant stride: B_j[at + i] = x[from_j + i·stride] for i < count, j < 3 (the 1×1
 * convolution's input planes, a Gemm's activation rows). Written here, against the constant arrays, because the stores
 * then share one index and one bounds check, as the tile's loads do.
 */
export function packStrided3(x: Float32Array, from0: number, from1: number, from2: number, stride: number, count: number, at: number): void {
  let i = at | 0;
  let f0 = from0 | 0;
  let f1 = from1 | 0;
  let f2 = from2 | 0;
  const step = stride | 0;
  for (const end = (at + count) | 0; i < end; i = (i + 1) | 0, f0 = (f0 + step) | 0, f1 = (f1 + step) | 0, f2 = (f2 + step) | 0) {
    B0[i] = x[f0]!;
    B1[i] = x[f1]!;
    B2[i] = x[f2]!;
  }
}

/**
 * Packs three columns of B through a table of offsets (a convolution's taps within one channel): B_j[at + i] =
 * x[base + taps[t + i] + origin_j] for i < count, j < 3, the origins being three output pixels' window corners.
 */
export function packTaps3(x: Float32Array, base: number, taps: Int32Array, t: number, count: number, origin0: number, origin1: number, origin2: number, at: number): void {
  let i = at | 0;
  let k = t | 0;
  for (const end = (at + count) | 0; i < end; i = (i + 1) | 0, k = (k + 1) | 0) {
    const o = (base + taps[k]!) | 0;
    B0[i] = x[(o + origin0) | 0]!;
    B1[i] = x[(o + origin1) | 0]!;
    B2[i] = x[(o + origin2) | 0]!;
  }
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
 * Writes rows × cols of a tile: out[o + r·rowStride + c] = acc[r·3 + c] (+ relu), for a Conv tile (output channels
 * × pixels).
 */
export function storeTile(acc: Float64Array, out: Float32Array, o: number, rowStride: number, rows: number, cols: number, relu: boolean): void {
  if (cols === COLS && !relu) {
    out[o] = acc[0]!;
    out[o + 1] = acc[1]!;
    out[o + 2] = acc[2]!;
    if (rows === 1) return;
    o += rowStride;
    out[o] = acc[3]!;
    out[o + 1] = acc[4]!;
    out[o + 2] = acc[5]!;
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
