import { describe, expect, it } from 'vitest';
import type { DType } from '../../../src/tensor.js';
import { againstOrt, expectOpFailure, f32, ours, randomOf, t, values } from './helpers.js';

const COMPARISONS = ['Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'Equal'] as const;
const VERSIONS: Record<(typeof COMPARISONS)[number], number[]> = {
  Less: [7, 9, 13],
  Greater: [7, 9, 13],
  LessOrEqual: [12, 16],
  GreaterOrEqual: [12, 16],
  Equal: [7, 11, 13, 19],
};

describe('comparisons, hand-checked', () => {
  // a = [1, 2, NaN, 3], b = [2, 2, NaN, −inf]
  const a = f32([4], [1, 2, NaN, 3]);
  const b = f32([4], [2, 2, NaN, -Infinity]);
  const expected: Record<string, number[]> = {
    Less: [1, 0, 0, 0],
    Greater: [0, 0, 0, 1],
    LessOrEqual: [1, 1, 0, 0],
    GreaterOrEqual: [0, 1, 0, 1],
    Equal: [0, 1, 0, 0], // NaN equals nothing, not even NaN
  };
  for (const op of COMPARISONS) {
    it(`${op} [1,2,NaN,3] vs [2,2,NaN,−inf] = [${expected[op]}] as bool`, async () => {
      const y = await againstOrt({ opType: op, opset: op === 'Equal' ? 13 : 16, inputs: [a, b] });
      expect(y.dtype).toBe('bool');
      expect(values(y)).toEqual(expected[op]);
    });
  }

  it('Less [2,1] vs [1,3] broadcasts to [2,3]: [[1],[5]] < [[2,4,6]]', async () => {
    const y = await againstOrt({ opType: 'Less', opset: 13, inputs: [f32([2, 1], [1, 5]), f32([1, 3], [2, 4, 6])] });
    expect(y.dims).toEqual([2, 3]);
    expect(values(y)).toEqual([1, 1, 1, 0, 0, 1]);
  });

  it('Equal on bool and on int64 beyond 2^32', async () => {
    expect(values(await againstOrt({ opType: 'Equal', opset: 13, inputs: [t('bool', [3], [1, 0, 1]), t('bool', [3], [1, 1, 0])] }))).toEqual([1, 0, 0]);
    const big = 2 ** 40;
    expect(values(await againstOrt({ opType: 'Equal', opset: 13, inputs: [t('int64', [2], [big, big + 1]), t('int64', [2], [big, big])] }))).toEqual([1, 0]);
  });

  it('opset 1 broadcast=1: Greater X=[2,3] Y=[3] and Equal int32 with axis=0 (no onnxruntime kernel)', async () => {
    const g = await ours({ opType: 'Greater', opset: 1, inputs: [f32([2, 3], [1, 2, 3, 4, 5, 6]), f32([3], [3, 3, 3])], attributes: { broadcast: 1 } });
    expect(values(g)).toEqual([0, 0, 0, 1, 1, 1]);
    const e = await ours({
      opType: 'Equal',
      opset: 1,
      inputs: [t('int32', [2, 2], [1, 1, 2, 3]), t('int32', [2], [1, 3])],
      attributes: { broadcast: 1, axis: 0 },
    });
    expect(values(e)).toEqual([1, 1, 0, 1]);
  });

  it('errors: int32 Less at opset 7 → shape; float Equal at opset 7 → shape; mixed types → shape; broadcast=0 mismatch at opset 1 → shape', async () => {
    await expectOpFailure({ opType: 'Less', opset: 7, inputs: [t('int32', [1], [1]), t('int32', [1], [1])] }, 'shape', /accepts/);
    await expectOpFailure({ opType: 'Equal', opset: 7, inputs: [f32([1], [1]), f32([1], [1])] }, 'shape', /accepts/);
    await expectOpFailure({ opType: 'Greater', opset: 13, inputs: [f32([1], [1]), t('float64', [1], [1])] }, 'shape', /must match/);
    await expectOpFailure({ opType: 'Less', opset: 1, inputs: [f32([2], [1, 2]), f32([1], [1])] }, 'shape', /broadcast=0/);
  });
});

describe('comparisons vs onnxruntime', () => {
  const shapes: [number[], number[]][] = [
    [[3, 4], [3, 4]],
    [[2, 3, 4], [4]],
    [[2, 1, 4], [3, 1]],
    [[], [5]],
  ];
  for (const op of COMPARISONS) {
    for (const opset of VERSIONS[op]) {
      const types: DType[] =
        opset < 9 || (op === 'Equal' && opset < 11)
          ? op === 'Equal'
            ? ['int32', 'int64', 'bool']
            : ['float32', 'float64', 'float16']
          : ['float32', 'float64', 'float16', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64'];
      for (const dtype of types) {
        for (const [da, db] of shapes) {
          it(`${op}-${opset} ${dtype} [${da}] vs [${db}]`, async () => {
            // Few distinct values so that equality happens often.
            const range: [number, number] = dtype === 'bool' ? [0, 1] : [0, 3];
            const a = randomOf(dtype, da, 11, { range, scale: 2 });
            const b = randomOf(dtype, db, 12, { range, scale: 2 });
            if (dtype.startsWith('float')) for (const x of [a, b]) for (let i = 0; i < x.data.length; i++) x.data[i] = Math.round(x.data[i]! * 2) / 2;
            await againstOrt({ opType: op, opset, inputs: [a, b] });
          });
        }
      }
    }
  }
});

describe('And / Or / Not', () => {
  it('And, Or on [4] truth tables; Not flips', async () => {
    const a = t('bool', [4], [0, 0, 1, 1]);
    const b = t('bool', [4], [0, 1, 0, 1]);
    expect(values(await againstOrt({ opType: 'And', opset: 7, inputs: [a, b] }))).toEqual([0, 0, 0, 1]);
    expect(values(await againstOrt({ opType: 'Or', opset: 7, inputs: [a, b] }))).toEqual([0, 1, 1, 1]);
    expect(values(await againstOrt({ opType: 'Not', opset: 1, inputs: [a] }))).toEqual([1, 1, 0, 0]);
  });
  for (const op of ['And', 'Or']) {
    for (const [da, db] of [
      [[3, 4], [3, 4]],
      [[2, 3, 4], [3, 1]],
      [[1, 4, 1], [2, 1, 5]],
    ]) {
      it(`${op}-7 [${da}] with [${db}] vs onnxruntime`, async () => {
        await againstOrt({ opType: op, opset: 7, inputs: [randomOf('bool', da!, 1), randomOf('bool', db!, 2)] });
      });
    }
    it(`${op}-1 broadcast=1 axis=1: X=[2,2,2] Y=[2] (hand-checked; no onnxruntime kernel)`, async () => {
      // Y = [1, 0] applies along axis 1: rows j=0 combine with 1, rows j=1 with 0.
      const x = t('bool', [2, 2, 2], [1, 0, 1, 0, 0, 1, 0, 1]);
      const y = await ours({ opType: op, opset: 1, inputs: [x, t('bool', [2], [1, 0])], attributes: { broadcast: 1, axis: 1 } });
      expect(values(y)).toEqual(op === 'And' ? [1, 0, 0, 0, 0, 1, 0, 0] : [1, 1, 1, 0, 1, 1, 0, 1]);
    });
  }
  it('errors: And on float → shape; Not on int32 → shape', async () => {
    await expectOpFailure({ opType: 'And', opset: 7, inputs: [f32([1], [1]), f32([1], [1])] }, 'shape', /accepts/);
    await expectOpFailure({ opType: 'Not', opset: 1, inputs: [t('int32', [1], [1])] }, 'shape', /accepts/);
  });
});
