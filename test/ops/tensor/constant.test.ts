import { describe, expect, it } from 'vitest';
import { loadModel } from '../../../src/engine/session.js';
import { buildModel, buildSingleOp } from '../../../src/fuzz/model-builder.js';
import { onnx } from '../../../src/onnx/proto.js';
import { float32, int64, tensor } from '../../../src/tensor.js';
import { expectMatchesOnnxruntime, runOurs } from '../../helpers/differential.js';
import { expectFailure, values } from './helpers.js';

function constantModel(opset: number, attributes: Record<string, unknown>) {
  return buildModel({ opset, nodes: [{ opType: 'Constant', inputs: [], outputs: ['c'], attributes: attributes as never }], inputs: {}, outputs: ['c'] });
}

describe('Constant', () => {
  it('opset 1 value tensor [2,2] float32, folded at import', async () => {
    const model = constantModel(1, { value: float32([2, 2], [1, 2, 3, 4]) });
    const session = await loadModel(model.bytes);
    expect(session.graph.nodes).toHaveLength(0);
    expect(session.graph.folded.map((n) => n.opType)).toEqual(['Constant']);
    const out = await expectMatchesOnnxruntime(model);
    expect(values(out.c)).toEqual([1, 2, 3, 4]);
  });
  const forms: { title: string; attrs: Record<string, unknown>; dtype: string; dims: number[]; data: number[] }[] = [
    { title: 'value_float=1.5 → float32 scalar', attrs: { value_float: 1.5 }, dtype: 'float32', dims: [], data: [1.5] },
    { title: 'value_floats=[0.25,-2] → float32 [2]', attrs: { value_floats: [0.25, -2] }, dtype: 'float32', dims: [2], data: [0.25, -2] },
    { title: 'value_int=-7 → int64 scalar', attrs: { value_int: -7 }, dtype: 'int64', dims: [], data: [-7] },
    { title: 'value_ints=[3,0,-1] → int64 [3]', attrs: { value_ints: [3, 0, -1] }, dtype: 'int64', dims: [3], data: [3, 0, -1] },
    { title: 'value int32 tensor [3]', attrs: { value: tensor('int32', [3], [5, 6, 7]) }, dtype: 'int32', dims: [3], data: [5, 6, 7] },
    { title: 'value bool scalar', attrs: { value: tensor('bool', [], [1]) }, dtype: 'bool', dims: [], data: [1] },
  ];
  for (const f of forms) {
    it(`opset 13 ${f.title}`, async () => {
      const out = await expectMatchesOnnxruntime(constantModel(13, f.attrs));
      expect(out.c!.dtype).toBe(f.dtype);
      expect(out.c!.dims).toEqual(f.dims);
      expect(values(out.c)).toEqual(f.data);
    });
  }
  it('float64 (referee) run: a float32 constant becomes float64 with the same value', async () => {
    const session = await loadModel(constantModel(13, { value_float: 0.1 }).bytes, { precision: 'float64' });
    const out = await session.run({});
    expect(out.c!.dtype).toBe('float64');
    expect(out.c!.data[0]).toBe(Math.fround(0.1));
  });
  it('errors: value_string → bad_attribute; two value forms → bad_attribute; none → bad_attribute', async () => {
    await expectFailure(() => constantModel(13, { value_string: 'hello' }), 'bad_attribute', /value_string.*strings/);
    await expectFailure(() => constantModel(13, { value_strings: ['a', 'b'] }), 'bad_attribute', /strings/);
    await expectFailure(() => constantModel(13, { value_int: 1, value_float: 2 }), 'bad_attribute', /exactly one/);
    await expectFailure(() => constantModel(13, {}), 'bad_attribute', /missing/);
    await expectFailure(() => constantModel(1, {}), 'bad_attribute', /required/);
    // value_float did not exist before opset 12.
    await expectFailure(() => constantModel(11, { value_float: 1 }), 'bad_attribute', /not an attribute/);
  });
  it('sparse_value → bad_attribute from the decoder', async () => {
    const model = constantModel(13, { value_int: 1 });
    const proto = onnx.ModelProto.decode(model.bytes);
    proto.graph!.node![0]!.attribute = [
      onnx.AttributeProto.create({
        name: 'sparse_value',
        type: onnx.AttributeProto.AttributeType.SPARSE_TENSOR,
        sparseTensor: { dims: [4], values: { dataType: 1, dims: [1], floatData: [2] }, indices: { dataType: 7, dims: [1], int64Data: [1] } },
      }),
    ];
    const bytes = onnx.ModelProto.encode(proto).finish();
    await expect(loadModel(bytes)).rejects.toMatchObject({ code: 'bad_attribute', context: { attribute: 'sparse_value' } });
  });
});

describe('ConstantOfShape', () => {
  it('default value: shape=[2,3] → float32 zeros', async () => {
    const out = await expectMatchesOnnxruntime(buildSingleOp({ opType: 'ConstantOfShape', opset: 9, inputs: [int64([2], [2, 3])] }));
    expect(out.out0!.dtype).toBe('float32');
    expect(values(out.out0)).toEqual([0, 0, 0, 0, 0, 0]);
  });
  it('value=int64 [7] shape=[3] → [7,7,7]; value=bool true; value=float16 0.5', async () => {
    const a = await expectMatchesOnnxruntime(buildSingleOp({ opType: 'ConstantOfShape', opset: 20, inputs: [int64([1], [3])], attributes: { value: int64([1], [7]) } }));
    expect(values(a.out0)).toEqual([7, 7, 7]);
    await expectMatchesOnnxruntime(buildSingleOp({ opType: 'ConstantOfShape', opset: 9, inputs: [int64([2], [2, 2])], attributes: { value: tensor('bool', [1], [1]) } }));
    await expectMatchesOnnxruntime(buildSingleOp({ opType: 'ConstantOfShape', opset: 9, inputs: [int64([1], [2])], attributes: { value: tensor('float16', [1], [0.5]) } }));
  });
  it('empty shape → scalar; shape with a 0 → empty tensor', async () => {
    const a = await expectMatchesOnnxruntime(buildSingleOp({ opType: 'ConstantOfShape', opset: 9, inputs: [int64([0], [])], attributes: { value: float32([1], [2]) } }));
    expect(a.out0!.dims).toEqual([]);
    expect(values(a.out0)).toEqual([2]);
    const b = await expectMatchesOnnxruntime(buildSingleOp({ opType: 'ConstantOfShape', opset: 9, inputs: [int64([2], [0, 3])] }));
    expect(b.out0!.dims).toEqual([0, 3]);
  });
  it('a constant shape folds; the type is known from the attribute', async () => {
    const model = buildSingleOp({ opType: 'ConstantOfShape', opset: 9, inputs: [int64([2], [1, 2])], constantInputs: [0], attributes: { value: tensor('int32', [1], [4]) } });
    const session = await loadModel(model.bytes);
    expect(session.graph.nodes).toHaveLength(0);
    expect((await runOurs(model)).out0!.dtype).toBe('int32');
  });
  it('errors: negative size → shape; value with 2 elements → bad_attribute', async () => {
    await expectFailure(() => buildSingleOp({ opType: 'ConstantOfShape', opset: 9, inputs: [int64([2], [2, -1])], constantInputs: [0] }), 'shape', /negative/);
    await expectFailure(() => buildSingleOp({ opType: 'ConstantOfShape', opset: 9, inputs: [int64([1], [2])], attributes: { value: float32([2], [1, 2]) } }), 'bad_attribute', /exactly one/);
  });
});
