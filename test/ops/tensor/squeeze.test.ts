import { describe, expect, it } from 'vitest';
import { loadModel } from '../../../src/engine/session.js';
import { buildModel, buildSingleOp } from '../../../src/fuzz/model-builder.js';
import { int64 } from '../../../src/tensor.js';
import { expectMatchesOnnxruntime } from '../../helpers/differential.js';
import { expectFailure, iota, randomTensor, values } from './helpers.js';

describe('Unsqueeze', () => {
  it('opset 13 x=[3,4] axes=[2,0] (unsorted) → [1,3,1,4]', async () => {
    // Axes index the output (rank 4): positions 0 and 2 get the new 1s; 3 and 4 keep their order.
    const out = await expectMatchesOnnxruntime(buildSingleOp({ opType: 'Unsqueeze', opset: 13, inputs: [iota([3, 4]), int64([2], [2, 0])], constantInputs: [1] }));
    expect(out.out0!.dims).toEqual([1, 3, 1, 4]);
    expect(values(out.out0)).toEqual([...Array(12).keys()]);
  });
  it('opset 11 attribute axes=[-1] x=[3,4] → [3,4,1]', async () => {
    const out = await expectMatchesOnnxruntime(buildSingleOp({ opType: 'Unsqueeze', opset: 11, inputs: [iota([3, 4])], attributes: { axes: [-1] } }));
    expect(out.out0!.dims).toEqual([3, 4, 1]);
  });
  it('opset 1 attribute axes=[0,3] x=[2,3] → [1,2,3,1]', async () => {
    await expectMatchesOnnxruntime(buildSingleOp({ opType: 'Unsqueeze', opset: 1, inputs: [randomTensor([2, 3], 1)], attributes: { axes: [0, 3] } }));
  });
  it('opset 13 scalar → [1], axes fed at run time', async () => {
    const out = await expectMatchesOnnxruntime(buildSingleOp({ opType: 'Unsqueeze', opset: 13, inputs: [randomTensor([], 1), int64([1], [-1])] }));
    expect(out.out0!.dims).toEqual([1]);
  });
  it('opset 21 int64 data axes=[1]', async () => {
    await expectMatchesOnnxruntime(buildSingleOp({ opType: 'Unsqueeze', opset: 21, inputs: [iota([2, 2], 'int64'), int64([1], [1])], constantInputs: [1] }));
  });
  it('errors: duplicate axes → shape; axis 3 for output rank 3 → shape; negative at opset 1 → bad_attribute', async () => {
    await expectFailure(() => buildSingleOp({ opType: 'Unsqueeze', opset: 13, inputs: [iota([2]), int64([2], [0, -3])], constantInputs: [1] }), 'shape', /twice/);
    await expectFailure(() => buildSingleOp({ opType: 'Unsqueeze', opset: 13, inputs: [iota([2, 2]), int64([1], [3])], constantInputs: [1] }), 'shape', /out of range/);
    await expectFailure(() => buildSingleOp({ opType: 'Unsqueeze', opset: 1, inputs: [iota([2])], attributes: { axes: [-1] } }), 'bad_attribute');
    await expectFailure(() => buildSingleOp({ opType: 'Unsqueeze', opset: 11, inputs: [iota([2])], attributes: { axes: [0, 0] } }), 'bad_attribute', /twice/);
  });
});

describe('Squeeze', () => {
  it('opset 13 x=[1,3,1,2] axes=[-2,0] → [3,2]', async () => {
    const out = await expectMatchesOnnxruntime(buildSingleOp({ opType: 'Squeeze', opset: 13, inputs: [iota([1, 3, 1, 2]), int64([2], [-2, 0])], constantInputs: [1] }));
    expect(out.out0!.dims).toEqual([3, 2]);
    expect(values(out.out0)).toEqual([0, 1, 2, 3, 4, 5]);
  });
  it('no axes removes every 1: x=[1,3,1,2] → [3,2] (opsets 1, 11, 13)', async () => {
    for (const opset of [1, 11, 13]) {
      const out = await expectMatchesOnnxruntime(buildSingleOp({ opType: 'Squeeze', opset, inputs: [randomTensor([1, 3, 1, 2], 1)] }));
      expect(out.out0!.dims).toEqual([3, 2]);
    }
  });
  it('opset 11 attribute axes=[1] x=[2,1,3]', async () => {
    await expectMatchesOnnxruntime(buildSingleOp({ opType: 'Squeeze', opset: 11, inputs: [randomTensor([2, 1, 3], 1)], attributes: { axes: [1] } }));
  });
  it('opset 13 axes fed at run time, [1,1] → []', async () => {
    const out = await expectMatchesOnnxruntime(buildSingleOp({ opType: 'Squeeze', opset: 13, inputs: [randomTensor([1, 1], 1), int64([2], [0, 1])] }));
    expect(out.out0!.dims).toEqual([]);
  });
  it('symbolic dims: axes given keep the rest; no axes leaves the rank unknown until run time', async () => {
    const model = buildModel({
      opset: 13,
      nodes: [
        { opType: 'Squeeze', inputs: ['x', 'axes'], outputs: ['y'] },
        { opType: 'Squeeze', inputs: ['x'], outputs: ['z'] },
      ],
      inputs: { x: randomTensor([2, 1, 3], 1) },
      initializers: { axes: int64([1], [1]) },
      inputDims: { x: ['N', 1, 3] },
      outputs: ['y', 'z'],
    });
    const session = await loadModel(model.bytes);
    expect(session.graph.types.get('y')!.dims).toEqual(['N', 3]);
    expect(session.graph.types.get('z')!.dims).toBeUndefined();
    const out = await expectMatchesOnnxruntime(model);
    expect(out.z!.dims).toEqual([2, 3]);
  });
  it('errors: squeezing a size-3 axis → shape; axis 2 of rank 2 → bad_attribute', async () => {
    await expectFailure(() => buildSingleOp({ opType: 'Squeeze', opset: 13, inputs: [iota([3, 1]), int64([1], [0])], constantInputs: [1] }), 'shape', /size is 3/);
    await expectFailure(() => buildSingleOp({ opType: 'Squeeze', opset: 11, inputs: [iota([3, 1])], attributes: { axes: [2] } }), 'bad_attribute');
    await expectFailure(() => buildSingleOp({ opType: 'Squeeze', opset: 13, inputs: [iota([3, 1]), int64([1], [0])] }), 'shape', /size is 3/);
  });
});
