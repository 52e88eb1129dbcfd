import { describe, expect, it } from 'vitest';
import { loadModel } from '../../../src/engine/session.js';
import { buildModel, buildSingleOp } from '../../../src/fuzz/model-builder.js';
import { resolveSliceAxis } from '../../../src/ops/tensor/slice.js';
import { int64, tensor, type Tensor } from '../../../src/tensor.js';
import { expectMatchesOnnxruntime, runOurs } from '../../helpers/differential.js';
import { expectFailure, iota, randomTensor, values } from './helpers.js';

const MAX = Infinity; // how the decoder hands over INT64_MAX, and how the encoder writes it back
const MIN = -Infinity;

function slice10(x: Tensor, starts: number[], ends: number[], axes?: number[], steps?: number[], opset = 13) {
  const vec = (v: number[]) => int64([v.length], v);
  return buildSingleOp({
    opType: 'Slice',
    opset,
    inputs: [x, vec(starts), vec(ends), axes && vec(axes), steps && vec(steps)],
    constantInputs: [1, 2, 3, 4],
  });
}

describe('Slice axis resolution (python slicing)', () => {
  it('size 10: [-3:MAX] → start 7, 3 elements; [2:-2:3] → 2, 5 → 2 elements', () => {
    expect(resolveSliceAxis(10, -3, MAX, 1)).toEqual({ start: 7, count: 3 });
    expect(resolveSliceAxis(10, 2, -2, 3)).toEqual({ start: 2, count: 2 }); // 2, 5 (8 excluded)
  });
  it('size 10 negative steps: [-1:MIN:-1] → all 10 reversed; [MAX:2:-3] → 9, 6, 3', () => {
    expect(resolveSliceAxis(10, -1, MIN, -1)).toEqual({ start: 9, count: 10 });
    expect(resolveSliceAxis(10, MAX, 2, -3)).toEqual({ start: 9, count: 3 });
  });
  it('out of range: [20:30] → empty; [-20:3] → 0..2; size 0 with step -1 → empty', () => {
    expect(resolveSliceAxis(10, 20, 30, 1).count).toBe(0);
    expect(resolveSliceAxis(10, -20, 3, 1)).toEqual({ start: 0, count: 3 });
    expect(resolveSliceAxis(0, -1, MIN, -1).count).toBe(0);
  });
});

describe('Slice, hand-checked', () => {
  it('x=iota[10] starts=[-3] ends=[INT64_MAX] → [7,8,9]', async () => {
    const out = await expectMatchesOnnxruntime(slice10(iota([10]), [-3], [MAX]));
    expect(values(out.out0)).toEqual([7, 8, 9]);
  });
  it('x=iota[10] flip: starts=[-1] ends=[INT64_MIN] steps=[-1] → 9..0', async () => {
    const out = await expectMatchesOnnxruntime(slice10(iota([10]), [-1], [MIN], [0], [-1]));
    expect(values(out.out0)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
  });
  it('x=iota[3,4] axes=[1,0] starts=[1,2] ends=[MAX,0] steps=[2,-1] → rows 2,1 × cols 1,3', async () => {
    // Rows are 4r..4r+3: row 2 → 9, 11; row 1 → 5, 7.
    const out = await expectMatchesOnnxruntime(slice10(iota([3, 4]), [1, 2], [MAX, 0], [1, 0], [2, -1]));
    expect(out.out0!.dims).toEqual([2, 2]);
    expect(values(out.out0)).toEqual([9, 11, 5, 7]);
  });
});

describe('Slice vs onnxruntime', () => {
  const x = randomTensor([4, 5, 6], 2);
  const cases: { title: string; starts: number[]; ends: number[]; axes?: number[]; steps?: number[]; opset?: number }[] = [
    { title: 'default axes and steps, 2 of 3 axes', starts: [1, 0], ends: [3, -1] },
    { title: 'negative axes [-1,-3]', starts: [2, 1], ends: [MAX, 3], axes: [-1, -3] },
    { title: 'out-of-range starts and ends', starts: [-100, 7], ends: [100, 100], axes: [0, 1] },
    { title: 'step 3 and step -2', starts: [0, MAX], ends: [MAX, MIN], axes: [2, 1], steps: [3, -2] },
    { title: 'negative step with out-of-range start', starts: [100], ends: [-100], axes: [2], steps: [-4] },
    { title: 'empty result start ≥ end', starts: [3], ends: [1], axes: [0] },
    { title: 'opset 10 form', starts: [1], ends: [4], axes: [1], steps: [2], opset: 10 },
    { title: 'opset 11 form, negative axis', starts: [-2], ends: [MAX], axes: [-2], opset: 11 },
  ];
  for (const c of cases) {
    it(`x=[4,5,6] ${c.title}`, async () => {
      await expectMatchesOnnxruntime(slice10(x, c.starts, c.ends, c.axes, c.steps, c.opset ?? 13));
    });
  }
  it('int32 indices fed at run time, int64 data', async () => {
    const model = buildSingleOp({
      opType: 'Slice', opset: 13,
      inputs: [iota([6, 2], 'int64'), tensor('int32', [1], [-4]), tensor('int32', [1], [5]), tensor('int32', [1], [0])],
    });
    await expectMatchesOnnxruntime(model);
  });
  it('opset 1 attribute form starts=[1,-2] ends=[1000,-1] axes=[0,2]', async () => {
    await expectMatchesOnnxruntime(buildSingleOp({ opType: 'Slice', opset: 1, inputs: [x], attributes: { starts: [1, -2], ends: [1000, -1], axes: [0, 2] } }));
    await expectMatchesOnnxruntime(buildSingleOp({ opType: 'Slice', opset: 9, inputs: [x], attributes: { starts: [2], ends: [4] } }));
  });
  it('shape inference: constant parameters give exact dims; run-time ones keep the rank and unsliced dims', async () => {
    const model = buildModel({
      opset: 13,
      nodes: [
        { opType: 'Slice', inputs: ['x', 's', 'e', 'a'], outputs: ['y'] },
        { opType: 'Slice', inputs: ['x', 'fs', 'e', 'a'], outputs: ['z'] },
      ],
      inputs: { x, fs: int64([1], [2]) },
      initializers: { s: int64([1], [1]), e: int64([1], [MAX]), a: int64([1], [1]) },
      inputDims: { x: ['N', 5, 6] },
      outputs: ['y', 'z'],
    });
    const session = await loadModel(model.bytes);
    expect(session.graph.types.get('y')!.dims).toEqual(['N', 4, 6]);
    expect(session.graph.types.get('z')!.dims).toEqual(['N', '?', 6]);
    const out = await expectMatchesOnnxruntime(model);
    expect(out.z!.dims).toEqual([4, 3, 6]);
  });
});

describe('Slice errors', () => {
  it('step 0 → shape; length mismatch → shape; duplicate axes → shape; axis out of range → shape', async () => {
    await expectFailure(() => slice10(iota([4]), [0], [2], [0], [0]), 'shape', /0 step/);
    await expectFailure(() => slice10(iota([4, 4]), [0, 1], [2]), 'shape', /ends input: has 1 values but starts has 2/);
    await expectFailure(() => slice10(iota([4, 4]), [0, 1], [2, 2], [1, -1]), 'shape', /twice/);
    await expectFailure(() => slice10(iota([4, 4]), [0], [2], [2]), 'shape', /out of range/);
  });
  it('opset 1: ends shorter than starts → bad_attribute', async () => {
    await expectFailure(() => buildSingleOp({ opType: 'Slice', opset: 1, inputs: [iota([4, 4])], attributes: { starts: [0, 1], ends: [2] } }), 'bad_attribute', /ends/);
  });
  it('fed step 0 is caught at run time', async () => {
    const model = buildSingleOp({ opType: 'Slice', opset: 13, inputs: [iota([4]), int64([1], [0]), int64([1], [2]), int64([1], [0]), int64([1], [0])] });
    await expect(runOurs(model)).rejects.toMatchObject({ code: 'shape' });
  });
});
