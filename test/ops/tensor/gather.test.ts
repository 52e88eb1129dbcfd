import { describe, expect, it } from 'vitest';
import { buildSingleOp } from '../../../src/fuzz/model-builder.js';
import { int64, tensor } from '../../../src/tensor.js';
import { expectMatchesOnnxruntime } from '../../helpers/differential.js';
import { expectFailure, iota, randomTensor, values } from './helpers.js';

describe('Gather, hand-checked', () => {
  it('x=iota[3,4] axis=1 indices=[3,-4,1] → columns 3, 0, 1', async () => {
    // Row r of x is 4r..4r+3; -4 wraps to 0. Row 0 → [3,0,1], row 1 → [7,4,5], row 2 → [11,8,9].
    const out = await expectMatchesOnnxruntime(
      buildSingleOp({ opType: 'Gather', opset: 13, inputs: [iota([3, 4]), int64([3], [3, -4, 1])], attributes: { axis: 1 } }),
    );
    expect(out.out0!.dims).toEqual([3, 3]);
    expect(values(out.out0)).toEqual([3, 0, 1, 7, 4, 5, 11, 8, 9]);
  });
  it('scalar index x=iota[3,4] axis=0 index=-1 → row 2, rank drops to 1', async () => {
    const out = await expectMatchesOnnxruntime(buildSingleOp({ opType: 'Gather', opset: 11, inputs: [iota([3, 4]), tensor('int64', [], [-1])] }));
    expect(out.out0!.dims).toEqual([4]);
    expect(values(out.out0)).toEqual([8, 9, 10, 11]);
  });
});

describe('Gather vs onnxruntime', () => {
  const cases = [
    { title: 'opset 1 x=[5,2] 2-D indices [2,2] axis=0', x: [5, 2], idx: [2, 2], axis: 0, opset: 1 },
    { title: 'opset 11 x=[2,5,3] indices [4] axis=-2, int32 indices', x: [2, 5, 3], idx: [4], axis: -2, opset: 11, int32: true },
    { title: 'opset 13 x=[2,3,4] indices [2,3] axis=2 (constant)', x: [2, 3, 4], idx: [2, 3], axis: 2, opset: 13, constant: true },
    { title: 'opset 13 x=[3,4] empty indices [0] axis=1', x: [3, 4], idx: [0], axis: 1, opset: 13 },
  ];
  for (const c of cases) {
    it(c.title, async () => {
      const size = c.x[(c.axis + c.x.length) % c.x.length]!;
      const n = c.idx.reduce((a, b) => a * b, 1);
      const idx = Array.from({ length: n }, (_, i) => ((i * 7) % (2 * size)) - size); // covers [-size, size)
      const indices = c.int32 ? tensor('int32', c.idx, idx) : int64(c.idx, idx);
      await expectMatchesOnnxruntime(
        buildSingleOp({ opType: 'Gather', opset: c.opset, inputs: [randomTensor(c.x, 2), indices], attributes: { axis: c.axis }, constantInputs: c.constant ? [1] : [] }),
      );
    });
  }
  it('opset 13 int64 data, bool data', async () => {
    await expectMatchesOnnxruntime(buildSingleOp({ opType: 'Gather', opset: 13, inputs: [iota([4, 2], 'int64'), int64([2], [3, 0])] }));
    await expectMatchesOnnxruntime(buildSingleOp({ opType: 'Gather', opset: 13, inputs: [tensor('bool', [3], [1, 0, 1]), int64([2], [1, 2])] }));
  });
});

describe('Gather errors', () => {
  it('constant index 3 on axis of size 3 → shape at import', () =>
    expectFailure(() => buildSingleOp({ opType: 'Gather', opset: 13, inputs: [iota([3]), int64([1], [3])], constantInputs: [1] }), 'shape', /out of range/));
  it('fed index -4 on size 3 → shape at run time', () =>
    expectFailure(() => buildSingleOp({ opType: 'Gather', opset: 13, inputs: [iota([3]), int64([1], [-4])] }), 'shape', /\[-3, 2\]/));
  it('axis=2 on rank 2 → bad_attribute', () =>
    expectFailure(() => buildSingleOp({ opType: 'Gather', opset: 13, inputs: [iota([3, 2]), int64([1], [0])], attributes: { axis: 2 } }), 'bad_attribute'));
  it('float indices → shape (type check)', () =>
    expectFailure(() => buildSingleOp({ opType: 'Gather', opset: 13, inputs: [iota([3]), iota([1])] }), 'shape', /accepts int32, int64/));
});
