import { describe, expect, it } from 'vitest';
import { convDirect, type ConvParams } from '../../src/kernels/conv.js';
import { convFast, convShape, fastConvPath, fastConvUnits, needsFiniteData } from '../../src/kernels/conv-fast.js';
import { windowOutputSize } from '../../src/kernels/geometry.js';
import { reluStore } from '../../src/kernels/tile.js';
import { buildSingleOp } from '../../src/fuzz/model-builder.js';
import { mulberry32 } from '../../src/random.js';
import { float32 } from '../../src/tensor.js';
import { loadModel } from '../../src/engine/session.js';

/** mulberry32: the geometry and data of every case come from one seed. */
function rng(seed: number) {
  const next = mulberry32(seed);
  return { next, int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)) };
}

/** A 3 × 3, stride 1 convolution with `inPerGroup` / `outPerGroup` channels and pads of 0 to 2 on each side. */
function params(r: ReturnType<typeof rng>, inPerGroup: number, outPerGroup: number, group = 1, batch = 1): ConvParams {
  const axis = () => {
    const input = r.int(11, 19);
    const pb = r.int(0, 2);
    const pe = r.int(0, 2);
    return { input, pb, pe, out: windowOutputSize(input, 3, 1, 1, pb, pe) };
  };
  const h = axis();
  const w = axis();
  return {
    batch,
    inChannels: group * inPerGroup,
    outChannels: group * outPerGroup,
    group,
    geometry: { input: [h.input, w.input], kernel: [3, 3], strides: [1, 1], dilations: [1, 1], padBegin: [h.pb, w.pb], padEnd: [h.pe, w.pe], output: [h.out, w.out] },
  };
}

function operands(p: ConvParams, value: () => number, withBias: boolean) {
  const [H, W] = p.geometry.input as [number, number];
  const x = Float32Array.from({ length: p.batch * p.inChannels * H * W }, value);
  const w = Float32Array.from({ length: p.outChannels * (p.inChannels / p.group) * 9 }, value);
  const bias = withBias ? Float32Array.from({ length: p.outChannels }, value) : undefined;
  const [OH, OW] = p.geometry.output as [number, number];
  return { x, w, bias, outLength: p.batch * p.outChannels * OH * OW };
}

describe("Winograd F(2×2, 3×3) path vs the convDirect reference", () => {
  it('takes 3 × 3 stride-1 2-D convolutions with ≥ 16 channels per group and ≥ 9 × 9 outputs, and nothing else', () => {
    const base: ConvParams = { batch: 1, inChannels: 16, outChannels: 16, group: 1, geometry: { input: [9, 9], kernel: [3, 3], strides: [1, 1], dilations: [1, 1], padBegin: [1, 1], padEnd: [1, 1], output: [9, 9] } };
    expect(fastConvPath(convShape(base), true)).toBe('winograd');
    // Only when the session allows it: Winograd changes rounding.
    expect(fastConvPath(convShape(base))).toBe('gemm');
    expect(needsFiniteData('winograd')).toBe(true);
    expect(needsFiniteData('gemm')).toBe(false);
    const g = base.geometry;
    const others: ConvParams[] = [
      { ...base, inChannels: 8 },
      { ...base, outChannels: 8 },
      { ...base, inChannels: 32, outChannels: 32, group: 2, geometry: { ...g } },
      { ...base, geometry: { ...g, input: [8, 8], output: [8, 8] } },
      { ...base, geometry: { ...g, strides: [2, 2], output: [5, 5] } },
      { ...base, geometry: { ...g, dilations: [2, 2], padBegin: [2, 2], padEnd: [2, 2] } },
      { ...base, geometry: { ...g, kernel: [5, 5], padBegin: [2, 2], padEnd: [2, 2] } },
      { ...base, geometry: { input: [4, 9, 9], kernel: [1, 3, 3], strides: [1, 1, 1], dilations: [1, 1, 1], padBegin: [0, 1, 1], padEnd: [0, 1, 1], output: [4, 9, 9] } },
    ];
    // Two groups of 16 take it too; the others are below a threshold or not a 3 × 3 stride-1 2-D window.
    expect(others.map((p) => fastConvPath(convShape(p), true))).toEqual(['gemm', 'gemm', 'winograd', 'gemm', 'gemm', 'gemm', 'gemm', 'gemm']);
  });

  it('small-integer data: bit-exact against the float32 reference (odd sizes, asymmetric pads, groups, batch, bias, relu)', () => {
    // Every transform step adds, subtracts or halves; with |values| ≤ 3 all of it is exact in float64, so any wrong
    // tap, block offset or transform coefficient changes some output.
    const r = rng(71);
    for (let i = 0; i < 6; i++) {
      const p = params(r, r.int(16, 40), r.int(16, 37), r.int(1, 2), r.int(1, 2));
      const shape = convShape(p);
      expect(fastConvPath(shape, true)).toBe('winograd');
      const { x, w, bias, outLength } = operands(p, () => r.int(-3, 3), i % 2 === 0);
      const ref = new Float32Array(outLength);
      convDirect(x, w, bias, ref, p);
      const relu = i % 3 === 0;
      const got = new Float32Array(outLength).fill(NaN);
      convFast(x, w, bias, got, shape, 'winograd', relu);
      expect(Array.from(got), `case ${i} ${JSON.stringify(p)}`).toEqual(relu ? Array.from(ref, reluStore) : Array.from(ref));
    }
  });

  it('filters in several blocks (256 channels in, 70 out) over several panel blocks: bit-exact on small integers', () => {
    // 16·256 doubles per transformed filter row: A0/A1 hold 16 pairs at once, so 35 pairs take three blocks, and
    // the inputs are transformed again for each.
    const r = rng(72);
    const p = params(r, 256, 70);
    const { x, w, bias, outLength } = operands(p, () => r.int(-3, 3), true);
    const ref = new Float32Array(outLength);
    convDirect(x, w, bias, ref, p);
    const got = new Float32Array(outLength).fill(NaN);
    convFast(x, w, bias, got, convShape(p), 'winograd', false);
    expect(Array.from(got)).toEqual(Array.from(ref));
  });

  it('random data: within float32 rounding of the float64 reference', () => {
    const r = rng(73);
    for (let i = 0; i < 3; i++) {
      const p = params(r, r.int(16, 64), r.int(16, 66), 1, 1);
      const { x, w, bias, outLength } = operands(p, () => r.next() * 2 - 1, true);
      const got = new Float32Array(outLength).fill(NaN);
      convFast(x, w, bias, got, convShape(p), 'winograd', false);
      const ref = new Float64Array(outLength);
      convDirect(Float64Array.from(x), Float64Array.from(w), bias && Float64Array.from(bias), ref, p);
      const mag = new Float64Array(outLength);
      convDirect(Float64Array.from(x, Math.abs), Float64Array.from(w, Math.abs), bias && Float64Array.from(bias, Math.abs), mag, p);
      for (let j = 0; j < outLength; j++) {
        // Half an ulp of float32 from the final rounding, plus float64 error scaled by the terms' magnitudes.
        const bound = 2 ** -24 * Math.abs(ref[j]!) + 1e-12 * mag[j]! + 1e-45;
        if (!(Math.abs(got[j]! - ref[j]!) <= bound)) expect.fail(`case ${i} output ${j}: ${got[j]} vs ${ref[j]} (bound ${bound})`);
      }
    }
  });

  it('work units: any split into ranges computes the same output as one call', () => {
    const r = rng(74);
    const p = params(r, 24, 20, 1, 2);
    const shape = convShape(p);
    const { x, w, bias, outLength } = operands(p, () => r.next() - 0.5, true);
    const whole = new Float32Array(outLength);
    convFast(x, w, bias, whole, shape, 'winograd', false);
    const units = fastConvUnits(shape, 'winograd');
    // Another convolution between ranges overwrites the shared padded copy and operand arrays, as another layer
    // would between a worker's chunks: each range must pad and transform what it reads.
    const other = params(r, 16, 16);
    const noise = operands(other, () => 1000 + r.next(), false);
    const scramble = () => convFast(noise.x, noise.w, undefined, new Float32Array(noise.outLength), convShape(other), 'winograd', false);
    for (const [cut1, cut2] of [[1, units - 1], [r.int(0, units), units], [Math.floor(units / 2), Math.floor(units / 2) + 1]] as [number, number][]) {
      const parts = new Float32Array(outLength).fill(NaN);
      convFast(x, w, bias, parts, shape, 'winograd', false, cut2, units);
      scramble();
      convFast(x, w, bias, parts, shape, 'winograd', false, 0, cut1);
      scramble();
      convFast(x, w, bias, parts, shape, 'winograd', false, cut1, cut2);
      expect(Array.from(parts), `cuts ${cut1},${cut2} of ${units}`).toEqual(Array.from(whole));
    }
  });

  it('Conv op: the implicit GEMM by default; Winograd with LoadOptions.winograd, except on an Infinity (∞ − ∞ = NaN)', async () => {
    // 16 → 16 channels, 12 × 12, pad 1: a Winograd shape. 95% of inputs and half the weights are exactly 0, so some
    // outputs have only zero products in their windows and are exactly 0 by the sums; Winograd mixes the whole 4 × 4
    // tile and all nine weights into every output of a block and leaves rounding residue on some of them (as the conv
    // fuzz family found). By default the op computes the sums; with the option, Winograd's; with an Infinity in the
    // input, the sums again, not the transforms' NaN.
    const r = rng(75);
    const sparse = (zeros: number) => () => (r.next() < zeros ? 0 : r.next() * 4 - 2);
    const x = Float32Array.from({ length: 16 * 144 }, sparse(0.95));
    const w = Float32Array.from({ length: 16 * 16 * 9 }, sparse(0.5));
    const p: ConvParams = { batch: 1, inChannels: 16, outChannels: 16, group: 1, geometry: { input: [12, 12], kernel: [3, 3], strides: [1, 1], dilations: [1, 1], padBegin: [1, 1], padEnd: [1, 1], output: [12, 12] } };
    const shape = convShape(p);
    const run = async (data: Float32Array, winograd: boolean) => {
      const model = buildSingleOp({ opType: 'Conv', opset: 11, inputs: [float32([1, 16, 12, 12], data), float32([16, 16, 3, 3], w)], attributes: { pads: [1, 1, 1, 1] } });
      const session = await loadModel(model.bytes, { winograd });
      return (await session.run(model.feeds)).out0!.data as Float32Array;
    };
    const kernel = (data: Float32Array, path: 'gemm' | 'winograd') => {
      const y = new Float32Array(16 * 144);
      convFast(data, w, undefined, y, shape, path, false);
      return y;
    };
    const same = (a: Float32Array, b: Float32Array) => a.every((v, i) => Object.is(v, b[i]));
    const sums = kernel(x, 'gemm');
    const transformed = kernel(x, 'winograd');
    expect(sums.some((v, i) => v === 0 && transformed[i] !== 0)).toBe(true);
    expect(same(await run(x, false), sums)).toBe(true);
    expect(same(await run(x, true), transformed)).toBe(true);
    const xInf = x.slice();
    xInf[5 * 12 + 5] = Infinity;
    const infSums = kernel(xInf, 'gemm');
    expect(infSums.some((v) => Math.abs(v) === Infinity)).toBe(true);
    expect(kernel(xInf, 'winograd').some(Number.isNaN)).toBe(true);
    expect(same(await run(xInf, true), infSums)).toBe(true);
  });
});
