import { describe, expect, it } from 'vitest';
import { gemm, type GemmBias } from '../../src/kernels/gemm.js';
import { fastGemmUnits, gemmFast, transposeWeights } from '../../src/kernels/gemm-fast.js';
import { reluStore, TILE_K } from '../../src/kernels/tile.js';
import { mulberry32 } from '../../src/random.js';
import { seededValues } from '../helpers/differential.js';

/** mulberry32 integers for shapes and options. */
function ints(seed: number) {
  const next = mulberry32(seed);
  return (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
}

describe('fast float32 Gemm vs the gemm reference', () => {
  // Both sum in float64 over k in the same order and round once, so the bits agree exactly; the GEMV path (M = 1)
  // and the tiled path (M > 1, with partial tiles on both sides) are both drawn.
  it('seeded shapes, transA/transB, alpha/beta, every C form: bit-identical', () => {
    const int = ints(5);
    let gemv = 0;
    let tiled = 0;
    for (let i = 0; i < 300; i++) {
      const M = i % 4 === 0 ? 1 : int(1, 13);
      const N = int(1, 13);
      const K = int(0, 40);
      const transA = int(0, 1) === 1;
      const transB = int(0, 1) === 1;
      const alpha = [1, 0.5, -2][int(0, 2)]!;
      const beta = [1, 0, 3][int(0, 2)]!;
      const a = seededValues(M * K, 100 + i);
      const b = seededValues(K * N, 200 + i);
      const cForm = int(0, 4);
      const cDims = [[], [1], [N], [M, 1], [M, N]][cForm]!;
      const cData = seededValues(cDims.reduce((x, y) => x * y, 1), 300 + i);
      const c: GemmBias | undefined =
        cForm === 0 && int(0, 1) === 0 ? undefined : { data: cData, rowStride: cDims.length === 2 && cDims[0] !== 1 ? (cDims[1] === 1 ? 1 : N) : 0, colStride: cDims.length >= 1 && cDims[cDims.length - 1] !== 1 ? 1 : 0 };
      const ref = new Float32Array(M * N);
      gemm({ M, N, K, transA, transB, alpha, beta, integer: false }, { data: a, offset: 0 }, { data: b, offset: 0 }, c, { data: ref, offset: 0 });
      const weights = transB ? b : transposeWeights(b, 0, K, N);
      const relu = int(0, 3) === 0;
      const got = new Float32Array(M * N).fill(NaN);
      gemmFast({ M, N, K, alpha, beta }, { data: a, offset: 0, rowStride: transA ? 1 : K, colStride: transA ? M : 1 }, { data: weights, offset: 0 }, c, got, 0, relu);
      const expected = relu ? Array.from(ref, reluStore) : Array.from(ref);
      expect(Array.from(got), `case ${i} M=${M} N=${N} K=${K} transA=${transA} transB=${transB} C=[${cDims}]`).toEqual(expected);
      if (M === 1 && K > 0) gemv++;
      if (M > 1 && K > 0) tiled++;
    }
    expect(gemv).toBeGreaterThan(50);
    expect(tiled).toBeGreaterThan(150);
  });

  it('K = 140000, longer than two tile passes (TILE_K): summed in three parts through the float64 partial sums, bit-identical', () => {
    // The parts continue each float64 sum in the same k order, so the bits still agree with the reference.
    const [M, N, K] = [5, 3, 140000];
    expect(K).toBeGreaterThan(2 * TILE_K);
    const a = seededValues(M * K, 7);
    const b = seededValues(N * K, 8);
    const ref = new Float32Array(M * N);
    gemm({ M, N, K, transA: false, transB: true, alpha: 1, beta: 0, integer: false }, { data: a, offset: 0 }, { data: b, offset: 0 }, undefined, { data: ref, offset: 0 });
    const got = new Float32Array(M * N).fill(NaN);
    gemmFast({ M, N, K, alpha: 1, beta: 0 }, { data: a, offset: 0, rowStride: K, colStride: 1 }, { data: b, offset: 0 }, undefined, got, 0, false);
    expect(Array.from(got)).toEqual(Array.from(ref));
  });

  it('units split over ranges: same output as one call (what the threads do)', () => {
    const [M, N, K] = [9, 23, 17];
    const a = seededValues(M * K, 1);
    const w = seededValues(N * K, 2);
    const whole = new Float32Array(M * N);
    gemmFast({ M, N, K, alpha: 1, beta: 0 }, { data: a, offset: 0, rowStride: K, colStride: 1 }, { data: w, offset: 0 }, undefined, whole, 0, false);
    const units = fastGemmUnits({ M, N, K, alpha: 1, beta: 0 });
    expect(units).toBe(12);
    const parts = new Float32Array(M * N).fill(NaN);
    for (const [s, e] of [[7, 12], [0, 1], [1, 7]]) {
      gemmFast({ M, N, K, alpha: 1, beta: 0 }, { data: a, offset: 0, rowStride: K, colStride: 1 }, { data: w, offset: 0 }, undefined, parts, 0, false, s, e);
    }
    expect(Array.from(parts)).toEqual(Array.from(whole));
  });

  it('GEMV x=[1,3] W=[[1,2,3],[4,5,6]] bias [0.5,-100] relu → [14.5, 0]', () => {
    // 1·1 + 2·2 + 3·3 = 14, + 0.5; 1·4 + 2·5 + 3·6 = 32, − 100 = −68 → relu 0.
    const out = new Float32Array(2);
    gemmFast(
      { M: 1, N: 2, K: 3, alpha: 1, beta: 1 },
      { data: Float32Array.from([1, 2, 3]), offset: 0, rowStride: 3, colStride: 1 },
      { data: Float32Array.from([1, 2, 3, 4, 5, 6]), offset: 0 },
      { data: Float32Array.from([0.5, -100]), rowStride: 0, colStride: 1 },
      out,
      0,
      true,
    );
    expect(Array.from(out)).toEqual([14.5, 0]);
  });
});
