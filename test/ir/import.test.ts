import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/engine/session.js';
import { buildModel, type NodeSpec } from '../../src/fuzz/model-builder.js';
import { decodeModel, encodeModel } from '../../src/onnx/index.js';
import { float32, tensor } from '../../src/tensor.js';
import { seededValues } from '../helpers/differential.js';

const x = float32([1, 2, 5, 5], seededValues(50, 1));
const w = float32([3, 2, 3, 3], seededValues(54, 2));

async function errorOf(p: Promise<unknown> | (() => unknown)): Promise<{ code?: string; message: string; context?: Record<string, string>; hint?: string }> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    return e as { code?: string; message: string };
  }
  throw new Error('expected an error');
}

function convNode(name: string, input: string, output: string, attributes: NodeSpec['attributes'] = {}): NodeSpec {
  return { opType: 'Conv', name, inputs: [input, 'w'], outputs: [output], attributes };
}

describe('unsupported ops', () => {
  it('every unknown op is listed once, with domain, opset and node names', async () => {
    const model = buildModel({
      opset: 13,
      nodes: [
        { opType: 'FancyOp', name: 'a', inputs: ['x'], outputs: ['y1'] },
        { opType: 'FancyOp', name: 'b', inputs: ['y1'], outputs: ['y2'] },
        { opType: 'Mystery', domain: 'com.example', name: 'c', inputs: ['y2'], outputs: ['y3'] },
        convNode('conv', 'y3', 'y'),
      ],
      inputs: { x },
      initializers: { w },
      outputs: ['y'],
    });
    const record = decodeModel(model.bytes);
    record.opsetImports.set('com.example', 1);
    const err = await errorOf(loadModel(encodeModel(record)));
    expect(err.code).toBe('unsupported_op');
    expect(err.message).toContain("2 ops are not supported");
    expect(err.message).toContain("FancyOp (domain 'ai.onnx', opset 13) at 'a', 'b'");
    expect(err.message).toContain("Mystery (domain 'com.example', opset 1) at 'c'");
  });

  it('a domain the model does not import is named as such', async () => {
    const model = buildModel({
      opset: 13,
      nodes: [{ opType: 'Thing', domain: 'com.other', name: 't', inputs: ['x'], outputs: ['y'] }],
      inputs: { x },
      outputs: ['y'],
    });
    const err = await errorOf(loadModel(model.bytes));
    expect(err.message).toContain("domain 'com.other' (not imported by the model)");
  });
});

describe('attributes are checked against the declaration', () => {
  const cases: [string, NodeSpec['attributes'], RegExp][] = [
    ['unknown attribute', { padding: [1, 1] }, /'padding'|is not an attribute of Conv/],
    ['value out of range', { group: 0 }, /below the minimum 1/],
    ['enum value not allowed', { auto_pad: 'SAME' }, /'SAME' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID/],
    ['wrong list length', { strides: [1, 1, 1] }, /has 3 values but the input has 2 spatial axes/],
    ['pads with auto_pad', { auto_pad: 'VALID', pads: [1, 1, 1, 1] }, /set together with auto_pad=VALID/],
  ];
  for (const [title, attributes, message] of cases) {
    it(`${title} → bad_attribute naming node and attribute`, async () => {
      const model = buildModel({ opset: 13, nodes: [convNode('conv1', 'x', 'y', attributes)], inputs: { x }, initializers: { w }, outputs: ['y'] });
      const err = await errorOf(loadModel(model.bytes));
      expect(err.code).toBe('bad_attribute');
      expect(err.message).toMatch(message);
      expect(err.context?.node).toBe('conv1');
      expect(err.context?.op).toBe('Conv');
    });
  }

  it('an attribute of the wrong type is refused', async () => {
    const model = buildModel({ opset: 13, nodes: [convNode('conv1', 'x', 'y')], inputs: { x }, initializers: { w }, outputs: ['y'] });
    const record = decodeModel(model.bytes);
    record.graph.nodes[0]!.attributes.push({ name: 'group', kind: 'float', value: 1 });
    const err = await errorOf(loadModel(encodeModel(record)));
    expect(err.code).toBe('bad_attribute');
    expect(err.message).toMatch(/has type float, expected int/);
  });
});

describe('graph validation', () => {
  it('nodes out of topological order are reordered and run', async () => {
    const model = buildModel({
      opset: 13,
      nodes: [convNode('second', 'mid', 'y', { pads: [1, 1, 1, 1] }), { ...convNode('first', 'x', 'mid0', { pads: [1, 1, 1, 1] }), inputs: ['x', 'w'], outputs: ['mid'] }],
      inputs: { x },
      initializers: { w: float32([2, 2, 3, 3], seededValues(36, 3)) },
      outputs: ['y'],
    });
    const session = await loadModel(model.bytes);
    expect(session.graph.nodes.map((n) => n.name)).toEqual(['first', 'second']);
    expect((await session.run(model.feeds)).y!.dims).toEqual([1, 2, 5, 5]);
  });

  const w2 = float32([2, 2, 1, 1], seededValues(4, 4));
  const cases: [string, NodeSpec[], string[], RegExp][] = [
    ['a cycle', [convNode('a', 'q', 'p'), convNode('b', 'p', 'q')], ['q'], /cycle through nodes 'a', 'b'/],
    ['two producers of one value', [convNode('a', 'x', 'y'), convNode('b', 'x', 'y')], ['y'], /writes 'y', which node 'a' also writes/],
    ['a dangling input', [convNode('a', 'nowhere', 'y')], ['y'], /reads 'nowhere', which no node, graph input or initializer provides/],
    ['an output nothing produces', [convNode('a', 'x', 'y')], ['z'], /graph output 'z' is produced by nothing/],
    ['a node overwriting a graph input', [convNode('a', 'x', 'x')], ['x'], /writes 'x', which is already a graph input/],
    ['no outputs', [convNode('a', 'x', 'y')], [], /declares no outputs/],
  ];
  for (const [title, nodes, outputs, message] of cases) {
    it(`${title} → invalid_graph`, async () => {
      const record = decodeModel(buildModel({ opset: 13, nodes: [], inputs: { x }, initializers: { w: w2 }, outputs: ['x'] }).bytes);
      record.graph.nodes = nodes.map((n) => ({ name: n.name!, opType: n.opType, domain: '', inputs: [...n.inputs], outputs: [...n.outputs], attributes: [] }));
      record.graph.outputs = outputs.map((name) => ({ name, dtype: 'float32' }));
      const err = await errorOf(loadModel(encodeModel(record)));
      expect(err.code).toBe('invalid_graph');
      expect(err.message).toMatch(message);
    });
  }

  it('a missing required input is refused', async () => {
    const record = decodeModel(buildModel({ opset: 13, nodes: [], inputs: { x }, outputs: ['x'] }).bytes);
    record.graph.nodes = [{ name: 'c', opType: 'Conv', domain: '', inputs: ['x'], outputs: ['y'], attributes: [] }];
    record.graph.outputs = [{ name: 'y', dtype: 'float32' }];
    const err = await errorOf(loadModel(encodeModel(record)));
    expect(err.code).toBe('invalid_graph');
    expect(err.message).toMatch(/missing its required input W/);
  });

  it('an input of the wrong element type is refused by the port constraint', async () => {
    const model = buildModel({
      opset: 13,
      nodes: [convNode('c', 'x', 'y')],
      inputs: { x: tensor('int32', [1, 2, 5, 5]) },
      initializers: { w },
      outputs: ['y'],
    }).bytes;
    const err = await errorOf(loadModel(model));
    expect(err.code).toBe('shape');
    expect(err.message).toMatch(/is int32, but Conv accepts float32, float64, float16 there/);
  });
});

describe('initializers listed as graph inputs (older exporters)', () => {
  function modelWithWeightAsInput() {
    const record = decodeModel(
      buildModel({ opset: 9, nodes: [convNode('c', 'x', 'y')], inputs: { x }, initializers: { w }, outputs: ['y'] }).bytes,
    );
    record.graph.inputs.push({ name: 'w', dtype: 'float32', dims: [3, 2, 3, 3] });
    return encodeModel(record);
  }

  it('is a constant unless fed', async () => {
    const session = await loadModel(modelWithWeightAsInput());
    expect(session.inputs.find((i) => i.name === 'w')?.defaultValue).toBeDefined();
    const withDefault = (await session.run({ x })).y!;
    const reference = (await (await loadModel(buildModel({ opset: 9, nodes: [convNode('c', 'x', 'y')], inputs: { x }, initializers: { w }, outputs: ['y'] }).bytes)).run({ x })).y!;
    expect(Array.from(withDefault.data)).toEqual(Array.from(reference.data));
  });

  it('a feed overrides it', async () => {
    const session = await loadModel(modelWithWeightAsInput());
    const zero = float32([3, 2, 3, 3]);
    const y = (await session.run({ x, w: zero })).y!;
    expect(Array.from(y.data).every((v) => v === 0)).toBe(true);
  });
});
