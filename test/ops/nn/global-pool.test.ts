import { describe, expect, it } from 'vitest';
import { runOnnxruntime } from '../../../src/oracle/onnxruntime.js';
import { float32 } from '../../../src/tensor.js';
import { expectMatchesOnnxruntime } from '../../helpers/differential.js';
import { expectLoadFailure, iota, outputs, randomTensor, single } from './pool-norm-helpers.js';

describe('GlobalAveragePool / GlobalMaxPool, hand-checked', () => {
  it('x=[1,2,2,2] 1..8 → mean [2.5,6.5], max [4,8] as [1,2,1,1]', async () => {
    // Channel 0 holds 1..4 (mean 2.5, max 4), channel 1 holds 5..8 (mean 6.5, max 8).
    const avg = single('GlobalAveragePool', 1, [iota([1, 2, 2, 2])]);
    const max = single('GlobalMaxPool', 1, [iota([1, 2, 2, 2])]);
    const [a] = await outputs(avg);
    const [m] = await outputs(max);
    expect(a!.dims).toEqual([1, 2, 1, 1]);
    expect(a!.values).toEqual([2.5, 6.5]);
    expect(m!.values).toEqual([4, 8]);
    await expectMatchesOnnxruntime(avg);
    await expectMatchesOnnxruntime(max);
  });

  it('rank 3 [2,1,3] and rank 6 [1,1,2,1,2,2] keep every spatial axis as 1', async () => {
    const [a] = await outputs(single('GlobalAveragePool', 1, [float32([2, 1, 3], [1, 2, 6, -3, 0, 0])]));
    expect(a!.dims).toEqual([2, 1, 1]);
    expect(a!.values).toEqual([3, -1]);
    const [m] = await outputs(single('GlobalMaxPool', 1, [iota([1, 1, 2, 1, 2, 2])]));
    expect(m!.dims).toEqual([1, 1, 1, 1, 1, 1]);
    expect(m!.values).toEqual([8]);
  });

  it('GlobalMaxPool propagates NaN as PyTorch (adaptive_max_pool, amax) does; onnxruntime skips it', async () => {
    const model = single('GlobalMaxPool', 1, [float32([1, 2, 3], [1, NaN, 2, -1, -5, -Infinity])]);
    expect((await outputs(model))[0]!.values).toEqual([NaN, -1]);
    const { outputs: ort } = await runOnnxruntime(model.bytes, model.feeds);
    expect(ort.out0!.data[0]).toBe(2);
  });

  it('GlobalAveragePool: NaN propagates, infinities sum', async () => {
    const [a] = await outputs(single('GlobalAveragePool', 1, [float32([1, 2, 2], [NaN, 1, Infinity, 3])]));
    expect(a!.values).toEqual([NaN, Infinity]);
  });
});

describe('Global pools vs onnxruntime', () => {
  for (const dims of [[2, 3, 7], [2, 3, 5, 6], [1, 2, 3, 4, 5]]) {
    for (const dtype of ['float32', 'float16'] as const) {
      it(`x=[${dims.join(',')}] ${dtype}`, async () => {
        const x = randomTensor(dims, dims.length, dtype);
        await expectMatchesOnnxruntime(single('GlobalAveragePool', 22, [x]), { kind: 'allclose', name: 'mean', rtol: dtype === 'float16' ? 1e-3 : 1e-5, atol: 1e-5 });
        await expectMatchesOnnxruntime(single('GlobalMaxPool', 22, [x]));
      });
    }
    it(`x=[${dims.join(',')}] float64 (no onnxruntime kernel) agrees with float32: max exactly, mean to 1e-6`, async () => {
      const [a64] = await outputs(single('GlobalAveragePool', 22, [randomTensor(dims, dims.length, 'float64')]));
      const [a32] = await outputs(single('GlobalAveragePool', 22, [randomTensor(dims, dims.length)]));
      const [m64] = await outputs(single('GlobalMaxPool', 22, [randomTensor(dims, dims.length, 'float64')]));
      const [m32] = await outputs(single('GlobalMaxPool', 22, [randomTensor(dims, dims.length)]));
      expect(a64!.dtype).toBe('float64');
      a64!.values.forEach((v, k) => expect(Math.abs(v - a32!.values[k]!)).toBeLessThan(1e-6));
      expect(m64!.values).toEqual(m32!.values);
    });
  }
});

describe('Global pool errors', () => {
  it('rank-2 input → shape; an empty spatial axis → shape; an integer input → type error', async () => {
    await expectLoadFailure(() => single('GlobalAveragePool', 1, [randomTensor([2, 3], 1)]), 'shape');
    await expectLoadFailure(() => single('GlobalMaxPool', 1, [float32([1, 2, 0], [])]), 'shape');
    await expectLoadFailure(() => single('GlobalMaxPool', 1, [iota([1, 1, 2], 'int32')]), 'shape');
  });
});
