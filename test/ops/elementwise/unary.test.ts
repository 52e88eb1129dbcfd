import { describe, expect, it } from 'vitest';
import { erf } from '../../../src/kernels/elementwise.js';
import type { DType } from '../../../src/tensor.js';
import { againstOrt, expectClose, expectOpFailure, f32, ours, randomOf, t, values } from './helpers.js';

describe('erf kernel', () => {
  it('matches double-precision references within 4 ulp, across the series / continued-fraction switch at 2.5', () => {
    // Reference values: CPython's math.erf (correctly rounded to ~1 ulp).
    const refs: [number, number][] = [
      [-3, -0.9999779095030014],
      [-0.1, -0.1124629160182849],
      [0.5, 0.5204998778130465],
      [1, 0.8427007929497149],
      [2, 0.9953222650189527],
      [2.5, 0.999593047982555],
      [3, 0.9999779095030014],
      [4.5, 0.9999999998033839],
    ];
    for (const [x, e] of refs) expect(Math.abs(erf(x) - e), `erf(${x})`).toBeLessThanOrEqual(4 * Number.EPSILON * Math.abs(e));
    expect(erf(0)).toBe(0);
    expect(erf(1e-300)).toBeCloseTo(1.1283791670955126e-300, 310);
    expect(erf(7)).toBe(1);
    expect(erf(-Infinity)).toBe(-1);
    expect(erf(NaN)).toBeNaN();
  });
});

describe('unary math, hand-checked', () => {
  it('Abs/Neg [−2, 0, 3.5, −inf, NaN]', async () => {
    const x = f32([5], [-2, 0, 3.5, -Infinity, NaN]);
    expect(values(await againstOrt({ opType: 'Abs', opset: 13, inputs: [x] }))).toEqual([2, 0, 3.5, Infinity, NaN]);
    expect(values(await againstOrt({ opType: 'Neg', opset: 13, inputs: [x] }))).toEqual([2, -0, -3.5, Infinity, NaN]);
  });

  it('Abs/Neg of the integer minimum wrap to itself: int8 −128 → −128, int32 −2^31 → −2^31', async () => {
    expect(values(await againstOrt({ opType: 'Abs', opset: 13, inputs: [t('int8', [2], [-128, -5])] }))).toEqual([-128, 5]);
    expect(values(await againstOrt({ opType: 'Neg', opset: 13, inputs: [t('int32', [2], [-(2 ** 31), 7])] }))).toEqual([-(2 ** 31), -7]);
  });

  it('Sqrt/Exp/Log/Reciprocal/Ceil/Floor on [4, 0, −1, 2.5]', async () => {
    const x = f32([4], [4, 0, -1, 2.5]);
    const run = (opType: string) => againstOrt({ opType, opset: 13, inputs: [x] }).then(values);
    expect(await run('Sqrt')).toEqual([2, 0, NaN, Math.fround(Math.sqrt(2.5))]);
    expect(await run('Exp')).toEqual([Math.fround(Math.exp(4)), 1, Math.fround(Math.exp(-1)), Math.fround(Math.exp(2.5))]);
    expect(await run('Log')).toEqual([Math.fround(Math.log(4)), -Infinity, NaN, Math.fround(Math.log(2.5))]);
    expect(await run('Reciprocal')).toEqual([0.25, Infinity, -1, 0.4000000059604645]);
    expect(await run('Ceil')).toEqual([4, 0, -1, 3]);
    expect(await run('Floor')).toEqual([4, 0, -1, 2]);
  });

  it('Erf [0, 0.5, −1, 3] = [0, 0.5205, −0.8427, 0.99998] in float32', async () => {
    const y = await againstOrt({ opType: 'Erf', opset: 13, inputs: [f32([4], [0, 0.5, -1, 3])] });
    expect(values(y)).toEqual([0, 0.5204998778130465, -0.8427007929497149, 0.9999779095030014].map(Math.fround));
  });

  it('Erf-9 on int32 keeps int32 and truncates: erf(x) ∈ (−1, 1) gives 0, erf(±big) = ±1', async () => {
    const y = await ours({ opType: 'Erf', opset: 9, inputs: [t('int32', [4], [0, 1, -1, 10])] });
    expect(y.dtype).toBe('int32');
    // erf(10) rounds to exactly 1 in double, so it survives truncation; erf(1) = 0.84 truncates to 0.
    expect(values(y)).toEqual([0, 0, 0, 1]);
  });

  it('opset 1 forms take consumed_inputs and compute the same (no onnxruntime kernels before 6)', async () => {
    const x = f32([3], [-1.5, 0.25, 9]);
    for (const [opType, expected] of [
      ['Abs', [1.5, 0.25, 9]],
      ['Neg', [1.5, -0.25, -9]],
      ['Sqrt', [NaN, 0.5, 3]],
      ['Reciprocal', [Math.fround(-1 / 1.5), 4, Math.fround(1 / 9)]],
      ['Floor', [-2, 0, 9]],
      ['Ceil', [-1, 1, 9]],
    ] as const) {
      expect(values(await ours({ opType, opset: 1, inputs: [x], attributes: { consumed_inputs: [0] } })), opType).toEqual(expected);
    }
    expectClose(values(await ours({ opType: 'Exp', opset: 1, inputs: [x] })), [Math.exp(-1.5), Math.exp(0.25), Math.exp(9)]);
    expectClose(values(await ours({ opType: 'Log', opset: 1, inputs: [x] })), [NaN, Math.log(0.25), Math.log(9)]);
  });
});

describe('unary math vs onnxruntime', () => {
  const floats: DType[] = ['float32', 'float64', 'float16'];
  const halfTolerance = { kind: 'allclose' as const, name: 'f16', rtol: 1e-3, atol: 1e-3 };
  const cases: { op: string; versions: number[]; positive?: boolean }[] = [
    { op: 'Sqrt', versions: [6, 13], positive: true },
    { op: 'Exp', versions: [6, 13] },
    { op: 'Log', versions: [6, 13], positive: true },
    { op: 'Reciprocal', versions: [6, 13], positive: true },
    { op: 'Ceil', versions: [6, 13] },
    { op: 'Floor', versions: [6, 13] },
    { op: 'Abs', versions: [6, 13] },
    { op: 'Neg', versions: [6, 13] },
    { op: 'Erf', versions: [9, 13] },
  ];
  for (const c of cases) {
    for (const opset of c.versions) {
      // onnxruntime has no float64 Erf kernel; the float64 path is checked against the float32 one below.
      for (const dtype of c.op === 'Erf' ? floats.filter((d) => d !== 'float64') : floats) {
        it(`${c.op}-${opset} ${dtype} [3,4,5]`, async () => {
          const x = randomOf(dtype, [3, 4, 5], 7, { scale: 4 });
          if (c.positive) for (let i = 0; i < x.data.length; i++) x.data[i] = Math.abs(x.data[i]!) + 0.01;
          await againstOrt({ opType: c.op, opset, inputs: [x] }, dtype === 'float16' ? halfTolerance : undefined);
        });
      }
    }
  }
  it('Erf-13 float64 agrees with float32 onnxruntime to float32 rounding', async () => {
    const x32 = randomOf('float32', [3, 4, 5], 8, { scale: 4 });
    const y32 = await againstOrt({ opType: 'Erf', opset: 13, inputs: [x32] });
    const y64 = await ours({ opType: 'Erf', opset: 13, inputs: [t('float64', x32.dims, values(x32))] });
    expect(y64.dtype).toBe('float64');
    expectClose(values(y64), values(y32), 1e-7, 1e-7);
  });

  const abs: DType[] = ['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64'];
  for (const dtype of abs) {
    it(`Abs-13 ${dtype} over the whole range`, async () => {
      await againstOrt({ opType: 'Abs', opset: 13, inputs: [randomOf(dtype, [20], 3)] });
    });
  }
  for (const dtype of ['int8', 'int16', 'int32', 'int64'] as DType[]) {
    it(`Neg-6 and Neg-13 ${dtype} over the whole range`, async () => {
      await againstOrt({ opType: 'Neg', opset: 6, inputs: [randomOf(dtype, [20], 4)] });
      await againstOrt({ opType: 'Neg', opset: 13, inputs: [randomOf(dtype, [20], 5)] });
    });
  }

  it('errors: Sqrt on int32 → shape; Neg on uint8 → shape; Erf-13 on int32 → shape', async () => {
    await expectOpFailure({ opType: 'Sqrt', opset: 13, inputs: [t('int32', [1], [4])] }, 'shape', /accepts/);
    await expectOpFailure({ opType: 'Neg', opset: 13, inputs: [t('uint8', [1], [4])] }, 'shape', /accepts/);
    await expectOpFailure({ opType: 'Erf', opset: 13, inputs: [t('int32', [1], [4])] }, 'shape', /accepts/);
  });
});
