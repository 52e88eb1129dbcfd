import { describe, expect, it } from 'vitest';
import { loadModel } from '../../../src/engine/session.js';
import { buildModel, buildSingleOp } from '../../../src/fuzz/model-builder.js';
import { expectMatchesOnnxruntime, runOurs } from '../../helpers/differential.js';
import { iota, randomTensor, values } from './helpers.js';

describe('Shape', () => {
  it('opset 1 x=[2,3,4] → int64 [2,3,4]', async () => {
    const out = await expectMatchesOnnxruntime(buildSingleOp({ opType: 'Shape', opset: 1, inputs: [randomTensor([2, 3, 4], 1)] }));
    expect(out.out0!.dtype).toBe('int64');
    expect(values(out.out0)).toEqual([2, 3, 4]);
  });

  // Shape-15: negatives count from the back, then clamp to [0, rank]; start ≥ end is empty.
  const ranges: { start?: number; end?: number; expected: number[] }[] = [
    { start: 1, expected: [3, 4, 5] },
    { end: -1, expected: [2, 3, 4] },
    { start: -2, end: 10, expected: [4, 5] }, // -2 + 4 = 2; 10 clamps to 4
    { start: -10, end: 1, expected: [2] }, // -10 + 4 < 0 clamps to 0
    { start: 3, end: 1, expected: [] },
    { start: 4, expected: [] },
  ];
  for (const r of ranges) {
    it(`opset 15 x=[2,3,4,5] start=${r.start ?? 'default'} end=${r.end ?? 'default'} → [${r.expected}]`, async () => {
      const out = await expectMatchesOnnxruntime(
        buildSingleOp({ opType: 'Shape', opset: 15, inputs: [iota([2, 3, 4, 5], 'int32')], attributes: { start: r.start, end: r.end } }),
      );
      expect(values(out.out0)).toEqual(r.expected);
    });
  }

  it('opset 15 fold: static dims make Shape a constant; a symbolic dim outside [start,end) still folds', async () => {
    const model = buildModel({
      opset: 15,
      nodes: [
        { opType: 'Shape', inputs: ['x'], outputs: ['all'] },
        { opType: 'Shape', inputs: ['x'], outputs: ['tail'], attributes: { start: 1 } },
      ],
      inputs: { x: randomTensor([2, 3, 4], 1) },
      inputDims: { x: ['N', 3, 4] },
      outputs: ['all', 'tail'],
    });
    const session = await loadModel(model.bytes);
    // 'all' includes N, so it runs; 'tail' is [3,4] whatever N is.
    expect(session.graph.nodes.map((n) => n.outputs[0])).toEqual(['all']);
    expect(values(session.graph.constants.get('tail'))).toEqual([3, 4]);
    expect(session.graph.types.get('all')!.dims).toEqual([3]);
    const out = await runOurs(model);
    expect(values(out.all)).toEqual([2, 3, 4]);
  });

  it('scalar input → empty shape', async () => {
    const out = await expectMatchesOnnxruntime(buildSingleOp({ opType: 'Shape', opset: 13, inputs: [randomTensor([], 1)] }));
    expect(out.out0!.dims).toEqual([0]);
  });
});

describe('Size', () => {
  it('x=[2,3,4] → int64 scalar 24', async () => {
    const out = await expectMatchesOnnxruntime(buildSingleOp({ opType: 'Size', opset: 13, inputs: [randomTensor([2, 3, 4], 1)] }));
    expect(out.out0!.dims).toEqual([]);
    expect(values(out.out0)).toEqual([24]);
  });
  it('x=[0,5] → 0, and a static Size folds while a symbolic one runs', async () => {
    await expectMatchesOnnxruntime(buildSingleOp({ opType: 'Size', opset: 1, inputs: [randomTensor([0, 5], 1)] }));
    const model = buildModel({
      opset: 13,
      nodes: [
        { opType: 'Size', inputs: ['x'], outputs: ['sx'] },
        { opType: 'Size', inputs: ['y'], outputs: ['sy'] },
      ],
      inputs: { x: randomTensor([2, 3], 1), y: randomTensor([2, 3], 2) },
      inputDims: { y: ['N', 3] },
      outputs: ['sx', 'sy'],
    });
    const session = await loadModel(model.bytes);
    expect(session.graph.nodes.map((n) => n.outputs[0])).toEqual(['sy']);
    expect(values(session.graph.constants.get('sx'))).toEqual([6]);
  });
});
