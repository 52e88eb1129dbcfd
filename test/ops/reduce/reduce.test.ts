import { describe, expect, it } from 'vitest';
import { buildModel } from '../../../src/fuzz/model-builder.js';
import { int64, type DType, type Tensor } from '../../../src/tensor.js';
import { loadModel } from '../../../src/engine/session.js';
import { expectMatchesOnnxruntime } from '../../helpers/differential.js';
import { againstOrt, expectClose, expectOpFailure, f32, ours, randomOf, t, values } from '../elementwise/helpers.js';

const OPS = ['ReduceSum', 'ReduceMean', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL2', 'ReduceLogSumExp'] as const;
type ReduceOp = (typeof OPS)[number];

/** The first opset whose axes are an input. */
const AXES_INPUT_FROM: Record<ReduceOp, number> = {
  ReduceSum: 13,
  ReduceMean: 18,
  ReduceMax: 18,
  ReduceMin: 18,
  ReduceProd: 18,
  ReduceL2: 18,
  ReduceLogSumExp: 18,
};

/** Runs a Reduce op at any opset with the axes given the way that opset takes them. */
function reduceCase(opType: ReduceOp, opset: number, x: Tensor, axes: number[] | undefined, extra: Record<string, number> = {}) {
  if (opset < AXES_INPUT_FROM[opType]) return { opType, opset, inputs: [x], attributes: { axes, ...extra } };
  return { opType, opset, inputs: [x, axes && int64([axes.length], axes)], constantInputs: [1], attributes: extra };
}

describe('Reduce ops, hand-checked', () => {
  const x = f32([2, 3], [1, 2, 3, 4, 5, 6]);

  it('ReduceSum [[1,2,3],[4,5,6]] axes=[1]: keepdims=0 → [6,15]; keepdims=1 → [[6],[15]]', async () => {
    const flat = await againstOrt(reduceCase('ReduceSum', 13, x, [1], { keepdims: 0 }));
    expect(flat.dims).toEqual([2]);
    expect(values(flat)).toEqual([6, 15]);
    const kept = await againstOrt(reduceCase('ReduceSum', 11, x, [1]));
    expect(kept.dims).toEqual([2, 1]);
    expect(values(kept)).toEqual([6, 15]);
  });

  it('ReduceMean axes=[−2] → [2.5, 3.5, 4.5]; no axes → mean of all 3.5 with dims [1,1]', async () => {
    expect(values(await againstOrt(reduceCase('ReduceMean', 18, x, [-2], { keepdims: 0 })))).toEqual([2.5, 3.5, 4.5]);
    const all = await againstOrt(reduceCase('ReduceMean', 13, x, undefined));
    expect(all.dims).toEqual([1, 1]);
    expect(values(all)).toEqual([3.5]);
  });

  it('ReduceMax/ReduceMin propagate NaN as torch.amax/amin: [1, NaN, 3] → NaN', async () => {
    const n = f32([3], [1, NaN, 3]);
    // onnxruntime keeps a NaN only when it comes first (ReduceMax answers 3 here); PyTorch's answer is NaN.
    for (const opType of ['ReduceMax', 'ReduceMin'] as const) {
      expect(values(await ours(reduceCase(opType, 13, n, undefined))), opType).toEqual([NaN]);
      expect(values(await ours(reduceCase(opType, 18, n, undefined))), opType).toEqual([NaN]);
    }
  });

  it('ReduceL2 [[3,4],[6,8]] axes=[1] → [5, 10]', async () => {
    expect(values(await againstOrt(reduceCase('ReduceL2', 18, f32([2, 2], [3, 4, 6, 8]), [1], { keepdims: 0 })))).toEqual([5, 10]);
  });

  it('ReduceProd [[1,2],[3,4]] axes=[0] → [3, 8]; int32 65536·65536 wraps to 0', async () => {
    expect(values(await againstOrt(reduceCase('ReduceProd', 13, f32([2, 2], [1, 2, 3, 4]), [0], { keepdims: 0 })))).toEqual([3, 8]);
    // 2^32 mod 2^32 = 0, as C++ int32 multiplication; onnxruntime saturates to 2^31 − 1 instead.
    expect(values(await ours(reduceCase('ReduceProd', 13, t('int32', [2], [65536, 65536]), undefined)))).toEqual([0]);
  });

  it('ReduceLogSumExp is stable: [1000, 1000] → 1000 + ln 2; all −inf → −inf; with +inf → +inf', async () => {
    expect(values(await againstOrt(reduceCase('ReduceLogSumExp', 18, f32([2], [1000, 1000]), undefined)))).toEqual([Math.fround(1000 + Math.LN2)]);
    expect(values(await againstOrt(reduceCase('ReduceLogSumExp', 13, f32([2], [-Infinity, -Infinity]), undefined)))).toEqual([-Infinity]);
    // torch.logsumexp treats an infinite maximum as 0 before subtracting, so inf − inf never appears.
    expect(values(await ours(reduceCase('ReduceLogSumExp', 13, f32([2], [Infinity, 0]), undefined)))).toEqual([Infinity]);
  });

  it('ReduceSum of 10^6 × 0.1f stays at the float32 rounding of the exact sum (double accumulation)', async () => {
    // Exact: 10^6 · fround(0.1) = 100000.00149…, which rounds to 100000 in float32. A float32 running sum drifts
    // to ≈ 100958; PyTorch's cascade sum also lands within an ulp of 100000.
    const n = 1_000_000;
    const big = t('float32', [n], new Array<number>(n).fill(0.1));
    const y = await ours(reduceCase('ReduceSum', 13, big, undefined, { keepdims: 0 }));
    expect(values(y)).toEqual([Math.fround(n * Math.fround(0.1))]);
  });

  it('integer ReduceMean truncates toward zero: [1,2] → 1, [−1,−2] → −1', async () => {
    expect(values(await againstOrt(reduceCase('ReduceMean', 18, t('int32', [2, 2], [1, 2, -1, -2]), [1], { keepdims: 0 })))).toEqual([1, -1]);
  });

  it('noop_with_empty_axes=1 and no axes: ReduceSum/Mean are the identity, ReduceL2 is |x| (ONNX: "other operations" still apply)', async () => {
    const v = f32([2, 2], [-1, 2, -3, 4]);
    expect(values(await againstOrt(reduceCase('ReduceSum', 13, v, undefined, { noop_with_empty_axes: 1 })))).toEqual([-1, 2, -3, 4]);
    expect(values(await againstOrt(reduceCase('ReduceMean', 18, v, [], { noop_with_empty_axes: 1 })))).toEqual([-1, 2, -3, 4]);
    expect(values(await againstOrt(reduceCase('ReduceL2', 18, v, undefined, { noop_with_empty_axes: 1 })))).toEqual([1, 2, 3, 4]);
  });

  it('empty axes input with noop_with_empty_axes=0 reduces every axis', async () => {
    const y = await againstOrt(reduceCase('ReduceMax', 18, x, [], { keepdims: 0 }));
    expect(y.dims).toEqual([]);
    expect(values(y)).toEqual([6]);
  });

  it('reducing an empty axis: Sum 0, Prod 1, Max −inf, int32 Max −2^31, Mean NaN (PyTorch; onnxruntime gives 0)', async () => {
    const empty = f32([0, 2], []);
    expect(values(await againstOrt(reduceCase('ReduceSum', 13, empty, [0], { keepdims: 0 })))).toEqual([0, 0]);
    expect(values(await againstOrt(reduceCase('ReduceProd', 18, empty, [0], { keepdims: 0 })))).toEqual([1, 1]);
    expect(values(await againstOrt(reduceCase('ReduceMax', 18, empty, [0], { keepdims: 0 })))).toEqual([-Infinity, -Infinity]);
    expect(values(await ours(reduceCase('ReduceMax', 18, t('int32', [0, 2], []), [0], { keepdims: 0 })))).toEqual([-(2 ** 31), -(2 ** 31)]);
    // torch.mean over no elements is 0/0 = NaN.
    expect(values(await ours(reduceCase('ReduceMean', 18, empty, [0], { keepdims: 0 })))).toEqual([NaN, NaN]);
  });

  it('ReduceMax/ReduceMin-20 on bool are any/all', async () => {
    const b = t('bool', [2, 3], [0, 1, 0, 1, 1, 1]);
    expect(values(await againstOrt(reduceCase('ReduceMax', 20, b, [1], { keepdims: 0 })))).toEqual([1, 1]);
    expect(values(await againstOrt(reduceCase('ReduceMin', 20, b, [1], { keepdims: 0 })))).toEqual([0, 1]);
  });

  it('axes computed at run time: shape inference leaves dims open, the run reduces correctly', async () => {
    const model = buildModel({
      opset: 18,
      nodes: [{ opType: 'ReduceSum', inputs: ['x', 'axes'], outputs: ['y'], attributes: { keepdims: 0 } }],
      inputs: { x, axes: int64([1], [0]) },
      outputs: ['y'],
    });
    const { y } = await expectMatchesOnnxruntime(model);
    expect(values(y)).toEqual([5, 7, 9]);
  });

  it('errors: axes out of range → bad_attribute (attribute) / shape (input); duplicate axes; keepdims=2; axes attribute at opset 18; 2-D axes input', async () => {
    await expectOpFailure(reduceCase('ReduceMean', 13, x, [2]), 'bad_attribute', /out of range/);
    await expectOpFailure(reduceCase('ReduceMean', 13, x, [1, -1]), 'bad_attribute', /twice/);
    await expectOpFailure(reduceCase('ReduceMean', 18, x, [-3]), 'shape', /out of range/);
    await expectOpFailure(reduceCase('ReduceSum', 13, x, [0, 0]), 'shape', /twice/);
    await expectOpFailure(reduceCase('ReduceMax', 11, x, [0], { keepdims: 2 }), 'bad_attribute', /one of/);
    await expectOpFailure({ opType: 'ReduceMean', opset: 18, inputs: [x], attributes: { axes: [0] } }, 'bad_attribute');
    await expectOpFailure({ opType: 'ReduceSum', opset: 13, inputs: [x, int64([1, 1], [0])], constantInputs: [1] }, 'shape', /1-D/);
    await expectOpFailure(reduceCase('ReduceSum', 13, t('int8', [2], [1, 2]), undefined), 'shape', /accepts/);
  });
});

describe('Reduce ops vs onnxruntime', () => {
  const VERSIONS: Record<ReduceOp, number[]> = {
    ReduceSum: [1, 11, 13],
    ReduceMean: [1, 11, 13, 18],
    ReduceMax: [1, 11, 12, 13, 18, 20],
    ReduceMin: [1, 11, 12, 13, 18, 20],
    ReduceProd: [1, 11, 13, 18],
    ReduceL2: [1, 11, 13, 18],
    ReduceLogSumExp: [1, 11, 13, 18],
  };
  const axesVariants: (number[] | undefined)[] = [undefined, [0], [1, 3], [-1], [0, 2, 3], [3, 1]];
  for (const opType of OPS) {
    for (const opset of VERSIONS[opType]) {
      for (const axes of axesVariants) {
        for (const keepdims of [0, 1]) {
          it(`${opType}-${opset} float32 [2,3,4,5] axes=${axes ? `[${axes}]` : 'none'} keepdims=${keepdims}`, async () => {
            const xs = randomOf('float32', [2, 3, 4, 5], 7, { scale: opType === 'ReduceProd' ? 2 : 3 });
            await againstOrt(reduceCase(opType, opset, xs, axes, { keepdims }), { kind: 'allclose', name: 'reduce', rtol: 1e-5, atol: 1e-5 });
          });
        }
      }
      const types: DType[] = ['float64', 'int32', 'int64'];
      if (opset >= 11) types.push('float16');
      if ((opType === 'ReduceMax' || opType === 'ReduceMin') && opset >= 12) types.push('int8', 'uint8');
      for (const dtype of types) {
        it(`${opType}-${opset} ${dtype} [3,4,5] axes=[1] and all axes`, async () => {
          const range: [number, number] = opType === 'ReduceProd' ? [-3, 3] : [-50, 50];
          const xs = randomOf(dtype, [3, 4, 5], 8, { range: dtype === 'uint8' ? [0, 255] : range, scale: 2 });
          if (dtype === 'int32' || dtype === 'int64') {
            // Integer L2 and LogSumExp are real-valued results cast back; positive inputs keep them meaningful.
            if (opType === 'ReduceL2' || opType === 'ReduceLogSumExp') for (let i = 0; i < xs.data.length; i++) xs.data[i] = Math.abs(xs.data[i]!);
          }
          const tol = dtype === 'float16' ? { kind: 'allclose' as const, name: 'f16', rtol: 3e-3, atol: 3e-3 } : undefined;
          await againstOrt(reduceCase(opType, opset, xs, [1]), tol);
          await againstOrt(reduceCase(opType, opset, xs, undefined, { keepdims: 0 }), tol);
        });
      }
    }
    const from = AXES_INPUT_FROM[opType];
    for (const noop of [0, 1]) {
      it(`${opType}-${from} axes input absent, noop_with_empty_axes=${noop}`, async () => {
        await againstOrt(reduceCase(opType, from, randomOf('float32', [3, 4], 2), undefined, { noop_with_empty_axes: noop }));
      });
    }
    it(`${opType}-${from} axes fed at run time (not a constant)`, async () => {
      const model = buildModel({
        opset: from,
        nodes: [{ opType, inputs: ['x', 'axes'], outputs: ['y'], attributes: { keepdims: 0 } }],
        inputs: { x: randomOf('float32', [3, 4, 5], 4), axes: int64([2], [2, 0]) },
        outputs: ['y'],
      });
      await expectMatchesOnnxruntime(model);
    });
  }

  it('a float64 referee run of Sub → Clip → Softmax → ReduceMean computes in float64 and agrees with float32 onnxruntime', async () => {
    const model = buildModel({
      opset: 18,
      nodes: [
        { opType: 'Sub', inputs: ['x', 'b'], outputs: ['d'] },
        { opType: 'Clip', inputs: ['d', 'lo', ''], outputs: ['c'] },
        { opType: 'Softmax', inputs: ['c'], outputs: ['s'], attributes: { axis: 1 } },
        { opType: 'ReduceMean', inputs: ['s', 'axes'], outputs: ['y'], attributes: { keepdims: 0 } },
      ],
      inputs: { x: randomOf('float32', [2, 5, 3], 1, { scale: 4 }) },
      initializers: { b: randomOf('float32', [5, 1], 2), lo: f32([], [-1]), axes: int64([1], [2]) },
      outputs: ['y'],
    });
    const { y: y32 } = await expectMatchesOnnxruntime(model);
    const referee = await loadModel(model.bytes, { precision: 'float64' });
    const { y: y64 } = await referee.run(model.feeds);
    expect(y64!.dtype).toBe('float64');
    expectClose(values(y64), values(y32), 1e-6, 1e-7);
  });

  it('uint32/uint64 (allowed by ONNX, no onnxruntime kernels) match the same values held as int64', async () => {
    for (const opType of OPS) {
      for (const dtype of ['uint32', 'uint64'] as DType[]) {
        const xs = randomOf(dtype, [3, 4], 6, { range: [0, 20] });
        const y = await ours(reduceCase(opType, 18, xs, [1]));
        const reference = await againstOrt(reduceCase(opType, 18, t('int64', xs.dims, values(xs)), [1]));
        expect(y.dtype).toBe(dtype);
        expectClose(values(y), values(reference), 0, 0);
      }
    }
  });
});
