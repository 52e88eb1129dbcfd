import { describe, expect, it } from 'vitest';
import { loadModel } from '../../../src/engine/session.js';
import { buildModel, buildSingleOp, type AttributeInput } from '../../../src/fuzz/model-builder.js';
import { float32, int64, tensor, type DType, type Tensor } from '../../../src/tensor.js';
import { expectMatchesOnnxruntime, runOurs } from '../../helpers/differential.js';
import { expectFailure, iota, randomTensor, values } from './helpers.js';

/** Pad with pads (and the optional inputs) stored as initializers, as exporters write them. */
function pad(opset: number, x: Tensor, pads: number[] | undefined, attributes: Record<string, AttributeInput> = {}, value?: Tensor, axes?: Tensor) {
  const inputs: (Tensor | undefined)[] = [x];
  if (pads) inputs.push(int64([pads.length], pads), value, axes);
  return buildSingleOp({ opType: 'Pad', opset, inputs, constantInputs: [1, 2, 3], attributes });
}

async function padValues(model: ReturnType<typeof pad>) {
  const { out0 } = await runOurs(model);
  return { dims: out0!.dims, values: values(out0) };
}

describe('Pad, hand-checked', () => {
  it('constant opset 2 x=[2,3] pads=[1,0,0,2] value=-1 → [3,5]', async () => {
    // One row before axis 0, two columns after axis 1; x = [[1,2,3],[4,5,6]].
    const model = pad(2, float32([2, 3], [1, 2, 3, 4, 5, 6]), undefined, { pads: [1, 0, 0, 2], value: -1 });
    const { out0 } = await expectMatchesOnnxruntime(model);
    expect(out0!.dims).toEqual([3, 5]);
    expect(values(out0)).toEqual([-1, -1, -1, -1, -1, 1, 2, 3, -1, -1, 4, 5, 6, -1, -1]);
  });

  it('constant opset 1 uses the paddings attribute: x=[3] paddings=[2,1] → [0,0,1,2,3,0]', async () => {
    // onnxruntime has no Pad-1 kernel, so this one is checked by hand only.
    const model = pad(1, float32([3], [1, 2, 3]), undefined, { paddings: [2, 1] });
    expect(await padValues(model)).toEqual({ dims: [6], values: [0, 0, 1, 2, 3, 0] });
  });

  it('reflect opset 11 x=[1,4] pads=[0,2,0,3] → [3,2,1,2,3,4,3,2,1]', async () => {
    // Mirror without repeating the edge: left of 1 come 2,3 (reversed: 3,2); right of 4 come 3,2,1.
    const model = pad(11, float32([1, 4], [1, 2, 3, 4]), [0, 2, 0, 3], { mode: 'reflect' });
    const { out0 } = await expectMatchesOnnxruntime(model);
    expect(values(out0)).toEqual([3, 2, 1, 2, 3, 4, 3, 2, 1]);
  });

  it('edge opset 13 int32 x=[2,2] pads=[1,1,1,1] → 4×4 of the nearest edge element', async () => {
    const model = pad(13, tensor('int32', [2, 2], [1, 2, 3, 4]), [1, 1, 1, 1], { mode: 'edge' });
    const { out0 } = await expectMatchesOnnxruntime(model);
    expect(values(out0)).toEqual([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
  });

  it('wrap opset 19 x=[3] pads=[2,3] → [2,3,1,2,3,1,2,3] (torch circular)', async () => {
    // Output j reads x[(j − 2) mod 3]: j=0 → x[1]=2, j=1 → x[2]=3, then 1,2,3 and the wrapped 1,2,3.
    const model = pad(19, float32([3], [1, 2, 3]), [2, 3], { mode: 'wrap' });
    const { out0 } = await expectMatchesOnnxruntime(model);
    expect(values(out0)).toEqual([2, 3, 1, 2, 3, 1, 2, 3]);
  });

  it('wrap pads longer than the axis repeat it: x=[3] pads=[4,5] → [3,1,2,3,1,2,3,1,2,3,1,2]', async () => {
    // numpy's 'wrap' (the ONNX reference): j reads x[(j − 4) mod 3]. PyTorch refuses ("wrapping around more than
    // once") and onnxruntime 1.30 writes 0 in the first element, so this is checked by hand.
    const model = pad(19, float32([3], [1, 2, 3]), [4, 5], { mode: 'wrap' });
    expect(await padValues(model)).toEqual({ dims: [12], values: [3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2] });
  });

  it('negative pads crop: constant x=[4] pads=[-1,2] → [2,3,4,0,0]', async () => {
    const model = pad(13, float32([4], [1, 2, 3, 4]), [-1, 2]);
    const { out0 } = await expectMatchesOnnxruntime(model);
    expect(values(out0)).toEqual([2, 3, 4, 0, 0]);
  });

  it('wrap after a crop repeats the cropped axis: x=[4] pads=[-1,2] → [2,3,4,2,3]', async () => {
    // The period is the 3 elements left: torch circular copies from the cropped centre, onnxruntime crops first.
    const model = pad(19, float32([4], [1, 2, 3, 4]), [-1, 2], { mode: 'wrap' });
    const { out0 } = await expectMatchesOnnxruntime(model);
    expect(values(out0)).toEqual([2, 3, 4, 2, 3]);
  });

  it('reflect mirrors about the uncropped edge: x=[4] pads=[-2,2] → [3,4,3,2] (PyTorch), onnxruntime refuses', async () => {
    // torch reflection_pad1d: ip_x = j − pad_l mirrored about input_w − 1 = 3, so j=2 → p=4 → 2·3−4 = 2 → x[2]=3 and
    // j=3 → p=5 → 1 → x[1]=2. onnxruntime crops first and then finds only 2 elements to reflect 2 into.
    const model = pad(13, float32([4], [1, 2, 3, 4]), [-2, 2], { mode: 'reflect' });
    expect(await padValues(model)).toEqual({ dims: [4], values: [3, 4, 3, 2] });
  });

  it('edge after cropping every element reads the uncropped edge: x=[4] pads=[-4,1] → [4]', async () => {
    // torch replication_pad1d: j=0, pad_l=−4 → ip_x = input_w + pad_l − 1 − o_start + i_start = −1 + 4 = 3.
    const model = pad(13, float32([4], [1, 2, 3, 4]), [-4, 1], { mode: 'edge' });
    expect(await padValues(model)).toEqual({ dims: [1], values: [4] });
  });

  it('opset 18 axes=[-1] (int32) pads only the last axis: x=[2,2] pads=[1,2] → [2,5]', async () => {
    // ONNX allows int32 axes; onnxruntime only reads int64 ones, so it checks the same pad with int64 axes.
    const x = float32([2, 2], [1, 2, 3, 4]);
    const expected = [9, 1, 2, 9, 9, 9, 3, 4, 9, 9];
    expect(await padValues(pad(18, x, [1, 2], {}, float32([], [9]), tensor('int32', [1], [-1])))).toEqual({ dims: [2, 5], values: expected });
    const { out0 } = await expectMatchesOnnxruntime(pad(18, x, [1, 2], {}, float32([], [9]), int64([1], [-1])));
    expect(values(out0)).toEqual(expected);
  });

  it('int16 and uint16 data (no onnxruntime kernel) pad like int32: x=[3] pads=[1,2] reflect → [2,1,2,3,2,1]', async () => {
    for (const dtype of ['int16', 'uint16'] as const) {
      const { out0 } = await runOurs(pad(13, tensor(dtype, [3], [1, 2, 3]), [1, 2], { mode: 'reflect' }));
      expect(out0!.dtype).toBe(dtype);
      expect(values(out0)).toEqual([2, 1, 2, 3, 2, 1]);
    }
  });

  it('bool data opset 13 constant_value=true x=[2] pads=[1,1] → [1,0,1,1]', async () => {
    const model = pad(13, tensor('bool', [2], [0, 1]), [1, 1], {}, tensor('bool', [], [1]));
    const { out0 } = await expectMatchesOnnxruntime(model);
    expect(out0!.dtype).toBe('bool');
    expect(values(out0)).toEqual([1, 0, 1, 1]);
  });

  it('an empty axis pads with the constant: x=[0,2] pads=[1,0,1,0] → [2,2] of value 5', async () => {
    const model = pad(13, float32([0, 2], []), [1, 0, 1, 0], {}, float32([1], [5]));
    const { out0 } = await expectMatchesOnnxruntime(model);
    expect(out0!.dims).toEqual([2, 2]);
    expect(values(out0)).toEqual([5, 5, 5, 5]);
  });

  it('shape inference keeps unpadded symbolic dims and marks padded ones unknown', async () => {
    const model = buildModel({
      opset: 13,
      nodes: [{ opType: 'Pad', inputs: ['x', 'pads'], outputs: ['y'] }],
      inputs: { x: float32([2, 3], [1, 2, 3, 4, 5, 6]) },
      initializers: { pads: int64([4], [0, 1, 0, 1]) },
      inputDims: { x: ['N', 'M'] },
      outputs: ['y'],
    });
    const session = await loadModel(model.bytes);
    expect(session.outputs[0]!.dims).toEqual(['N', '?']);
    const { y } = await session.run(model.feeds);
    expect(y!.dims).toEqual([2, 5]);
  });

  it('pads known only at run time (a graph input) still pad correctly', async () => {
    const model = buildSingleOp({ opType: 'Pad', opset: 13, inputs: [float32([2], [1, 2]), int64([2], [1, 0])], attributes: { mode: 'reflect' } });
    const session = await loadModel(model.bytes);
    expect(session.outputs[0]!.dims).toEqual(['?']);
    await expectMatchesOnnxruntime(model);
  });
});

describe('Pad vs onnxruntime', () => {
  const cases: { title: string; opset: number; dims: number[]; pads?: number[]; attrs: Record<string, AttributeInput>; value?: number; axes?: number[] }[] = [
    { title: 'opset 2 constant value=2.5 3-D pads=[0,1,2,1,0,3]', opset: 2, dims: [2, 3, 4], attrs: { pads: [0, 1, 2, 1, 0, 3], value: 2.5 } },
    { title: 'opset 2 reflect 4-D pads=[0,0,2,1,0,0,1,3]', opset: 2, dims: [1, 2, 4, 5], attrs: { pads: [0, 0, 2, 1, 0, 0, 1, 3], mode: 'reflect' } },
    { title: 'opset 2 edge with a crop pads=[0,-1,2,0,2,-2]', opset: 2, dims: [2, 4, 5], attrs: { pads: [0, -1, 2, 0, 2, -2], mode: 'edge' } },
    { title: 'opset 11 constant value=-3 pads=[1,0,0,0,2,1]', opset: 11, dims: [2, 3, 2], pads: [1, 0, 0, 0, 2, 1], attrs: {}, value: -3 },
    { title: 'opset 11 reflect 4-D pads=[0,0,3,2,0,0,2,3]', opset: 11, dims: [1, 2, 4, 4], pads: [0, 0, 3, 2, 0, 0, 2, 3], attrs: { mode: 'reflect' } },
    { title: 'opset 11 edge 4-D pads=[0,1,2,3,1,0,3,2]', opset: 11, dims: [2, 2, 3, 3], pads: [0, 1, 2, 3, 1, 0, 3, 2], attrs: { mode: 'edge' } },
    { title: 'opset 13 constant, no constant_value, crops and pads', opset: 13, dims: [3, 4, 5], pads: [-1, 2, 0, 1, -2, 3], attrs: {} },
    { title: 'opset 13 reflect with a crop pads=[-1,2,1,-1]', opset: 13, dims: [4, 5], pads: [-1, 2, 1, -1], attrs: { mode: 'reflect' } },
    { title: 'opset 18 constant axes=[0,2] value=7', opset: 18, dims: [2, 3, 4], pads: [1, 2, 3, 0], attrs: {}, value: 7, axes: [0, 2] },
    { title: 'opset 18 edge axes=[-2,-1]', opset: 18, dims: [2, 3, 4], pads: [1, 2, 2, 1], attrs: { mode: 'edge' }, axes: [-2, -1] },
    { title: 'opset 18 reflect axes=[1]', opset: 18, dims: [2, 4, 3], pads: [3, 2], attrs: { mode: 'reflect' }, axes: [1] },
    { title: 'opset 19 wrap 4-D pads=[0,0,2,3,0,0,3,1]', opset: 19, dims: [1, 2, 3, 4], pads: [0, 0, 2, 3, 0, 0, 3, 1], attrs: { mode: 'wrap' } },
    { title: 'opset 19 wrap axes=[2] with a crop pads=[-1,2]', opset: 19, dims: [2, 2, 5], pads: [-1, 2], attrs: { mode: 'wrap' }, axes: [2] },
    { title: 'opset 21 reflect pads=[1,2,2,1]', opset: 21, dims: [3, 4], pads: [1, 2, 2, 1], attrs: { mode: 'reflect' } },
    { title: 'opset 21 wrap pads=[3,0,0,4]', opset: 21, dims: [3, 4], pads: [3, 0, 0, 4], attrs: { mode: 'wrap' } },
  ];
  for (const c of cases) {
    it(c.title, async () => {
      const x = randomTensor(c.dims, c.dims.length + c.opset);
      const value = c.value === undefined ? undefined : float32([], [c.value]);
      const axes = c.axes === undefined ? undefined : int64([c.axes.length], c.axes);
      await expectMatchesOnnxruntime(pad(c.opset, x, c.pads, c.attrs, value, axes));
    });
  }

  const dtypes: DType[] = ['float64', 'float16', 'int64', 'int32', 'int8', 'uint8', 'uint32', 'uint64'];
  for (const dtype of dtypes) {
    it(`opset 13 constant_value=3 and reflect, dtype ${dtype}`, async () => {
      const x = iota([2, 3], dtype);
      await expectMatchesOnnxruntime(pad(13, x, [1, 2, 0, 1], {}, tensor(dtype, [], [3])));
      await expectMatchesOnnxruntime(pad(13, x, [1, 2, 0, 1], { mode: 'reflect' }));
    });
  }
});

describe('Pad errors', () => {
  const x = float32([2, 3], [1, 2, 3, 4, 5, 6]);

  it("mode 'circular' (PyTorch's name) → bad_attribute", async () => {
    await expectFailure(() => pad(13, x, [0, 1, 0, 1], { mode: 'circular' }), 'bad_attribute', /mode/);
  });

  it("mode 'wrap' before opset 18 → bad_attribute", async () => {
    await expectFailure(() => pad(13, x, [0, 1, 0, 1], { mode: 'wrap' }), 'bad_attribute', /wrap/);
  });

  it("mode 'wrap' at opset 18, as the dynamo exporter writes F.pad circular: x=[2,3] pads=[0,1,0,1] → [2,5]", async () => {
    // One column before and one after axis 1: column k of the output reads column (k − 1) mod 3, so the first
    // column repeats the last and the last repeats the first.
    const y = await padValues(pad(18, x, [0, 1, 0, 1], { mode: 'wrap' }));
    expect(y).toEqual({ dims: [2, 5], values: [3, 1, 2, 3, 1, 6, 4, 5, 6, 4] });
  });

  it('paddings is not an attribute of Pad-2 → bad_attribute', async () => {
    await expectFailure(() => pad(2, x, undefined, { paddings: [0, 1, 0, 1] }), 'bad_attribute', /paddings/);
  });

  it('pads attribute of the wrong length → bad_attribute naming pads', async () => {
    await expectFailure(() => pad(2, x, undefined, { pads: [1, 1] }), 'bad_attribute', /pads.*has 2 values but rank 2 needs 4/);
  });

  it('pads input of the wrong length → shape', async () => {
    await expectFailure(() => pad(13, x, [1, 1, 1]), 'shape', /has 3 values/);
  });

  it('pads that would leave a negative size → shape', async () => {
    await expectFailure(() => pad(13, x, [0, -2, 0, -2]), 'shape', /axis 1 has size 3; pads -2 and -2/);
  });

  it('reflect pad equal to the axis size → shape (PyTorch refuses too)', async () => {
    await expectFailure(() => pad(13, x, [0, 3, 0, 0], { mode: 'reflect' }), 'shape', /reflect padding of 3 on axis 1/);
  });

  it('edge padding of an empty axis → shape', async () => {
    await expectFailure(() => pad(13, float32([0, 2], []), [1, 0, 0, 0], { mode: 'edge' }), 'shape', /empty/);
  });

  it('wrap padding after cropping the whole axis → shape', async () => {
    await expectFailure(() => pad(19, x, [0, -3, 0, 1], { mode: 'wrap' }), 'shape', /nothing is left/);
  });

  it('constant_value with two elements → shape', async () => {
    await expectFailure(() => pad(13, x, [0, 1, 0, 1], {}, float32([2], [1, 2])), 'shape', /constant_value must hold one value/);
  });

  it('axes listing an axis twice → shape', async () => {
    await expectFailure(() => pad(18, x, [1, 1, 1, 1], {}, undefined, int64([2], [1, -1])), 'shape', /twice/);
  });

  it('axes out of range → shape', async () => {
    await expectFailure(() => pad(18, x, [1, 1], {}, undefined, int64([1], [2])), 'shape', /out of range/);
  });

  it('pads whose output passes the element limit → limit_exceeded', async () => {
    await expectFailure(() => pad(13, x, [0, 2 ** 30, 0, 0]), 'limit_exceeded', /over the limit/);
  });

  it('constant_value of another type than the data → shape', async () => {
    await expectFailure(() => pad(13, x, [0, 1, 0, 1], {}, tensor('int64', [], [1])), 'shape', /constant_value/);
  });
});
