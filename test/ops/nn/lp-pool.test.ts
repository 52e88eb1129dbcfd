import { describe, expect, it } from 'vitest';
import { float32, type Tensor } from '../../../src/tensor.js';
import { expectMatchesOnnxruntime } from '../../helpers/differential.js';
import { expectClose, expectLoadFailure, iota, outputs, randomTensor, single } from './pool-norm-helpers.js';

const lpPool = (opset: number, x: Tensor, attributes: Parameters<typeof single>[3]) => single('LpPool', opset, [x], attributes);
const values = async (opset: number, x: Tensor, attributes: Parameters<typeof single>[3]) => (await outputs(lpPool(opset, x, attributes)))[0]!;

// LpPool has no PyTorch counterpart the exporters emit (F.lp_pool* traces into pow, avg_pool and sign/relu), so the
// ONNX definition (Σ|x|^p)^(1/p) is the reference.
describe('LpPool, hand-checked', () => {
  it('p=2 k=2 over [3,4] and [-6,8] → [5,10] (absolute values, sqrt of the sum of squares)', async () => {
    const model = lpPool(11, float32([1, 2, 2], [3, 4, -6, 8]), { kernel_shape: [2], p: 2 });
    expect((await outputs(model))[0]!.values).toEqual([5, 10]);
    await expectMatchesOnnxruntime(model);
  });

  it('p=3 over [-2,1] → 9^(1/3) = 2.080084 (|x|, not x: -8 + 1 would be negative)', async () => {
    const model = lpPool(18, float32([1, 1, 2], [-2, 1]), { kernel_shape: [2], p: 3 });
    expectClose((await outputs(model))[0]!.values, [Math.cbrt(9)]);
    await expectMatchesOnnxruntime(model);
  });

  it('p=1 pads=1 k=2 s=2 on [1,1,4] [1,-2,3,-4] → [1,5,4]: padding adds nothing', async () => {
    // Windows [p,1] [-2,3] [-4,p] → |1|, |-2|+|3|, |-4|.
    const model = lpPool(11, float32([1, 1, 4], [1, -2, 3, -4]), { kernel_shape: [2], strides: [2], pads: [1, 1], p: 1 });
    expect((await outputs(model))[0]!.values).toEqual([1, 5, 4]);
    await expectMatchesOnnxruntime(model);
  });

  it('LpPool-1 float p=2.5 over [1,2] → (1 + 2^2.5)^(1/2.5) = 2.134556 (onnxruntime has no LpPool-1)', async () => {
    const y = await values(1, float32([1, 1, 2], [1, 2]), { kernel_shape: [2], p: 2.5 });
    expectClose(y.values, [(1 + 2 ** 2.5) ** 0.4]);
    expect(y.values[0]).toBeCloseTo(2.134556, 5);
  });

  it('LpPool-1 default p is 2.0: [1,1,4,4] k=2 s=2 first window √(1+4+25+36) = √66', async () => {
    const y = await values(1, iota([1, 1, 4, 4]), { kernel_shape: [2, 2], strides: [2, 2] });
    expectClose(y.values, [Math.sqrt(66), Math.sqrt(9 + 16 + 49 + 64), Math.sqrt(81 + 100 + 169 + 196), Math.sqrt(121 + 144 + 225 + 256)]);
  });

  it('LpPool-18 ceil_mode + dilations: 1-D [1..6] k=2 d=2 s=2 ceil p=2 → [√10, √34, 5]', async () => {
    // Effective kernel 3: (6 - 3)/2 = 1.5 → ceil 2, +1 = 3 windows at 0, 2, 4 (4 < 6 keeps the last). Taps {1,3} → √10,
    // {3,5} → √34, {5, past the input} → √25 = 5.
    const model = lpPool(18, float32([1, 1, 6], [1, 2, 3, 4, 5, 6]), { kernel_shape: [2], dilations: [2], strides: [2], ceil_mode: 1, p: 2 });
    const [y] = await outputs(model);
    expect(y!.dims).toEqual([1, 1, 3]);
    expectClose(y!.values, [Math.sqrt(10), Math.sqrt(34), 5]);
    await expectMatchesOnnxruntime(model);
  });
});

describe('LpPool vs onnxruntime, every opset form', () => {
  const cases: { title: string; opset: number; x: number[]; attrs: Record<string, number[] | number | string> }[] = [
    { title: 'opset 2: p=3 k=[2,3] s=[1,2] pads=[1,0,0,1]', opset: 2, x: [1, 2, 6, 7], attrs: { kernel_shape: [2, 3], strides: [1, 2], pads: [1, 0, 0, 1], p: 3 } },
    { title: 'opset 2: SAME_UPPER k=3 s=2 default p', opset: 2, x: [2, 1, 7, 6], attrs: { kernel_shape: [3, 3], strides: [2, 2], auto_pad: 'SAME_UPPER' } },
    { title: 'opset 11: SAME_LOWER k=2 p=4 1-D', opset: 11, x: [1, 3, 9], attrs: { kernel_shape: [2], auto_pad: 'SAME_LOWER', p: 4 } },
    { title: 'opset 11: VALID 3-D k=2 p=1', opset: 11, x: [1, 2, 4, 5, 3], attrs: { kernel_shape: [2, 2, 2], auto_pad: 'VALID', p: 1 } },
    { title: 'opset 18: ceil_mode dilations=[1,2] pads=1 s=2 p=2', opset: 18, x: [1, 2, 7, 8], attrs: { kernel_shape: [2, 2], dilations: [1, 2], pads: [1, 1, 1, 1], strides: [2, 2], ceil_mode: 1 } },
    { title: 'opset 22 resolves to the opset-18 form: 3-D ceil s=2 p=3', opset: 22, x: [1, 1, 5, 5, 5], attrs: { kernel_shape: [2, 2, 2], strides: [2, 2, 2], ceil_mode: 1, p: 3 } },
  ];
  for (const c of cases) {
    it(c.title, async () => {
      await expectMatchesOnnxruntime(lpPool(c.opset, randomTensor(c.x, c.x.length + 11 * c.opset), c.attrs), { kind: 'allclose', name: 'pow chain', rtol: 1e-5, atol: 1e-6 });
    });
  }
});

describe('LpPool errors', () => {
  const x = randomTensor([1, 1, 4, 4], 1);
  it('LpPool-1 without kernel_shape → bad_attribute kernel_shape (optional in ONNX, but without a default)', async () => {
    const error = await expectLoadFailure(() => lpPool(1, x, {}), 'bad_attribute', 'kernel_shape');
    expect(error.hint).toMatch(/LpPool-1/);
  });
  it('p=0 at opset 11 → bad_attribute p; p=-1.5 at opset 1 → bad_attribute p', async () => {
    await expectLoadFailure(() => lpPool(11, x, { kernel_shape: [2, 2], p: 0 }), 'bad_attribute', 'p');
    await expectLoadFailure(() => lpPool(1, x, { kernel_shape: [2, 2], p: -1.5 }), 'bad_attribute', 'p');
  });
  it('ceil_mode at opset 11 → bad_attribute; kernel_shape required from opset 2', async () => {
    await expectLoadFailure(() => lpPool(11, x, { kernel_shape: [2, 2], ceil_mode: 1 }), 'bad_attribute', 'ceil_mode');
    await expectLoadFailure(() => lpPool(2, x, { p: 2 }), 'bad_attribute', 'kernel_shape');
  });
});
