import { describe, expect, it } from 'vitest';
import { float32, type Tensor } from '../../../src/tensor.js';
import { expectMatchesOnnxruntime } from '../../helpers/differential.js';
import { expectClose, expectLoadFailure, outputs, randomTensor, single } from './pool-norm-helpers.js';

const groupNorm = (opset: number, inputs: Tensor[], attributes: Parameters<typeof single>[3]) => single('GroupNormalization', opset, inputs, attributes);
const y = async (opset: number, inputs: Tensor[], attributes: Parameters<typeof single>[3]) => (await outputs(groupNorm(opset, inputs, attributes)))[0]!;

// x = [1,4,2]: channels [1,2] [3,4] [5,6] [7,9]; with 2 groups, group 0 = [1,2,3,4] (mean 2.5, var 1.25) and
// group 1 = [5,6,7,9] (mean 6.75, deviations -1.75,-0.75,0.25,2.25 → var 8.75/4 = 2.1875).
const x = float32([1, 4, 2], [1, 2, 3, 4, 5, 6, 7, 9]);
const e = 1e-5;
const g0 = [1, 2, 3, 4].map((v) => (v - 2.5) / Math.sqrt(1.25 + e));
const g1 = [5, 6, 7, 9].map((v) => (v - 6.75) / Math.sqrt(2.1875 + e));

describe('GroupNormalization, hand-checked', () => {
  it('opset 21 (per channel, as PyTorch): scale [1,2,3,4] bias [0,0,0,1]', async () => {
    const model = groupNorm(21, [x, float32([4], [1, 2, 3, 4]), float32([4], [0, 0, 0, 1])], { num_groups: 2 });
    const expected = [g0[0]!, g0[1]!, 2 * g0[2]!, 2 * g0[3]!, 3 * g1[0]!, 3 * g1[1]!, 4 * g1[2]! + 1, 4 * g1[3]! + 1];
    expectClose((await outputs(model))[0]!.values, expected, 1e-6);
    await expectMatchesOnnxruntime(model);
  });

  it('opset 18 (per group): scale [1,2] bias [0,1]', async () => {
    const model = groupNorm(18, [x, float32([2], [1, 2]), float32([2], [0, 1])], { num_groups: 2 });
    expectClose((await outputs(model))[0]!.values, [...g0, ...g1.map((v) => 2 * v + 1)], 1e-6);
    await expectMatchesOnnxruntime(model);
  });

  it('num_groups = C equals InstanceNormalization; num_groups = 1 equals LayerNormalization over [C, L]', async () => {
    const xs = randomTensor([2, 4, 5], 1, 'float32', 3);
    const scale = randomTensor([4], 2);
    const bias = randomTensor([4], 3);
    const perChannel = await y(21, [xs, scale, bias], { num_groups: 4 });
    const instance = (await outputs(single('InstanceNormalization', 6, [xs, scale, bias])))[0]!;
    expectClose(perChannel.values, instance.values, 1e-6);
    const one = await y(18, [xs, float32([1], [1.5]), float32([1], [-0.5])], { num_groups: 1 });
    const layer = (await outputs(single('LayerNormalization', 17, [xs, float32([4, 5], new Array(20).fill(1.5)), float32([4, 5], new Array(20).fill(-0.5))], { axis: 1 }, 1)))[0]!;
    expectClose(one.values, layer.values, 1e-6);
  });

  it('epsilon=0.5 enters under the square root', async () => {
    const r = await y(21, [float32([1, 2, 1], [0, 2]), float32([2], [1, 1]), float32([2], [0, 0])], { num_groups: 1, epsilon: 0.5 });
    expectClose(r.values, [-1 / Math.sqrt(1.5), 1 / Math.sqrt(1.5)], 1e-6);
  });
});

describe('GroupNormalization vs onnxruntime', () => {
  const cases: { opset: 18 | 21; dims: number[]; groups: number; epsilon?: number }[] = [
    { opset: 21, dims: [2, 6, 5], groups: 3 },
    { opset: 21, dims: [2, 8, 3, 4], groups: 2, epsilon: 1e-3 },
    { opset: 21, dims: [1, 4, 2, 3, 2], groups: 4 },
    { opset: 21, dims: [3, 6], groups: 2 },
    { opset: 18, dims: [2, 6, 4, 4], groups: 3 },
    { opset: 18, dims: [2, 4, 7], groups: 1, epsilon: 0.1 },
  ];
  for (const c of cases) {
    it(`opset ${c.opset} x=[${c.dims.join(',')}] num_groups=${c.groups}${c.epsilon ? ` epsilon=${c.epsilon}` : ''}`, async () => {
      const params = c.opset === 21 ? c.dims[1]! : c.groups;
      const model = groupNorm(c.opset, [randomTensor(c.dims, 1, 'float32', 2), randomTensor([params], 2), randomTensor([params], 3)], { num_groups: c.groups, epsilon: c.epsilon });
      await expectMatchesOnnxruntime(model);
    });
  }
});

describe('GroupNormalization errors', () => {
  it('num_groups that does not divide C → bad_attribute num_groups; missing → bad_attribute', async () => {
    await expectLoadFailure(() => groupNorm(21, [x, randomTensor([4], 1), randomTensor([4], 2)], { num_groups: 3 }), 'bad_attribute', 'num_groups');
    await expectLoadFailure(() => groupNorm(21, [x, randomTensor([4], 1), randomTensor([4], 2)], {}), 'bad_attribute', 'num_groups');
  });
  it('opset 18 with per-channel scale → shape, with a hint about opset 21; opset 21 with per-group scale → shape', async () => {
    const error = await expectLoadFailure(() => groupNorm(18, [x, randomTensor([4], 1), randomTensor([4], 2)], { num_groups: 2 }), 'shape');
    expect(error.hint).toMatch(/opset 21/);
    await expectLoadFailure(() => groupNorm(21, [x, randomTensor([2], 1), randomTensor([2], 2)], { num_groups: 2 }), 'shape');
  });
  it('stash_type at opset 18 → bad_attribute; stash_type=11 at opset 21 → bad_attribute', async () => {
    await expectLoadFailure(() => groupNorm(18, [x, randomTensor([2], 1), randomTensor([2], 2)], { num_groups: 2, stash_type: 1 }), 'bad_attribute', 'stash_type');
    await expectLoadFailure(() => groupNorm(21, [x, randomTensor([4], 1), randomTensor([4], 2)], { num_groups: 2, stash_type: 11 }), 'bad_attribute', 'stash_type');
  });
});
