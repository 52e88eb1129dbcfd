import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/engine/session.js';
import { encodeTensor } from '../../src/onnx/tensor-proto.js';
import { onnx } from '../../src/onnx/proto.js';
import { runOnnxruntime } from '../../src/oracle/onnxruntime.js';
import { float32 } from '../../src/tensor.js';
import { seededValues } from '../helpers/differential.js';

/**
 * A model built the way the TorchScript exporter writes `export_modules_as_functions`: the main graph calls local
 * functions, a function calls another, and attributes reach a body by reference (ref_attr_name).
 *   Block(x, w; slope) = Leaky(Conv(x, w); alpha = slope)
 *   Leaky(y; alpha)    = LeakyRelu(y; alpha = ref alpha) · 2
 */
function functionModel(slope: number | undefined): Uint8Array {
  const float = onnx.AttributeProto.AttributeType.FLOAT;
  const leaky = {
    name: 'Leaky',
    domain: 'local',
    input: ['y'],
    output: ['z'],
    attribute: ['alpha'],
    opsetImport: [{ domain: '', version: 13 }],
    node: [
      { opType: 'LeakyRelu', name: 'act', input: ['y'], output: ['a'], attribute: [{ name: 'alpha', type: float, refAttrName: 'alpha' }] },
      { opType: 'Constant', name: 'two', output: ['k'], attribute: [{ name: 'value', type: onnx.AttributeProto.AttributeType.TENSOR, t: encodeTensor('k', float32([], [2])) }] },
      { opType: 'Mul', name: 'scale', input: ['a', 'k'], output: ['z'] },
    ],
  };
  const block = {
    name: 'Block',
    domain: 'local',
    input: ['x', 'w'],
    output: ['out'],
    attribute: ['slope'],
    opsetImport: [{ domain: '', version: 13 }, { domain: 'local', version: 1 }],
    node: [
      { opType: 'Conv', name: 'conv', input: ['x', 'w'], output: ['c'], attribute: [{ name: 'pads', type: onnx.AttributeProto.AttributeType.INTS, ints: [1, 1, 1, 1] }] },
      { opType: 'Leaky', domain: 'local', name: 'leaky', input: ['c'], output: ['out'], attribute: [{ name: 'alpha', type: float, refAttrName: 'slope' }] },
    ],
  };
  const call = (name: string, input: string[], output: string[]) => ({
    opType: 'Block',
    domain: 'local',
    name,
    input,
    output,
    attribute: slope === undefined ? [] : [{ name: 'slope', type: float, f: slope }],
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }, { domain: 'local', version: 1 }],
    functions: [leaky, block],
    graph: {
      name: 'g',
      node: [call('first', ['x', 'w1'], ['h']), call('second', ['h', 'w2'], ['y'])],
      initializer: [encodeTensor('w1', float32([2, 2, 3, 3], seededValues(36, 1))), encodeTensor('w2', float32([2, 2, 3, 3], seededValues(36, 2)))],
      input: [{ name: 'x', type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 1 }, { dimValue: 2 }, { dimValue: 5 }, { dimValue: 5 }] } } } }],
      output: [{ name: 'y', type: { tensorType: { elemType: 1 } } }],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

describe('local functions are inlined', () => {
  const x = float32([1, 2, 5, 5], seededValues(50, 3));

  it('calls, nested calls and ref_attr_name: slope=0.3 agrees with onnxruntime', async () => {
    const bytes = functionModel(0.3);
    const session = await loadModel(bytes);
    expect(session.graph.nodes.map((n) => n.name)).toEqual([
      'first/conv', 'first/leaky/act', 'first/leaky/scale', 'second/conv', 'second/leaky/act', 'second/leaky/scale',
    ]);
    expect(session.graph.nodes.find((n) => n.name === 'first/leaky/act')!.attrs.alpha).toBeCloseTo(0.3, 6);
    const ours = (await session.run({ x })).y!;
    const theirs = (await runOnnxruntime(bytes, { x })).outputs.y!;
    expect(Array.from(ours.data).map((v, i) => Math.abs(v - theirs.data[i]!) <= 1e-6 + 1e-5 * Math.abs(theirs.data[i]!))).not.toContain(false);
  });

  it('a reference the call does not set falls back to the op default (LeakyRelu alpha 0.01)', async () => {
    const session = await loadModel(functionModel(undefined));
    expect(session.graph.nodes.find((n) => n.name === 'first/leaky/act')!.attrs.alpha).toBeCloseTo(0.01, 6);
    const y = (await session.run({ x })).y!;
    const withSlope = (await (await loadModel(functionModel(0.01))).run({ x })).y!;
    expect(Array.from(y.data)).toEqual(Array.from(withSlope.data));
  });

  it('inlining that multiplies nodes past maxNodes is refused as it happens', async () => {
    await expect(loadModel(functionModel(0.3), { limits: { maxNodes: 5 } })).rejects.toMatchObject({ code: 'limit_exceeded', message: /more than 5 nodes/ });
  });

  it('a function calling itself is refused', async () => {
    const model = onnx.ModelProto.decode(functionModel(0.3));
    model.functions[0]!.node!.push(onnx.NodeProto.create({ opType: 'Leaky', domain: 'local', input: ['z'], output: ['zz'] }));
    await expect(loadModel(onnx.ModelProto.encode(model).finish())).rejects.toMatchObject({ code: 'invalid_graph', message: /calls function Leaky from inside itself/ });
  });
});
