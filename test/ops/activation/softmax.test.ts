import { describe, expect, it } from 'vitest';
import type { DType } from '../../../src/tensor.js';
import { againstOrt, againstOrtInFloat32, expectClose, expectOpFailure, f32, ours, randomOf, t, values } from '../elementwise/helpers.js';

function softmaxRef(xs: number[]): number[] {
  const m = Math.max(...xs);
  const e = xs.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

describe('Softmax / LogSoftmax, hand-checked', () => {
  it('Softmax [1,2,3] = [0.0900306, 0.2447285, 0.6652410]; LogSoftmax = [−2.4076059, −1.4076059, −0.4076059]', async () => {
    const x = f32([1, 3], [1, 2, 3]);
    expectClose(values(await againstOrt({ opType: 'Softmax', opset: 13, inputs: [x] })), [0.09003057317038046, 0.24472847105479764, 0.6652409557748219]);
    // log Σ e^x = 3 + log(1 + e⁻¹ + e⁻²) = 3.4076059644443806
    expectClose(values(await againstOrt({ opType: 'LogSoftmax', opset: 13, inputs: [x] })), [-2.4076059644443806, -1.4076059644443806, -0.4076059644443806]);
  });

  it('large inputs are stable: Softmax [1000, 1001] = [0.2689414, 0.7310586], LogSoftmax = [−1.3132617, −0.3132617]', async () => {
    const x = f32([2], [1000, 1001]);
    expectClose(values(await againstOrt({ opType: 'Softmax', opset: 13, inputs: [x] })), [0.2689414213699951, 0.7310585786300049]);
    expectClose(values(await againstOrt({ opType: 'LogSoftmax', opset: 13, inputs: [x] })), [-1.3132616875182228, -0.31326168751822286], 1e-6, 1e-6);
  });

  it('−inf entries get 0 (masked attention); an all −inf row is NaN, as in PyTorch', async () => {
    expect(values(await againstOrt({ opType: 'Softmax', opset: 13, inputs: [f32([2, 2], [-Infinity, 0, -Infinity, -Infinity])] }))).toEqual([0, 1, NaN, NaN]);
    expect(values(await againstOrt({ opType: 'LogSoftmax', opset: 13, inputs: [f32([2], [-Infinity, 0])] }))).toEqual([-Infinity, 0]);
  });

  it('a NaN or +inf in a row makes the whole row NaN', async () => {
    const y = await againstOrt({ opType: 'Softmax', opset: 13, inputs: [f32([2, 3], [1, NaN, 2, Infinity, 0, 1])] });
    expect(values(y)).toEqual([NaN, NaN, NaN, NaN, NaN, NaN]);
  });

  it('opset 11 coerces to 2-D: axis=1 on [2,2,2] normalizes blocks of 4; opset 13 axis=1 normalizes pairs', async () => {
    // x[n] = [[0,1],[2,3]] for both n. Opset 11: softmax over all 4 values of each n. Opset 13: over axis 1 only,
    // i.e. pairs (0,2) and (1,3): each is softmax([a, a+2]) = [0.1192029, 0.8807971].
    const x = f32([2, 2, 2], [0, 1, 2, 3, 0, 1, 2, 3]);
    const old = await againstOrt({ opType: 'Softmax', opset: 11, inputs: [x], attributes: { axis: 1 } });
    const block = softmaxRef([0, 1, 2, 3]);
    expectClose(values(old), [...block, ...block]);
    const pair = softmaxRef([0, 2]);
    const now = await againstOrt({ opType: 'Softmax', opset: 13, inputs: [x], attributes: { axis: 1 } });
    expectClose(values(now), [pair[0]!, pair[0]!, pair[1]!, pair[1]!, pair[0]!, pair[0]!, pair[1]!, pair[1]!]);
  });

  it('default axis: 1 before opset 13 (trailing block), −1 from 13', async () => {
    const x = randomOf('float32', [2, 3, 4], 5);
    const a = await ours({ opType: 'Softmax', opset: 11, inputs: [x] });
    const b = await ours({ opType: 'Softmax', opset: 11, inputs: [x], attributes: { axis: 1 } });
    expect(values(a)).toEqual(values(b));
    const c = await ours({ opType: 'LogSoftmax', opset: 13, inputs: [x] });
    const d = await ours({ opType: 'LogSoftmax', opset: 13, inputs: [x], attributes: { axis: 2 } });
    expect(values(c)).toEqual(values(d));
  });

  it('errors: axis=3 on rank 3 → bad_attribute; axis=−4 → bad_attribute; int32 → shape', async () => {
    const x = randomOf('float32', [2, 3, 4], 1);
    await expectOpFailure({ opType: 'Softmax', opset: 13, inputs: [x], attributes: { axis: 3 } }, 'bad_attribute', /out of range/);
    await expectOpFailure({ opType: 'LogSoftmax', opset: 11, inputs: [x], attributes: { axis: -4 } }, 'bad_attribute', /out of range/);
    await expectOpFailure({ opType: 'Softmax', opset: 13, inputs: [t('int32', [2], [1, 2])] }, 'shape', /accepts/);
  });
});

describe('Softmax / LogSoftmax vs onnxruntime', () => {
  for (const opType of ['Softmax', 'LogSoftmax']) {
    for (const opset of [1, 11, 13]) {
      const axes = opset === 1 ? [undefined, 0, 1, 2, 3] : [undefined, 0, 1, 2, 3, -1, -2, -4];
      for (const axis of axes) {
        it(`${opType}-${opset} float32 [2,3,4,5] axis=${axis ?? 'default'}`, async () => {
          await againstOrt({ opType, opset, inputs: [randomOf('float32', [2, 3, 4, 5], 3, { scale: 8 })], attributes: { axis } });
        });
      }
    }
    for (const opset of [11, 13]) {
      for (const dtype of ['float64', 'float16'] as DType[]) {
        it(`${opType}-${opset} ${dtype} [3,7] axis=1`, async () => {
          const tol = dtype === 'float16' ? { kind: 'allclose' as const, name: 'f16', rtol: 2e-3, atol: 2e-3 } : undefined;
          await againstOrt({ opType, opset, inputs: [randomOf(dtype, [3, 7], 4, { scale: 5 })], attributes: { axis: 1 } }, tol);
        });
      }
    }
    it(`${opType}-1 float64 agrees with the float32 oracle (onnxruntime has no float64 kernel before 11)`, async () => {
      await againstOrtInFloat32({ opType, opset: 1, inputs: [randomOf('float32', [3, 7], 4, { scale: 5 })] }, 'float64');
    });
    it(`${opType}-13 over a long axis of 10000 (double accumulation)`, async () => {
      await againstOrt({ opType, opset: 13, inputs: [randomOf('float32', [2, 10000], 9, { scale: 10 })] }, { kind: 'allclose', name: 'long', rtol: 1e-5, atol: 1e-8 });
    });
  }
});
