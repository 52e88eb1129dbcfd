import { describe, expect, it } from 'vitest';
import { float32, tensor, type Tensor } from '../../../src/tensor.js';
import { expectMatchesOnnxruntime } from '../../helpers/differential.js';
import { expectClose, expectLoadFailure, outputs, randomTensor, single } from './pool-norm-helpers.js';

const layerNorm = (inputs: (Tensor | undefined)[], attributes: Parameters<typeof single>[3] = {}, outputCount = 3) =>
  single('LayerNormalization', 17, inputs, attributes, outputCount);

describe('LayerNormalization, hand-checked', () => {
  it('x=[[1,3],[0,4]] axis=-1 epsilon=0 scale [2,3] B [1,0] → Y [[-1,3],[-1,3]], Mean [[2],[2]], InvStdDev [[1],[0.5]]', async () => {
    // Row 0: mean 2, var 1 → normalized [-1,1]; row 1: mean 2, var 4 → [-1,1]. Y = normalized·[2,3] + [1,0].
    const model = layerNorm([float32([2, 2], [1, 3, 0, 4]), float32([2], [2, 3]), float32([2], [1, 0])], { epsilon: 0 });
    const [yv, mean, inv] = await outputs(model);
    expect(yv!.values).toEqual([-1, 3, -1, 3]);
    expect(mean!.dims).toEqual([2, 1]);
    expect(mean!.dtype).toBe('float32');
    expect(mean!.values).toEqual([2, 2]);
    expect(inv!.values).toEqual([1, 0.5]);
    await expectMatchesOnnxruntime(model);
  });

  it('axis=0 normalizes everything: x=[[1,3],[0,4]] → (x - 2)/√2.5, Mean [[2]]', async () => {
    // Mean 2, deviations -1, 1, -2, 2 → var (1+1+4+4)/4 = 2.5.
    const model = layerNorm([float32([2, 2], [1, 3, 0, 4]), float32([2, 2], [1, 1, 1, 1])], { axis: 0, epsilon: 0 });
    const [yv, mean, inv] = await outputs(model);
    expectClose(yv!.values, [-1, 1, -2, 2].map((d) => d / Math.sqrt(2.5)), 1e-6);
    expect(mean!.dims).toEqual([1, 1]);
    expectClose(inv!.values, [1 / Math.sqrt(2.5)], 1e-6);
    await expectMatchesOnnxruntime(model);
  });

  it('axis=-2 on [2,2,2] with no B: scale [2,2] applies element-wise over the normalized block', async () => {
    // Block 0 = [1,2,3,4] (mean 2.5, var 1.25), block 1 = [2,4,6,8] (mean 5, var 5); scale [[1,2],[3,4]].
    const model = layerNorm([float32([2, 2, 2], [1, 2, 3, 4, 2, 4, 6, 8]), float32([2, 2], [1, 2, 3, 4])], { axis: -2, epsilon: 0 });
    const [yv, mean] = await outputs(model);
    const s = [1, 2, 3, 4];
    const expected = [
      ...[-1.5, -0.5, 0.5, 1.5].map((d, k) => (d / Math.sqrt(1.25)) * s[k]!),
      ...[-3, -1, 1, 3].map((d, k) => (d / Math.sqrt(5)) * s[k]!),
    ];
    expectClose(yv!.values, expected, 1e-6);
    expect(mean!.dims).toEqual([2, 1, 1]);
    expect(mean!.values).toEqual([2.5, 5]);
    await expectMatchesOnnxruntime(model);
  });

  it('two-pass statistics: float64 x = 1e8 + [1,2,3,4] normalizes to ±1.3416, ±0.4472', async () => {
    // ONNX's function body computes E[x²] - E[x]², which loses the variance 1.25 here entirely (x² ≈ 1e16).
    const x = tensor('float64', [1, 4], Float64Array.from([1, 2, 3, 4], (v) => 1e8 + v));
    const [yv, mean] = await outputs(layerNorm([x, tensor('float64', [4], [1, 1, 1, 1])]));
    expectClose(yv!.values, [-1.5, -0.5, 0.5, 1.5].map((d) => d / Math.sqrt(1.25 + 1e-5)), 1e-9);
    // Mean is float32 (stash_type=1), where 1e8 + 2.5 rounds to 1e8; Y used the double mean.
    expect(mean!.values).toEqual([Math.fround(1e8 + 2.5)]);
  });

  it('a constant row normalizes to B (variance 0, epsilon keeps it finite)', async () => {
    const [yv, , inv] = await outputs(layerNorm([float32([1, 3], [7, 7, 7]), float32([3], [5, 5, 5]), float32([3], [1, 2, 3])]));
    expect(yv!.values).toEqual([1, 2, 3]);
    expectClose(inv!.values, [1 / Math.sqrt(1e-5)], 1e-5);
  });
});

describe('LayerNormalization vs onnxruntime', () => {
  const cases: { dims: number[]; axis?: number; bias?: boolean; epsilon?: number }[] = [
    { dims: [2, 5, 16], bias: true },
    { dims: [3, 4, 5], axis: 1, bias: true, epsilon: 0.1 },
    { dims: [2, 3, 4, 5], axis: -3 },
    { dims: [2, 3, 4, 5], axis: 3, bias: true },
    { dims: [7], axis: 0, bias: true },
  ];
  for (const c of cases) {
    it(`x=[${c.dims.join(',')}] axis=${c.axis ?? -1}${c.bias ? ' with B' : ''}${c.epsilon ? ` epsilon=${c.epsilon}` : ''}`, async () => {
      const axis = c.axis ?? -1;
      const normalized = c.dims.slice(axis < 0 ? axis + c.dims.length : axis);
      const inputs = [randomTensor(c.dims, 1, 'float32', 4), randomTensor(normalized, 2), c.bias ? randomTensor(normalized, 3) : undefined];
      await expectMatchesOnnxruntime(layerNorm(inputs, { axis: c.axis, epsilon: c.epsilon }));
    });
  }

  it('float16 X: Y float16, Mean and InvStdDev float32', async () => {
    const model = layerNorm([randomTensor([3, 8], 4, 'float16'), randomTensor([8], 5, 'float16'), randomTensor([8], 6, 'float16')]);
    const ours = await expectMatchesOnnxruntime(model, { kind: 'allclose', name: 'half', rtol: 2e-3, atol: 2e-3 });
    expect(ours.out0!.dtype).toBe('float16');
    expect(ours.out1!.dtype).toBe('float32');
  });

  it('float64 X: Y float64, statistics float32 as stash_type=1 says', async () => {
    const model = layerNorm([randomTensor([3, 8], 7, 'float64'), randomTensor([8], 8, 'float64')]);
    const ours = await expectMatchesOnnxruntime(model);
    expect(ours.out0!.dtype).toBe('float64');
    expect(ours.out2!.dtype).toBe('float32');
  });

  it('only Y requested (one output listed)', async () => {
    await expectMatchesOnnxruntime(layerNorm([randomTensor([4, 6], 9), randomTensor([6], 10)], {}, 1));
  });
});

describe('LayerNormalization errors', () => {
  const x = randomTensor([2, 3], 1);
  it('axis out of range → bad_attribute axis', async () => {
    await expectLoadFailure(() => layerNorm([x, randomTensor([3], 2)], { axis: 2 }), 'bad_attribute', 'axis');
    await expectLoadFailure(() => layerNorm([x, randomTensor([3], 2)], { axis: -3 }), 'bad_attribute', 'axis');
  });
  it('Scale or B of the wrong size → shape', async () => {
    await expectLoadFailure(() => layerNorm([x, randomTensor([2], 2)]), 'shape');
    await expectLoadFailure(() => layerNorm([x, randomTensor([3], 2), randomTensor([6], 3)]), 'shape');
  });
  it('stash_type other than 1 → bad_attribute stash_type', async () => {
    await expectLoadFailure(() => layerNorm([x, randomTensor([3], 2)], { stash_type: 11 }), 'bad_attribute', 'stash_type');
  });
  it('LayerNormalization before opset 17 does not exist → unsupported_op', async () => {
    await expectLoadFailure(() => single('LayerNormalization', 16, [x, randomTensor([3], 2)]), 'unsupported_op');
  });
});
