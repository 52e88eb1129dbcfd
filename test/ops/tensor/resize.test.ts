import { describe, expect, it } from 'vitest';
import { loadModel } from '../../../src/engine/session.js';
import { buildModel, buildSingleOp, type AttributeInput, type BuiltModel } from '../../../src/fuzz/model-builder.js';
import { runOnnxruntime } from '../../../src/oracle/onnxruntime.js';
import { exportedScale } from '../../../src/ops/tensor/resize.js';
import { float32, int64, tensor, type DType, type Tensor } from '../../../src/tensor.js';
import { expectMatchesOnnxruntime, runOurs, seededValues } from '../../helpers/differential.js';
import { expectFailure, values } from './helpers.js';

interface ResizeInputs {
  roi?: number[];
  scales?: number[];
  sizes?: number[];
}

/** Resize with roi/scales/sizes as initializers; opset 11 needs roi and scales present, so they are passed empty. */
function resize(opset: number, x: Tensor, given: ResizeInputs, attributes: Record<string, AttributeInput> = {}): BuiltModel {
  const { roi, scales, sizes } = given;
  const inputs: (Tensor | undefined)[] =
    opset < 11
      ? [x, float32([scales!.length], scales!)]
      : [
          x,
          roi ? float32([roi.length], roi) : opset === 11 ? float32([0], []) : undefined,
          scales ? float32([scales.length], scales) : opset === 11 ? float32([0], []) : undefined,
          sizes ? int64([sizes.length], sizes) : undefined,
        ];
  return buildSingleOp({ opType: 'Resize', opset, inputs, constantInputs: [1, 2, 3], attributes });
}

async function ours(model: BuiltModel, precision?: 'float32' | 'float64') {
  const session = await loadModel(model.bytes, { precision });
  const { out0 } = await session.run(model.feeds);
  return { dims: out0!.dims, values: values(out0) };
}

async function theirs(model: BuiltModel) {
  const { out0 } = (await runOnnxruntime(model.bytes, model.feeds)).outputs;
  return { dims: out0!.dims, values: values(out0) };
}

function random(dims: readonly number[], seed: number, dtype: DType = 'float32'): Tensor {
  const n = dims.reduce((a, b) => a * b, 1);
  if (dtype === 'float32' || dtype === 'float64' || dtype === 'float16') return tensor(dtype, dims, seededValues(n, seed));
  const v = seededValues(n, seed, 100);
  return tensor(dtype, dims, Array.from(v, (q) => Math.round(dtype.startsWith('u') ? Math.abs(q) : q)));
}

const ROW4 = float32([1, 1, 1, 4], [1, 2, 3, 4]);
const GRID = float32([1, 1, 2, 2], [1, 2, 3, 4]);
const NEAREST = { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' } as const;

describe("Resize, hand-checked against PyTorch's formulas", () => {
  it("nearest (asymmetric+floor) x=[1,2,3,4] scale 1.5 → [1,1,2,3,3,4]", async () => {
    // UpSample.h nearest: src = floor(i · fl32(1/1.5) = 0.6666667): 0, 0.67, 1.33, 2.0000001, 2.67, 3.33.
    const model = resize(13, ROW4, { scales: [1, 1, 1, 1.5] }, NEAREST);
    const { out0 } = await expectMatchesOnnxruntime(model);
    expect(values(out0)).toEqual([1, 1, 2, 3, 3, 4]);
  });

  it("nearest 2 → 82: position 41 reads element 0, as PyTorch's float32 index does (onnxruntime reads 1)", async () => {
    // 41 · fl32(2/82) = 41 · 0.024390243 = 0.99999994 in float32 → floor 0; the exact 41·2/82 = 1.
    const model = resize(13, float32([1, 1, 1, 2], [10, 20]), { sizes: [1, 1, 1, 82] }, NEAREST);
    const { values: v } = await ours(model);
    expect(v.slice(40, 43)).toEqual([10, 10, 20]);
    expect((await theirs(model)).values.slice(40, 43)).toEqual([10, 20, 20]);
    // A float64 referee run holds the data as float64 but must pick the float32 run's elements.
    expect((await ours(model, 'float64')).values).toEqual(v);
  });

  it('nearest 1-D float64 2 → 82 indexes in double, as PyTorch does for float64: position 41 reads element 1', async () => {
    // upsample_nearest1d runs the generic kernel with opmath_t = double: 41 · (2.0/82) = 1.0 → floorf → 1.
    const model = resize(13, tensor('float64', [1, 1, 2], [10, 20]), { sizes: [1, 1, 82] }, NEAREST);
    expect((await ours(model)).values.slice(40, 43)).toEqual([10, 20, 20]);
  });

  it("nearest-exact (half_pixel+round_prefer_ceil) 4 → 2 reads elements 1, 3; round_prefer_floor reads 0, 2", async () => {
    // PyTorch nearest-exact: floor((i + 0.5) · 2) = 1, 3. ONNX half_pixel: x = (i + 0.5)·2 − 0.5 = 0.5, 2.5 — ties.
    const exact = await expectMatchesOnnxruntime(resize(13, ROW4, { sizes: [1, 1, 1, 2] }, { mode: 'nearest', nearest_mode: 'round_prefer_ceil' }));
    expect(values(exact.out0)).toEqual([2, 4]);
    const floor = await expectMatchesOnnxruntime(resize(13, ROW4, { sizes: [1, 1, 1, 2] }, { mode: 'nearest' }));
    expect(values(floor.out0)).toEqual([1, 3]);
  });

  it('nearest-exact scale 1.7 on 7: position 8 reads element 5 (PyTorch starts from the double 1/1.7)', async () => {
    // fl32(1/1.7) = 0.58823532: 8.5 · 0.58823532 = 5.0000002 → 4.5000002 + 0.5 → 5. From the stored float32
    // 1.70000005 instead, fl32(1/1.70000005) = 0.58823526 and 8.5 · it = 4.9999997 → element 4.
    expect(exportedScale(Math.fround(1.7))).toBe(1.7);
    const x = float32([1, 1, 1, 7], [0, 1, 2, 3, 4, 5, 6]);
    const model = resize(13, x, { scales: [1, 1, 1, 1.7] }, { mode: 'nearest', nearest_mode: 'round_prefer_ceil' });
    const { out0 } = await expectMatchesOnnxruntime(model);
    // floor((i + 0.5)/1.7) for i = 0..10; position 8 is the tie 8.5/1.7 = 5.
    expect(values(out0)).toEqual([0, 0, 1, 2, 2, 3, 3, 4, 5, 5, 6]);
  });

  it('output size from scale 0.21 on 300 is 63, as PyTorch computes floor(300 · 0.21); onnxruntime says 62', async () => {
    // float32: 300 · 0.20999999 = 62.999998 → 62. PyTorch: floor(300.0 · 0.21) = floor(63.0) = 63.
    const x = float32([1, 1, 1, 300], Array.from({ length: 300 }, (_, i) => i));
    const model = resize(13, x, { scales: [1, 1, 1, 0.21] }, NEAREST);
    const mine = await ours(model);
    expect(mine.dims).toEqual([1, 1, 1, 63]);
    // Index i reads floor(i · fl32(1/0.21) = 4.7619047): the last reads floor(62 · 4.7619047) = 295.
    expect(mine.values[62]).toBe(295);
    expect((await theirs(model)).dims).toEqual([1, 1, 1, 62]);
  });

  it('bilinear align_corners=False (pytorch_half_pixel) 2×2 scale 2 → PyTorch\'s 4×4', async () => {
    // src = (i + 0.5)/2 − 0.5 = −0.25, 0.25, 0.75, 1.25, clamped to [0, 1]: rows and columns 1, 1.25, 1.75, 2 (+2 per row).
    const model = resize(13, GRID, { scales: [1, 1, 2, 2] }, { mode: 'linear', coordinate_transformation_mode: 'pytorch_half_pixel' });
    const { out0 } = await expectMatchesOnnxruntime(model);
    expect(values(out0)).toEqual([1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4]);
  });

  it('bilinear align_corners=True 2×2 → 3×3 = [[1,1.5,2],[2,2.5,3],[3,3.5,4]]', async () => {
    const model = resize(13, GRID, { sizes: [1, 1, 3, 3] }, { mode: 'linear', coordinate_transformation_mode: 'align_corners' });
    const { out0 } = await expectMatchesOnnxruntime(model);
    expect(values(out0)).toEqual([1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4]);
  });

  it('align_corners with scales 0.6 on [2,4] → [1,4] from the output length 2 (PyTorch, onnxruntime)', async () => {
    // PyTorch's align_corners scale is (in − 1)/(out − 1) = 3/1 with out = floor(4 · 0.6) = 2, so column 1 reads
    // element 3. The ONNX reference (test_resize_downsample_scales_linear_align_corners) divides by the unrounded
    // length 0.6 · 4 = 2.4 instead and expects 1 + 3/1.4 = 3.142857; we follow PyTorch and onnxruntime.
    const x = float32([1, 1, 2, 4], [1, 2, 3, 4, 5, 6, 7, 8]);
    const model = resize(19, x, { scales: [1, 1, 0.6, 0.6] }, { mode: 'linear', coordinate_transformation_mode: 'align_corners' });
    const { out0 } = await expectMatchesOnnxruntime(model);
    expect(values(out0)).toEqual([1, 4]);
  });

  it('output length 1: pytorch_half_pixel samples position 0 (ONNX) → 1, half_pixel the centre → 2.5', async () => {
    // PyTorch ≥ 1.11 computes src = 4/1 · 0.5 − 0.5 = 1.5 → 2.5 for F.interpolate(size=1, mode='linear'), so an
    // exporter writing pytorch_half_pixel there no longer matches PyTorch; we keep ONNX's value (conformance suite).
    const pytorch = await expectMatchesOnnxruntime(resize(13, ROW4, { sizes: [1, 1, 1, 1] }, { mode: 'linear', coordinate_transformation_mode: 'pytorch_half_pixel' }));
    expect(values(pytorch.out0)).toEqual([1]);
    const half = await expectMatchesOnnxruntime(resize(13, ROW4, { sizes: [1, 1, 1, 1] }, { mode: 'linear' }));
    expect(values(half.out0)).toEqual([2.5]);
  });

  it('bicubic a=−0.75 x=[1,2,3,4] scale 2: first output 0.89453125', async () => {
    // x = −0.25: taps −2..1 (clamped to 0,0,0,1), t = 0.75, weights c(1.75), c(0.75), c(0.25), c(1.25) =
    // −0.03515625, 0.26171875, 0.87890625, −0.10546875 → (−0.03515625 + 0.26171875 + 0.87890625)·1 − 0.10546875·2.
    const model = resize(13, ROW4, { scales: [1, 1, 1, 2] }, { mode: 'cubic' });
    const { out0 } = await expectMatchesOnnxruntime(model);
    expect(values(out0)[0]).toBe(0.89453125);
  });

  it('cubic exclude_outside=1 a=−0.5: first output 0.8671875·1 − 0.0703125·2 over 0.796875', async () => {
    // Taps −2 and −1 are dropped; c(0.25) = 0.8671875, c(1.25) = −0.0703125 with a = −0.5; their sum renormalizes.
    const model = resize(13, ROW4, { scales: [1, 1, 1, 2] }, { mode: 'cubic', exclude_outside: 1, cubic_coeff_a: -0.5 });
    const { out0 } = await expectMatchesOnnxruntime(model);
    expect(values(out0)[0]).toBeCloseTo((0.8671875 - 0.140625) / 0.796875, 6);
  });

  it('antialias linear 4 → 2: exclude_outside=1 (PyTorch antialias=True) → [1.7142857, 3.2857143], 0 → [1.625, 3.375]', async () => {
    // x = 0.5, support 2: taps −1..2 with weights 1 − |t − 0.5|/2 = 0.25, 0.75, 0.75, 0.25. Dropping t = −1:
    // (0.75·1 + 0.75·2 + 0.25·3)/1.75 = 3/1.75. Keeping it as a copy of element 0: (1·1 + 0.75·2 + 0.25·3)/2 = 1.625.
    const pil = await expectMatchesOnnxruntime(resize(18, ROW4, { sizes: [1, 1, 1, 2] }, { mode: 'linear', antialias: 1, exclude_outside: 1 }));
    expect(values(pil.out0)[0]).toBeCloseTo(3 / 1.75, 6);
    expect(values(pil.out0)[1]).toBeCloseTo(5 - 3 / 1.75, 5);
    const edge = await expectMatchesOnnxruntime(resize(18, ROW4, { sizes: [1, 1, 1, 2] }, { mode: 'linear', antialias: 1 }));
    expect(values(edge.out0)).toEqual([1.625, 3.375]);
  });

  it('antialias cubic a=−0.5 exclude_outside=1 (PyTorch bicubic antialias=True) 6 → 3', async () => {
    const x = float32([1, 1, 1, 6], [1, 2, 3, 4, 5, 6]);
    const model = resize(18, x, { sizes: [1, 1, 1, 3] }, { mode: 'cubic', antialias: 1, exclude_outside: 1, cubic_coeff_a: -0.5 });
    const { out0 } = await expectMatchesOnnxruntime(model);
    // The middle output is centred on 2.5 with symmetric weights over 1..6 → 3.5.
    expect(values(out0)[1]).toBeCloseTo(3.5, 6);
  });

  it('linear scale 1.2 on length 3 copies the axis (PyTorch compute_source_index_and_lambda); ONNX would interpolate', async () => {
    // floor(3 · 1.2) = 3. onnxruntime copies too, but only when the whole shape is unchanged: with rows also
    // resized it interpolates the columns with scale 1.2 (second model), where PyTorch still copies them.
    expect((await ours(resize(13, float32([1, 1, 1, 3], [1, 2, 3]), { scales: [1, 1, 1, 1.2] }, { mode: 'linear' }))).values).toEqual([1, 2, 3]);
    const x = float32([1, 1, 2, 3], [1, 2, 3, 4, 5, 6]);
    const model = resize(13, x, { scales: [1, 1, 2, 1.2] }, { mode: 'linear' });
    expect((await ours(model)).values).toEqual([1, 2, 3, 1.75, 2.75, 3.75, 3.25, 4.25, 5.25, 4, 5, 6]);
    expect((await theirs(model)).values[1]).toBeCloseTo(1.75, 5);
  });

  it("nearest scale 1.2 on length 3: 2-D small outputs copy (nearest_idx), 1-D reads floor(i/1.2) = 0,0,1", async () => {
    const small = resize(13, float32([1, 1, 1, 3], [1, 2, 3]), { scales: [1, 1, 1, 1.2] }, NEAREST);
    expect((await ours(small)).values).toEqual([1, 2, 3]);
    const oneD = resize(13, float32([1, 1, 3], [1, 2, 3]), { scales: [1, 1, 1.2] }, NEAREST);
    expect((await ours(oneD)).values).toEqual([1, 1, 2]);
  });

  it('nearest scale 2.2 on 4 → 8: 2-D small outputs halve the index (nearest_idx) → [1,1,2,2,3,3,4,4]', async () => {
    // The generic formula would read floor(i / 2.2) = 0,0,0,1,1,2,2,3 (1-D below).
    expect((await ours(resize(13, ROW4, { scales: [1, 1, 1, 2.2] }, NEAREST))).values).toEqual([1, 1, 2, 2, 3, 3, 4, 4]);
    const oneD = resize(13, float32([1, 1, 4], [1, 2, 3, 4]), { scales: [1, 1, 2.2] }, NEAREST);
    expect((await ours(oneD)).values).toEqual([1, 1, 1, 2, 2, 3, 3, 4]);
  });

  it('Resize-10 nearest downsampling 4 → 3 reads floor(i · 4/3) = 0,1,2 (PyTorch); onnxruntime rounds up to 0,2,3', async () => {
    const model = resize(10, ROW4, { scales: [1, 1, 1, 0.75] }, { mode: 'nearest' });
    expect((await ours(model)).values).toEqual([1, 2, 3]);
    expect((await theirs(model)).values).toEqual([1, 3, 4]);
  });

  it('Upsample-9 nearest downsampling (PyTorch exports it; onnxruntime requires scales ≥ 1) → [1,2,3]', async () => {
    const model = buildSingleOp({ opType: 'Upsample', opset: 9, inputs: [ROW4, float32([4], [1, 1, 1, 0.75])], constantInputs: [1], attributes: { mode: 'nearest' } });
    expect((await ours(model)).values).toEqual([1, 2, 3]);
  });

  it('half_pixel_symmetric nearest floor scale 1.7 on 7: exact ties stay exact (position 5 → 3)', async () => {
    // x = (7 − 1)/2 + (2i + 1 − 11)/(2 · 1.7): i = 5 gives exactly 3.
    const x = float32([1, 1, 1, 7], [0, 1, 2, 3, 4, 5, 6]);
    const model = resize(19, x, { scales: [1, 1, 1, 1.7] }, { mode: 'nearest', coordinate_transformation_mode: 'half_pixel_symmetric', nearest_mode: 'floor' });
    expect((await ours(model)).values).toEqual([0, 0, 1, 1, 2, 3, 3, 4, 4, 5, 5]);
  });

  it('tf_crop_and_resize linear roi [−0.25, 1] on 5 → 6 extrapolates the position left of the input', async () => {
    // x = −0.25·4 + i·1.25·4/5 = −1 + i: position 0 is outside → extrapolation_value; the rest read 0..4.
    const x = float32([1, 1, 1, 5], [0, 10, 20, 30, 40]);
    const model = resize(13, x, { roi: [0, 0, 0, -0.25, 1, 1, 1, 1], sizes: [1, 1, 1, 6] }, { mode: 'linear', coordinate_transformation_mode: 'tf_crop_and_resize', extrapolation_value: -9 });
    const { out0 } = await expectMatchesOnnxruntime(model);
    expect(values(out0)).toEqual([-9, 0, 10, 20, 30, 40]);
  });

  it('uint8 bilinear rounds half up and saturates, as PyTorch\'s uint8 kernel: [0,255] × 2 → [0,64,191,255]', async () => {
    // Positions −0.25, 0.25, 0.75, 1.25: 0, 63.75, 191.25, 255. onnxruntime truncates (63).
    const model = resize(13, tensor('uint8', [1, 1, 1, 2], [0, 255]), { scales: [1, 1, 1, 2] }, { mode: 'linear' });
    expect((await ours(model)).values).toEqual([0, 64, 191, 255]);
    expect((await theirs(model)).values).toEqual([0, 63, 191, 255]);
  });

  it('int8 cubic saturates at −128 and rounds each pass', async () => {
    // An edge jump overshoots with a = −0.75: [−128, 127] × 2 → c-weighted values below −128 clamp.
    const model = resize(13, tensor('int8', [1, 1, 1, 2], [-128, 127]), { scales: [1, 1, 1, 2] }, { mode: 'cubic' });
    const v = (await ours(model)).values;
    // Position 0: x = −0.25 → taps clamp to [0,0,0,1]: −128·(1 + 0.10546875) + 127·(−0.10546875) = −154.9 → −128.
    expect(v[0]).toBe(-128);
    // Position 1: x = 0.25, taps −1..2 → [0,0,1,1], weights c(1.25), c(0.25), c(0.75), c(1.75):
    // −128·(−0.10546875 + 0.87890625) + 127·(0.26171875 − 0.03515625) = −99.0 + 28.77 = −70.2 → −70.
    expect(v[1]).toBe(-70);
  });

  it('linear on every axis of a rank-1 tensor and a 6-D nearest (N-D, no layout assumed)', async () => {
    // Rank 1, half_pixel, 3 → 5: x = (i + 0.5)·0.6 − 0.5 = −0.2, 0.4, 1, 1.6, 2.2 → clamp → 0, 0.4, 1, 1.6, 2.
    const line = await ours(resize(13, float32([3], [0, 10, 20]), { sizes: [5] }, { mode: 'linear' }));
    expect(line.values.map((v) => Math.round(v * 1e5) / 1e5)).toEqual([0, 4, 10, 16, 20]);
    const six = await ours(resize(13, float32([1, 2, 1, 1, 1, 2], [1, 2, 3, 4]), { sizes: [2, 2, 1, 1, 1, 4] }, { mode: 'nearest' }));
    expect(six.dims).toEqual([2, 2, 1, 1, 1, 4]);
    expect(six.values).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 1, 1, 2, 2, 3, 3, 4, 4]);
  });

  it('nearest moves any element type: bool 2×2 → 4×4 (asymmetric floor)', async () => {
    const model = resize(13, tensor('bool', [1, 1, 2, 2], [1, 0, 0, 1]), { scales: [1, 1, 2, 2] }, NEAREST);
    const { out0 } = await runOurs(model);
    expect(out0!.dtype).toBe('bool');
    expect(values(out0)).toEqual([1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1]);
  });

  it('shape inference: symbolic N kept, resized axes from scales become "?", from sizes known', async () => {
    const build = (inputs: Record<string, Tensor>, given: string[]) =>
      buildModel({
        opset: 13,
        nodes: [{ opType: 'Resize', inputs: ['x', ...given], outputs: ['y'], attributes: { mode: 'linear' } }],
        inputs: { x: random([2, 3, 4, 4], 1) },
        initializers: inputs,
        inputDims: { x: ['N', 3, 'H', 4] },
        outputs: ['y'],
      });
    const byScales = await loadModel(build({ scales: float32([4], [1, 1, 2, 2]) }, ['', 'scales']).bytes);
    expect(byScales.outputs[0]!.dims).toEqual(['N', 3, '?', 8]);
    const bySizes = await loadModel(build({ sizes: int64([4], [2, 3, 5, 7]) }, ['', '', 'sizes']).bytes);
    expect(bySizes.outputs[0]!.dims).toEqual([2, 3, 5, 7]);
  });
});

describe('Resize vs onnxruntime', () => {
  const x = random([1, 2, 5, 7], 1);
  const modes = ['nearest', 'linear', 'cubic'] as const;
  const coordinates = ['half_pixel', 'pytorch_half_pixel', 'align_corners', 'asymmetric', 'tf_crop_and_resize', 'half_pixel_symmetric'];
  // Dyadic roi values, so float32 arithmetic (onnxruntime) and ours land on the same nearest element.
  const roi = [0, 0, 0.25, -0.125, 1, 1, 0.875, 1.25];
  const scaleSets = [
    [1, 1, 0.6, 1.6],
    [1, 1, 2.5, 0.5],
  ];
  const sizeSets = [
    [1, 2, 3, 12],
    [1, 2, 9, 4],
  ];
  for (const opset of [11, 13, 18, 19]) {
    for (const mode of modes) {
      for (const coordinate of coordinates) {
        if (coordinate === 'half_pixel_symmetric' && opset < 19) continue;
        const nearestModes = mode === 'nearest' ? ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil'] : ['round_prefer_floor'];
        for (const nearest of nearestModes) {
          // half_pixel_symmetric lands exactly on 2 for scale 0.6 on 5 (position 1): onnxruntime's float32 offset
          // makes it 1.9999999 and floor picks element 1; the exact tie is pinned in the hand-checked tests.
          if (coordinate === 'half_pixel_symmetric' && nearest === 'floor') continue;
          const variants: Record<string, AttributeInput>[] = [{}];
          if (mode === 'cubic') variants.push({ exclude_outside: 1, cubic_coeff_a: -0.5 });
          // onnxruntime fails antialias with tf_crop_and_resize ('narrowing_error').
          if (mode !== 'nearest' && opset >= 18 && coordinate !== 'tf_crop_and_resize') variants.push({ antialias: 1 }, { antialias: 1, exclude_outside: 1 });
          for (const variant of variants) {
            const attrs = { mode, coordinate_transformation_mode: coordinate, nearest_mode: nearest, extrapolation_value: 7.5, ...variant };
            const title = `opset ${opset} ${mode} ${coordinate}${mode === 'nearest' ? ` ${nearest}` : ''} ${JSON.stringify(variant)}`;
            it(title, async () => {
              const r = coordinate === 'tf_crop_and_resize' ? roi : undefined;
              for (const scales of scaleSets) await expectMatchesOnnxruntime(resize(opset, x, { roi: r, scales }, attrs));
              for (const sizes of sizeSets) await expectMatchesOnnxruntime(resize(opset, x, { roi: r, sizes }, attrs));
            });
          }
        }
      }
    }
  }

  it('opset 11 tf_half_pixel_for_nn nearest', async () => {
    await expectMatchesOnnxruntime(resize(11, x, { scales: [1, 1, 1.5, 0.7] }, { mode: 'nearest', coordinate_transformation_mode: 'tf_half_pixel_for_nn' }));
  });

  for (const policy of ['stretch', 'not_larger', 'not_smaller']) {
    for (const axes of [[2, 3], [3, 2]]) {
      it(`opset 18 sizes with keep_aspect_ratio_policy=${policy} axes=[${axes}], nearest and linear`, async () => {
        const sizes = axes[0] === 2 ? [9, 4] : [4, 9];
        for (const mode of ['nearest', 'linear']) {
          await expectMatchesOnnxruntime(resize(18, x, { sizes }, { mode, axes, keep_aspect_ratio_policy: policy }));
        }
      });
    }
  }

  it('negative axes: stretch vs onnxruntime; with a policy by hand (onnxruntime ignores negative axes there)', async () => {
    await expectMatchesOnnxruntime(resize(18, x, { sizes: [4, 9] }, { mode: 'linear', axes: [-1, -2] }));
    // H = 5 and W = 7 asked for 9 and 4: factors 1.8 and 4/7. not_larger takes 4/7 → H round(2.857) = 3, W 4;
    // not_smaller takes 1.8 → H 9, W round(12.6) = 13. onnxruntime matches no axis and returns [1,2,5,7].
    const notLarger = await ours(resize(18, x, { sizes: [4, 9] }, { mode: 'nearest', axes: [-1, -2], keep_aspect_ratio_policy: 'not_larger' }));
    expect(notLarger.dims).toEqual([1, 2, 3, 4]);
    const notSmaller = await ours(resize(18, x, { sizes: [4, 9] }, { mode: 'nearest', axes: [-1, -2], keep_aspect_ratio_policy: 'not_smaller' }));
    expect(notSmaller.dims).toEqual([1, 2, 9, 13]);
    const same = await ours(resize(18, x, { sizes: [9, 4] }, { mode: 'nearest', axes: [2, 3], keep_aspect_ratio_policy: 'not_smaller' }));
    expect(same).toEqual(notSmaller);
  });

  it('opset 18 scales with axes=[3] and roi with axes=[2,3] (tf_crop_and_resize)', async () => {
    await expectMatchesOnnxruntime(resize(18, x, { scales: [1.5] }, { mode: 'linear', axes: [3] }));
    await expectMatchesOnnxruntime(resize(18, x, { roi: [0.25, -0.125, 0.875, 1.25], sizes: [4, 9] }, { mode: 'cubic', axes: [2, 3], coordinate_transformation_mode: 'tf_crop_and_resize', extrapolation_value: -1 }));
  });

  it('trilinear 5-D align_corners and pytorch_half_pixel, bilinear NHWC (outer and inner scales 1)', async () => {
    const v = random([1, 2, 3, 4, 5], 2);
    for (const coordinate_transformation_mode of ['align_corners', 'pytorch_half_pixel']) {
      await expectMatchesOnnxruntime(resize(13, v, { scales: [1, 1, 2, 0.5, 1.5] }, { mode: 'linear', coordinate_transformation_mode }));
      await expectMatchesOnnxruntime(resize(19, v, { sizes: [1, 2, 2, 7, 3] }, { mode: 'linear', antialias: 1, coordinate_transformation_mode }));
    }
    await expectMatchesOnnxruntime(resize(13, random([1, 4, 5, 3], 3), { scales: [1, 2, 0.6, 1] }, { mode: 'linear' }));
    await expectMatchesOnnxruntime(resize(19, random([1, 8, 6, 3], 3), { sizes: [1, 3, 4, 3] }, { mode: 'cubic', antialias: 1 }));
  });

  it('rank 2 and rank 3 linear and cubic on every axis', async () => {
    await expectMatchesOnnxruntime(resize(13, random([5, 6], 4), { scales: [0.6, 1.5] }, { mode: 'linear' }));
    await expectMatchesOnnxruntime(resize(13, random([5, 6], 4), { sizes: [8, 4] }, { mode: 'cubic' }));
    await expectMatchesOnnxruntime(resize(13, random([2, 5, 6], 4), { sizes: [2, 3, 9] }, { mode: 'linear', coordinate_transformation_mode: 'align_corners' }));
  });

  it('Resize-10 nearest and linear (asymmetric) upsampling', async () => {
    for (const mode of ['nearest', 'linear']) {
      await expectMatchesOnnxruntime(resize(10, random([1, 2, 3, 4], 5), { scales: [1, 1, 2, 1.5] }, { mode }));
    }
  });

  for (const dtype of ['uint8', 'int8', 'int32', 'float16'] as const) {
    it(`nearest ${dtype} (every mode's element choice is exact)`, async () => {
      const v = random([1, 2, 5, 6], 6, dtype);
      await expectMatchesOnnxruntime(resize(13, v, { scales: [1, 1, 0.6, 1.5] }, { mode: 'nearest' }));
      await expectMatchesOnnxruntime(resize(13, v, { sizes: [1, 2, 9, 4] }, NEAREST));
    });
  }

  it('uint8 antialias bicubic rounds and clamps per pass like onnxruntime and PyTorch', async () => {
    await expectMatchesOnnxruntime(resize(19, random([1, 2, 5, 6], 7, 'uint8'), { scales: [1, 1, 0.6, 1.5] }, { mode: 'cubic', antialias: 1 }));
  });

  it('float16 linear agrees to half precision', async () => {
    const v = random([1, 1, 4, 5], 8, 'float16');
    const model = resize(13, v, { scales: [1, 1, 1.5, 0.6] }, { mode: 'linear' });
    const { out0: ours16 } = await runOurs(model);
    const { out0: ort16 } = (await runOnnxruntime(model.bytes, model.feeds)).outputs;
    const a = values(ours16);
    const b = values(ort16);
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(Math.abs(b[i]!) * 2e-3 + 1e-3);
  });

  it('float64 (no onnxruntime kernel) agrees with the float32 run', async () => {
    const v = random([1, 2, 4, 5], 9);
    const v64 = tensor('float64', v.dims, Float64Array.from(v.data));
    for (const mode of ['linear', 'cubic']) {
      const a = await ours(resize(13, v64, { scales: [1, 1, 1.5, 0.6] }, { mode }));
      const b = await expectMatchesOnnxruntime(resize(13, v, { scales: [1, 1, 1.5, 0.6] }, { mode }));
      values(b.out0).forEach((e, i) => expect(Math.abs(a.values[i]! - e)).toBeLessThan(1e-4));
    }
  });
});

describe('Upsample', () => {
  it('Upsample-7 nearest scales=[1,1,2,3] (attribute) 2×2 → 4×6', async () => {
    const model = buildSingleOp({ opType: 'Upsample', opset: 7, inputs: [GRID], attributes: { mode: 'nearest', scales: [1, 1, 2, 3] } });
    const { out0 } = await expectMatchesOnnxruntime(model);
    expect(values(out0)).toEqual([1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4]);
  });

  it('Upsample-9 linear scales=[1,1,2,2] is asymmetric: x = i/2 → row 1, 1.5, 2, 2', async () => {
    // ONNX's Upsample samples i/scale (not PyTorch's half-pixel; torch.onnx warns its opset 9 bilinear exports differ).
    const model = buildSingleOp({ opType: 'Upsample', opset: 9, inputs: [GRID, float32([4], [1, 1, 2, 2])], constantInputs: [1], attributes: { mode: 'linear' } });
    const { out0 } = await expectMatchesOnnxruntime(model);
    expect(values(out0).slice(0, 4)).toEqual([1, 1.5, 2, 2]);
  });

  it('Upsample-7 and -9 vs onnxruntime on 4-D (nearest, linear) and 2-D (linear)', async () => {
    for (const mode of ['nearest', 'linear']) {
      const v = random([1, 2, 3, 4], 10);
      await expectMatchesOnnxruntime(buildSingleOp({ opType: 'Upsample', opset: 7, inputs: [v], attributes: { mode, scales: [1, 1, 2.5, 1.5] } }));
      await expectMatchesOnnxruntime(buildSingleOp({ opType: 'Upsample', opset: 9, inputs: [v, float32([4], [1, 1, 3, 2])], constantInputs: [1], attributes: { mode } }));
    }
    await expectMatchesOnnxruntime(buildSingleOp({ opType: 'Upsample', opset: 9, inputs: [random([3, 4], 11), float32([2], [2, 1.5])], constantInputs: [1], attributes: { mode: 'linear' } }));
  });

  it('Upsample is gone at opset 10 → unsupported_op', async () => {
    await expectFailure(() => buildSingleOp({ opType: 'Upsample', opset: 10, inputs: [GRID, float32([4], [1, 1, 2, 2])], constantInputs: [1] }), 'unsupported_op', /Upsample/);
  });

  it('Upsample-7 scales of the wrong length → bad_attribute scales', async () => {
    await expectFailure(() => buildSingleOp({ opType: 'Upsample', opset: 7, inputs: [GRID], attributes: { scales: [2, 2] } }), 'bad_attribute', /scales/);
  });

  it("Upsample mode 'cubic' → bad_attribute", async () => {
    await expectFailure(() => buildSingleOp({ opType: 'Upsample', opset: 9, inputs: [GRID, float32([4], [1, 1, 2, 2])], constantInputs: [1], attributes: { mode: 'cubic' } }), 'bad_attribute', /mode/);
  });
});

describe('Resize errors', () => {
  it("mode 'bilinear' → bad_attribute", async () => {
    await expectFailure(() => resize(13, GRID, { scales: [1, 1, 2, 2] }, { mode: 'bilinear' }), 'bad_attribute', /mode/);
  });

  it("Resize-10 mode 'cubic' → bad_attribute", async () => {
    await expectFailure(() => resize(10, GRID, { scales: [1, 1, 2, 2] }, { mode: 'cubic' }), 'bad_attribute', /mode/);
  });

  it('tf_half_pixel_for_nn after opset 11 → bad_attribute', async () => {
    await expectFailure(() => resize(13, GRID, { scales: [1, 1, 2, 2] }, { coordinate_transformation_mode: 'tf_half_pixel_for_nn' }), 'bad_attribute', /coordinate_transformation_mode/);
  });

  it('half_pixel_symmetric before opset 19 → bad_attribute', async () => {
    await expectFailure(() => resize(18, GRID, { scales: [1, 1, 2, 2] }, { coordinate_transformation_mode: 'half_pixel_symmetric' }), 'bad_attribute', /half_pixel_symmetric/);
  });

  it("nearest_mode 'round' → bad_attribute", async () => {
    await expectFailure(() => resize(13, GRID, { scales: [1, 1, 2, 2] }, { nearest_mode: 'round' }), 'bad_attribute', /nearest_mode/);
  });

  it('antialias with nearest → bad_attribute antialias', async () => {
    await expectFailure(() => resize(18, GRID, { scales: [1, 1, 2, 2] }, { mode: 'nearest', antialias: 1 }), 'bad_attribute', /antialias/);
  });

  it('antialias before opset 18 → bad_attribute', async () => {
    await expectFailure(() => resize(13, GRID, { scales: [1, 1, 2, 2] }, { mode: 'linear', antialias: 1 }), 'bad_attribute', /antialias/);
  });

  it('exclude_outside=2 → bad_attribute', async () => {
    await expectFailure(() => resize(13, GRID, { scales: [1, 1, 2, 2] }, { mode: 'cubic', exclude_outside: 2 }), 'bad_attribute', /exclude_outside/);
  });

  it('scales and sizes both given → shape', async () => {
    await expectFailure(() => resize(13, GRID, { scales: [1, 1, 2, 2], sizes: [1, 1, 4, 4] }), 'shape', /both given/);
  });

  it('neither scales nor sizes → shape', async () => {
    await expectFailure(() => resize(13, GRID, {}), 'shape', /neither/);
  });

  it('scales of the wrong length → shape', async () => {
    await expectFailure(() => resize(13, GRID, { scales: [2, 2] }), 'shape', /scales has 2 values but 4/);
  });

  it('a zero scale → shape', async () => {
    await expectFailure(() => resize(13, GRID, { scales: [1, 1, 0, 2] }), 'shape', /positive/);
  });

  it('a negative size → shape', async () => {
    await expectFailure(() => resize(13, GRID, { sizes: [1, 1, -1, 2] }), 'shape', /non-negative/);
  });

  it('tf_crop_and_resize without roi → shape', async () => {
    await expectFailure(() => resize(13, GRID, { sizes: [1, 1, 3, 3] }, { coordinate_transformation_mode: 'tf_crop_and_resize' }), 'shape', /roi/);
  });

  it('roi of the wrong length → shape', async () => {
    await expectFailure(() => resize(13, GRID, { roi: [0, 1], sizes: [1, 1, 3, 3] }, { coordinate_transformation_mode: 'tf_crop_and_resize' }), 'shape', /roi has 2 values but 8/);
  });

  it('axes listing an axis twice → bad_attribute axes', async () => {
    await expectFailure(() => resize(18, GRID, { scales: [2, 2] }, { axes: [3, -1] }), 'bad_attribute', /axes/);
  });

  it('linear interpolation of bool data → shape', async () => {
    await expectFailure(() => resize(13, tensor('bool', [1, 1, 2, 2], [0, 1, 1, 0]), { scales: [1, 1, 2, 2] }, { mode: 'linear' }), 'shape', /bool/);
  });

  it('an output over the element limit → limit_exceeded, before anything is allocated', async () => {
    await expectFailure(() => resize(13, GRID, { sizes: [1, 1, 2 ** 20, 2 ** 20] }), 'limit_exceeded', /over the limit/);
  });

  it('an empty axis resized to a non-empty one → shape', async () => {
    await expectFailure(() => resize(13, float32([1, 1, 0, 2], []), { sizes: [1, 1, 2, 2] }), 'shape', /empty/);
  });
});
