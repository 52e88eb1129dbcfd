import { describe, expect, it } from 'vitest';
import { runOnnxruntime } from '../../../src/oracle/onnxruntime.js';
import { float32, type Tensor } from '../../../src/tensor.js';
import { expectMatchesOnnxruntime } from '../../helpers/differential.js';
import { expectLoadFailure, iota, outputs, randomTensor, single } from './pool-norm-helpers.js';

const averagePool = (opset: number, x: Tensor, attributes: Parameters<typeof single>[3]) => single('AveragePool', opset, [x], attributes);
const values = async (opset: number, x: Tensor, attributes: Parameters<typeof single>[3]) => (await outputs(averagePool(opset, x, attributes)))[0]!;

// x4 = [[1,2,3,4],[5,6,7,8],[9,10,11,12],[13,14,15,16]] as [1,1,4,4].
const x4 = iota([1, 1, 4, 4]);
const row6 = float32([1, 1, 1, 6], [1, 2, 3, 4, 5, 6]);

describe('AveragePool, hand-checked', () => {
  it('x=[1,1,4,4] k=2 s=2 → [3.5,5.5,11.5,13.5]', async () => {
    // (1+2+5+6)/4 = 3.5, (3+4+7+8)/4 = 5.5, (9+10+13+14)/4 = 11.5, (11+12+15+16)/4 = 13.5.
    const model = averagePool(11, x4, { kernel_shape: [2, 2], strides: [2, 2] });
    expect((await outputs(model))[0]!.values).toEqual([3.5, 5.5, 11.5, 13.5]);
    await expectMatchesOnnxruntime(model);
  });

  it('pads=1 k=2 count_include_pad=0 → corner 1 (only x[0][0] counts); =1 → corner 0.25', async () => {
    // The (0,0) window covers rows/cols -1..0: one input cell (1) and three padding cells.
    const exclude = averagePool(7, x4, { kernel_shape: [2, 2], pads: [1, 1, 1, 1] });
    const include = averagePool(7, x4, { kernel_shape: [2, 2], pads: [1, 1, 1, 1], count_include_pad: 1 });
    const [e] = await outputs(exclude);
    const [i] = await outputs(include);
    expect(e!.dims).toEqual([1, 1, 5, 5]);
    expect(e!.values[0]).toBe(1);
    expect(i!.values[0]).toBe(0.25);
    // (0,1) covers row -1..0, cols 0..1: cells 1 and 2 → 1.5 excluding pad, 3/4 including it.
    expect(e!.values[1]).toBe(1.5);
    expect(i!.values[1]).toBe(0.75);
    await expectMatchesOnnxruntime(exclude);
    await expectMatchesOnnxruntime(include);
  });

  it('AveragePool-1 divides by the cells inside the input (no count_include_pad yet; onnxruntime has no kernel)', async () => {
    const y = await values(1, x4, { kernel_shape: [2, 2], pads: [1, 1, 1, 1] });
    expect(y.values.slice(0, 5)).toEqual([1, 1.5, 2.5, 3.5, 4]);
  });

  it('asymmetric pads=[0,2] k=3 1-D: the padded extent is [0, 8), windows clip to it', async () => {
    // Windows at 0..4 (with padEnd 2): [1,2,3] [2,3,4] [3,4,5] [4,5,6] [5,6,p] [6,p,p].
    // count_include_pad=1: 2, 3, 4, 5, 11/3, 6/3 = 2. =0: …, 11/2 = 5.5, 6.
    const include = await values(11, row6, { kernel_shape: [1, 3], pads: [0, 0, 0, 2], count_include_pad: 1 });
    const exclude = await values(11, row6, { kernel_shape: [1, 3], pads: [0, 0, 0, 2] });
    expect(include.values.map((v) => +v.toFixed(6))).toEqual([2, 3, 4, 5, 3.666667, 2]);
    expect(exclude.values).toEqual([2, 3, 4, 5, 5.5, 6]);
  });
});

describe("AveragePool divisor with ceil_mode: PyTorch's count_include_pad rule", () => {
  // aten/src/ATen/native/cpu/AvgPoolKernel.cpp: pool_size = (min(start + k, input + pad) - start) per axis, i.e.
  // the window clipped to the padded extent. A ceil_mode window reaching past the padding does not count the cells
  // beyond it.
  it('1-D x=[1..6] k=3 s=2 pads=1 ceil count_include_pad=1 → [1,3,5,3]', async () => {
    // Windows start at -1, 1, 3, 5 ((6 + 2 - 3)/2 = 2.5 → 4 windows; the 4th starts at 5 < 6 + 1, so it stays).
    // [p,1,2] → 3/3 = 1; [2,3,4] → 3; [4,5,6] → 5; [6,p,(past the padding)] → 6/2 = 3, not 6/3 = 2.
    const model = averagePool(19, row6, { kernel_shape: [1, 3], strides: [1, 2], pads: [0, 1, 0, 1], ceil_mode: 1, count_include_pad: 1 });
    const [y] = await outputs(model);
    expect(y!.dims).toEqual([1, 1, 1, 4]);
    expect(y!.values).toEqual([1, 3, 5, 3]);
    await expectMatchesOnnxruntime(model);
  });

  it('same geometry count_include_pad=0 → [1.5,3,5,6]', async () => {
    const model = averagePool(10, row6, { kernel_shape: [1, 3], strides: [1, 2], pads: [0, 1, 0, 1], ceil_mode: 1 });
    expect((await outputs(model))[0]!.values).toEqual([1.5, 3, 5, 6]);
    await expectMatchesOnnxruntime(model);
  });

  it('ceil_mode drops a last window that would start in the right padding: 2×2 k=3 s=3 pads=1 → 1×1 = 10/9', async () => {
    // ONNX test averagepool_2d_ceil_last_window_starts_on_pad: (2 + 2 - 3)/3 → ceil 1, +1 = 2, but the 2nd window
    // would start at 3 - 1 = 2 = input, inside the padding: dropped. The one window covers all of [-1, 2) × [-1, 2):
    // 1+2+3+4 = 10 over 9 cells.
    const model = averagePool(19, float32([1, 1, 2, 2], [1, 2, 3, 4]), { kernel_shape: [3, 3], strides: [3, 3], pads: [1, 1, 1, 1], ceil_mode: 1, count_include_pad: 1 });
    const [y] = await outputs(model);
    expect(y!.dims).toEqual([1, 1, 1, 1]);
    expect(y!.values[0]).toBeCloseTo(10 / 9, 6);
    await expectMatchesOnnxruntime(model);
  });
});

describe('AveragePool-19 dilations (not in PyTorch): dilated taps counted both ways', () => {
  it('1-D x=[1..6] k=2 d=3 s=3 pads=1 ceil → include [1.5,4.5,6], exclude [3,4.5,6]', async () => {
    // Effective kernel 4; (6 + 2 - 4)/3 → ceil 2, +1 = 3 windows at -1, 2, 5 (5 < 7 keeps the last).
    // Taps: {-1 (pad), 2 → 3}: include 3/2, exclude 3/1. {2 → 3, 5 → 6}: 9/2. {5 → 6, 8 (past the padded extent
    // [-1, 7))}: one tap inside the input and one counted cell either way → 6.
    const include = averagePool(19, row6, { kernel_shape: [1, 2], dilations: [1, 3], strides: [1, 3], pads: [0, 1, 0, 1], ceil_mode: 1, count_include_pad: 1 });
    const exclude = averagePool(19, row6, { kernel_shape: [1, 2], dilations: [1, 3], strides: [1, 3], pads: [0, 1, 0, 1], ceil_mode: 1 });
    expect((await outputs(include))[0]!.values).toEqual([1.5, 4.5, 6]);
    expect((await outputs(exclude))[0]!.values).toEqual([3, 4.5, 6]);
    await expectMatchesOnnxruntime(include);
    await expectMatchesOnnxruntime(exclude);
  });

  it('x=[1,1,4,4] k=2 d=2 → [6,7,10,11] (taps two apart)', async () => {
    // (0,0): (1+3+9+11)/4 = 6; (0,1): (2+4+10+12)/4 = 7; (1,0): 10; (1,1): 11.
    const model = averagePool(19, x4, { kernel_shape: [2, 2], dilations: [2, 2] });
    expect((await outputs(model))[0]!.values).toEqual([6, 7, 10, 11]);
    await expectMatchesOnnxruntime(model);
  });
});

describe('AveragePool vs onnxruntime, every opset form', () => {
  const cases: { title: string; opset: number; x: number[]; attrs: Record<string, number[] | number | string> }[] = [
    { title: 'opset 7: count_include_pad=1 pads=[1,0,2,1] k=[3,2] s=2', opset: 7, x: [2, 2, 7, 6], attrs: { kernel_shape: [3, 2], pads: [1, 0, 2, 1], strides: [2, 2], count_include_pad: 1 } },
    { title: 'opset 7: SAME_UPPER k=3 s=2 count_include_pad=0', opset: 7, x: [1, 3, 8, 7], attrs: { kernel_shape: [3, 3], strides: [2, 2], auto_pad: 'SAME_UPPER' } },
    { title: 'opset 7: SAME_LOWER k=4 s=1 count_include_pad=1 1-D', opset: 7, x: [2, 2, 9], attrs: { kernel_shape: [4], auto_pad: 'SAME_LOWER', count_include_pad: 1 } },
    { title: 'opset 10: ceil_mode s=3 k=2 pads=1 count_include_pad=1', opset: 10, x: [1, 2, 8, 10], attrs: { kernel_shape: [2, 2], strides: [3, 3], pads: [1, 1, 1, 1], ceil_mode: 1, count_include_pad: 1 } },
    { title: 'opset 10: ceil_mode VALID k=3 s=2', opset: 10, x: [1, 2, 8, 9], attrs: { kernel_shape: [3, 3], strides: [2, 2], auto_pad: 'VALID', ceil_mode: 1 } },
    { title: 'opset 11: 3-D k=[2,3,2] s=[1,2,2] pads=[0,1,1,1,1,0] ceil', opset: 11, x: [1, 2, 4, 7, 6], attrs: { kernel_shape: [2, 3, 2], strides: [1, 2, 2], pads: [0, 1, 1, 1, 1, 0], ceil_mode: 1 } },
    { title: 'opset 11: 3-D count_include_pad=1 pads=1 k=3 s=2 ceil', opset: 11, x: [1, 1, 5, 6, 7], attrs: { kernel_shape: [3, 3, 3], strides: [2, 2, 2], pads: [1, 1, 1, 1, 1, 1], ceil_mode: 1, count_include_pad: 1 } },
    { title: 'opset 19: dilations=[2,3] pads=[1,2,1,2] ceil count_include_pad=1', opset: 19, x: [2, 2, 9, 11], attrs: { kernel_shape: [2, 2], dilations: [2, 3], pads: [1, 1, 1, 1], strides: [2, 2], ceil_mode: 1, count_include_pad: 1 } },
    { title: 'opset 19: 3-D dilations=2 k=3 s=3 ceil count_include_pad=0', opset: 19, x: [1, 1, 8, 9, 10], attrs: { kernel_shape: [3, 3, 3], dilations: [2, 2, 2], strides: [3, 3, 3], ceil_mode: 1 } },
    { title: 'opset 22 resolves to the opset-19 form: 1-D dilations=2 pads=[2,1] count_include_pad=1', opset: 22, x: [1, 3, 12], attrs: { kernel_shape: [3], dilations: [2], pads: [2, 1], count_include_pad: 1 } },
  ];
  for (const c of cases) {
    it(c.title, async () => {
      await expectMatchesOnnxruntime(averagePool(c.opset, randomTensor(c.x, c.x.length * 3 + c.opset), c.attrs));
    });
  }

  it('float16 agrees with onnxruntime; float64 (no onnxruntime kernel) agrees with float32 to float32 rounding', async () => {
    await expectMatchesOnnxruntime(averagePool(11, randomTensor([1, 2, 6, 5], 6, 'float16'), { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1 }));
    const attrs = { kernel_shape: [3, 3], pads: [1, 1, 1, 1], count_include_pad: 1 };
    const y64 = await values(11, randomTensor([1, 2, 6, 5], 5, 'float64'), attrs);
    const y32 = await values(11, randomTensor([1, 2, 6, 5], 5), attrs);
    expect(y64.dtype).toBe('float64');
    y64.values.forEach((v, k) => expect(Math.abs(v - y32.values[k]!)).toBeLessThan(1e-6));
  });
});

describe('AveragePool auto_pad=SAME with dilations (onnxruntime differs: oracle limitation)', () => {
  it('1-D x=[1..6] k=2 d=2 SAME_UPPER → 6 outputs [2,2,3,4,5,5]', async () => {
    // SAME keeps output = ceil(6 / 1) = 6 and pads the dilated extent 3: total 2, split [1, 1] (kernels/geometry.ts
    // samePads, as PyTorch's padding='same'). Windows {p,2} {1,3} {2,4} {3,5} {4,6} {5,p}, padding not counted.
    // onnxruntime 1.30 pads as if the kernel were undilated (total 1) and returns 5 values [2,3,4,5,5], breaking
    // ONNX's own output = ceil(input / stride) rule for SAME.
    const model = averagePool(19, row6, { kernel_shape: [1, 2], dilations: [1, 2], auto_pad: 'SAME_UPPER' });
    const [y] = await outputs(model);
    expect(y!.dims).toEqual([1, 1, 1, 6]);
    expect(y!.values).toEqual([2, 2, 3, 4, 5, 5]);
    const { outputs: ort } = await runOnnxruntime(model.bytes, model.feeds);
    expect(ort.out0!.dims).toEqual([1, 1, 1, 5]);
  });
});

describe('AveragePool errors', () => {
  const x = randomTensor([1, 1, 5, 5], 1);
  it('count_include_pad at opset 6, ceil_mode at opset 9, dilations at opset 18 → bad_attribute', async () => {
    await expectLoadFailure(() => averagePool(6, x, { kernel_shape: [2, 2], count_include_pad: 1 }), 'bad_attribute', 'count_include_pad');
    await expectLoadFailure(() => averagePool(9, x, { kernel_shape: [2, 2], ceil_mode: 1 }), 'bad_attribute', 'ceil_mode');
    await expectLoadFailure(() => averagePool(18, x, { kernel_shape: [2, 2], dilations: [2, 2] }), 'bad_attribute', 'dilations');
  });
  it('count_include_pad=2 → bad_attribute; negative pads → bad_attribute', async () => {
    await expectLoadFailure(() => averagePool(11, x, { kernel_shape: [2, 2], count_include_pad: 2 }), 'bad_attribute', 'count_include_pad');
    await expectLoadFailure(() => averagePool(11, x, { kernel_shape: [2, 2], pads: [-1, 0, 0, 0] }), 'bad_attribute', 'pads');
  });
  it('strides of the wrong length → bad_attribute strides; kernel too large → shape', async () => {
    await expectLoadFailure(() => averagePool(11, x, { kernel_shape: [2, 2], strides: [1] }), 'bad_attribute', 'strides');
    await expectLoadFailure(() => averagePool(11, x, { kernel_shape: [6, 6] }), 'shape');
  });
  it('integer input → type error (AveragePool takes floats only)', async () => {
    await expectLoadFailure(() => averagePool(19, iota([1, 1, 2, 2], 'int32'), { kernel_shape: [2, 2] }), 'shape');
  });
});
