import { describe, expect, it } from 'vitest';
import { loadModel } from '../../../src/engine/session.js';
import { buildModel, buildSingleOp } from '../../../src/fuzz/model-builder.js';
import { int64, tensor } from '../../../src/tensor.js';
import { expectMatchesOnnxruntime } from '../../helpers/differential.js';
import { expectFailure, iota, randomTensor, values } from './helpers.js';

describe('Expand', () => {
  it('x=iota[3,1] shape=[2,1,4] → [2,3,4]: each row repeats its one value 4 times, twice over', async () => {
    const out = await expectMatchesOnnxruntime(buildSingleOp({ opType: 'Expand', opset: 13, inputs: [iota([3, 1]), int64([3], [2, 1, 4])], constantInputs: [1] }));
    expect(out.out0!.dims).toEqual([2, 3, 4]);
    expect(values(out.out0)).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
  });
  it('bidirectional: x=[2,1,3] shape=[1,4,1] keeps 2 and 3 (a 1 in the shape does not shrink) → [2,4,3]', async () => {
    const out = await expectMatchesOnnxruntime(buildSingleOp({ opType: 'Expand', opset: 8, inputs: [randomTensor([2, 1, 3], 1), int64([3], [1, 4, 1])] }));
    expect(out.out0!.dims).toEqual([2, 4, 3]);
  });
  it('shape shorter than the input: x=[2,3] shape=[3] → [2,3]; scalar x to [2,2]; int64 and bool data', async () => {
    await expectMatchesOnnxruntime(buildSingleOp({ opType: 'Expand', opset: 13, inputs: [randomTensor([2, 3], 1), int64([1], [3])] }));
    await expectMatchesOnnxruntime(buildSingleOp({ opType: 'Expand', opset: 13, inputs: [randomTensor([], 1), int64([2], [2, 2])] }));
    await expectMatchesOnnxruntime(buildSingleOp({ opType: 'Expand', opset: 13, inputs: [iota([1, 2], 'int64'), int64([2], [3, 2])] }));
    await expectMatchesOnnxruntime(buildSingleOp({ opType: 'Expand', opset: 13, inputs: [tensor('bool', [2], [1, 0]), int64([2], [2, 2])] }));
  });
  it('symbolic input dim with a constant shape keeps the symbol', async () => {
    const model = buildModel({
      opset: 13, nodes: [{ opType: 'Expand', inputs: ['x', 's'], outputs: ['y'] }], inputs: { x: randomTensor([2, 1], 1) },
      initializers: { s: int64([2], [1, 5]) }, inputDims: { x: ['N', 1] }, outputs: ['y'],
    });
    expect((await loadModel(model.bytes)).graph.types.get('y')!.dims).toEqual(['N', 5]);
    await expectMatchesOnnxruntime(model);
  });
  it('errors: [2,3] to [4,3] does not broadcast → shape (at import and at run time); negative size → shape', async () => {
    await expectFailure(() => buildSingleOp({ opType: 'Expand', opset: 13, inputs: [iota([2, 3]), int64([2], [4, 3])], constantInputs: [1] }), 'shape', /broadcast/);
    await expectFailure(() => buildSingleOp({ opType: 'Expand', opset: 13, inputs: [iota([2, 3]), int64([2], [4, 3])] }), 'shape', /broadcast/);
    await expectFailure(() => buildSingleOp({ opType: 'Expand', opset: 13, inputs: [iota([2, 3]), int64([2], [-1, 3])], constantInputs: [1] }), 'shape', /negative/);
  });
});

describe('Tile', () => {
  it('x=iota[2,2] repeats=[2,3] → [4,6]: copies laid end to end along each axis', async () => {
    // Row 0 of x = [0,1] → [0,1,0,1,0,1]; row 1 = [2,3] → [2,3,2,3,2,3]; then both rows again.
    const out = await expectMatchesOnnxruntime(buildSingleOp({ opType: 'Tile', opset: 13, inputs: [iota([2, 2]), int64([2], [2, 3])], constantInputs: [1] }));
    expect(out.out0!.dims).toEqual([4, 6]);
    expect(values(out.out0).slice(0, 12)).toEqual([0, 1, 0, 1, 0, 1, 2, 3, 2, 3, 2, 3]);
    expect(values(out.out0).slice(12)).toEqual(values(out.out0).slice(0, 12));
  });
  it('opset 6 x=[2,3,1] repeats=[1,0,4] → [2,0,4]; repeats fed; int32 data', async () => {
    const out = await expectMatchesOnnxruntime(buildSingleOp({ opType: 'Tile', opset: 6, inputs: [randomTensor([2, 3, 1], 1), int64([3], [1, 0, 4])] }));
    expect(out.out0!.dims).toEqual([2, 0, 4]);
    await expectMatchesOnnxruntime(buildSingleOp({ opType: 'Tile', opset: 13, inputs: [iota([3, 2, 2], 'int32'), int64([3], [2, 1, 3])] }));
  });
  it('errors: repeats length ≠ rank → shape; negative repeat → shape', async () => {
    await expectFailure(() => buildSingleOp({ opType: 'Tile', opset: 13, inputs: [iota([2, 2]), int64([1], [2])] }), 'shape', /rank 2/);
    await expectFailure(() => buildSingleOp({ opType: 'Tile', opset: 13, inputs: [iota([2]), int64([1], [-1])], constantInputs: [1] }), 'shape', /negative/);
  });
});
