import { describe, expect, it } from 'vitest';
import { gamma } from '../../src/compare/bound.js';
import { compareTensors } from '../../src/compare/compare.js';
import { TORCH_FLOAT32 } from '../../src/compare/tolerance.js';
import { loadModel } from '../../src/engine/session.js';
import { buildSingleOp } from '../../src/fuzz/model-builder.js';
import { float32 } from '../../src/tensor.js';
import { magnitudes, runNode, tolerance } from '../../src/verify/node-check.js';

async function nodeOf(spec: Parameters<typeof buildSingleOp>[0]) {
  const model = buildSingleOp(spec);
  const session = await loadModel(model.bytes);
  return { node: session.graph.nodes[0]!, feeds: model.feeds };
}

describe('node checks: one node re-run, its magnitudes and its bound', () => {
  it('Conv x=[1,2,3,3] w=[1,2,2,2] b=[1]: magnitudes are the conv of |x|, |w|, |b|; terms = 2·2·2 + 1 = 9', async () => {
    const x = float32([1, 2, 3, 3], [1, -2, 3, -4, 5, -6, 7, -8, 9, -1, 2, -3, 4, -5, 6, -7, 8, -9]);
    const w = float32([1, 2, 2, 2], [1, -1, 1, -1, -1, 1, -1, 1]);
    const b = float32([1], [-10]);
    const { node } = await nodeOf({ opType: 'Conv', opset: 13, inputs: [x, w, b], constantInputs: [1, 2] });
    const [y] = runNode(node, [x, w, b], 'float32');
    // Top-left window: channel 0 [1,-2,-4,5]·[1,-1,1,-1] = 1+2-4-5 = -6; channel 1 [-1,2,4,-5]·[-1,1,-1,1] = 1+2-4-5 = -6;
    // plus the bias: -6-6-10 = -22.
    expect(y!.data[0]).toBe(-22);
    const scale = magnitudes(node, [x, w, b])!;
    expect(scale.terms).toBe(9);
    // |x0| window 1+2+4+5 = 12, |x1| window 1+2+4+5 = 12, |b| = 10: 34.
    expect(scale.magnitude.data[0]).toBe(34);
    expect(scale.magnitude.dtype).toBe('float64');
  });

  it('tolerance: at least 2·γ(K)·Σ|x·w| for a reduction, else the plain policy; an honest reduction error passes only with it', () => {
    const expected = float32([2], [0, 1000]);
    const scale = { magnitude: { dtype: 'float64' as const, dims: [2], data: Float64Array.of(1e4, 1e4) }, terms: 100 };
    const t = tolerance(expected, undefined, scale);
    expect(t.kind).toBe('bound');
    const bound = (t as { bound: ArrayLike<number> }).bound;
    const reduction = 2 * (gamma(100) * 1e4 + 100 * 2 ** -149);
    expect(bound[0]).toBeCloseTo(reduction, 12);
    expect(bound[1]).toBeCloseTo(Math.max(reduction, 1e-5 + 1.3e-6 * 1000), 12);
    // 0.1 off a result that cancels to 0 out of terms of 1e4: within rounding of a 100-term sum, not within atol.
    const actual = float32([2], [0.1, 1000.1]);
    expect(compareTensors(actual, expected, t).verdict).toBe('pass');
    expect(compareTensors(actual, expected, TORCH_FLOAT32).verdict).toBe('fail');
    expect(tolerance(expected, undefined, undefined)).toBe(TORCH_FLOAT32);
  });

  it('runNode applies the override to the float32 run only when given; float64 runs promote float32 inputs', async () => {
    const x = float32([1, 1, 2, 2], [0.1, 0.2, 0.3, 0.4]);
    const w = float32([1, 1, 1, 1], [3]);
    const { node } = await nodeOf({ opType: 'Conv', opset: 13, inputs: [x, w], constantInputs: [1] });
    const [plain] = runNode(node, [x, w], 'float32');
    const doubled = runNode(node, [x, w], 'float32', { override: (_n, _i, [y]) => [{ ...y!, data: (y!.data as Float32Array).map((v) => 2 * v) }] });
    expect(Array.from(doubled[0]!.data)).toEqual(Array.from(plain!.data, (v) => 2 * v));
    const [exact] = runNode(node, [x, w], 'float64');
    expect(exact!.dtype).toBe('float64');
    expect(exact!.data[0]).toBe(Math.fround(0.1) * 3);
  });
});
