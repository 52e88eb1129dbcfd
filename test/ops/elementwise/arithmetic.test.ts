import { describe, expect, it } from 'vitest';
import { buildSingleOp } from '../../../src/fuzz/model-builder.js';
import type { DType } from '../../../src/tensor.js';
import { runOurs } from '../../helpers/differential.js';
import { againstOrt, expectFailure, expectOpFailure, f32, ours, randomOf, t, values } from './helpers.js';

const OPS = ['Add', 'Sub', 'Mul', 'Div'] as const;

describe('Add/Sub/Mul/Div, hand-checked', () => {
  it('Add x=[2,3] + y=[3] broadcasts the row', async () => {
    // [[1,2,3],[4,5,6]] + [10,20,30] = [[11,22,33],[14,25,36]]
    const y = await againstOrt({ opType: 'Add', opset: 14, inputs: [f32([2, 3], [1, 2, 3, 4, 5, 6]), f32([3], [10, 20, 30])] });
    expect(y.dims).toEqual([2, 3]);
    expect(values(y)).toEqual([11, 22, 33, 14, 25, 36]);
  });

  it('Sub x=[2,1] − y=[1,3] broadcasts both ways to [2,3]', async () => {
    // [[1],[2]] − [[10,20,30]] = [[−9,−19,−29],[−8,−18,−28]]
    const y = await againstOrt({ opType: 'Sub', opset: 14, inputs: [f32([2, 1], [1, 2]), f32([1, 3], [10, 20, 30])] });
    expect(y.dims).toEqual([2, 3]);
    expect(values(y)).toEqual([-9, -19, -29, -8, -18, -28]);
  });

  it('Div float by zero: 1/0 = inf, −1/0 = −inf, 0/0 = NaN', async () => {
    const y = await againstOrt({ opType: 'Div', opset: 14, inputs: [f32([3], [1, -1, 0]), f32([3], [0, 0, 0])] });
    expect(values(y)).toEqual([Infinity, -Infinity, NaN]);
  });

  it('int32 Div truncates toward zero: [−7,7,−7,7] / [2,2,−2,−2] = [−3,3,3,−3]', async () => {
    // −3.5 → −3, 3.5 → 3: C++ and ONNX truncation, not numpy's floor (which would give −4).
    const y = await againstOrt({ opType: 'Div', opset: 14, inputs: [t('int32', [4], [-7, 7, -7, 7]), t('int32', [4], [2, 2, -2, -2])] });
    expect(values(y)).toEqual([-3, 3, 3, -3]);
  });

  it('integers wrap: int8 −128−1 = 127, uint8 250+10 = 4, int8 −128 / −1 = −128', async () => {
    expect(values(await againstOrt({ opType: 'Sub', opset: 14, inputs: [t('int8', [1], [-128]), t('int8', [1], [1])] }))).toEqual([127]);
    expect(values(await againstOrt({ opType: 'Add', opset: 14, inputs: [t('uint8', [1], [250]), t('uint8', [1], [10])] }))).toEqual([4]);
    // 128 does not fit in int8 and wraps to −128.
    expect(values(await againstOrt({ opType: 'Div', opset: 14, inputs: [t('int8', [1], [-128]), t('int8', [1], [-1])] }))).toEqual([-128]);
  });

  it('int32 Mul keeps the low 32 bits: 46341² = 2147488281 → −2147479015; uint32 (2³²−1)·2 → 2³²−2', async () => {
    // A double product of two int32 is inexact above 2^53; Math.imul gives the exact low bits, as C++ does.
    expect(values(await againstOrt({ opType: 'Mul', opset: 14, inputs: [t('int32', [1], [46341]), t('int32', [1], [46341])] }))).toEqual([-2147479015]);
    expect(values(await againstOrt({ opType: 'Mul', opset: 14, inputs: [t('uint32', [1], [2 ** 32 - 1]), t('uint32', [1], [2])] }))).toEqual([2 ** 32 - 2]);
    // (2^31 − 1)² = 2^62 − 2^32 + 1: low 32 bits are 1.
    expect(values(await againstOrt({ opType: 'Mul', opset: 14, inputs: [t('int32', [1], [2 ** 31 - 1]), t('int32', [1], [2 ** 31 - 1])] }))).toEqual([1]);
  });

  it('int64 Mul wraps past 2^63: 3·2^61 × 2 = 3·2^62 → −2^62', async () => {
    // 3·2^62 − 2^64 = −2^62; computed exactly through BigInt.
    const y = await againstOrt({ opType: 'Mul', opset: 14, inputs: [t('int64', [1], [3 * 2 ** 61]), t('int64', [1], [2])] });
    expect(values(y)).toEqual([-(2 ** 62)]);
  });

  it('int64 extremes (stored as ±Infinity) wrap exactly: MAX + 1 = MIN, MAX − MAX = 0, MIN / −1 = MIN, MAX / 2 = 2^62 − 1', async () => {
    // Exporters write INT64_MAX for "unbounded" (Slice ends) and shape arithmetic can touch it; the BigInt path keeps
    // C++'s modular results. (onnxruntime reports the extremes as finite numbers, so these are checked by hand.)
    const max = Infinity;
    const min = -Infinity;
    expect(values(await ours({ opType: 'Add', opset: 14, inputs: [t('int64', [2], [max, max]), t('int64', [2], [1, -1])] }))).toEqual([min, 2 ** 63 - 2]);
    expect(values(await ours({ opType: 'Sub', opset: 14, inputs: [t('int64', [2], [max, min]), t('int64', [2], [max, 1])] }))).toEqual([0, max]);
    expect(values(await ours({ opType: 'Div', opset: 14, inputs: [t('int64', [2], [min, max]), t('int64', [2], [-1, 2])] }))).toEqual([min, 2 ** 62]);
    expect(values(await ours({ opType: 'Neg', opset: 13, inputs: [t('int64', [2], [min, max])] }))).toEqual([min, -(2 ** 63) + 1]);
  });

  it('uint64 3 − 5 wraps to 2^64 − 2 (nearest double 2^64), as onnxruntime', async () => {
    expect(values(await againstOrt({ opType: 'Sub', opset: 14, inputs: [t('uint64', [1], [3]), t('uint64', [1], [5])] }))).toEqual([2 ** 64]);
  });

  it('integer Div by zero fails like PyTorch (ZeroDivisionError), naming the element', async () => {
    const model = buildSingleOp({ opType: 'Div', opset: 14, inputs: [t('int32', [3], [1, 2, 3]), t('int32', [3], [1, 0, 1])] });
    await expectFailure(() => runOurs(model), 'input_mismatch', /B\[1\] is 0/);
  });
});

describe('Add/Sub/Mul/Div opset < 7: opt-in broadcasting of B to A', () => {
  // onnxruntime has no kernels before opset 7, so these are checked by hand.
  const a = f32([2, 3, 2], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  it('opset 6 broadcast=1 axis=1 A=[2,3,2] B=[3]: B[j] applies to A[:, j, :]', async () => {
    // B = [100, 200, 300] lines up with axis 1: A[i][j][k] + B[j].
    const y = await ours({ opType: 'Add', opset: 6, inputs: [a, f32([3], [100, 200, 300])], attributes: { broadcast: 1, axis: 1 } });
    expect(values(y)).toEqual([101, 102, 203, 204, 305, 306, 107, 108, 209, 210, 311, 312]);
  });
  it('opset 6 broadcast=1 without axis: B=[2] lines up with the trailing axis', async () => {
    const y = await ours({ opType: 'Mul', opset: 6, inputs: [a, f32([2], [1, -1])], attributes: { broadcast: 1 } });
    expect(values(y)).toEqual([1, -2, 3, -4, 5, -6, 7, -8, 9, -10, 11, -12]);
  });
  it('opset 6 broadcast=1 with a one-element B=[1,1] acts as a scalar', async () => {
    const y = await ours({ opType: 'Sub', opset: 6, inputs: [a, f32([1, 1], [1])], attributes: { broadcast: 1 } });
    expect(values(y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });
  it('opset 6 broadcast=1 axis=0 B=[2,3] with int32 (opset 6 adds the 32/64-bit integers)', async () => {
    const y = await ours({
      opType: 'Div',
      opset: 6,
      inputs: [t('int32', [2, 3, 1], [10, 20, 30, -40, 50, 60]), t('int32', [2, 3], [3, 3, 3, 3, 3, 3])],
      attributes: { broadcast: 1, axis: 0 },
    });
    expect(values(y)).toEqual([3, 6, 10, -13, 16, 20]);
  });
  it('opset 1 accepts consumed_inputs (no effect) and equal shapes without broadcast', async () => {
    const y = await ours({ opType: 'Add', opset: 1, inputs: [a, a], attributes: { consumed_inputs: [0, 0] } });
    expect(values(y)).toEqual([2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24]);
  });
  it('errors: shapes differ with broadcast=0 → shape; B out of A from axis → bad_attribute; mismatch → shape; int32 at opset 1 → shape', async () => {
    await expectOpFailure({ opType: 'Add', opset: 6, inputs: [a, f32([2], [1, 2])] }, 'shape', /broadcast=0/);
    await expectOpFailure({ opType: 'Add', opset: 6, inputs: [a, f32([3], [1, 2, 3])], attributes: { broadcast: 1, axis: 3 } },
      'bad_attribute',
    );
    await expectOpFailure({ opType: 'Add', opset: 6, inputs: [a, f32([3], [1, 2, 3])], attributes: { broadcast: 1 } }, 'shape', /axis 2/);
    await expectOpFailure({ opType: 'Add', opset: 1, inputs: [t('int32', [1], [1]), t('int32', [1], [1])] }, 'shape', /accepts/);
  });
});

describe('Add/Sub/Mul/Div vs onnxruntime', () => {
  const patterns: { title: string; a: number[]; b: number[] }[] = [
    { title: 'same shape [3,4,5]', a: [3, 4, 5], b: [3, 4, 5] },
    { title: '[3,4,5] with [5]', a: [3, 4, 5], b: [5] },
    { title: '[3,1,5] with [4,1]', a: [3, 1, 5], b: [4, 1] },
    { title: 'scalar [] with [2,3]', a: [], b: [2, 3] },
    { title: '[1] with [2,3]', a: [1], b: [2, 3] },
    { title: '[2,1,3,1] with [4,1,5] (both ways)', a: [2, 1, 3, 1], b: [4, 1, 5] },
    { title: '[2,3,4] with [2,3,4]ᵀ-like [1,3,1]', a: [2, 3, 4], b: [1, 3, 1] },
    { title: 'empty [0,3] with [3]', a: [0, 3], b: [3] },
  ];
  for (const opType of OPS) {
    for (const opset of [7, 13, 14]) {
      for (const p of patterns) {
        it(`${opType}-${opset} ${p.title}`, async () => {
          // Divisors kept away from 0 so the comparison is about arithmetic, not about huge quotients.
          const b = opType === 'Div' ? randomOf('float32', p.b, 2, { scale: 1 }) : randomOf('float32', p.b, 2);
          if (opType === 'Div') for (let i = 0; i < b.data.length; i++) b.data[i] = b.data[i]! + (b.data[i]! < 0 ? -0.5 : 0.5);
          await againstOrt({ opType, opset, inputs: [randomOf('float32', p.a, 1, { scale: 3 }), b] });
        });
      }
    }
    const types: DType[] = ['float64', 'float16', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64'];
    for (const dtype of types) {
      it(`${opType}-14 ${dtype} [2,3,4] with [3,1] over the type's whole range`, async () => {
        const a = randomOf(dtype, [2, 3, 4], 3);
        const b = randomOf(dtype, [3, 1], 4);
        if (opType === 'Div') for (let i = 0; i < b.data.length; i++) if (b.data[i] === 0) b.data[i] = 7;
        await againstOrt({ opType, opset: 14, inputs: [a, b] }, dtype === 'float16' ? { kind: 'allclose', name: 'f16', rtol: 1e-3, atol: 1e-3 } : undefined);
      });
    }
    for (const dtype of ['int32', 'int64', 'uint32', 'uint64', 'float64'] as DType[]) {
      it(`${opType}-7 ${dtype} (the 32/64-bit integers are allowed from opset 6)`, async () => {
        const b = randomOf(dtype, [4], 6, { range: [1, 1000] });
        await againstOrt({ opType, opset: 7, inputs: [randomOf(dtype, [3, 4], 5, { range: [0, 100000] }), b] });
      });
    }
  }

  it('errors: shapes that do not broadcast → shape; int8 at opset 13 → shape; broadcast attribute at opset 7 → bad_attribute', async () => {
    await expectOpFailure({ opType: 'Add', opset: 14, inputs: [f32([2, 3], [1, 2, 3, 4, 5, 6]), f32([2], [1, 2])] }, 'shape', /broadcast/);
    await expectOpFailure({ opType: 'Mul', opset: 13, inputs: [t('int8', [1], [1]), t('int8', [1], [1])] }, 'shape', /accepts/);
    await expectOpFailure({ opType: 'Sub', opset: 7, inputs: [f32([1], [1]), f32([1], [1])], attributes: { broadcast: 1 } },
      'bad_attribute',
    );
  });

  it('symbolic dims that turn out not to broadcast fail at run time with a shape error', async () => {
    const { buildModel } = await import('../../../src/fuzz/model-builder.js');
    const model = buildModel({
      opset: 14,
      nodes: [{ opType: 'Add', inputs: ['a', 'b'], outputs: ['c'] }],
      inputs: { a: f32([2], [1, 2]), b: f32([3], [1, 2, 3]) },
      inputDims: { a: ['N'], b: ['M'] },
      outputs: ['c'],
    });
    await expectFailure(() => runOurs(model), 'shape', /do not broadcast/);
  });
});
