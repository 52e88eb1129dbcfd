import { describe, expect, it } from 'vitest';
import { runOnnxruntime } from '../../../src/oracle/onnxruntime.js';
import { float32, tensor } from '../../../src/tensor.js';
import { buildModel } from '../../../src/fuzz/model-builder.js';
import { expectMatchesOnnxruntime, runOurs } from '../../helpers/differential.js';
import { expectLoadFailure, iota, outputs, randomTensor, single } from './pool-norm-helpers.js';

const maxPool = (opset: number, x: Parameters<typeof single>[2][0], attributes: Parameters<typeof single>[3], outputCount = 1) =>
  single('MaxPool', opset, [x], attributes, outputCount);

// x4 = [[1,2,3,4],[5,6,7,8],[9,10,11,12],[13,14,15,16]] as [1,1,4,4].
const x4 = iota([1, 1, 4, 4]);

describe('MaxPool, hand-checked', () => {
  it('x=[1,1,4,4] k=2 s=2 opset 12 → [6,8,14,16], Indices row-major [5,7,13,15]', async () => {
    // Windows {1,2,5,6} {3,4,7,8} {9,10,13,14} {11,12,15,16}; the maxima sit at flat positions 5, 7, 13, 15.
    const [y, i] = await outputs(maxPool(12, x4, { kernel_shape: [2, 2], strides: [2, 2] }, 2));
    expect(y!.dims).toEqual([1, 1, 2, 2]);
    expect(y!.values).toEqual([6, 8, 14, 16]);
    expect(i!.dtype).toBe('int64');
    expect(i!.values).toEqual([5, 7, 13, 15]);
  });

  it('storage_order=1 → Indices column-major over the spatial axes: h + w·H = [5,13,7,15]', async () => {
    // 6 at (h=1,w=1): 1 + 1·4 = 5; 8 at (1,3): 1 + 3·4 = 13; 14 at (3,1): 3 + 4 = 7; 16 at (3,3): 3 + 12 = 15.
    const model = maxPool(12, x4, { kernel_shape: [2, 2], strides: [2, 2], storage_order: 1 }, 2);
    const [y, i] = await outputs(model);
    expect(y!.values).toEqual([6, 8, 14, 16]);
    expect(i!.values).toEqual([5, 13, 7, 15]);
    await expectMatchesOnnxruntime(model);
  });

  it('Indices count batch and channel: x=[2,2,1,2] k=[1,2] → flat indices (n·C + c)·2 + w', async () => {
    // Planes [1,2] [4,3] [5,6] [8,7]: maxima 2 (index 1), 4 (2), 6 (5), 8 (6).
    const model = maxPool(12, float32([2, 2, 1, 2], [1, 2, 4, 3, 5, 6, 8, 7]), { kernel_shape: [1, 2] }, 2);
    const [y, i] = await outputs(model);
    expect(y!.values).toEqual([2, 4, 6, 8]);
    expect(i!.values).toEqual([1, 2, 5, 6]);
    await expectMatchesOnnxruntime(model);
  });

  it('dilations=[2,2] k=2 on x=[1,1,4,4] → [11,12,15,16]', async () => {
    // Output (0,0) taps rows {0,2} × cols {0,2}: 1, 3, 9, 11 → 11; (0,1): cols {1,3} → 12; (1,0): rows {1,3} → 15; (1,1) → 16.
    const model = maxPool(10, x4, { kernel_shape: [2, 2], dilations: [2, 2] });
    expect((await outputs(model))[0]!.values).toEqual([11, 12, 15, 16]);
    await expectMatchesOnnxruntime(model);
  });

  it('pads=[1,1,0,0] (top-left only) k=2 s=2 on x=[1,1,4,4] → [1,3,9,11]; padding never wins', async () => {
    // Windows start at -1: rows {-1,0} cols {-1,0} hold only 1; cols {1,2} → 3; rows {1,2} cols {-1,0} → 9; → 11.
    const model = maxPool(11, float32([1, 1, 4, 4], x4.data), { kernel_shape: [2, 2], strides: [2, 2], pads: [1, 1, 0, 0] });
    const [y] = await outputs(model);
    expect(y!.dims).toEqual([1, 1, 2, 2]);
    expect(y!.values).toEqual([1, 3, 9, 11]);
    await expectMatchesOnnxruntime(model);
  });

  it('all-negative window next to padding stays negative (padding is not a 0)', async () => {
    const model = maxPool(12, float32([1, 1, 1, 3], [-5, -7, -2]), { kernel_shape: [1, 3], pads: [0, 1, 0, 1] }, 2);
    const [y, i] = await outputs(model);
    // Windows [pad,-5,-7] [-5,-7,-2] [-7,-2,pad].
    expect(y!.values).toEqual([-5, -2, -2]);
    expect(i!.values).toEqual([0, 2, 2]);
    await expectMatchesOnnxruntime(model);
  });

  it('a window of -Infinity returns -Infinity and the first tap as index (PyTorch keeps its initial index)', async () => {
    const [y, i] = await outputs(maxPool(12, float32([1, 1, 1, 2], [-Infinity, -Infinity]), { kernel_shape: [1, 2] }, 2));
    expect(y!.values).toEqual([-Infinity]);
    expect(i!.values).toEqual([0]);
  });
});

describe('MaxPool window with every tap outside the input', () => {
  it('x=[5,6] k=2 d=3 pads=1 → one window with taps -1 and 2: -Infinity, index -1', async () => {
    // PyTorch accepts this geometry (pad 1 ≤ k/2, output (2 + 2 - 4) + 1 = 1) and returns -inf; its index would be
    // 2, a position past the input, so torchparity reports -1 instead.
    const [y, i] = await outputs(maxPool(12, float32([1, 1, 2], [5, 6]), { kernel_shape: [2], dilations: [3], pads: [1, 1] }, 2));
    expect(y!.values).toEqual([-Infinity]);
    expect(i!.values).toEqual([-1]);
  });
});

describe('MaxPool NaN propagation (PyTorch, not onnxruntime)', () => {
  // PyTorch's cpu_max_pool takes a tap when `val > max || isnan(val)`; onnxruntime only when `val > max`, so it
  // skips NaN. Values below are PyTorch's, computed by hand from that rule.
  it('x=[1,NaN,3,2] k=2 → [NaN,NaN,3], Indices [1,1,2]; onnxruntime returns 1 for the first window', async () => {
    const model = maxPool(12, float32([1, 1, 1, 4], [1, NaN, 3, 2]), { kernel_shape: [1, 2] }, 2);
    const [y, i] = await outputs(model);
    expect(y!.values).toEqual([NaN, NaN, 3]);
    expect(i!.values).toEqual([1, 1, 2]);
    const { outputs: ort } = await runOnnxruntime(model.bytes, model.feeds);
    expect(ort.out0!.data[0]).toBe(1);
  });

  it('x=[NaN,5,NaN,1] k=3 → [NaN,NaN], Indices of the last NaN in each window [2,2]', async () => {
    // Window [NaN,5,NaN]: NaN taken at 0, 5 > NaN is false, NaN at 2 is taken again. Window [5,NaN,1]: NaN at 2.
    const [y, i] = await outputs(maxPool(12, float32([1, 1, 1, 4], [NaN, 5, NaN, 1]), { kernel_shape: [1, 3] }, 2));
    expect(y!.values).toEqual([NaN, NaN]);
    expect(i!.values).toEqual([2, 2]);
  });
});

describe("MaxPool ceil_mode: PyTorch's last-window rule", () => {
  it('1-D x=[1..5] k=2 s=2 pads=1 ceil → 3 windows [1,3,5], not 4', async () => {
    // (5 + 2 - 2) / 2 = 2.5 → ceil 3, +1 = 4 windows by the pre-opset-19 ONNX formula; the 4th would start at
    // 3·2 - 1 = 5 = input + padBegin - 1 + 1, i.e. inside the right padding, so PyTorch
    // (pooling_output_shape_pad_lr) drops it. Windows [pad,1] [2,3] [4,5].
    const model = maxPool(12, float32([1, 1, 1, 5], [1, 2, 3, 4, 5]), { kernel_shape: [1, 2], strides: [1, 2], pads: [0, 1, 0, 1], ceil_mode: 1 });
    const [y] = await outputs(model);
    expect(y!.dims).toEqual([1, 1, 1, 3]);
    expect(y!.values).toEqual([1, 3, 5]);
    await expectMatchesOnnxruntime(model);
  });

  it('x=[1,1,4,4] k=3 s=2 ceil → 2×2 with a partial last window [11,12,15,16]', async () => {
    // (4 - 3) / 2 = 0.5 → 2 windows per axis starting at 0 and 2; the second covers rows/cols 2..3 only.
    const model = maxPool(10, x4, { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 }, 2);
    const [y, i] = await outputs(model);
    expect(y!.values).toEqual([11, 12, 15, 16]);
    expect(i!.values).toEqual([10, 11, 14, 15]);
    await expectMatchesOnnxruntime(model);
  });

  it('ceil_mode=0 with the same geometry floors to 1×1 → [11]', async () => {
    const [y] = await outputs(maxPool(10, x4, { kernel_shape: [3, 3], strides: [2, 2] }));
    expect(y!.values).toEqual([11]);
  });
});

describe('MaxPool integer types (opset 12)', () => {
  it('int8 x=[-5,-3,7,-128] k=2 → [-3,7,7], Indices [1,2,2]', async () => {
    const model = maxPool(12, tensor('int8', [1, 1, 4], Int8Array.from([-5, -3, 7, -128])), { kernel_shape: [2] }, 2);
    const [y, i] = await outputs(model);
    expect(y!.dtype).toBe('int8');
    expect(y!.values).toEqual([-3, 7, 7]);
    expect(i!.values).toEqual([1, 2, 2]);
    await expectMatchesOnnxruntime(model);
  });

  it('uint8 x=[1,1,3,3] k=3 pads=1 → each 3×3 neighbourhood max', async () => {
    const x = tensor('uint8', [1, 1, 3, 3], Uint8Array.from([0, 200, 3, 4, 5, 6, 255, 8, 9]));
    const model = maxPool(12, x, { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, 2);
    const [y] = await outputs(model);
    // x = [[0,200,3],[4,5,6],[255,8,9]]. (0,0) sees 0,200,4,5 → 200; row 1 and (2,0),(2,1) see 255, except (1,2),
    // whose cols 1-2 hold 200,3,5,6,8,9 → 200; (2,2) sees 5,6,8,9 → 9.
    expect(y!.values).toEqual([200, 200, 200, 255, 255, 200, 255, 255, 9]);
    await expectMatchesOnnxruntime(model);
  });

  it('a window entirely in padding yields the type minimum and index -1 (int8 pads ≥ kernel)', async () => {
    // ONNX does not forbid pads ≥ kernel (PyTorch and onnxruntime refuse them); the first window covers only padding.
    const [y, i] = await outputs(maxPool(12, tensor('int8', [1, 1, 2], Int8Array.from([4, 9])), { kernel_shape: [1], pads: [1, 0] }, 2));
    expect(y!.values).toEqual([-128, 4, 9]);
    expect(i!.values).toEqual([-1, 0, 1]);
  });
});

describe('MaxPool vs onnxruntime, every opset form', () => {
  const cases: { title: string; opset: number; x: number[]; attrs: Record<string, number[] | number | string>; indices?: boolean }[] = [
    { title: 'opset 1: 2-D k=[3,2] s=[2,1] pads=[1,0,1,1]', opset: 1, x: [2, 3, 7, 6], attrs: { kernel_shape: [3, 2], strides: [2, 1], pads: [1, 0, 1, 1] } },
    { title: 'opset 1: 1-D SAME_UPPER k=4 s=3', opset: 1, x: [1, 2, 11], attrs: { kernel_shape: [4], strides: [3], auto_pad: 'SAME_UPPER' } },
    { title: 'opset 8: storage_order=1 with Indices, 3-D k=2', opset: 8, x: [1, 2, 4, 5, 3], attrs: { kernel_shape: [2, 2, 2], storage_order: 1 }, indices: true },
    { title: 'opset 8: SAME_LOWER k=[2,3] s=2 with Indices', opset: 8, x: [2, 2, 7, 8], attrs: { kernel_shape: [2, 3], strides: [2, 2], auto_pad: 'SAME_LOWER' }, indices: true },
    { title: 'opset 10: ceil_mode dilations=[2,1] pads=[0,1,1,1] s=2', opset: 10, x: [1, 3, 9, 8], attrs: { kernel_shape: [2, 3], dilations: [2, 1], pads: [0, 1, 1, 1], strides: [2, 2], ceil_mode: 1 }, indices: true },
    { title: 'opset 11: VALID k=3 s=2 1-D', opset: 11, x: [3, 2, 10], attrs: { kernel_shape: [3], strides: [2], auto_pad: 'VALID' } },
    { title: 'opset 11: 3-D dilations=[1,2,2] ceil s=[2,2,3] storage_order=1', opset: 11, x: [1, 2, 5, 7, 8], attrs: { kernel_shape: [2, 2, 2], dilations: [1, 2, 2], strides: [2, 2, 3], ceil_mode: 1, storage_order: 1 }, indices: true },
    { title: 'opset 12: asymmetric pads=[2,0,0,1] k=3', opset: 12, x: [1, 1, 6, 6], attrs: { kernel_shape: [3, 3], pads: [2, 0, 0, 1] }, indices: true },
    { title: 'opset 12: SAME_UPPER k=3 s=2 with dilation 1 (what padding="same" pools export to)', opset: 12, x: [2, 1, 5, 6], attrs: { kernel_shape: [3, 3], strides: [2, 2], auto_pad: 'SAME_UPPER' } },
    { title: 'opset 22 resolves to the opset-12 form', opset: 22, x: [1, 2, 5, 5], attrs: { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1 }, indices: true },
  ];
  for (const c of cases) {
    it(c.title, async () => {
      await expectMatchesOnnxruntime(maxPool(c.opset, randomTensor(c.x, c.x.length + c.opset), c.attrs, c.indices ? 2 : 1));
    });
  }

  it('float64 and float16 inputs agree with onnxruntime', async () => {
    await expectMatchesOnnxruntime(maxPool(12, randomTensor([1, 2, 5, 5], 7, 'float64'), { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }, 2));
    await expectMatchesOnnxruntime(maxPool(12, randomTensor([1, 2, 5, 5], 8, 'float16'), { kernel_shape: [2, 2] }));
  });

  it('uint8 with dilations and ceil_mode agrees with onnxruntime', async () => {
    const x = tensor('uint8', [1, 2, 6, 7], Uint8Array.from({ length: 84 }, (_, k) => (k * 37) % 251));
    await expectMatchesOnnxruntime(maxPool(12, x, { kernel_shape: [2, 3], dilations: [2, 1], strides: [2, 2], ceil_mode: 1 }, 2));
  });
});

describe('MaxPool with symbolic dims', () => {
  it("x=['N',2,'H',5] k=2 s=2 infers ['N',2,'?',2] and runs on a [3,2,4,5] feed", async () => {
    const x = randomTensor([3, 2, 4, 5], 3);
    const model = buildModel({
      opset: 12,
      nodes: [{ opType: 'MaxPool', inputs: ['x'], outputs: ['y'], attributes: { kernel_shape: [2, 2], strides: [2, 2] } }],
      inputs: { x },
      inputDims: { x: ['N', 2, 'H', 5] },
      outputs: ['y'],
    });
    expect(model.record.graph.outputs[0]!.dims).toEqual(['N', 2, '?', 2]);
    const result = await runOurs(model);
    expect(result.y!.dims).toEqual([3, 2, 2, 2]);
    await expectMatchesOnnxruntime(model);
  });
});

describe('MaxPool errors', () => {
  const x = randomTensor([1, 1, 5, 5], 1);
  it('kernel_shape missing → bad_attribute kernel_shape', async () => {
    await expectLoadFailure(() => maxPool(12, x, {}), 'bad_attribute', 'kernel_shape');
  });
  it('kernel_shape of the wrong length → bad_attribute kernel_shape', async () => {
    await expectLoadFailure(() => maxPool(12, x, { kernel_shape: [2] }), 'bad_attribute', 'kernel_shape');
  });
  it('pads of the wrong length → bad_attribute pads', async () => {
    await expectLoadFailure(() => maxPool(12, x, { kernel_shape: [2, 2], pads: [1, 1] }), 'bad_attribute', 'pads');
  });
  it('pads together with auto_pad=SAME_UPPER → bad_attribute pads', async () => {
    await expectLoadFailure(() => maxPool(12, x, { kernel_shape: [2, 2], pads: [1, 1, 1, 1], auto_pad: 'SAME_UPPER' }), 'bad_attribute', 'pads');
  });
  it('ceil_mode=2 and storage_order=2 → bad_attribute', async () => {
    await expectLoadFailure(() => maxPool(12, x, { kernel_shape: [2, 2], ceil_mode: 2 }), 'bad_attribute', 'ceil_mode');
    await expectLoadFailure(() => maxPool(12, x, { kernel_shape: [2, 2], storage_order: 2 }), 'bad_attribute', 'storage_order');
  });
  it('dilations at opset 8 and storage_order at opset 7 are not attributes of those versions', async () => {
    await expectLoadFailure(() => maxPool(8, x, { kernel_shape: [2, 2], dilations: [1, 1] }), 'bad_attribute', 'dilations');
    await expectLoadFailure(() => maxPool(7, x, { kernel_shape: [2, 2], storage_order: 0 }), 'bad_attribute', 'storage_order');
  });
  it('an Indices output at opset 7 → invalid_graph (MaxPool-1 has one output)', async () => {
    await expectLoadFailure(() => maxPool(7, x, { kernel_shape: [2, 2] }, 2), 'invalid_graph');
  });
  it('int8 input at opset 11 → type error (int8 arrives with MaxPool-12)', async () => {
    await expectLoadFailure(() => maxPool(11, tensor('int8', [1, 1, 2, 2], Int8Array.from([1, 2, 3, 4])), { kernel_shape: [2, 2] }), 'shape');
  });
  it('rank-2 input, 4 spatial axes, and a kernel larger than the padded input → shape', async () => {
    await expectLoadFailure(() => maxPool(12, randomTensor([2, 5], 1), { kernel_shape: [2] }), 'shape');
    await expectLoadFailure(() => maxPool(12, randomTensor([1, 1, 2, 2, 2, 2], 1), { kernel_shape: [1, 1, 1, 1] }), 'shape');
    await expectLoadFailure(() => maxPool(12, x, { kernel_shape: [7, 2] }), 'shape');
  });
  it('a node listing Indices that nothing reads runs without computing them', async () => {
    const model = buildModel({
      opset: 12,
      nodes: [{ opType: 'MaxPool', inputs: ['x'], outputs: ['y', 'unused_indices'], attributes: { kernel_shape: [2, 2], strides: [2, 2] } }],
      inputs: { x: x4 },
      outputs: ['y'],
    });
    const result = await runOurs(model);
    expect(Array.from(result.y!.data)).toEqual([6, 8, 14, 16]);
    expect(result.unused_indices).toBeUndefined();
  });
});
