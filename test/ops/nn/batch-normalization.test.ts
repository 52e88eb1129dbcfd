import { describe, expect, it } from 'vitest';
import { buildModel } from '../../../src/fuzz/model-builder.js';
import { float32, tensor, type DType, type Tensor } from '../../../src/tensor.js';
import { expectMatchesOnnxruntime } from '../../helpers/differential.js';
import { expectClose, expectLoadFailure, expectRunFailure, outputs, randomTensor, single } from './pool-norm-helpers.js';

const bn = (opset: number, inputs: Tensor[], attributes: Parameters<typeof single>[3] = {}, outputCount = 1) =>
  single('BatchNormalization', opset, inputs, attributes, outputCount);
const y = async (opset: number, inputs: Tensor[], attributes: Parameters<typeof single>[3] = {}) => (await outputs(bn(opset, inputs, attributes)))[0]!;

/** Parameters for C channels: scale, B, mean, and a positive var. */
function params(c: number, seed: number, dtype: DType = 'float32', dims: number[] = [c]): Tensor[] {
  const positive = randomTensor(dims, seed + 3, dtype);
  const variance = tensor(dtype, dims, Array.from(positive.data, (v) => Math.abs(v) + 0.1));
  return [randomTensor(dims, seed, dtype), randomTensor(dims, seed + 1, dtype), randomTensor(dims, seed + 2, dtype), variance];
}

describe('BatchNormalization, hand-checked (epsilon=0 keeps the arithmetic exact)', () => {
  // Channel 0: scale 2, B 1, mean 1, var 4 → (x - 1)/2·2 + 1 = x. Channel 1: scale 0.5, B -1, mean 3, var 0.25 →
  // (x - 3)/0.5·0.5 - 1 = x - 4.
  const p = [float32([2], [2, 0.5]), float32([2], [1, -1]), float32([2], [1, 3]), float32([2], [4, 0.25])];

  it('rank 4 x=[1,2,1,2] [1,2,3,4] opset 15 → [1,2,-1,0]', async () => {
    const model = bn(15, [float32([1, 2, 1, 2], [1, 2, 3, 4]), ...p], { epsilon: 0 });
    expect((await outputs(model))[0]!.values).toEqual([1, 2, -1, 0]);
    await expectMatchesOnnxruntime(model);
  });

  it('rank 2 (BatchNorm1d on [N,C]) x=[[1,2],[3,4]] opset 9 → [[1,-2],[3,0]]', async () => {
    const model = bn(9, [float32([2, 2], [1, 2, 3, 4]), ...p], { epsilon: 0 });
    expect((await outputs(model))[0]!.values).toEqual([1, -2, 3, 0]);
    await expectMatchesOnnxruntime(model);
  });

  it('rank 3 (BatchNorm1d on [N,C,L]) and rank 5 (BatchNorm3d) use one parameter set per channel', async () => {
    const r3 = await y(14, [float32([1, 2, 3], [1, 2, 3, 4, 5, 6]), ...p], { epsilon: 0 });
    expect(r3.values).toEqual([1, 2, 3, 0, 1, 2]);
    const r5 = await y(14, [float32([1, 2, 1, 1, 2], [5, 6, 7, 8]), ...p], { epsilon: 0 });
    expect(r5.values).toEqual([5, 6, 3, 4]);
  });

  it('default epsilon 1e-5 enters under the square root: channel 0 of x=3 → 1 + 2·2/√(4 + 1e-5)', async () => {
    const r = await y(15, [float32([1, 2, 1, 1], [3, 3]), ...p]);
    expectClose(r.values, [1 + (2 * 2) / Math.sqrt(4 + 1e-5), -1 + (0 * 0.5) / Math.sqrt(0.25 + 1e-5)], 1e-6);
  });

  it('rank 1 at opset 9 (ONNX: "C is assumed to be 1"): x=[1,2,3] scale 2 B 1 mean 1 var 3', async () => {
    const model = bn(9, [float32([3], [1, 2, 3]), float32([1], [2]), float32([1], [1]), float32([1], [1]), float32([1], [3])]);
    const expected = [1, 2, 3].map((v) => ((v - 1) / Math.sqrt(3 + 1e-5)) * 2 + 1);
    expectClose((await outputs(model))[0]!.values, expected, 1e-6);
    await expectMatchesOnnxruntime(model);
  });

  it('spatial=0 at opset 7: one parameter per feature [C, L]', async () => {
    // x = [[1,2],[3,4]] (C=2, L=2), scale = [[1,2],[3,4]], mean 1, var 1, B 0 → (x - 1)·scale = [0,2,6,12].
    const model = bn(7, [float32([1, 2, 2], [1, 2, 3, 4]), float32([2, 2], [1, 2, 3, 4]), float32([2, 2], [0, 0, 0, 0]), float32([2, 2], [1, 1, 1, 1]), float32([2, 2], [1, 1, 1, 1])], {
      spatial: 0,
      epsilon: 0,
    });
    expect((await outputs(model))[0]!.values).toEqual([0, 2, 6, 12]);
    await expectMatchesOnnxruntime(model);
  });

  it('BatchNormalization-1 (consumed_inputs, is_test=1) and -6 (is_test=1): onnxruntime has no kernel', async () => {
    const x = float32([1, 2, 1, 2], [1, 2, 3, 4]);
    expect((await y(1, [x, ...p], { consumed_inputs: [0, 0, 0, 1, 1], is_test: 1, epsilon: 0 })).values).toEqual([1, 2, -1, 0]);
    expect((await y(6, [x, ...p], { is_test: 1, epsilon: 0 })).values).toEqual([1, 2, -1, 0]);
    // spatial=0 in version 6: per-feature parameters [C, L] as version 7 spells out.
    const perFeature = [float32([2, 2], [1, 1, 1, 1]), float32([2, 2], [0, 1, 2, 3]), float32([2, 2], [0, 0, 0, 0]), float32([2, 2], [1, 1, 1, 1])];
    expect((await y(6, [float32([1, 2, 2], [1, 2, 3, 4]), ...perFeature], { is_test: 1, spatial: 0, epsilon: 0 })).values).toEqual([1, 3, 5, 7]);
  });
});

describe('BatchNormalization vs onnxruntime, every opset form', () => {
  const cases: { title: string; opset: number; x: number[]; attrs?: Record<string, number>; paramDims?: number[] }[] = [
    { title: 'opset 7 rank 4 epsilon=1e-3 momentum=0.8', opset: 7, x: [2, 3, 4, 5], attrs: { epsilon: 1e-3, momentum: 0.8 } },
    { title: 'opset 7 spatial=0 rank 4 params [C,H,W]', opset: 7, x: [2, 3, 2, 4], attrs: { spatial: 0 }, paramDims: [3, 2, 4] },
    { title: 'opset 9 rank 2 [N,C]', opset: 9, x: [5, 4] },
    { title: 'opset 9 rank 3 [N,C,L]', opset: 9, x: [2, 4, 7] },
    { title: 'opset 14 rank 5 [N,C,D,H,W] training_mode=0', opset: 14, x: [2, 3, 2, 3, 4], attrs: { training_mode: 0 } },
    { title: 'opset 15 rank 4', opset: 15, x: [3, 2, 5, 5], attrs: { epsilon: 0.01 } },
    { title: 'opset 22 resolves to the opset-15 form, rank 1', opset: 22, x: [6] },
  ];
  for (const c of cases) {
    it(c.title, async () => {
      const channels = c.x.length >= 2 ? c.x[1]! : 1;
      const model = bn(c.opset, [randomTensor(c.x, c.opset), ...params(channels, c.opset + 10, 'float32', c.paramDims ?? [channels])], c.attrs ?? {});
      await expectMatchesOnnxruntime(model);
    });
  }

  it('float64 and float16 at opset 15', async () => {
    await expectMatchesOnnxruntime(bn(15, [randomTensor([2, 3, 4], 1, 'float64'), ...params(3, 2, 'float64')]));
    await expectMatchesOnnxruntime(bn(15, [randomTensor([2, 3, 4], 3, 'float16'), ...params(3, 4, 'float16')]), { kind: 'allclose', name: 'half', rtol: 1e-3, atol: 1e-3 });
  });

  it('mixed types: opset 14 float16 X with float32 statistics (U), opset 15 float16 X, float32 scale/B (T1), float64 statistics (T2)', async () => {
    // onnxruntime registers only matching types, so the result is checked against the all-float32 computation.
    const x16 = randomTensor([2, 3, 4], 5, 'float16');
    const x32 = tensor('float32', [2, 3, 4], Float32Array.from(x16.data));
    const p32 = params(3, 6);
    const reference = await y(15, [x32, ...p32]);
    const [s, b, m, v] = p32;
    const asType = (t: Tensor, dtype: DType) => tensor(dtype, t.dims, Array.from(t.data));
    const u = await y(14, [x16, asType(s!, 'float16'), asType(b!, 'float16'), m!, v!]);
    expect(u.dtype).toBe('float16');
    expectClose(u.values, reference.values, 2e-3);
    const t = await y(15, [x16, s!, b!, asType(m!, 'float64'), asType(v!, 'float64')]);
    expect(t.dtype).toBe('float16');
    // Half rounding of the output only: scale and B are exact float32 here, statistics the same values in float64.
    reference.values.forEach((r, k) => expect(Math.abs(t.values[k]! - r)).toBeLessThanOrEqual(Math.abs(r) * 2 ** -11 + 2 ** -24));
  });
});

describe('BatchNormalization training mode is refused (torchparity checks inference)', () => {
  const inputs = () => [randomTensor([2, 3, 4], 1), ...params(3, 2)];

  it('training_mode=1 (opset 15) → bad_attribute training_mode, explaining inference-only', async () => {
    const error = await expectLoadFailure(() => bn(15, inputs(), { training_mode: 1 }, 3), 'bad_attribute', 'training_mode');
    expect(error.message).toMatch(/training mode/);
    expect(error.hint).toMatch(/inference/);
    expect(error.hint).toMatch(/model\.eval\(\)/);
  });

  it('is_test=0, the default of versions 1 and 6 → bad_attribute is_test', async () => {
    await expectLoadFailure(() => bn(6, inputs()), 'bad_attribute', 'is_test');
    await expectLoadFailure(() => bn(1, inputs(), { consumed_inputs: [0, 0, 0, 1, 1], is_test: 0 }), 'bad_attribute', 'is_test');
  });

  it('five outputs before opset 14 mean training mode → unsupported_op when run', async () => {
    const error = await expectRunFailure(bn(9, inputs(), {}, 5), 'unsupported_op');
    expect(error.message).toMatch(/training mode/);
  });

  it('five listed outputs of which only Y is read still mean training mode (opset 7)', async () => {
    const model = buildModel({
      opset: 7,
      nodes: [{ opType: 'BatchNormalization', inputs: ['x', 's', 'b', 'm', 'v'], outputs: ['y', 'rm', 'rv', 'sm', 'sv'] }],
      inputs: Object.fromEntries(['x', 's', 'b', 'm', 'v'].map((name, k) => [name, inputs()[k]!])),
      outputs: ['y'],
    });
    await expectRunFailure(model, 'unsupported_op');
  });

  it('running_mean / running_var listed with training_mode=0 (opset 15) → invalid_graph when run', async () => {
    await expectRunFailure(bn(15, inputs(), {}, 3), 'invalid_graph');
  });
});

describe('BatchNormalization errors', () => {
  const x = randomTensor([2, 3, 4], 1);
  it('consumed_inputs missing at opset 1 (required there) → bad_attribute', async () => {
    await expectLoadFailure(() => bn(1, [x, ...params(3, 2)], { is_test: 1 }), 'bad_attribute', 'consumed_inputs');
  });
  it('spatial=2 → bad_attribute; spatial at opset 9 and is_test at opset 7 are not attributes there', async () => {
    await expectLoadFailure(() => bn(7, [x, ...params(3, 2)], { spatial: 2 }), 'bad_attribute', 'spatial');
    await expectLoadFailure(() => bn(9, [x, ...params(3, 2)], { spatial: 1 }), 'bad_attribute', 'spatial');
    await expectLoadFailure(() => bn(7, [x, ...params(3, 2)], { is_test: 1 }), 'bad_attribute', 'is_test');
  });
  it('a parameter with the wrong channel count → shape; spatial=0 with per-channel parameters → shape', async () => {
    await expectLoadFailure(() => bn(15, [x, ...params(4, 2)]), 'shape');
    await expectLoadFailure(() => bn(7, [x, ...params(3, 2)], { spatial: 0 }), 'shape');
  });
  it("symbolic channels x=['N','C',4]: a feed whose C disagrees with the parameters fails at run time with shape", async () => {
    const [s, b, m, v] = params(3, 2);
    const model = buildModel({
      opset: 15,
      nodes: [{ opType: 'BatchNormalization', inputs: ['x', 's', 'b', 'm', 'v'], outputs: ['y'] }],
      inputs: { x: randomTensor([2, 2, 4], 1) },
      initializers: { s: s!, b: b!, m: m!, v: v! },
      inputDims: { x: ['N', 'C', 4] },
      outputs: ['y'],
    });
    await expectRunFailure(model, 'shape');
  });
  it('rank-1 input before opset 9 → shape; integer input → type error', async () => {
    await expectLoadFailure(() => bn(7, [randomTensor([3], 1), ...params(1, 2)]), 'shape');
    await expectLoadFailure(() => bn(15, [tensor('int32', [1, 1, 2], [1, 2]), ...params(1, 2)]), 'shape');
  });
});
