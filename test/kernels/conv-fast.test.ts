import { describe, expect, it } from 'vitest';
import { convDirect, type ConvParams } from '../../src/kernels/conv.js';
import { allFinite, convFast, convShape, fastConvPath, fastConvUnits, usesPaddedTaps, type FastConvPath } from '../../src/kernels/conv-fast.js';
import { windowOutputSize } from '../../src/kernels/geometry.js';
import { reluStore, TILE_K } from '../../src/kernels/tile.js';
import { buildSingleOp } from '../../src/fuzz/model-builder.js';
import { mulberry32 } from '../../src/random.js';
import { float32 } from '../../src/tensor.js';
import { runOurs } from '../helpers/differential.js';

/** mulberry32: the geometry and data of every case come from one seed. */
function rng(seed: number) {
  const next = mulberry32(seed);
  return { next, int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)) };
}

type Mode = 'any' | 'depthwise' | 'pointwise';

/** A random convolution of the given kind whose windows all fit (output ≥ 1 per axis). */
function randomParams(r: ReturnType<typeof rng>, mode: Mode): ConvParams {
  for (;;) {
    const rank = mode === 'depthwise' ? r.int(1, 2) : r.int(1, 3);
    const group = mode === 'depthwise' ? r.int(1, 6) : r.int(1, 3);
    // One input channel per group is the depthwise kernel's case; the other kinds draw at least two.
    const inPerGroup = mode === 'depthwise' ? 1 : r.int(2, 4);
    const outPerGroup = r.int(1, 7);
    const g = { input: [] as number[], kernel: [] as number[], strides: [] as number[], dilations: [] as number[], padBegin: [] as number[], padEnd: [] as number[], output: [] as number[] };
    let fits = true;
    for (let a = 0; a < rank; a++) {
      const k = mode === 'pointwise' ? 1 : r.int(1, 4);
      const s = mode === 'pointwise' ? 1 : r.int(1, 3);
      const d = r.int(1, 3);
      const input = r.int(1, rank === 3 ? 6 : 11);
      const pb = mode === 'pointwise' ? 0 : r.int(0, k - 1);
      const pe = mode === 'pointwise' ? 0 : r.int(0, k - 1);
      const out = windowOutputSize(input, k, s, d, pb, pe);
      if (out <= 0) fits = false;
      g.input.push(input);
      g.kernel.push(k);
      g.strides.push(s);
      g.dilations.push(d);
      g.padBegin.push(pb);
      g.padEnd.push(pe);
      g.output.push(out);
    }
    if (fits) return { batch: r.int(1, 3), inChannels: group * inPerGroup, outChannels: group * outPerGroup, group, geometry: g };
  }
}

const prod = (v: readonly number[]) => v.reduce((a, b) => a * b, 1);

function operands(p: ConvParams, r: ReturnType<typeof rng>, value: () => number) {
  const taps = prod(p.geometry.kernel);
  const x = Float32Array.from({ length: p.batch * p.inChannels * prod(p.geometry.input) }, value);
  const w = Float32Array.from({ length: p.outChannels * (p.inChannels / p.group) * taps }, value);
  const bias = r.next() < 0.5 ? Float32Array.from({ length: p.outChannels }, value) : undefined;
  return { x, w, bias, outLength: p.batch * p.outChannels * prod(p.geometry.output) };
}

describe('fast float32 Conv vs the convDirect reference (seeded geometries)', () => {
  // Each kind of geometry is drawn until its fast path has run many times; a test that only exercised the fallback
  // would prove nothing, so the path taken is counted.
  for (const [mode, wanted] of [['any', 'gemm'], ['depthwise', 'depthwise'], ['pointwise', 'pointwise']] as [Mode, FastConvPath][]) {
    it(`${mode} geometries: within float32 rounding of the float64 reference, on the '${wanted}' path`, () => {
      const r = rng(mode === 'any' ? 11 : mode === 'depthwise' ? 12 : 13);
      let taken = 0;
      for (let i = 0; i < 400; i++) {
        const p = randomParams(r, mode);
        const { x, w, bias, outLength } = operands(p, r, () => r.next() * 2 - 1);
        const shape = convShape(p);
        const path = fastConvPath(shape);
        if (path === wanted) taken++;
        const relu = r.next() < 0.3;
        const got = new Float32Array(outLength).fill(NaN);
        convFast(x, w, bias, got, shape, path, relu);
        // Referee: the reference in float64, and the same sums of |x·w| for the rounding bound.
        const ref = new Float64Array(outLength);
        convDirect(Float64Array.from(x), Float64Array.from(w), bias && Float64Array.from(bias), ref, p);
        const mag = new Float64Array(outLength);
        convDirect(Float64Array.from(x, Math.abs), Float64Array.from(w, Math.abs), bias && Float64Array.from(bias, Math.abs), mag, p);
        for (let j = 0; j < outLength; j++) {
          const expected = relu ? reluStore(ref[j]!) : ref[j]!;
          // One float64 sum rounded once: within half an ulp of float32 of the exact value, plus float64 error.
          const bound = 2 ** -24 * Math.abs(expected) + 1e-12 * mag[j]! + 1e-45;
          expect(Math.abs(got[j]! - expected), `case ${i} ${JSON.stringify(p)} output ${j}`).toBeLessThanOrEqual(bound);
        }
      }
      expect(taken).toBeGreaterThanOrEqual(mode === 'any' ? 350 : 400);
    });
  }

  it('depthwise 3×3 with stride and dilation 1 along H (two output rows per pass): bit-exact on small integers', () => {
    // The paired-row loop must give each sum the same nine terms in the same order as the one-row loop; with small
    // integers every order is exact, so this checks which taps are summed, for every W stride, dilation and pad.
    const r = rng(41);
    let paired = 0;
    for (let i = 0; i < 150; i++) {
      const H = r.int(3, 12);
      const W = r.int(3, 12);
      const sw = r.int(1, 3);
      const dw = r.int(1, 2);
      const ph = r.int(0, 2);
      const pw = r.int(0, 2);
      const OH = windowOutputSize(H, 3, 1, 1, ph, ph);
      const OW = windowOutputSize(W, 3, sw, dw, pw, pw);
      if (OW <= 0) continue;
      const channels = r.int(1, 3);
      const mult = r.int(1, 2);
      const p: ConvParams = { batch: r.int(1, 2), inChannels: channels, outChannels: channels * mult, group: channels, geometry: { input: [H, W], kernel: [3, 3], strides: [1, sw], dilations: [1, dw], padBegin: [ph, pw], padEnd: [ph, pw], output: [OH, OW] } };
      const { x, w, bias, outLength } = operands(p, r, () => r.int(-4, 4));
      const ref = new Float32Array(outLength);
      convDirect(x, w, bias, ref, p);
      const got = new Float32Array(outLength).fill(NaN);
      const shape = convShape(p);
      expect(fastConvPath(shape)).toBe('depthwise');
      convFast(x, w, bias, got, shape, 'depthwise', false);
      expect(Array.from(got), `case ${i} ${JSON.stringify(p.geometry)}`).toEqual(Array.from(ref));
      // Rows oh and oh + 1 are both interior (all taps inside) for some oh once H ≥ 4: the paired loop ran.
      if (H >= 4) paired++;
    }
    expect(paired).toBeGreaterThan(100);
  });

  it('small-integer data: bit-exact against the float32 reference on every path', () => {
    const r = rng(21);
    for (let i = 0; i < 300; i++) {
      const p = randomParams(r, (['any', 'depthwise', 'pointwise'] as Mode[])[i % 3]!);
      const { x, w, bias, outLength } = operands(p, r, () => r.int(-3, 3));
      const ref = new Float32Array(outLength);
      convDirect(x, w, bias, ref, p);
      const got = new Float32Array(outLength);
      const shape = convShape(p);
      convFast(x, w, bias, got, shape, fastConvPath(shape), false);
      expect(Array.from(got), `case ${i}`).toEqual(Array.from(ref));
    }
  });

  it('K = 7300·9 = 65700, longer than one tile pass (TILE_K): summed in two parts through the partial sums, exact on small integers', () => {
    // Two parts (65536 + 164) for 3 output channels (a full and a half row pair) × 5 pixels (a full and a partial
    // panel). |sum| ≤ 65700·3·3 < 2^24, so every order is exact and the reference agrees.
    const r = rng(51);
    const p: ConvParams = { batch: 1, inChannels: 7300, outChannels: 3, group: 1, geometry: { input: [3, 5], kernel: [3, 3], strides: [1, 1], dilations: [1, 1], padBegin: [0, 1], padEnd: [0, 1], output: [1, 5] } };
    const shape = convShape(p);
    expect(fastConvPath(shape)).toBe('gemm');
    expect(shape.K).toBeGreaterThan(TILE_K);
    const { x, w, bias, outLength } = operands(p, r, () => r.int(-3, 3));
    const ref = new Float32Array(outLength);
    convDirect(x, w, bias, ref, p);
    const got = new Float32Array(outLength).fill(NaN);
    convFast(x, w, bias, got, shape, 'gemm', false);
    expect(Array.from(got)).toEqual(Array.from(ref));
    convFast(x, w, bias, got, shape, 'gemm', true);
    expect(Array.from(got)).toEqual(Array.from(ref, reluStore));
    // Units are row pairs of one-panel blocks (2 × 2): ranges that start and end inside a block keep their partial
    // sums apart.
    const units = fastConvUnits(shape, 'gemm');
    expect(units).toBe(4);
    for (let cut = 1; cut < units; cut++) {
      const split = new Float32Array(outLength).fill(NaN);
      convFast(x, w, bias, split, shape, 'gemm', false, cut, units);
      convFast(x, w, bias, split, shape, 'gemm', false, 0, cut);
      expect(Array.from(split), `cut ${cut}`).toEqual(Array.from(ref));
    }
  });

  it('depthwise planes larger than its 2^17-double buffer are taken in tiles of rows and columns: exact on small integers', () => {
    // 400 × 401 (3 × 3, stride 1: paired rows, row tiles), 1-D 140000 wide (3 taps, and 5 taps at stride 2 / dilation 2:
    // column tiles), each with padding; a window wider than the buffer (1-D kernel 140000) goes to the 'gemm' path.
    const r = rng(61);
    const cases: ConvParams[] = [
      { batch: 1, inChannels: 2, outChannels: 2, group: 2, geometry: { input: [400, 401], kernel: [3, 3], strides: [1, 1], dilations: [1, 1], padBegin: [1, 1], padEnd: [1, 1], output: [400, 401] } },
      { batch: 1, inChannels: 1, outChannels: 2, group: 1, geometry: { input: [140000], kernel: [3], strides: [1], dilations: [1], padBegin: [1], padEnd: [1], output: [140000] } },
      { batch: 1, inChannels: 1, outChannels: 1, group: 1, geometry: { input: [140000], kernel: [5], strides: [2], dilations: [2], padBegin: [3], padEnd: [3], output: [69999] } },
      { batch: 1, inChannels: 1, outChannels: 1, group: 1, geometry: { input: [140001], kernel: [140000], strides: [1], dilations: [1], padBegin: [0], padEnd: [0], output: [2] } },
    ];
    for (const [i, p] of cases.entries()) {
      const { x, w, bias, outLength } = operands(p, r, () => r.int(-3, 3));
      const ref = new Float32Array(outLength);
      convDirect(x, w, bias, ref, p);
      const shape = convShape(p);
      const path = fastConvPath(shape);
      expect(path, `case ${i}`).toBe(i === 3 ? 'gemm' : 'depthwise');
      const got = new Float32Array(outLength).fill(NaN);
      convFast(x, w, bias, got, shape, path, false);
      expect(Array.from(got), `case ${i}`).toEqual(Array.from(ref));
    }
  });

  it('work units: any split into ranges computes the same output as one call', () => {
    const r = rng(31);
    const noiseParams: ConvParams = { batch: 1, inChannels: 4, outChannels: 2, group: 1, geometry: { input: [30, 30], kernel: [3, 3], strides: [1, 1], dilations: [1, 1], padBegin: [2, 2], padEnd: [2, 2], output: [32, 32] } };
    const noise = operands(noiseParams, r, () => 1000 + r.next());
    const noiseShape = convShape(noiseParams);
    for (let i = 0; i < 60; i++) {
      const p = randomParams(r, (['any', 'depthwise', 'pointwise'] as Mode[])[i % 3]!);
      const { x, w, bias, outLength } = operands(p, r, () => r.next() - 0.5);
      const shape = convShape(p);
      const path = fastConvPath(shape);
      const units = fastConvUnits(shape, path);
      const whole = new Float32Array(outLength);
      convFast(x, w, bias, whole, shape, path, false);
      const parts = new Float32Array(outLength).fill(NaN);
      const cut1 = r.int(0, units);
      const cut2 = r.int(cut1, units);
      // Between ranges another padded convolution overwrites the kernels' shared buffers (the padded copy of the
      // input above all), as another layer would between a worker's chunks: each range must pad what it reads.
      const scramble = () => convFast(noise.x, noise.w, undefined, new Float32Array(noise.outLength), noiseShape, fastConvPath(noiseShape), false);
      convFast(x, w, bias, parts, shape, path, false, cut2, units);
      scramble();
      convFast(x, w, bias, parts, shape, path, false, 0, cut1);
      scramble();
      convFast(x, w, bias, parts, shape, path, false, cut1, cut2);
      expect(Array.from(parts), `case ${i} units ${units} cuts ${cut1},${cut2}`).toEqual(Array.from(whole));
    }
  });

  it('3×3 depthwise x=[1,2,5,6] s=1 p=1: interior pixel (2,2) is the nine-tap sum plus bias', () => {
    // Channel 0 is x[i][j] = i·6 + j, weights 1..9 row-major, bias 0.5. At (2,2) the window rows 1..3, cols 1..3:
    // Σ w·x = 1·7+2·8+3·9 + 4·13+5·14+6·15 + 7·19+8·20+9·21 = 50 + 212 + 482 = 744, + 0.5 = 744.5.
    const x = Float32Array.from({ length: 60 }, (_, i) => i % 30);
    const w = Float32Array.from({ length: 18 }, (_, i) => (i % 9) + 1);
    const p: ConvParams = { batch: 1, inChannels: 2, outChannels: 2, group: 2, geometry: { input: [5, 6], kernel: [3, 3], strides: [1, 1], dilations: [1, 1], padBegin: [1, 1], padEnd: [1, 1], output: [5, 6] } };
    const shape = convShape(p);
    expect(fastConvPath(shape)).toBe('depthwise');
    const y = new Float32Array(60);
    convFast(x, w, Float32Array.from([0.5, 0]), y, shape, 'depthwise', false);
    expect(y[2 * 6 + 2]).toBe(744.5);
    // Corner (0,0): only rows 0..1, cols 0..1 are inside: 5·0 + 6·1 + 8·6 + 9·7 = 117, + 0.5.
    expect(y[0]).toBe(117.5);
  });

  it('1×1 x=[1,3,1,5] → 2 channels: the tail panel (5 = 3 + 2 pixels) is packed and stored', () => {
    // y[m][p] = Σ_c w[m][c]·x[c][p] with x[c][p] = c·5 + p, w = [[1,0,0],[1,1,1]]: y[1][4] = 4 + 9 + 14 = 27.
    const x = Float32Array.from({ length: 15 }, (_, i) => i);
    const w = Float32Array.from([1, 0, 0, 1, 1, 1]);
    const p: ConvParams = { batch: 1, inChannels: 3, outChannels: 2, group: 1, geometry: { input: [1, 5], kernel: [1, 1], strides: [1, 1], dilations: [1, 1], padBegin: [0, 0], padEnd: [0, 0], output: [1, 5] } };
    const shape = convShape(p);
    expect(fastConvPath(shape)).toBe('pointwise');
    const y = new Float32Array(10);
    convFast(x, w, undefined, y, shape, 'pointwise', false);
    expect(Array.from(y)).toEqual([0, 1, 2, 3, 4, 15, 18, 21, 24, 27]);
  });

  it('Conv op, depthwise 3×3 p=1 with w[0,0,0,0] = Infinity: padded taps are skipped (reference), not 0 · Infinity', async () => {
    // x = ones [1,1,3,3], w = [Infinity, 1 × 8]. Output (0,0) has taps (1..2) × (1..2) inside: 1 + 1 + 1 + 1 = 4; the
    // depthwise kernel multiplies padding by its weight (0 · Infinity = NaN), so the op must take the reference.
    // Output (1,1) has all nine: Infinity.
    const model = buildSingleOp({
      opType: 'Conv',
      opset: 11,
      inputs: [float32([1, 1, 3, 3], new Float32Array(9).fill(1)), float32([1, 1, 3, 3], Float32Array.from([Infinity, 1, 1, 1, 1, 1, 1, 1, 1]))],
      attributes: { pads: [1, 1, 1, 1] },
    });
    const { out0 } = await runOurs(model);
    expect(out0!.data[0]).toBe(4);
    expect(out0!.data[4]).toBe(Infinity);
    const p: ConvParams = { batch: 1, inChannels: 1, outChannels: 1, group: 1, geometry: { input: [3, 3], kernel: [3, 3], strides: [1, 1], dilations: [1, 1], padBegin: [1, 1], padEnd: [1, 1], output: [3, 3] } };
    const shape = convShape(p);
    expect(fastConvPath(shape)).toBe('depthwise');
    expect(usesPaddedTaps(shape, 'depthwise')).toBe(true);
  });

  it('allFinite: one ±Infinity or NaN weight is enough to send a padded convolution to the reference', () => {
    expect(allFinite(Float32Array.from([1, -2, 3e38]))).toBe(true);
    expect(allFinite(Float32Array.from([1, Infinity]))).toBe(false);
    expect(allFinite(Float32Array.from([NaN, 0]))).toBe(false);
  });
});
