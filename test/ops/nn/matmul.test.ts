import { describe, expect, it } from 'vitest';
import { allclose } from '../../../src/compare/tolerance.js';
import { loadModel } from '../../../src/engine/session.js';
import { TorchParityError } from '../../../src/errors.js';
import { buildModel, buildSingleOp, type BuiltModel } from '../../../src/fuzz/model-builder.js';
import { float32, tensor, type DType, type Tensor } from '../../../src/tensor.js';
import { expectMatchesOnnxruntime, runOurs, seededValues } from '../../helpers/differential.js';

function randomTensor(dims: number[], seed: number, dtype: DType = 'float32'): Tensor {
  const n = dims.reduce((a, b) => a * b, 1);
  const values = Array.from(seededValues(n, seed));
  // Integer types get small signed (or, unsigned, non-negative) integers so products and sums are exact.
  const integer = dtype.startsWith('int') || dtype.startsWith('uint');
  const data = integer ? values.map((v) => Math.round(v * 20) + (dtype.startsWith('u') ? 20 : 0)) : values;
  return tensor(dtype, dims, data);
}

function matmul(opset: number, a: Tensor, b: Tensor): BuiltModel {
  return buildSingleOp({ opType: 'MatMul', opset, inputs: [a, b] });
}

async function expectLoadFailure(model: BuiltModel, code: string): Promise<void> {
  const error = await loadModel(model.bytes).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'expected a TorchParityError').toBeInstanceOf(TorchParityError);
  expect((error as TorchParityError).code, (error as Error).message).toBe(code);
}

describe('MatMul, hand-checked', () => {
  it('A=[2,3] B=[3,2] → [[14,2],[32,2]]', async () => {
    // Row 0: [1,2,3]·[1,2,3] = 14 and [1,2,3]·[-1,0,1] = 2; row 1: [4,5,6]·[1,2,3] = 32, [4,5,6]·[-1,0,1] = 2.
    const { out0 } = await expectMatchesOnnxruntime(matmul(13, float32([2, 3], [1, 2, 3, 4, 5, 6]), float32([3, 2], [1, -1, 2, 0, 3, 1])));
    expect(out0!.dims).toEqual([2, 2]);
    expect(Array.from(out0!.data)).toEqual([14, 2, 32, 2]);
  });

  it('1-D·1-D A=[3] B=[3] → scalar [] = 1·4 + 2·5 + 3·6 = 32', async () => {
    const { out0 } = await expectMatchesOnnxruntime(matmul(13, float32([3], [1, 2, 3]), float32([3], [4, 5, 6])));
    expect(out0!.dims).toEqual([]);
    expect(Array.from(out0!.data)).toEqual([32]);
  });

  it('1-D·3-D A=[2] B=[2,2,3] → [2,3] (the promoted row axis is removed)', async () => {
    // Batch 0: [1,1]·[[1,2,3],[4,5,6]] = [5,7,9]; batch 1: [1,1]·[[0,1,0],[1,0,1]] = [1,1,1].
    const b = float32([2, 2, 3], [1, 2, 3, 4, 5, 6, 0, 1, 0, 1, 0, 1]);
    const { out0 } = await expectMatchesOnnxruntime(matmul(13, float32([2], [1, 1]), b));
    expect(out0!.dims).toEqual([2, 3]);
    expect(Array.from(out0!.data)).toEqual([5, 7, 9, 1, 1, 1]);
  });

  it('3-D·1-D A=[2,2,3] B=[3] → [2,2] (the promoted column axis is removed)', async () => {
    // Each row · [1,0,-1]: [1-3, 4-6, 0-0, 1-1] = [-2,-2,0,0].
    const a = float32([2, 2, 3], [1, 2, 3, 4, 5, 6, 0, 1, 0, 1, 0, 1]);
    const { out0 } = await expectMatchesOnnxruntime(matmul(13, a, float32([3], [1, 0, -1])));
    expect(out0!.dims).toEqual([2, 2]);
    expect(Array.from(out0!.data)).toEqual([-2, -2, 0, 0]);
  });

  it('batch broadcast A=[2,1,1,2] B=[3,2,1] → [2,3,1,1]', async () => {
    // out[i][j] = A[i]·B[j]: A rows [1,2] and [3,4]; B columns [1,0], [0,1], [1,1].
    const { out0 } = await expectMatchesOnnxruntime(matmul(13, float32([2, 1, 1, 2], [1, 2, 3, 4]), float32([3, 2, 1], [1, 0, 0, 1, 1, 1])));
    expect(out0!.dims).toEqual([2, 3, 1, 1]);
    expect(Array.from(out0!.data)).toEqual([1, 2, 3, 3, 4, 7]);
  });

  it('K=0: A=[2,0] B=[0,3] → zeros [2,3]', async () => {
    const { out0 } = await expectMatchesOnnxruntime(matmul(13, float32([2, 0], []), float32([0, 3], [])));
    expect(Array.from(out0!.data)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('empty batch A=[0,2,3] B=[3,4] → [0,2,4]', async () => {
    const { out0 } = await runOurs(matmul(13, float32([0, 2, 3], []), float32([3, 4], new Array(12).fill(1))));
    expect(out0!.dims).toEqual([0, 2, 4]);
  });

  it('int32 products wrap modulo 2^32: [2^20, 3]·[2^21, 5] = 2^41 + 15 → 15', async () => {
    const { out0 } = await expectMatchesOnnxruntime(matmul(13, tensor('int32', [1, 2], [1 << 20, 3]), tensor('int32', [2, 1], [1 << 21, 5])));
    expect(Array.from(out0!.data)).toEqual([15]);
  });

  it('uint32 wraps as unsigned: 4e9·3 + 3·5 = 12000000015 mod 2^32 = 3410065423', async () => {
    const { out0 } = await expectMatchesOnnxruntime(matmul(13, tensor('uint32', [1, 2], [4e9, 3]), tensor('uint32', [2, 1], [3, 5])));
    expect(Array.from(out0!.data)).toEqual([3410065423]);
  });

  it('NaN in A spreads to its output row only', async () => {
    const { out0 } = await expectMatchesOnnxruntime(matmul(13, float32([2, 2], [NaN, 1, 2, 3]), float32([2, 2], [1, 0, 0, 1])));
    expect(Array.from(out0!.data)).toEqual([NaN, NaN, 2, 3]);
  });
});

describe('MatMul vs onnxruntime', () => {
  const cases: { title: string; opset: number; a: number[]; b: number[]; dtype?: DType }[] = [
    { title: 'opset 1 A=[4,5] B=[5,3]', opset: 1, a: [4, 5], b: [5, 3] },
    { title: 'opset 1 float64 A=[3,6] B=[6,2]', opset: 1, a: [3, 6], b: [6, 2], dtype: 'float64' },
    { title: 'opset 9 shared B A=[2,3,4] B=[4,5]', opset: 9, a: [2, 3, 4], b: [4, 5] },
    { title: 'opset 9 shared A A=[4,5] B=[2,5,3]', opset: 9, a: [4, 5], b: [2, 5, 3] },
    { title: 'opset 9 batch broadcast A=[2,1,3,4] B=[3,4,2]', opset: 9, a: [2, 1, 3, 4], b: [3, 4, 2] },
    { title: 'opset 13 batch broadcast A=[1,3,2,5] B=[4,1,5,2]', opset: 13, a: [1, 3, 2, 5], b: [4, 1, 5, 2] },
    { title: 'opset 13 4-D·1-D A=[2,3,2,4] B=[4]', opset: 13, a: [2, 3, 2, 4], b: [4] },
    { title: 'opset 13 1-D·2-D A=[5] B=[5,3]', opset: 13, a: [5], b: [5, 3] },
    { title: 'opset 13 long reduction A=[3,200] B=[200,7]', opset: 13, a: [3, 200], b: [200, 7] },
    { title: 'opset 13 float16 A=[2,3,6] B=[6,4]', opset: 13, a: [2, 3, 6], b: [6, 4], dtype: 'float16' },
    { title: 'opset 9 int32 A=[2,3,4] B=[2,4,5]', opset: 9, a: [2, 3, 4], b: [2, 4, 5], dtype: 'int32' },
    { title: 'opset 9 int64 A=[3,4] B=[2,4,2]', opset: 9, a: [3, 4], b: [2, 4, 2], dtype: 'int64' },
    { title: 'opset 13 uint32 A=[3,4] B=[4,2]', opset: 13, a: [3, 4], b: [4, 2], dtype: 'uint32' },
    { title: 'opset 13 uint64 A=[2,2,3] B=[3]', opset: 13, a: [2, 2, 3], b: [3], dtype: 'uint64' },
  ];
  for (const c of cases) {
    it(c.title, async () => {
      const dtype = c.dtype ?? 'float32';
      const tolerance = dtype === 'float16' ? allclose(1e-3, 1e-3) : allclose(1e-5, 1e-5);
      await expectMatchesOnnxruntime(matmul(c.opset, randomTensor(c.a, 1, dtype), randomTensor(c.b, 2, dtype)), tolerance);
    });
  }
});

describe('MatMul errors', () => {
  it('rank-0 A → shape', async () => {
    await expectLoadFailure(matmul(13, float32([], [1]), float32([1], [1])), 'shape');
  });

  it('inner dims differ: A=[2,3] B=[2,2] → shape', async () => {
    await expectLoadFailure(matmul(13, float32([2, 3], [1, 2, 3, 4, 5, 6]), float32([2, 2], [1, 2, 3, 4])), 'shape');
  });

  it('1-D B of the wrong length: A=[2,3] B=[2] → shape', async () => {
    await expectLoadFailure(matmul(13, float32([2, 3], [1, 2, 3, 4, 5, 6]), float32([2], [1, 2])), 'shape');
  });

  it('batch dims that do not broadcast: A=[2,1,2] B=[3,2,1] → shape', async () => {
    await expectLoadFailure(matmul(13, float32([2, 1, 2], [1, 2, 3, 4]), float32([3, 2, 1], [1, 2, 3, 4, 5, 6])), 'shape');
  });

  it('int32 at opset 1 (integer types arrive in MatMul-9) → shape', async () => {
    await expectLoadFailure(matmul(1, tensor('int32', [1, 1], [1]), tensor('int32', [1, 1], [1])), 'shape');
  });

  it('inner dims that only disagree at run time (symbolic K) → shape', async () => {
    const model = buildModel({
      opset: 13,
      nodes: [{ opType: 'MatMul', inputs: ['a', 'b'], outputs: ['y'] }],
      inputs: { a: float32([2, 3], [1, 2, 3, 4, 5, 6]), b: float32([2, 2], [1, 2, 3, 4]) },
      inputDims: { a: [2, 'k'], b: ['k2', 2] },
      outputs: ['y'],
    });
    await expect(runOurs(model)).rejects.toMatchObject({ code: 'shape' });
  });
});
