import { describe, expect, it } from 'vitest';
import type { DType } from '../../../src/tensor.js';
import { againstOrt, againstOrtInFloat32, expectClose, expectOpFailure, f32, ours, randomOf, t, values, type Attributes } from '../elementwise/helpers.js';


describe('pointwise activations, hand-checked', () => {
  it('Relu [−1, 0, 2, NaN, −inf] = [0, 0, 2, NaN, 0]: NaN propagates as torch.relu', async () => {
    const y = await againstOrt({ opType: 'Relu', opset: 14, inputs: [f32([5], [-1, 0, 2, NaN, -Infinity])] });
    expect(values(y)).toEqual([0, 0, 2, NaN, 0]);
  });

  it('Relu-14 on int8/int32/int64 clamps negatives to 0', async () => {
    for (const dtype of ['int8', 'int32', 'int64'] as DType[]) {
      expect(values(await ours({ opType: 'Relu', opset: 14, inputs: [t(dtype, [3], [-5, 0, 7])] }))).toEqual([0, 0, 7]);
    }
  });

  it('LeakyRelu alpha=0.1 [−2, 3] = [−0.2, 3]; default alpha is 0.01f: −100 → −0.99999998 → −1 in float32', async () => {
    expectClose(values(await againstOrt({ opType: 'LeakyRelu', opset: 16, inputs: [f32([2], [-2, 3])], attributes: { alpha: 0.1 } })), [-0.2, 3]);
    expect(values(await againstOrt({ opType: 'LeakyRelu', opset: 16, inputs: [f32([1], [-100])] }))).toEqual([Math.fround(Math.fround(0.01) * -100)]);
  });

  it('Elu alpha=2 [−1, 0, 1] = [2(e⁻¹ − 1), 0, 1] = [−1.2642411, 0, 1]', async () => {
    const y = await againstOrt({ opType: 'Elu', opset: 22, inputs: [f32([3], [-1, 0, 1])], attributes: { alpha: 2 } });
    expectClose(values(y), [2 * (Math.exp(-1) - 1), 0, 1]);
  });

  it('Selu defaults [−1, 2] = [γα(e⁻¹ − 1), 2γ] = [−1.1113307, 2.1014020]', async () => {
    const y = await againstOrt({ opType: 'Selu', opset: 22, inputs: [f32([2], [-1, 2])] });
    expectClose(values(y), [1.0507009873554805 * 1.6732632423543772 * (Math.exp(-1) - 1), 2 * 1.0507009873554805]);
  });

  it('Selu-1 has the shorter opset-1 defaults α = 1.6732f, γ = 1.0507f (no onnxruntime kernel)', async () => {
    // −1 → 1.0507 · 1.6732 · (e⁻¹ − 1) = −1.1112891, which differs from opset 6's −1.1113307 in the 5th digit.
    const y = await ours({ opType: 'Selu', opset: 1, inputs: [f32([2], [-1, 2])] });
    expectClose(values(y), [Math.fround(1.0507) * Math.fround(1.6732) * (Math.exp(-1) - 1), 2 * Math.fround(1.0507)]);
  });

  it('Celu alpha=2 [−1, 0, 3] = [2(e^(−1/2) − 1), 0, 3] = [−0.7869387, 0, 3]', async () => {
    const y = await againstOrt({ opType: 'Celu', opset: 12, inputs: [f32([3], [-1, 0, 3])], attributes: { alpha: 2 } });
    expectClose(values(y), [2 * (Math.exp(-0.5) - 1), 0, 3]);
  });

  it('Sigmoid [0, ±1000, NaN] = [0.5, 1, 0, NaN] without overflow', async () => {
    expect(values(await againstOrt({ opType: 'Sigmoid', opset: 13, inputs: [f32([4], [0, 1000, -1000, NaN])] }))).toEqual([0.5, 1, 0, NaN]);
    // Deep in the tail the stable form keeps relative accuracy: σ(−80) = e⁻⁸⁰ / (1 + e⁻⁸⁰).
    expectClose(values(await ours({ opType: 'Sigmoid', opset: 13, inputs: [f32([1], [-80])] })), [Math.exp(-80)], 1e-6, 0);
  });

  it('HardSigmoid alpha=0.5 beta=0.6 [−2, −1, 0, 1] = [0, 0.1, 0.6, 1]', async () => {
    const y = await againstOrt({ opType: 'HardSigmoid', opset: 22, inputs: [f32([4], [-2, -1, 0, 1])], attributes: { alpha: 0.5, beta: 0.6 } });
    expectClose(values(y), [0, 0.1, 0.6, 1]);
  });

  it('HardSwish [−4, −1, 0, 1, 4] = [0, −1/3, 0, 2/3, 4]; −inf gives NaN (−inf · 0) as in PyTorch', async () => {
    const y = await againstOrt({ opType: 'HardSwish', opset: 22, inputs: [f32([6], [-4, -1, 0, 1, 4, -Infinity])] });
    expectClose(values(y), [0, -1 / 3, 0, 2 / 3, 4, NaN]);
  });

  it('Tanh [0, 0.5, ±1e4] = [0, 0.4621172, ±1]', async () => {
    expectClose(values(await againstOrt({ opType: 'Tanh', opset: 13, inputs: [f32([4], [0, 0.5, 1e4, -1e4])] })), [0, Math.tanh(0.5), 1, -1]);
  });

  it('Softplus [0, 1, 100, 1000, −100] = [ln 2, ln(1 + e), 100, 1000, e⁻¹⁰⁰]: above 20 it is x, as torch', async () => {
    // ONNX's text log(exp(x) + 1) overflows to inf at 1000 in float32; PyTorch (threshold 20) and onnxruntime give x.
    const y = await againstOrt({ opType: 'Softplus', opset: 22, inputs: [f32([5], [0, 1, 100, 1000, -100])] });
    expectClose(values(y), [Math.LN2, Math.log1p(Math.E), 100, 1000, Math.exp(-100)]);
  });

  it('Softsign [−3, 0, 1] = [−0.75, 0, 0.5]', async () => {
    expect(values(await againstOrt({ opType: 'Softsign', opset: 22, inputs: [f32([3], [-3, 0, 1])] }))).toEqual([-0.75, 0, 0.5]);
  });

  it('Gelu [−1, 0, 1]: none = xΦ(x) = [−0.1586553, 0, 0.8413447]; tanh = [−0.1588080, 0, 0.8411920]', async () => {
    const x = f32([3], [-1, 0, 1]);
    expectClose(values(await againstOrt({ opType: 'Gelu', opset: 20, inputs: [x] })), [-0.15865525393145707, 0, 0.8413447460685429]);
    const inner = Math.sqrt(2 / Math.PI) * (1 + 0.044715);
    const tanhForm = [-0.5 * (1 - Math.tanh(inner)), 0, 0.5 * (1 + Math.tanh(inner))];
    expectClose(values(await againstOrt({ opType: 'Gelu', opset: 20, inputs: [x], attributes: { approximate: 'tanh' } })), tanhForm);
  });

  it('Mish [−1, 0, 1] = x·tanh(ln(1 + eˣ)) = [−0.3034014, 0, 0.8650984]; 1000 → 1000', async () => {
    const mish = (v: number) => v * Math.tanh(Math.log1p(Math.exp(v)));
    expectClose(values(await againstOrt({ opType: 'Mish', opset: 22, inputs: [f32([4], [-1, 0, 1, 1000])] })), [mish(-1), 0, mish(1), 1000]);
  });

  it('NaN propagates through every activation', async () => {
    const nan = f32([1], [NaN]);
    for (const [opType, opset] of [
      ['LeakyRelu', 16],
      ['Elu', 22],
      ['Selu', 22],
      ['Celu', 12],
      ['HardSigmoid', 22],
      ['HardSwish', 22],
      ['Tanh', 13],
      ['Softplus', 22],
      ['Softsign', 22],
      ['Gelu', 20],
      ['Mish', 22],
    ] as const) {
      expect(values(await ours({ opType, opset, inputs: [nan] })), opType).toEqual([NaN]);
    }
  });

  it('errors: Celu alpha=0 → bad_attribute (PyTorch refuses it); Gelu approximate=erf → bad_attribute; Relu-13 on int32 → shape; LeakyRelu on int32 → shape', async () => {
    await expectOpFailure({ opType: 'Celu', opset: 12, inputs: [f32([1], [1])], attributes: { alpha: 0 } }, 'bad_attribute', /divides/);
    await expectOpFailure({ opType: 'Gelu', opset: 20, inputs: [f32([1], [1])], attributes: { approximate: 'erf' } }, 'bad_attribute', /one of/);
    await expectOpFailure({ opType: 'Relu', opset: 13, inputs: [t('int32', [1], [1])] }, 'shape', /accepts/);
    await expectOpFailure({ opType: 'LeakyRelu', opset: 16, inputs: [t('int32', [1], [1])] }, 'shape', /accepts/);
    await expectOpFailure({ opType: 'Celu', opset: 12, inputs: [t('float64', [1], [1])] }, 'shape', /accepts/);
  });
});

interface ActivationCase {
  op: string;
  versions: number[];
  attributes: Attributes[];
  /** Input scale: wide enough to reach each branch and the saturated regions. */
  scale?: number;
}

const CASES: ActivationCase[] = [
  { op: 'Relu', versions: [6, 13, 14], attributes: [{}] },
  { op: 'LeakyRelu', versions: [6, 16], attributes: [{}, { alpha: 0.2 }, { alpha: -1.5 }] },
  { op: 'Elu', versions: [6, 22], attributes: [{}, { alpha: 0.5 }] },
  { op: 'Selu', versions: [6, 22], attributes: [{}, { alpha: 2, gamma: 3 }] },
  { op: 'Celu', versions: [12], attributes: [{}, { alpha: 2.5 }, { alpha: -0.5 }] },
  { op: 'Sigmoid', versions: [6, 13], attributes: [{}], scale: 30 },
  { op: 'HardSigmoid', versions: [6, 22], attributes: [{}, { alpha: 0.5, beta: 0.6 }, { alpha: 1 / 6, beta: 0.5 }] },
  { op: 'HardSwish', versions: [14, 22], attributes: [{}] },
  { op: 'Tanh', versions: [6, 13], attributes: [{}] },
  { op: 'Softplus', versions: [1, 22], attributes: [{}], scale: 40 },
  { op: 'Softsign', versions: [1, 22], attributes: [{}] },
  { op: 'Gelu', versions: [20], attributes: [{}, { approximate: 'none' }, { approximate: 'tanh' }] },
  { op: 'Mish', versions: [18, 22], attributes: [{}], scale: 30 },
];

describe('pointwise activations vs onnxruntime', () => {
  for (const c of CASES) {
    for (const opset of c.versions) {
      for (const attributes of c.attributes) {
        it(`${c.op}-${opset} float32 ${JSON.stringify(attributes)} [3,4,5] in ±${c.scale ?? 6}`, async () => {
          await againstOrt({ opType: c.op, opset, inputs: [randomOf('float32', [3, 4, 5], 17, { scale: c.scale ?? 6 })], attributes });
        });
        // onnxruntime lacks most float64 activation kernels (and some float16 ones): same values, float32 oracle.
        if (c.op === 'Celu') continue;
        for (const dtype of ['float64', 'float16'] as DType[]) {
          it(`${c.op}-${opset} ${dtype} ${JSON.stringify(attributes)} [3,4,5] against the float32 oracle`, async () => {
            const x = randomOf('float32', [3, 4, 5], 18, { scale: c.scale ?? 6 });
            await againstOrtInFloat32({ opType: c.op, opset, inputs: [x], attributes }, dtype);
          });
        }
      }
    }
  }

  it('Relu-14 int8/int16/int32/int64 over the whole range', async () => {
    for (const dtype of ['int8', 'int16', 'int32', 'int64'] as DType[]) {
      const x = randomOf(dtype, [30], 5);
      const y = await ours({ opType: 'Relu', opset: 14, inputs: [x] });
      expect(values(y), dtype).toEqual(values(x).map((v) => Math.max(v, 0)));
      // onnxruntime has Relu kernels for int8 and int32 only.
      if (dtype === 'int8' || dtype === 'int32') await againstOrt({ opType: 'Relu', opset: 14, inputs: [x] });
    }
  });

  it('opset 1 forms (consumed_inputs, no onnxruntime kernels) equal the opset 6 results', async () => {
    const x = randomOf('float32', [4, 5], 3, { scale: 5 });
    for (const [op, attributes] of [
      ['Relu', {}],
      ['LeakyRelu', { alpha: 0.3 }],
      ['Elu', { alpha: 1.5 }],
      ['Selu', { alpha: 1.5, gamma: 2 }],
      ['Sigmoid', {}],
      ['HardSigmoid', { alpha: 0.3, beta: 0.4 }],
      ['Tanh', {}],
    ] as const) {
      const old = await ours({ opType: op, opset: 1, inputs: [x], attributes: { ...attributes, consumed_inputs: [0] } });
      const reference = await againstOrt({ opType: op, opset: 6, inputs: [x], attributes });
      expect(values(old), op).toEqual(values(reference));
    }
  });

  it('Celu-28 takes float16 and float64 (float32 only at opset 12); onnxruntime stops at opset 26, so compared with Celu-12 float32', async () => {
    const x = randomOf('float32', [20], 9, { scale: 4 });
    const reference = values(await againstOrt({ opType: 'Celu', opset: 12, inputs: [x], attributes: { alpha: 1.5 } }));
    const y64 = await ours({ opType: 'Celu', opset: 28, inputs: [t('float64', [20], values(x))], attributes: { alpha: 1.5 } });
    expectClose(values(y64), reference, 1e-6, 1e-7);
    const y16 = await ours({ opType: 'Celu', opset: 28, inputs: [t('float16', [20], values(x))], attributes: { alpha: 1.5 } });
    expectClose(values(y16), reference, 2e-3, 2e-3);
  });
});
