import { describe, expect, it } from 'vitest';
import type { DType } from '../../../src/tensor.js';
import { againstOrt, expectClose, expectOpFailure, f32, ours, randomOf, t, values } from './helpers.js';

describe('Sum/Mean/Max/Min, hand-checked', () => {
  const a = f32([3], [3, 0, 2]);
  const b = f32([3], [1, 3, 4]);
  const c = f32([3], [2, 6, 0]);
  it('three inputs: Sum = [6,9,6], Mean = [2,3,2], Max = [3,6,4], Min = [1,0,0]', async () => {
    const run = (opType: string) => againstOrt({ opType, opset: 13, inputs: [a, b, c] }).then(values);
    expect(await run('Sum')).toEqual([6, 9, 6]);
    expect(await run('Mean')).toEqual([2, 3, 2]);
    expect(await run('Max')).toEqual([3, 6, 4]);
    expect(await run('Min')).toEqual([1, 0, 0]);
  });

  it('one input is returned as is', async () => {
    for (const opType of ['Sum', 'Mean', 'Max', 'Min']) expect(values(await againstOrt({ opType, opset: 13, inputs: [a] }))).toEqual([3, 0, 2]);
  });

  it('Max/Min propagate NaN from any position, as torch.maximum/minimum: [NaN,1,2] vs [0,NaN,1]', async () => {
    const x = f32([3], [NaN, 1, 2]);
    const y = f32([3], [0, NaN, 1]);
    expect(values(await againstOrt({ opType: 'Max', opset: 13, inputs: [x, y] }))).toEqual([NaN, NaN, 2]);
    expect(values(await againstOrt({ opType: 'Min', opset: 13, inputs: [x, y] }))).toEqual([NaN, NaN, 1]);
    // NaN first then a larger number must not be replaced.
    expect(values(await ours({ opType: 'Max', opset: 13, inputs: [f32([1], [NaN]), f32([1], [5]), f32([1], [7])] }))).toEqual([NaN]);
  });

  it('opset 8 broadcasting: Sum [2,1] + [3] + [] = [2,3]', async () => {
    // [[1],[2]] + [10,20,30] + 100
    const y = await againstOrt({ opType: 'Sum', opset: 8, inputs: [f32([2, 1], [1, 2]), f32([3], [10, 20, 30]), f32([], [100])] });
    expect(y.dims).toEqual([2, 3]);
    expect(values(y)).toEqual([111, 121, 131, 112, 122, 132]);
  });

  it('Mean rounds the float32 running sum like a chain of Adds: (2^24 + 1 + 1) / 3', async () => {
    // 2^24 + 1 rounds to 2^24 in float32 (ties to even), and again after the second +1; the mean is 2^24 / 3.
    const y = await againstOrt({ opType: 'Mean', opset: 13, inputs: [f32([1], [2 ** 24]), f32([1], [1]), f32([1], [1])] });
    expect(values(y)).toEqual([Math.fround(2 ** 24 / 3)]);
  });

  it('opset 1 (consumed_inputs) and 6 need equal shapes; the values are the same', async () => {
    expect(values(await ours({ opType: 'Sum', opset: 1, inputs: [a, b], attributes: { consumed_inputs: [0, 1] } }))).toEqual([4, 3, 6]);
    expect(values(await ours({ opType: 'Max', opset: 1, inputs: [a, b, c] }))).toEqual([3, 6, 4]);
    expectClose(values(await ours({ opType: 'Mean', opset: 1, inputs: [a, c] })), [2.5, 3, 1]);
  });

  it('errors: different shapes before opset 8 → shape; non-broadcasting shapes → shape; int32 Sum → shape; int8 Max at opset 8 → shape', async () => {
    await expectOpFailure({ opType: 'Sum', opset: 6, inputs: [f32([2], [1, 2]), f32([1], [1])] }, 'shape', /differ in shape/);
    await expectOpFailure({ opType: 'Max', opset: 13, inputs: [f32([2], [1, 2]), f32([3], [1, 2, 3])] }, 'shape', /broadcast/);
    await expectOpFailure({ opType: 'Sum', opset: 13, inputs: [t('int32', [1], [1])] }, 'shape', /accepts/);
    await expectOpFailure({ opType: 'Max', opset: 8, inputs: [t('int8', [1], [1])] }, 'shape', /accepts/);
  });
});

describe('Sum/Mean/Max/Min vs onnxruntime', () => {
  const broadcastShapes = [[[2, 3, 4], [3, 1], [4]], [[5], [1]], [[2, 1], [1, 3], [2, 3], []]];
  for (const opType of ['Sum', 'Mean', 'Max', 'Min']) {
    const versions = opType === 'Max' || opType === 'Min' ? [6, 8, 12, 13] : [6, 8, 13];
    for (const opset of versions) {
      it(`${opType}-${opset} float32 three inputs of [3,4]`, async () => {
        await againstOrt({ opType, opset, inputs: [1, 2, 3].map((s) => randomOf('float32', [3, 4], s)) });
      });
      if (opset >= 8) {
        for (const shapes of broadcastShapes) {
          it(`${opType}-${opset} broadcasting ${shapes.map((s) => `[${s}]`).join(' ')}`, async () => {
            await againstOrt({ opType, opset, inputs: shapes.map((s, i) => randomOf('float32', s, i + 4)) });
          });
        }
      }
    }
    // onnxruntime has no float64 Mean; a two-input mean is checked against (a + b) / 2 in double directly.
    for (const dtype of (opType === 'Mean' ? ['float16'] : ['float64', 'float16']) as DType[]) {
      it(`${opType}-13 ${dtype} two inputs [2,3] and [3]`, async () => {
        const tol = dtype === 'float16' ? { kind: 'allclose' as const, name: 'f16', rtol: 1e-3, atol: 1e-3 } : undefined;
        await againstOrt({ opType, opset: 13, inputs: [randomOf(dtype, [2, 3], 1), randomOf(dtype, [3], 2)] }, tol);
      });
    }
  }
  it('Mean-13 float64 [2,3] and [3] = (a + b) / 2 in double (no onnxruntime kernel)', async () => {
    const a = randomOf('float64', [2, 3], 1);
    const b = randomOf('float64', [3], 2);
    const y = await ours({ opType: 'Mean', opset: 13, inputs: [a, b] });
    expect(values(y)).toEqual(values(a).map((v, i) => (v + b.data[i % 3]!) / 2));
  });

  const integers: DType[] = ['int8', 'int32', 'int64', 'uint8', 'uint32', 'uint64'];
  for (const opType of ['Max', 'Min']) {
    for (const opset of [12, 13]) {
      for (const dtype of integers) {
        it(`${opType}-${opset} ${dtype} [4,3] [3] [1,3] over the whole range`, async () => {
          await againstOrt({ opType, opset, inputs: [randomOf(dtype, [4, 3], 1), randomOf(dtype, [3], 2), randomOf(dtype, [1, 3], 3)] });
        });
      }
    }
    // onnxruntime has no 16-bit kernels: the same values in int32 must give the same answer.
    for (const dtype of ['int16', 'uint16'] as DType[]) {
      it(`${opType}-13 ${dtype} matches onnxruntime on the same values held as int32`, async () => {
        const inputs = [randomOf(dtype, [4, 3], 1), randomOf(dtype, [3], 2)];
        const y = await ours({ opType, opset: 13, inputs });
        expect(y.dtype).toBe(dtype);
        const wide = await againstOrt({ opType, opset: 13, inputs: inputs.map((x) => t('int32', x.dims, values(x))) });
        expect(values(y)).toEqual(values(wide));
      });
    }
  }
});

describe('Where', () => {
  it('condition [2,2] picks X or Y element-wise', async () => {
    // [[T,F],[T,T]] ? [[1,2],[3,4]] : [[9,8],[7,6]] = [[1,8],[3,4]]
    const y = await againstOrt({ opType: 'Where', opset: 16, inputs: [t('bool', [2, 2], [1, 0, 1, 1]), f32([2, 2], [1, 2, 3, 4]), f32([2, 2], [9, 8, 7, 6])] });
    expect(values(y)).toEqual([1, 8, 3, 4]);
  });

  it('three-way broadcast: cond [2,1], X [3], Y [] → [2,3]', async () => {
    // row 0 cond T → X = [1,2,3]; row 1 cond F → Y = 0.
    const y = await againstOrt({ opType: 'Where', opset: 9, inputs: [t('bool', [2, 1], [1, 0]), f32([3], [1, 2, 3]), f32([], [0])] });
    expect(y.dims).toEqual([2, 3]);
    expect(values(y)).toEqual([1, 2, 3, 0, 0, 0]);
  });

  for (const opset of [9, 16]) {
    for (const dtype of ['float32', 'float64', 'float16', 'int32', 'int64', 'uint8'] as DType[]) {
      it(`Where-${opset} ${dtype}: cond [3,1,4] X [2,1] Y [1,4]`, async () => {
        await againstOrt({ opType: 'Where', opset, inputs: [randomOf('bool', [3, 1, 4], 1), randomOf(dtype, [2, 1], 2), randomOf(dtype, [1, 4], 3)] });
      });
    }
  }
  // onnxruntime's Where lacks these types; the same values in a type it has must be selected identically.
  for (const [dtype, wide] of [
    ['int8', 'int32'],
    ['uint16', 'int32'],
    ['uint32', 'int64'],
    ['uint64', 'int64'],
    ['bool', 'uint8'],
  ] as [DType, DType][]) {
    it(`Where-16 ${dtype} selects as onnxruntime does on the values held as ${wide}`, async () => {
      const inputs = [randomOf('bool', [3, 1, 4], 1), randomOf(dtype, [2, 1], 2), randomOf(dtype, [1, 4], 3)];
      const y = await ours({ opType: 'Where', opset: 16, inputs });
      expect(y.dtype).toBe(dtype);
      const w = await againstOrt({ opType: 'Where', opset: 16, inputs: [inputs[0]!, ...inputs.slice(1).map((x) => t(wide, x.dims, values(x)))] });
      expect(values(y)).toEqual(values(w));
    });
  }

  it('errors: non-bool condition → shape; X and Y of different types → shape; shapes not broadcasting → shape', async () => {
    await expectOpFailure({ opType: 'Where', opset: 16, inputs: [f32([1], [1]), f32([1], [1]), f32([1], [2])] }, 'shape', /accepts/);
    await expectOpFailure({ opType: 'Where', opset: 16, inputs: [t('bool', [1], [1]), f32([1], [1]), t('int32', [1], [2])] }, 'shape', /must match/);
    await expectOpFailure({ opType: 'Where', opset: 16, inputs: [t('bool', [2], [1, 0]), f32([3], [1, 2, 3]), f32([1], [2])] }, 'shape', /broadcast/);
  });
});
