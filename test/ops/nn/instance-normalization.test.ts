import { describe, expect, it } from 'vitest';
import { float32, tensor, type Tensor } from '../../../src/tensor.js';
import { expectMatchesOnnxruntime } from '../../helpers/differential.js';
import { expectClose, expectLoadFailure, outputs, randomTensor, single } from './pool-norm-helpers.js';

const instanceNorm = (opset: number, inputs: Tensor[], attributes: Parameters<typeof single>[3] = {}) => single('InstanceNormalization', opset, inputs, attributes);
const y = async (opset: number, inputs: Tensor[], attributes: Parameters<typeof single>[3] = {}) => (await outputs(instanceNorm(opset, inputs, attributes)))[0]!;

describe('InstanceNormalization, hand-checked', () => {
  it('x=[2,2,2] per (n,c) statistics, per-channel scale [2,3] and B [0.5,-1]', async () => {
    // Sample 0: channel 0 [1,3] → mean 2, var 1 → ±1/√(1+ε)·2 + 0.5; channel 1 [5,5] → var 0 → B = -1.
    // Sample 1: channel 0 [10,14] → mean 12, var 4 → ±2/√(4+ε)·2 + 0.5; channel 1 [0,2] → ±1/√(1+ε)·3 - 1.
    const model = instanceNorm(6, [float32([2, 2, 2], [1, 3, 5, 5, 10, 14, 0, 2]), float32([2], [2, 3]), float32([2], [0.5, -1])]);
    const e = 1e-5;
    const a = 1 / Math.sqrt(1 + e);
    const b = 2 / Math.sqrt(4 + e);
    expectClose((await outputs(model))[0]!.values, [-2 * a + 0.5, 2 * a + 0.5, -1, -1, -2 * b + 0.5, 2 * b + 0.5, -3 * a - 1, 3 * a - 1], 1e-6);
    await expectMatchesOnnxruntime(model);
  });

  it('epsilon=0.25: channel [0,2] (var 1) → ±1/√1.25', async () => {
    const r = await y(6, [float32([1, 1, 2], [0, 2]), float32([1], [1]), float32([1], [0])], { epsilon: 0.25 });
    expectClose(r.values, [-1 / Math.sqrt(1.25), 1 / Math.sqrt(1.25)], 1e-6);
  });

  it('InstanceNormalization-1 with consumed_inputs (onnxruntime has no kernel)', async () => {
    const r = await y(1, [float32([1, 1, 1, 2], [1, 3]), float32([1], [2]), float32([1], [1])], { consumed_inputs: [0, 0, 0], epsilon: 0 });
    expect(r.values).toEqual([-1, 3]);
  });

  it('two-pass statistics: float64 x = 1e8 + [1,2,3,4] normalizes to ±1.3416, ±0.4472', async () => {
    // E[x²] - E[x]² would lose the variance 1.25 entirely (x² ≈ 1e16, where a double's spacing is 2).
    const x = tensor('float64', [1, 1, 4], Float64Array.from([1, 2, 3, 4], (v) => 1e8 + v));
    const r = await y(6, [x, tensor('float64', [1], [1]), tensor('float64', [1], [0])]);
    expectClose(r.values, [-1.5, -0.5, 0.5, 1.5].map((d) => d / Math.sqrt(1.25 + 1e-5)), 1e-9);
  });
});

describe('InstanceNormalization vs onnxruntime', () => {
  for (const dims of [[2, 3, 7], [2, 3, 4, 5], [1, 2, 3, 4, 5]]) {
    it(`x=[${dims.join(',')}] float32, epsilon=1e-3`, async () => {
      const c = dims[1]!;
      await expectMatchesOnnxruntime(instanceNorm(6, [randomTensor(dims, 1, 'float32', 3), randomTensor([c], 2), randomTensor([c], 3)], { epsilon: 1e-3 }));
    });
  }
  it('float16 and opset 22 (resolves to the opset-6 form)', async () => {
    await expectMatchesOnnxruntime(instanceNorm(22, [randomTensor([2, 2, 6], 4, 'float16'), randomTensor([2], 5, 'float16'), randomTensor([2], 6, 'float16')]), {
      kind: 'allclose',
      name: 'half',
      rtol: 2e-3,
      atol: 2e-3,
    });
  });
  it('float64 (no onnxruntime kernel) agrees with float32 to 1e-5', async () => {
    const inputs = (dtype: 'float32' | 'float64') => [randomTensor([2, 3, 9], 7, dtype), randomTensor([3], 8, dtype), randomTensor([3], 9, dtype)];
    const r64 = await y(6, inputs('float64'));
    const r32 = await y(6, inputs('float32'));
    expect(r64.dtype).toBe('float64');
    r64.values.forEach((v, k) => expect(Math.abs(v - r32.values[k]!)).toBeLessThan(1e-5));
  });
});

describe('InstanceNormalization errors', () => {
  it('scale or B with the wrong channel count → shape; rank-2 input → shape', async () => {
    await expectLoadFailure(() => instanceNorm(6, [randomTensor([1, 3, 4], 1), randomTensor([2], 2), randomTensor([3], 3)]), 'shape');
    await expectLoadFailure(() => instanceNorm(6, [randomTensor([1, 3, 4], 1), randomTensor([3], 2), randomTensor([3, 1], 3)]), 'shape');
    await expectLoadFailure(() => instanceNorm(6, [randomTensor([2, 3], 1), randomTensor([3], 2), randomTensor([3], 3)]), 'shape');
  });
  it('consumed_inputs at opset 6 → bad_attribute', async () => {
    await expectLoadFailure(() => instanceNorm(6, [randomTensor([1, 1, 2], 1), randomTensor([1], 2), randomTensor([1], 3)], { consumed_inputs: [0] }), 'bad_attribute', 'consumed_inputs');
  });
});
