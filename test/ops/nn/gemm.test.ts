import { describe, expect, it } from 'vitest';
import { allclose } from '../../../src/compare/tolerance.js';
import { loadModel } from '../../../src/engine/session.js';
import { TorchParityError } from '../../../src/errors.js';
import { buildModel, buildSingleOp, type AttributeInput, type BuiltModel } from '../../../src/fuzz/model-builder.js';
import { encodeModel } from '../../../src/onnx/encode-model.js';
import { float32, tensor, type DType, type Tensor } from '../../../src/tensor.js';
import { expectMatchesOnnxruntime, runOurs, seededValues } from '../../helpers/differential.js';

function randomTensor(dims: number[], seed: number, dtype: DType = 'float32'): Tensor {
  return tensor(dtype, dims, Array.from(seededValues(dims.reduce((a, b) => a * b, 1), seed)));
}

function gemm(opset: number, inputs: (Tensor | undefined)[], attributes: Record<string, AttributeInput> = {}) {
  return buildSingleOp({ opType: 'Gemm', opset, inputs, attributes });
}

async function gemmValues(opset: number, inputs: (Tensor | undefined)[], attributes: Record<string, AttributeInput> = {}) {
  const { out0 } = await runOurs(gemm(opset, inputs, attributes));
  return { dims: out0!.dims, dtype: out0!.dtype, values: Array.from(out0!.data) };
}

/** Loading the model must fail with `code` (and name `attribute`); shape rules run when the importer loads it. */
async function expectLoadFailure(model: BuiltModel, code: string, attribute?: string): Promise<TorchParityError> {
  const error = await loadModel(model.bytes).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'expected a TorchParityError').toBeInstanceOf(TorchParityError);
  const e = error as TorchParityError;
  expect(e.code, e.message).toBe(code);
  if (attribute) expect(e.context.attribute).toBe(attribute);
  return e;
}

// A = [[1,2,3],[4,5,6]], B = [[1,-1],[2,0],[3,1]]: A·B = [[1+4+9, -1+0+3], [4+10+18, -4+0+6]] = [[14,2],[32,2]].
const A = [1, 2, 3, 4, 5, 6];
const AT = [1, 4, 2, 5, 3, 6];
const B = [1, -1, 2, 0, 3, 1];
const BT = [1, 2, 3, -1, 0, 1];

describe('Gemm, hand-checked', () => {
  it('A=[2,3] B=[3,2] C=[2] alpha=2 beta=0.5 opset 13 → [[28.5,5],[64.5,5]]', async () => {
    // 2·[[14,2],[32,2]] + 0.5·[1,2] per row = [[28+0.5, 4+1], [64+0.5, 4+1]].
    const model = gemm(13, [float32([2, 3], A), float32([3, 2], B), float32([2], [1, 2])], { alpha: 2, beta: 0.5 });
    const { out0 } = await expectMatchesOnnxruntime(model);
    expect(out0!.dims).toEqual([2, 2]);
    expect(Array.from(out0!.data)).toEqual([28.5, 5, 64.5, 5]);
  });

  it('transA=1 transB=1 A=[3,2] B=[2,3] C=[2,1] opset 11 → [[15,3],[34,4]]', async () => {
    // The stored transposes give the same A·B = [[14,2],[32,2]]; C = [[1],[2]] adds 1 to row 0 and 2 to row 1.
    const model = gemm(11, [float32([3, 2], AT), float32([2, 3], BT), float32([2, 1], [1, 2])], { transA: 1, transB: 1 });
    const { out0 } = await expectMatchesOnnxruntime(model);
    expect(Array.from(out0!.data)).toEqual([15, 3, 34, 4]);
  });

  it('transB=1 only, no C, opset 13 → A·B', async () => {
    // The dot-product path (B stored [N, K], nn.Linear's layout).
    const model = gemm(13, [float32([2, 3], A), float32([2, 3], BT)], { transB: 1 });
    const { out0 } = await expectMatchesOnnxruntime(model);
    expect(Array.from(out0!.data)).toEqual([14, 2, 32, 2]);
  });

  it('transA=2 counts as transposed (ONNX: "non-zero") → A·B', async () => {
    const { values } = await gemmValues(13, [float32([3, 2], AT), float32([3, 2], B)], { transA: 2 });
    expect(values).toEqual([14, 2, 32, 2]);
  });

  it('C scalar [] beta=-1 opset 13 → A·B − 3', async () => {
    const model = gemm(13, [float32([2, 3], A), float32([3, 2], B), float32([], [3])], { beta: -1 });
    const { out0 } = await expectMatchesOnnxruntime(model);
    expect(Array.from(out0!.data)).toEqual([11, -1, 29, -1]);
  });

  it('beta=0 ignores NaN/Inf in C (torch.addmm: "nan and inf in it will not be propagated")', async () => {
    // ONNX's numpy reference would give 0·NaN = NaN; PyTorch documents that C is not read, and onnxruntime agrees.
    const model = gemm(13, [float32([2, 3], A), float32([3, 2], B), float32([2], [NaN, Infinity])], { beta: 0 });
    const { out0 } = await expectMatchesOnnxruntime(model);
    expect(Array.from(out0!.data)).toEqual([14, 2, 32, 2]);
  });

  it('K=0: A=[2,0] B=[0,2] C=[2] → C broadcast (empty sum is 0)', async () => {
    const model = gemm(13, [float32([2, 0], []), float32([0, 2], []), float32([2], [1, 2])]);
    const { out0 } = await expectMatchesOnnxruntime(model);
    expect(Array.from(out0!.data)).toEqual([1, 2, 1, 2]);
  });

  it('NaN in A propagates to its row (alpha=0 still computes 0·NaN, as onnxruntime does)', async () => {
    const model = gemm(13, [float32([2, 3], [NaN, 2, 3, 4, 5, 6]), float32([3, 2], B), float32([2], [1, 2])], { alpha: 0 });
    const { out0 } = await expectMatchesOnnxruntime(model);
    expect(Array.from(out0!.data)).toEqual([NaN, NaN, 1, 2]);
  });
});

describe('Gemm before opset 7 (legacy broadcast attribute; onnxruntime has no kernel, values by hand)', () => {
  it('Gemm-1 broadcast=1 C=[2] → A·B + C per row', async () => {
    const r = await gemmValues(1, [float32([2, 3], A), float32([3, 2], B), float32([2], [1, 2])], { broadcast: 1 });
    expect(r.values).toEqual([15, 4, 33, 4]);
  });

  it('Gemm-6 broadcast=1 C scalar [1] alpha=0.5 → 0.5·A·B + 1', async () => {
    const r = await gemmValues(6, [float32([2, 3], A), float32([3, 2], B), float32([1], [1])], { broadcast: 1, alpha: 0.5 });
    expect(r.values).toEqual([8, 2, 17, 2]);
  });

  it('Gemm-6 broadcast=0 C=[2,2] transA=1 beta=2 → A·B + 2·C', async () => {
    const r = await gemmValues(6, [float32([3, 2], AT), float32([3, 2], B), float32([2, 2], [1, 0, 0, 1])], { transA: 1, beta: 2 });
    expect(r.values).toEqual([16, 2, 32, 4]);
  });

  it('Gemm-6 broadcast=0 with C=[2] is a shape error (C must be [M, N] without broadcast)', async () => {
    const error = await expectLoadFailure(gemm(6, [float32([2, 3], A), float32([3, 2], B), float32([2], [1, 2])]), 'shape');
    expect(error.hint).toMatch(/broadcast=1/);
  });
});

describe('Gemm integer types (opset 9+; onnxruntime has no integer Gemm kernel, values by hand)', () => {
  for (const dtype of ['int32', 'int64', 'uint32', 'uint64'] as const) {
    it(`${dtype} A=[2,3] B=[3,2] C=[2] opset 9 → A·B + C`, async () => {
      const B01 = [1, 0, 2, 1, 3, 1]; // non-negative, so the unsigned types hold it: A·B01 = [[14,5],[32,11]]
      const r = await gemmValues(9, [tensor(dtype, [2, 3], A), tensor(dtype, [3, 2], B01), tensor(dtype, [2], [1, 2])]);
      expect(r.dtype).toBe(dtype);
      expect(r.values).toEqual([15, 7, 33, 13]);
    });
  }

  it('int32 products wrap modulo 2^32: [65536, 3]·[65536, 5] = 2^32 + 15 → 15', async () => {
    const r = await gemmValues(13, [tensor('int32', [1, 2], [65536, 3]), tensor('int32', [2, 1], [65536, 5])]);
    expect(r.values).toEqual([15]);
  });

  it('int32 transB dot path wraps too: [65536, 3]·[65536, 5]ᵀ → 15', async () => {
    const r = await gemmValues(13, [tensor('int32', [1, 2], [65536, 3]), tensor('int32', [1, 2], [65536, 5])], { transB: 1 });
    expect(r.values).toEqual([15]);
  });

  it('int64 alpha=0.5 beta=2.5 truncates toward zero: 0.5·(−3) + 2.5·1 = 1, 0.5·(−3) = −1.5 → −1', async () => {
    const a = tensor('int64', [1, 3], [1, 2, 3]);
    const b = tensor('int64', [3, 2], [-1, -1, -1, -1, 0, 0]); // A·B = [-3, -3]
    const r = await gemmValues(13, [a, b, tensor('int64', [2], [1, 0])], { alpha: 0.5, beta: 2.5 });
    expect(r.values).toEqual([1, -1]);
  });

  it('int32 at opset 7 is refused (integer types arrive in Gemm-9)', async () => {
    await expectLoadFailure(gemm(7, [tensor('int32', [2, 3], A), tensor('int32', [3, 2], B), tensor('int32', [2], [1, 2])]), 'shape');
  });
});

describe('Gemm vs onnxruntime', () => {
  const cases: { title: string; opset: number; a: number[]; b: number[]; c?: number[]; attrs?: Record<string, number>; dtype?: DType }[] = [
    { title: 'opset 7 A=[3,4] B=[4,5] C=[5]', opset: 7, a: [3, 4], b: [4, 5], c: [5] },
    { title: 'opset 7 A=[3,4] B=[4,5] C=[1,1] alpha=1.5 beta=0.25', opset: 7, a: [3, 4], b: [4, 5], c: [1, 1], attrs: { alpha: 1.5, beta: 0.25 } },
    { title: 'opset 9 transA A=[4,3] B=[4,5] C=[3,5]', opset: 9, a: [4, 3], b: [4, 5], c: [3, 5], attrs: { transA: 1 } },
    { title: 'opset 11 transB A=[3,4] B=[5,4] C=[1,5] alpha=0.25', opset: 11, a: [3, 4], b: [5, 4], c: [1, 5], attrs: { transB: 1, alpha: 0.25 } },
    { title: 'opset 11 no C transA transB A=[4,3] B=[5,4]', opset: 11, a: [4, 3], b: [5, 4], attrs: { transA: 1, transB: 1 } },
    { title: 'opset 13 C=[3,1] beta=-2', opset: 13, a: [3, 4], b: [4, 5], c: [3, 1], attrs: { beta: -2 } },
    { title: 'opset 13 C=[1]', opset: 13, a: [3, 4], b: [4, 5], c: [1] },
    { title: 'opset 13 C=[] (scalar)', opset: 13, a: [3, 4], b: [4, 5], c: [] },
    { title: 'opset 13 nn.Linear layout M=17 K=33 N=9 transB C=[9]', opset: 13, a: [17, 33], b: [9, 33], c: [9], attrs: { transB: 1 } },
    { title: 'opset 13 M=9 K=40 N=13 transA C=[9,13] alpha=-0.5', opset: 13, a: [40, 9], b: [40, 13], c: [9, 13], attrs: { transA: 1, alpha: -0.5 } },
    { title: 'opset 13 float64 A=[5,6] B=[7,6] transB C=[7]', opset: 13, a: [5, 6], b: [7, 6], c: [7], attrs: { transB: 1 }, dtype: 'float64' },
    { title: 'opset 13 float16 A=[5,6] B=[6,7] C=[5,7]', opset: 13, a: [5, 6], b: [6, 7], c: [5, 7], dtype: 'float16' },
  ];
  for (const c of cases) {
    it(c.title, async () => {
      const dtype = c.dtype ?? 'float32';
      const inputs = [randomTensor(c.a, 1, dtype), randomTensor(c.b, 2, dtype), c.c ? randomTensor(c.c, 3, dtype) : undefined];
      const tolerance = dtype === 'float16' ? allclose(1e-3, 1e-3) : allclose(1e-5, 1e-5);
      await expectMatchesOnnxruntime(gemm(c.opset, inputs, c.attrs), tolerance);
    });
  }
});

describe('Gemm errors', () => {
  it('A of rank 3 → shape', async () => {
    await expectLoadFailure(gemm(13, [float32([1, 2, 3], A), float32([3, 2], B)]), 'shape');
  });

  it('inner dims differ: A=[2,3] B=[2,2] → shape', async () => {
    await expectLoadFailure(gemm(13, [float32([2, 3], A), float32([2, 2], [1, 2, 3, 4])]), 'shape');
  });

  it('transB makes the inner dims differ: A=[2,3] B=[3,2] transB=1 → shape', async () => {
    await expectLoadFailure(gemm(13, [float32([2, 3], A), float32([3, 2], B)], { transB: 1 }), 'shape');
  });

  it('C=[3] does not broadcast to [2,2] → shape', async () => {
    await expectLoadFailure(gemm(13, [float32([2, 3], A), float32([3, 2], B), float32([3], [1, 2, 3])]), 'shape');
  });

  it('C=[2,2,1] has rank 3 → shape', async () => {
    await expectLoadFailure(gemm(13, [float32([2, 3], A), float32([3, 2], B), float32([2, 2, 1], [1, 2, 3, 4])]), 'shape');
  });

  it('broadcast attribute at opset 7 (removed there) → bad_attribute', async () => {
    // Built at opset 6, where the attribute exists, then re-declared as opset 7 for the importer to judge.
    const built = gemm(6, [float32([2, 3], A), float32([3, 2], B), float32([2], [1, 2])], { broadcast: 1 });
    const bytes = encodeModel({ ...built.record, opsetImports: new Map([['', 7]]) });
    await expect(loadModel(bytes)).rejects.toMatchObject({ code: 'bad_attribute', context: { attribute: 'broadcast' } });
  });

  it('C missing before opset 11 → invalid_graph', async () => {
    await expectLoadFailure(gemm(9, [float32([2, 3], A), float32([3, 2], B)]), 'invalid_graph');
  });

  it('inner dims that only disagree at run time (symbolic K) → shape', async () => {
    const model = buildModel({
      opset: 13,
      nodes: [{ opType: 'Gemm', inputs: ['a', 'b'], outputs: ['y'] }],
      inputs: { a: float32([2, 3], A), b: float32([2, 2], [1, 2, 3, 4]) },
      inputDims: { a: [2, 'k'], b: ['k2', 2] },
      outputs: ['y'],
    });
    await expect(runOurs(model)).rejects.toMatchObject({ code: 'shape' });
  });
});
