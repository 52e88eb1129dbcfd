import { describe, expect, it } from 'vitest';
import type { DType } from '../../../src/tensor.js';
import { againstOrt, expectOpFailure, f32, ours, randomOf, t, values } from './helpers.js';

describe('Pow, hand-checked', () => {
  it('float32 [2,1.5,4,−8]^[10,2,0.5,1/3] = [1024, 2.25, 2, NaN]', async () => {
    // (−8)^(1/3) is NaN for a real pow, as in C and PyTorch.
    const y = await againstOrt({ opType: 'Pow', opset: 15, inputs: [f32([4], [2, 1.5, 4, -8]), f32([4], [10, 2, 0.5, 1 / 3])] });
    expect(values(y)).toEqual([1024, 2.25, 2, NaN]);
  });

  it('C pow special cases: 1^NaN = 1, 1^inf = 1, (−1)^inf = 1, NaN^0 = 1 (JavaScript Math.pow gives NaN for the first three)', async () => {
    const y = await againstOrt({ opType: 'Pow', opset: 15, inputs: [f32([4], [1, 1, -1, NaN]), f32([4], [NaN, Infinity, -Infinity, 0])] });
    expect(values(y)).toEqual([1, 1, 1, 1]);
  });

  it('int32^int32 by repeated squaring wraps: 3^4 = 81, 2^31 → −2^31, 3^21 = 10460353203 → 1870418611', async () => {
    // 10460353203 − 2·2^32 = 1870418611. PyTorch's powi multiplies in int32; onnxruntime goes through double and
    // casts, whose overflow is undefined, so the wrapped cases are checked by hand.
    const y = await ours({ opType: 'Pow', opset: 15, inputs: [t('int32', [3], [3, 2, 3]), t('int32', [3], [4, 31, 21])] });
    expect(values(y)).toEqual([81, -(2 ** 31), 1870418611]);
  });

  it('integer negative exponents as PyTorch powi: 2^−1 = 0, 1^−5 = 1, (−1)^−3 = −1, (−1)^−2 = 1, 0^−1 = 0', async () => {
    // onnxruntime agrees except for 0^−1 (a cast of +inf), so that element is checked here only.
    const y = await ours({ opType: 'Pow', opset: 15, inputs: [t('int64', [5], [2, 1, -1, -1, 0]), t('int64', [5], [-1, -5, -3, -2, -1])] });
    expect(values(y)).toEqual([0, 1, -1, 1, 0]);
    await againstOrt({ opType: 'Pow', opset: 15, inputs: [t('int64', [4], [2, 1, -1, -1]), t('int64', [4], [-1, -5, -3, -2])] });
  });

  it('int32 base with float exponent keeps int32 and truncates: 2^0.5 → 1, 10^−1 → 0, 3^2.5 = 15.58 → 15', async () => {
    const y = await againstOrt({ opType: 'Pow', opset: 15, inputs: [t('int32', [3], [2, 10, 3]), f32([3], [0.5, -1, 2.5])] });
    expect(y.dtype).toBe('int32');
    expect(values(y)).toEqual([1, 0, 15]);
  });

  it('float32 base with int64 exponent: [1.5, −2, 10]^[2, 3, −2] = [2.25, −8, 0.01]', async () => {
    const y = await againstOrt({ opType: 'Pow', opset: 15, inputs: [f32([3], [1.5, -2, 10]), t('int64', [3], [2, 3, -2])] });
    expect(values(y)).toEqual([2.25, -8, Math.fround(0.01)]);
  });

  it('float32 base with the exponent types onnxruntime has no kernel for: int8, uint8, uint32, uint64 (all allowed by Pow-12)', async () => {
    // [2, 0.5, −3] ^ [3, 2, 1] = [8, 0.25, −3] whatever the exponent's integer type; int8 also −2: 2^−2 = 0.25.
    for (const dtype of ['uint8', 'uint32', 'uint64'] as DType[]) {
      const y = await ours({ opType: 'Pow', opset: 15, inputs: [f32([3], [2, 0.5, -3]), t(dtype, [3], [3, 2, 1])] });
      expect(values(y)).toEqual([8, 0.25, -3]);
    }
    const y = await ours({ opType: 'Pow', opset: 12, inputs: [f32([3], [2, 0.5, -3]), t('int8', [3], [-2, 2, 1])] });
    expect(values(y)).toEqual([0.25, 0.25, -3]);
  });

  it('int32 base, float exponent, unrepresentable result: 0^−1 = inf → −2^31 (x86 static_cast, as onnxruntime)', async () => {
    const y = await againstOrt({ opType: 'Pow', opset: 15, inputs: [t('int32', [2], [0, 2]), f32([2], [-1, 40])] });
    expect(values(y)).toEqual([-(2 ** 31), -(2 ** 31)]);
  });

  it('opset 1 broadcast=1 axis=0: X=[2,3] Y=[2] raises row i to Y[i] (onnxruntime has no Pow-1)', async () => {
    const y = await ours({ opType: 'Pow', opset: 1, inputs: [f32([2, 3], [1, 2, 3, 1, 2, 3]), f32([2], [2, 3])], attributes: { broadcast: 1, axis: 0 } });
    expect(values(y)).toEqual([1, 4, 9, 1, 8, 27]);
  });
});

describe('Pow vs onnxruntime', () => {
  const shapes: { title: string; x: number[]; y: number[] }[] = [
    { title: 'same shape [3,4]', x: [3, 4], y: [3, 4] },
    { title: '[2,3] ^ [3]', x: [2, 3], y: [3] },
    { title: '[3] ^ scalar', x: [3], y: [] },
    { title: '[2,1] ^ [1,4]', x: [2, 1], y: [1, 4] },
  ];
  for (const opset of [7, 12, 13, 15]) {
    for (const s of shapes) {
      it(`Pow-${opset} float32 ${s.title} (positive base, signed exponent)`, async () => {
        const x = randomOf('float32', s.x, 1);
        for (let i = 0; i < x.data.length; i++) x.data[i] = Math.abs(x.data[i]!) * 3 + 0.1;
        await againstOrt({ opType: 'Pow', opset, inputs: [x, randomOf('float32', s.y, 2, { scale: 3 })] });
      });
    }
  }
  const combos: [DType, DType][] = [
    ['float32', 'int32'],
    ['float32', 'int64'],
    ['float64', 'float64'],
    ['float64', 'int32'],
    ['float16', 'float16'],
    ['int32', 'int32'],
    ['int64', 'int64'],
    ['int32', 'float32'],
    ['int64', 'float32'],
    ['int32', 'int64'],
  ];
  for (const opset of [12, 15]) {
    for (const [base, exponent] of combos) {
      it(`Pow-${opset} ${base} ^ ${exponent} on [2,3] ^ [3] without overflow`, async () => {
        const x = randomOf(base, [2, 3], 3, { range: [-6, 6], scale: 2 });
        const y = randomOf(exponent, [3], 4, { range: [0, 5], scale: 2 });
        // A fractional exponent needs a positive base (a negative one gives NaN, 0 to a negative power gives inf).
        if (exponent.startsWith('float')) for (let i = 0; i < x.data.length; i++) x.data[i] = Math.abs(x.data[i]!) + 1;
        const tol = base === 'float16' ? { kind: 'allclose' as const, name: 'f16', rtol: 1e-3, atol: 1e-3 } : undefined;
        await againstOrt({ opType: 'Pow', opset, inputs: [x, y] }, tol);
      });
    }
  }

  it('errors: int32 base at opset 7 → shape; int8 base at opset 15 → shape; exponent type differs at opset 7 → shape', async () => {
    await expectOpFailure({ opType: 'Pow', opset: 7, inputs: [t('int32', [1], [2]), t('int32', [1], [2])] }, 'shape', /accepts/);
    await expectOpFailure({ opType: 'Pow', opset: 15, inputs: [t('int8', [1], [2]), t('int8', [1], [2])] }, 'shape', /accepts/);
    await expectOpFailure({ opType: 'Pow', opset: 7, inputs: [f32([1], [2]), t('float64', [1], [2])] }, 'shape', /must match/);
  });
});
