import { describe, expect, it } from 'vitest';
import { loadModel } from '../../../src/engine/session.js';
import { buildModel, buildSingleOp } from '../../../src/fuzz/model-builder.js';
import { OpContext } from '../../../src/ops/declaration.js';
import { reshapeDims } from '../../../src/ops/tensor/reshape.js';
import { int64, tensor } from '../../../src/tensor.js';
import { expectMatchesOnnxruntime, runOurs } from '../../helpers/differential.js';
import { expectFailure, iota, randomTensor, values } from './helpers.js';

const ctx = new OpContext({ name: 'r', opType: 'Reshape' }, 14);

describe('Reshape shape rule', () => {
  it('x=[2,3,4] shape=[0,-1] → [2,12]: 0 copies dim 0, -1 = 24/2', () => {
    expect(reshapeDims([2, 3, 4], [0, -1], false, ctx)).toEqual([2, 12]);
  });
  it('x=[N,3,4] shape=[-1,12] → [N,12]: known sizes cancel (12 = 3·4), -1 is the leftover symbol', () => {
    expect(reshapeDims(['N', 3, 4], [-1, 12], false, ctx)).toEqual(['N', 12]);
  });
  it('x=[N,3,4] shape=[0,-1] → [N,12]: the copied symbol leaves 3·4 for -1', () => {
    expect(reshapeDims(['N', 3, 4], [0, -1], false, ctx)).toEqual(['N', 12]);
  });
  it('x=[N,3,4] shape=[-1,6] → [?,6]: 12 ≠ 6, so -1 is 2N, which a symbol cannot say', () => {
    expect(reshapeDims(['N', 3, 4], [-1, 6], false, ctx)).toEqual(['?', 6]);
  });
  it('x=[N,M] shape=[-1] → [?]: two symbols left over', () => {
    expect(reshapeDims(['N', 'M'], [-1], false, ctx)).toEqual(['?']);
  });
  it('x=[2,0,3] shape=[0,-1] allowzero=0 → [2,0]; allowzero=1 shape=[0,3] → [0,3]', () => {
    expect(reshapeDims([2, 0, 3], [0, -1], false, ctx)).toEqual([2, 0]);
    expect(reshapeDims([0, 3], [0, 3], true, ctx)).toEqual([0, 3]);
  });
  it('unknown input rank: 0 and -1 become ?', () => {
    expect(reshapeDims(undefined, [0, 5, -1], false, ctx)).toEqual(['?', 5, '?']);
  });
});

describe('Reshape, hand-checked', () => {
  it('opset 13 x=[2,3,4] shape=[4,0,-1] → [4,3,2], data unchanged in order', async () => {
    // 0 copies x's dim 1 (3); -1 = 24 / (4·3) = 2. Reshape keeps row-major order, so values are 0..23 as before.
    const model = buildSingleOp({ opType: 'Reshape', opset: 13, inputs: [iota([2, 3, 4]), int64([3], [4, 0, -1])], constantInputs: [1] });
    const out = await expectMatchesOnnxruntime(model);
    expect(out.out0!.dims).toEqual([4, 3, 2]);
    expect(values(out.out0)).toEqual([...Array(24).keys()]);
  });
  it('opset 14 allowzero=1 x=[0,3] shape=[3,0] → [3,0] (0 is a real empty dim)', async () => {
    const model = buildSingleOp({
      opType: 'Reshape', opset: 14, inputs: [tensor('float32', [0, 3]), int64([2], [3, 0])], constantInputs: [1], attributes: { allowzero: 1 },
    });
    const out = await expectMatchesOnnxruntime(model);
    expect(out.out0!.dims).toEqual([3, 0]);
  });
  it('opset 1 attribute form shape=[3,-1] on x=[2,3] → [3,2]', async () => {
    // onnxruntime has no Reshape-1 kernel; checked by hand: same values, new dims.
    const out = await runOurs(buildSingleOp({ opType: 'Reshape', opset: 1, inputs: [iota([2, 3])], attributes: { shape: [3, -1] } }));
    expect(out.out0!.dims).toEqual([3, 2]);
    expect(values(out.out0)).toEqual([0, 1, 2, 3, 4, 5]);
  });
});

describe('Reshape vs onnxruntime', () => {
  const cases: { title: string; x: number[]; shape: number[]; opset: number; allowzero?: number; fed?: boolean }[] = [
    { title: 'opset 5 x=[2,3,4] shape=[-1] (flatten all)', x: [2, 3, 4], shape: [-1], opset: 5 },
    { title: 'opset 13 x=[2,3,4] shape=[2,-1,2] fed at run time', x: [2, 3, 4], shape: [2, -1, 2], opset: 13, fed: true },
    { title: 'opset 13 x=[1,6,1,1] shape=[0,2,3,0] → [1,2,3,1]', x: [1, 6, 1, 1], shape: [0, 2, 3, 0], opset: 13 },
    { title: 'opset 14 allowzero=0 x=[2,3] shape=[0,0] copies both', x: [2, 3], shape: [0, 0], opset: 14, allowzero: 0 },
    { title: 'opset 14 allowzero=1 x=[2,3] shape=[3,2]', x: [2, 3], shape: [3, 2], opset: 14, allowzero: 1 },
    { title: 'opset 19 x=[4] shape=[2,1,2,1]', x: [4], shape: [2, 1, 2, 1], opset: 19 },
  ];
  for (const c of cases) {
    it(c.title, async () => {
      await expectMatchesOnnxruntime(
        buildSingleOp({
          opType: 'Reshape', opset: c.opset, inputs: [randomTensor(c.x, 3), int64([c.shape.length], c.shape)],
          constantInputs: c.fed ? [] : [1], attributes: c.allowzero === undefined ? {} : { allowzero: c.allowzero },
        }),
      );
    });
  }
});

describe('Reshape errors', () => {
  const build = (x: number[], shape: number[], extra: Record<string, number> = {}) => () =>
    buildSingleOp({ opType: 'Reshape', opset: 14, inputs: [iota(x), int64([shape.length], shape)], constantInputs: [1], attributes: extra });
  it('two -1 → shape', () => expectFailure(build([2, 3], [-1, -1]), 'shape', /more than one -1/));
  it('-2 → shape', () => expectFailure(build([2, 3], [-2, 3]), 'shape', /≥ -1/));
  it('element count mismatch [2,3] → [4,2] → shape', () => expectFailure(build([2, 3], [4, 2]), 'shape', /6 elements vs 8/));
  it('-1 does not divide: [2,3] → [4,-1] → shape', () => expectFailure(build([2, 3], [4, -1]), 'shape', /do not divide/));
  it('0 beyond the input rank → shape', () => expectFailure(build([6], [2, 0, 3]), 'shape', /copies dim 1/));
  it('allowzero=1 with 0 and -1 → shape', () => expectFailure(build([2, 3], [0, -1], { allowzero: 1 }), 'shape', /allowzero/));
  it('allowzero=2 → bad_attribute', () => expectFailure(build([2, 3], [3, 2], { allowzero: 2 }), 'bad_attribute'));
  it('a mismatch found only at run time (shape fed) → shape', () =>
    expectFailure(() => buildSingleOp({ opType: 'Reshape', opset: 13, inputs: [iota([2, 3]), int64([2], [4, 2])] }), 'shape', /elements/));
});

describe('Flatten', () => {
  it('x=[2,3,4,5] axis=2 → [6,20]; axis=0 → [1,120]; axis=-1 → [24,5]', async () => {
    for (const [axis, dims] of [[2, [6, 20]], [0, [1, 120]], [-1, [24, 5]], [4, [120, 1]]] as const) {
      const out = await expectMatchesOnnxruntime(buildSingleOp({ opType: 'Flatten', opset: 13, inputs: [randomTensor([2, 3, 4, 5], 1)], attributes: { axis } }));
      expect(out.out0!.dims).toEqual(dims);
    }
  });
  it('opset 9 int32 default axis=1 x=[2,3,2] → [2,6]', async () => {
    await expectMatchesOnnxruntime(buildSingleOp({ opType: 'Flatten', opset: 9, inputs: [iota([2, 3, 2], 'int32')] }));
  });
  it('symbolic batch x=[N,3,4] axis=1 → [N,12] in shape inference', async () => {
    const model = buildModel({
      opset: 13, nodes: [{ opType: 'Flatten', inputs: ['x'], outputs: ['y'] }], inputs: { x: randomTensor([2, 3, 4], 1) }, outputs: ['y'],
      inputDims: { x: ['N', 3, 4] },
    });
    const session = await loadModel(model.bytes);
    expect(session.graph.types.get('y')!.dims).toEqual(['N', 12]);
  });
  it('axis=-1 at opset 9 (negative axes came with 11) → bad_attribute', () =>
    expectFailure(() => buildSingleOp({ opType: 'Flatten', opset: 9, inputs: [iota([2, 3])], attributes: { axis: -1 } }), 'bad_attribute'));
  it('axis=4 on rank 3 → bad_attribute', () =>
    expectFailure(() => buildSingleOp({ opType: 'Flatten', opset: 13, inputs: [iota([2, 3, 4])], attributes: { axis: 4 } }), 'bad_attribute', /outside \[-3, 3\]/));
});

/** The graph torch.onnx.export writes for x.view(x.size(0), -1) at opset 13. */
function viewBatchGraph(inputDims: (number | string)[], batch: number) {
  return buildModel({
    opset: 13,
    nodes: [
      { opType: 'Shape', inputs: ['x'], outputs: ['s'] },
      { opType: 'Constant', inputs: [], outputs: ['zero'], attributes: { value: tensor('int64', [], [0]) } },
      { opType: 'Gather', inputs: ['s', 'zero'], outputs: ['n'], attributes: { axis: 0 } },
      { opType: 'Constant', inputs: [], outputs: ['axes'], attributes: { value: int64([1], [0]) } },
      { opType: 'Unsqueeze', inputs: ['n', 'axes'], outputs: ['n1'] },
      { opType: 'Constant', inputs: [], outputs: ['minus1'], attributes: { value: int64([1], [-1]) } },
      { opType: 'Concat', inputs: ['n1', 'minus1'], outputs: ['shape'], attributes: { axis: 0 } },
      { opType: 'Reshape', inputs: ['x', 'shape'], outputs: ['y'] },
    ],
    inputs: { x: randomTensor([batch, 3, 4, 5], batch) },
    inputDims: { x: inputDims },
    outputs: ['y'],
  });
}

describe('constant folding of x.view(x.size(0), -1)', () => {
  it('static x=[2,3,4,5]: Shape→Gather→Unsqueeze→Concat fold away, Reshape alone runs → [2,60]', async () => {
    const model = viewBatchGraph([2, 3, 4, 5], 2);
    const session = await loadModel(model.bytes);
    const runtime = session.graph.nodes.map((n) => n.opType);
    expect(runtime).toEqual(['Reshape']);
    const folded = session.graph.folded.map((n) => n.opType).sort();
    expect(folded).toEqual(['Concat', 'Constant', 'Constant', 'Constant', 'Gather', 'Shape', 'Unsqueeze']);
    expect(values(session.graph.constants.get('shape'))).toEqual([2, -1]);
    expect(session.graph.types.get('y')!.dims).toEqual([2, 60]);
    const out = await expectMatchesOnnxruntime(model);
    expect(out.y!.dims).toEqual([2, 60]);
  });

  for (const batch of [1, 3]) {
    it(`symbolic x=[N,3,4,5] runs the shape chain at run time, batch ${batch} → [${batch},60]`, async () => {
      const model = viewBatchGraph(['N', 3, 4, 5], batch);
      const session = await loadModel(model.bytes);
      expect(session.graph.nodes.map((n) => n.opType)).toEqual(['Shape', 'Gather', 'Unsqueeze', 'Concat', 'Reshape']);
      // The rank is known from the shape input's length even though its values are not.
      expect(session.graph.types.get('y')!.dims).toHaveLength(2);
      const out = await expectMatchesOnnxruntime(model);
      expect(out.y!.dims).toEqual([batch, 60]);
    });
  }
});
