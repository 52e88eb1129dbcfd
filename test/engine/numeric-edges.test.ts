import { describe, expect, it } from 'vitest';
import { allclose } from '../../src/compare/tolerance.js';
import { loadModel } from '../../src/engine/session.js';
import { buildSingleOp, type AttributeInput } from '../../src/fuzz/model-builder.js';
import { float32, int64, tensor, type Tensor } from '../../src/tensor.js';
import { expectMatchesOnnxruntime, runOurs } from '../helpers/differential.js';

/**
 * Issue 7: NaN, ±Inf and empty tensors behave as PyTorch (float32, CPU) does. Where onnxruntime agrees the case is
 * also differential; where it does not (MaxPool and max reductions skipping NaN, max over padding, mean of nothing),
 * the expectation is PyTorch's, with the source cited.
 */

const N = NaN;
const I = Infinity;

function op(opType: string, opset: number, inputs: (Tensor | undefined)[], attributes: Record<string, AttributeInput> = {}, extra: { constantInputs?: number[]; outputCount?: number } = {}) {
  return buildSingleOp({ opType, opset, inputs, attributes, ...extra });
}

async function values(model: ReturnType<typeof op>, output = 'out0', precision: 'float32' | 'float64' = 'float32') {
  const session = await loadModel(model.bytes, { precision });
  const t = (await session.run(model.feeds))[output]!;
  return { dims: t.dims, values: Array.from(t.data) };
}

// Exact comparison that treats NaN as equal to NaN and keeps -0/+0 apart only where asked.
const nanAware = allclose(0, 0);

describe('NaN propagates as in PyTorch', () => {
  // aten/src/ATen/native/cpu/MaxPoolKernel.cpp: `if ((val > maxval) || std::isnan(val))` — a NaN in the window wins,
  // and each later NaN takes the index. onnxruntime's MaxPool skips NaN (max_pool of [1,NaN,2,3] is 3 there).
  it('MaxPool k=2x2 x=[1,NaN,2,3] → NaN, index 1 (onnxruntime gives 3)', async () => {
    const model = op('MaxPool', 12, [float32([1, 1, 2, 2], [1, N, 2, 3])], { kernel_shape: [2, 2] }, { outputCount: 2 });
    expect(await values(model)).toEqual({ dims: [1, 1, 1, 1], values: [N] });
    expect((await values(model, 'out1')).values).toEqual([1]);
  });

  it('MaxPool k=2x2 x=[NaN,5,NaN,3] → NaN with the index of the last NaN (2), as the ATen loop updates on every NaN', async () => {
    const model = op('MaxPool', 12, [float32([1, 1, 2, 2], [N, 5, N, 3])], { kernel_shape: [2, 2] }, { outputCount: 2 });
    expect((await values(model)).values).toEqual([N]);
    expect((await values(model, 'out1')).values).toEqual([2]);
  });

  it('MaxPool 1-D k=2 s=1 x=[1,NaN,3,4] → [NaN,NaN,4]: only windows holding the NaN', async () => {
    expect((await values(op('MaxPool', 12, [float32([1, 1, 4], [1, N, 3, 4])], { kernel_shape: [2], strides: [1] }))).values).toEqual([N, N, 4]);
  });

  it('MaxPool in a float64 referee run propagates NaN too', async () => {
    const model = op('MaxPool', 12, [float32([1, 1, 2, 2], [1, N, 2, 3])], { kernel_shape: [2, 2] });
    expect((await values(model, 'out0', 'float64')).values).toEqual([N]);
  });

  it('MaxPool over -Inf with padding → -Inf: padding is not a value (onnxruntime gives -FLT_MAX)', async () => {
    // x=[-inf,-inf], k=2, pads 1|1: windows [pad,-inf], [-inf,-inf], [-inf,pad]; max_pool1d gives -inf for each.
    const model = op('MaxPool', 12, [float32([1, 1, 1, 2], [-I, -I])], { kernel_shape: [1, 2], pads: [0, 1, 0, 1] });
    expect((await values(model)).values).toEqual([-I, -I, -I]);
  });

  it('GlobalMaxPool x=[1,NaN,2,3] → NaN (adaptive_max_pool2d uses the same isnan rule)', async () => {
    expect((await values(op('GlobalMaxPool', 1, [float32([1, 1, 2, 2], [1, N, 2, 3])]))).values).toEqual([N]);
  });

  it('ReduceMax / ReduceMin keep a NaN (torch.amax/amin propagate it; onnxruntime\'s ReduceMin drops it)', async () => {
    expect((await values(op('ReduceMax', 13, [float32([2, 2], [N, 1, 2, 3])], { axes: [1] }))).values).toEqual([N, 3]);
    expect((await values(op('ReduceMin', 13, [float32([2, 2], [1, N, 2, 3])], { axes: [1] }))).values).toEqual([N, 2]);
  });

  it('Relu [NaN,-inf,inf,-1] → [NaN,0,inf,0] (relu(NaN) = NaN), as onnxruntime', async () => {
    const ours = await expectMatchesOnnxruntime(op('Relu', 14, [float32([4], [N, -I, I, -1])]), nanAware);
    expect(Array.from(ours.out0!.data)).toEqual([N, 0, I, 0]);
  });

  it('LeakyRelu alpha=0.01 [NaN,-inf,inf,-2] → [NaN,-inf,inf,-0.02]', async () => {
    const ours = await expectMatchesOnnxruntime(op('LeakyRelu', 16, [float32([4], [N, -I, I, -2])]), nanAware);
    expect(Array.from(ours.out0!.data)).toEqual([N, -I, I, Math.fround(-0.02)]);
  });

  // aten/src/ATen/native/cpu/TensorCompareKernel.cpp (clamp): `if (at::_isnan(a)) return a;` — clamp(NaN) = NaN.
  it('Clip-13 min=-1 max=1 [NaN,-inf,inf,0.5,-5] → [NaN,-1,1,0.5,-1]', async () => {
    const model = op('Clip', 13, [float32([5], [N, -I, I, 0.5, -5]), float32([], [-1]), float32([], [1])], {}, { constantInputs: [1, 2] });
    const ours = await expectMatchesOnnxruntime(model, nanAware);
    expect(Array.from(ours.out0!.data)).toEqual([N, -1, 1, 0.5, -1]);
  });

  it('Clip-6 attributes min=-1 max=1 keep NaN', async () => {
    const ours = await expectMatchesOnnxruntime(op('Clip', 6, [float32([3], [N, 5, -5])], { min: -1, max: 1 }), nanAware);
    expect(Array.from(ours.out0!.data)).toEqual([N, 1, -1]);
  });

  it('Clip with min > max gives max everywhere (torch.clamp documents this)', async () => {
    const model = op('Clip', 13, [float32([3], [0, 5, -5]), float32([], [2]), float32([], [1])], {}, { constantInputs: [1, 2] });
    expect(Array.from((await expectMatchesOnnxruntime(model)).out0!.data)).toEqual([1, 1, 1]);
  });

  it('AveragePool k=1 keeps NaN in place; Softmax of a row of -inf is NaN (0/0), as torch.softmax', async () => {
    expect((await values(op('AveragePool', 19, [float32([1, 1, 2, 2], [N, 1, 2, 3])], { kernel_shape: [1, 1] }))).values).toEqual([N, 1, 2, 3]);
    const soft = await expectMatchesOnnxruntime(op('Softmax', 13, [float32([2, 2], [-I, -I, I, 1])]), nanAware);
    expect(Array.from(soft.out0!.data)).toEqual([N, N, N, N]);
  });
});

describe('±Inf through Conv and Gemm follows IEEE arithmetic', () => {
  it('Conv x=[inf,1;2,3] w=[0,1] (1x2) → [inf·0 + 1, 2·0 + 3] = [NaN, 3]', async () => {
    const ours = await expectMatchesOnnxruntime(op('Conv', 13, [float32([1, 1, 2, 2], [I, 1, 2, 3]), float32([1, 1, 1, 2], [0, 1])], {}, { constantInputs: [1] }), nanAware);
    expect(Array.from(ours.out0!.data)).toEqual([N, 3]);
  });

  it('Conv x=[inf,-inf] w=[1,1] → inf + -inf = NaN', async () => {
    const ours = await expectMatchesOnnxruntime(op('Conv', 13, [float32([1, 1, 1, 2], [I, -I]), float32([1, 1, 1, 2], [1, 1])]), nanAware);
    expect(Array.from(ours.out0!.data)).toEqual([N]);
  });

  it('Conv x=[inf,1] w=[2,1] b=[-inf] → inf + -inf = NaN; w=[2,1] b=[1] → inf', async () => {
    const x = float32([1, 1, 1, 2], [I, 1]);
    const nanBias = await values(op('Conv', 13, [x, float32([1, 1, 1, 2], [2, 1]), float32([1], [-I])]));
    expect(nanBias.values).toEqual([N]);
    expect((await values(op('Conv', 13, [x, float32([1, 1, 1, 2], [2, 1]), float32([1], [1])]))).values).toEqual([I]);
  });

  it('Conv float64 referee run: inf·0 is NaN there too', async () => {
    expect((await values(op('Conv', 13, [float32([1, 1, 1, 2], [I, 1]), float32([1, 1, 1, 2], [0, 1])]), 'out0', 'float64')).values).toEqual([N]);
  });

  it('Gemm A=[inf,1] B=[[0,1],[1,1]] → [inf·0 + 1, inf·1 + 1] = [NaN, inf]', async () => {
    const ours = await expectMatchesOnnxruntime(op('Gemm', 13, [float32([1, 2], [I, 1]), float32([2, 2], [0, 1, 1, 1])]), nanAware);
    expect(Array.from(ours.out0!.data)).toEqual([N, I]);
  });

  // torch.addmm: "If beta is 0, then input will be ignored, and nan and inf in it will not be propagated."
  it('Gemm beta=0 C=[NaN,inf] → C ignored: A·B = [1·0 + 1·1, 1 + 1] = [1, 2]', async () => {
    const model = op('Gemm', 13, [float32([1, 2], [1, 1]), float32([2, 2], [0, 1, 1, 1]), float32([2], [N, I])], { beta: 0 });
    expect(Array.from((await expectMatchesOnnxruntime(model)).out0!.data)).toEqual([1, 2]);
  });

  it('MatMul A=[inf,1] B=[[0,1],[1,1]] → [NaN, inf]', async () => {
    const ours = await expectMatchesOnnxruntime(op('MatMul', 13, [float32([1, 2], [I, 1]), float32([2, 2], [0, 1, 1, 1])]), nanAware);
    expect(Array.from(ours.out0!.data)).toEqual([N, I]);
  });
});

describe('empty tensors (a dim of 0) where ONNX allows them', () => {
  const empty = (dims: number[]) => float32(dims, []);
  const w = float32([2, 1, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
  const cases: [string, ReturnType<typeof op>, number[]][] = [
    ['Conv x=[0,1,3,3] w=[2,1,2,2] → [0,2,2,2]', op('Conv', 13, [empty([0, 1, 3, 3]), w]), [0, 2, 2, 2]],
    ['Conv x=[0,2,3,3] w=[2,1,2,2] p=1 g=2 → [0,2,4,4]', op('Conv', 13, [empty([0, 2, 3, 3]), w], { pads: [1, 1, 1, 1], group: 2 }), [0, 2, 4, 4]],
    ['ConvTranspose x=[0,1,2,2] w=[1,2,2,2] → [0,2,3,3]', op('ConvTranspose', 13, [empty([0, 1, 2, 2]), float32([1, 2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8])]), [0, 2, 3, 3]],
    ['MaxPool x=[0,1,3,3] k=2 → [0,1,2,2]', op('MaxPool', 12, [empty([0, 1, 3, 3])], { kernel_shape: [2, 2] }), [0, 1, 2, 2]],
    ['AveragePool x=[0,1,3,3] k=2 → [0,1,2,2]', op('AveragePool', 19, [empty([0, 1, 3, 3])], { kernel_shape: [2, 2] }), [0, 1, 2, 2]],
    ['GlobalAveragePool x=[0,2,3,3] → [0,2,1,1]', op('GlobalAveragePool', 1, [empty([0, 2, 3, 3])]), [0, 2, 1, 1]],
    ['BatchNormalization x=[0,2,2] → [0,2,2]', op('BatchNormalization', 15, [empty([0, 2, 2]), float32([2], [1, 1]), float32([2], [0, 0]), float32([2], [0, 0]), float32([2], [1, 1])]), [0, 2, 2]],
    ['Reshape [0,3] to [3,0,5] allowzero=1', op('Reshape', 14, [empty([0, 3]), int64([3], [3, 0, 5])], { allowzero: 1 }, { constantInputs: [1] }), [3, 0, 5]],
    ['Reshape [0,3] to [0,3] (0 copies the input dim)', op('Reshape', 13, [empty([0, 3]), int64([2], [0, 3])], {}, { constantInputs: [1] }), [0, 3]],
    ['Reshape [0,3] to [-1,3]', op('Reshape', 13, [empty([0, 3]), int64([2], [-1, 3])], {}, { constantInputs: [1] }), [0, 3]],
    ['Flatten [0,2,3] → [0,6]', op('Flatten', 13, [empty([0, 2, 3])]), [0, 6]],
    ['Slice [2,3] starts=ends=2 axis 1 → [2,0]', op('Slice', 13, [float32([2, 3], [1, 2, 3, 4, 5, 6]), int64([1], [2]), int64([1], [2]), int64([1], [1])], {}, { constantInputs: [1, 2, 3] }), [2, 0]],
    ['Slice [2,3] 0:3 step -1 axis 1 → [2,0]', op('Slice', 13, [float32([2, 3], [1, 2, 3, 4, 5, 6]), int64([1], [0]), int64([1], [3]), int64([1], [1]), int64([1], [-1])], {}, { constantInputs: [1, 2, 3, 4] }), [2, 0]],
    ['Add [0,3] + [3] → [0,3]', op('Add', 14, [empty([0, 3]), float32([3], [1, 2, 3])]), [0, 3]],
    ['Add [0,1] + [1,3] → [0,3]', op('Add', 14, [empty([0, 1]), float32([1, 3], [1, 2, 3])]), [0, 3]],
    ['Relu [2,0,3]', op('Relu', 14, [empty([2, 0, 3])]), [2, 0, 3]],
    ['Softmax [0,3]', op('Softmax', 13, [empty([0, 3])]), [0, 3]],
    ['Transpose [0,3] → [3,0]', op('Transpose', 13, [empty([0, 3])]), [3, 0]],
    ['Gemm A=[0,2] B=[2,3] → [0,3]', op('Gemm', 13, [empty([0, 2]), float32([2, 3], [1, 2, 3, 4, 5, 6])]), [0, 3]],
    ['Gather [2,3] with indices [0] → [0,3]', op('Gather', 13, [float32([2, 3], [1, 2, 3, 4, 5, 6]), int64([0], [])], {}, { constantInputs: [1] }), [0, 3]],
    ['Expand [1,3] to [0,3]', op('Expand', 13, [float32([1, 3], [1, 2, 3]), int64([2], [0, 3])], {}, { constantInputs: [1] }), [0, 3]],
  ];
  for (const [title, model, dims] of cases) {
    it(title, async () => {
      const ours = await expectMatchesOnnxruntime(model);
      expect(ours.out0!.dims).toEqual(dims);
      expect(ours.out0!.data.length).toBe(0);
    });
  }

  it('Concat [0,3] and [2,3] on axis 0 → [2,3] holding the second input; [2,0]·[2,1] on axis 1 → [2,1]', async () => {
    const rows = await expectMatchesOnnxruntime(op('Concat', 13, [empty([0, 3]), float32([2, 3], [1, 2, 3, 4, 5, 6])], { axis: 0 }));
    expect({ dims: rows.out0!.dims, values: Array.from(rows.out0!.data) }).toEqual({ dims: [2, 3], values: [1, 2, 3, 4, 5, 6] });
    const cols = await expectMatchesOnnxruntime(op('Concat', 13, [empty([2, 0]), float32([2, 1], [1, 2])], { axis: 1 }));
    expect(Array.from(cols.out0!.data)).toEqual([1, 2]);
  });

  it('Split [2,3] into 0 and 3 columns → [2,0] and the whole input', async () => {
    const model = op('Split', 13, [float32([2, 3], [1, 2, 3, 4, 5, 6]), int64([2], [0, 3])], { axis: 1 }, { constantInputs: [1], outputCount: 2 });
    const ours = await expectMatchesOnnxruntime(model);
    expect(ours.out0!.dims).toEqual([2, 0]);
    expect(Array.from(ours.out1!.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('MatMul [2,0]·[0,3] → zeros [2,3] (an empty sum is 0); Gemm K=0 C=[1,2,3] → C broadcast', async () => {
    expect(Array.from((await expectMatchesOnnxruntime(op('MatMul', 13, [empty([2, 0]), empty([0, 3])]))).out0!.data)).toEqual([0, 0, 0, 0, 0, 0]);
    const gemm = await expectMatchesOnnxruntime(op('Gemm', 13, [empty([2, 0]), empty([0, 3]), float32([3], [1, 2, 3])]));
    expect(Array.from(gemm.out0!.data)).toEqual([1, 2, 3, 1, 2, 3]);
  });

  it('ReduceSum over an empty axis → 0, as onnxruntime and torch.sum', async () => {
    const ours = await expectMatchesOnnxruntime(op('ReduceSum', 13, [empty([2, 0]), int64([1], [1])], {}, { constantInputs: [1] }));
    expect(Array.from(ours.out0!.data)).toEqual([0, 0]);
  });

  it('ReduceMean over an empty axis → NaN, as torch.mean (0/0); onnxruntime gives 0', async () => {
    expect((await values(op('ReduceMean', 13, [empty([2, 0])], { axes: [1] }))).values).toEqual([N, N]);
  });

  it('Pad [0,2] by one row each side → zeros [2,2]', async () => {
    const ours = await expectMatchesOnnxruntime(op('Pad', 13, [empty([0, 2]), int64([4], [1, 0, 1, 0])], {}, { constantInputs: [1] }));
    expect({ dims: ours.out0!.dims, values: Array.from(ours.out0!.data) }).toEqual({ dims: [2, 2], values: [0, 0, 0, 0] });
  });

  it('GlobalAveragePool over an empty spatial axis is a shape error, as adaptive_avg_pool2d refuses it', async () => {
    await expect(runOurs(op('GlobalAveragePool', 1, [empty([1, 2, 0, 3])]))).rejects.toMatchObject({ code: 'shape' });
  });

  it('an empty feed goes through a whole chain: Conv → Relu → MaxPool → Flatten → Gemm on batch 0', async () => {
    const { buildModel } = await import('../../src/fuzz/model-builder.js');
    const model = buildModel({
      opset: 13,
      nodes: [
        { opType: 'Conv', inputs: ['x', 'w'], outputs: ['c'], attributes: { pads: [1, 1, 1, 1] } },
        { opType: 'Relu', inputs: ['c'], outputs: ['r'] },
        { opType: 'MaxPool', inputs: ['r'], outputs: ['p'], attributes: { kernel_shape: [2, 2], strides: [2, 2] } },
        { opType: 'Flatten', inputs: ['p'], outputs: ['f'] },
        { opType: 'Gemm', inputs: ['f', 'fc', 'b'], outputs: ['y'], attributes: { transB: 1 } },
      ],
      inputs: { x: empty([0, 1, 4, 4]) },
      inputDims: { x: ['N', 1, 4, 4] },
      initializers: { w: w, fc: tensor('float32', [3, 8], new Array(24).fill(0.5)), b: float32([3], [1, 2, 3]) },
      outputs: ['y'],
    });
    const ours = await expectMatchesOnnxruntime(model);
    expect(ours.y!.dims).toEqual([0, 3]);
  });
});

describe('comparing results that hold infinities', () => {
  it('equal infinities pass even with rtol 0 (atol + 0·∞ was NaN, and every comparison with NaN fails)', async () => {
    const { compareTensors } = await import('../../src/compare/compare.js');
    const t = float32([3], [I, -I, 1]);
    expect(compareTensors(t, float32([3], [I, -I, 1]), allclose(0, 0)).verdict).toBe('pass');
    expect(compareTensors(t, float32([3], [-I, -I, 1]), allclose(0, 0)).verdict).toBe('fail');
    expect(compareTensors(t, float32([3], [I, -I, 1]), allclose(1e-5, 1e-8)).verdict).toBe('pass');
  });
});
