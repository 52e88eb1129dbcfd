import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/engine/session.js';
import { TorchParityError } from '../../src/errors.js';
import { buildModel, buildSingleOp, type ModelSpec } from '../../src/fuzz/model-builder.js';
import { checkOutputSize, DEFAULT_LIMITS, resolveLimits, type Limits } from '../../src/limits.js';
import { OpContext, type RunContext } from '../../src/ops/declaration.js';
import { findOp } from '../../src/ops/registry.js';
import { onnx } from '../../src/onnx/proto.js';
import { float32, int64, type Tensor } from '../../src/tensor.js';
import { randomInputs } from '../../src/verify/random-inputs.js';
import { tempDir } from '../helpers/external.js';

async function failure(p: Promise<unknown>): Promise<TorchParityError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'expected a TorchParityError').toBeInstanceOf(TorchParityError);
  return error as TorchParityError;
}

async function loadAndRun(bytes: Uint8Array, limits: Partial<Limits>, feeds?: Record<string, Tensor>) {
  const session = await loadModel(bytes, { limits });
  return session.run(feeds ?? randomInputs(session.inputs));
}

const relu3 = buildModel({
  opset: 14,
  nodes: [
    { opType: 'Relu', inputs: ['x'], outputs: ['a'] },
    { opType: 'Relu', inputs: ['a'], outputs: ['b'] },
    { opType: 'Relu', inputs: ['b'], outputs: ['y'] },
  ],
  inputs: { x: float32([2, 50], new Array(100).fill(1)) },
  outputs: ['y'],
});

describe('every limit is configurable through loadModel and enforced', () => {
  it('the defaults admit a real model', async () => {
    await expect(loadAndRun(relu3.bytes, {})).resolves.toBeDefined();
  });

  it('maxModelBytes: bytes over it are refused; a file over it is refused before it is read', async () => {
    expect(await failure(loadModel(relu3.bytes, { limits: { maxModelBytes: 10 } }))).toMatchObject({ code: 'limit_exceeded' });
    const file = path.join(tempDir(), 'model.onnx');
    fs.writeFileSync(file, relu3.bytes);
    const e = await failure(loadModel(file, { limits: { maxModelBytes: 10 } }));
    expect(e.message).toMatch(/file size is \d+, over the limit of 10 \(maxModelBytes\)/);
    expect(e.context.file).toBe(file);
  });

  it('maxNodes: 3 nodes with maxNodes 2', async () => {
    expect((await failure(loadModel(relu3.bytes, { limits: { maxNodes: 2 } }))).message).toMatch(/node count is 3, over the limit of 2/);
  });

  it('maxRank: a rank-2 input with maxRank 1', async () => {
    expect(await failure(loadModel(relu3.bytes, { limits: { maxRank: 1 } }))).toMatchObject({ code: 'limit_exceeded', context: { tensor: 'x' } });
  });

  it('maxTensorElements / maxTensorBytes: an initializer of 100 floats with limits 99 elements or 399 bytes', async () => {
    const model = buildSingleOp({ opType: 'Add', opset: 14, inputs: [float32([100]), float32([100])], constantInputs: [1] });
    expect((await failure(loadModel(model.bytes, { limits: { maxTensorElements: 99 } }))).message).toMatch(/element count of \[100\] is 100/);
    expect((await failure(loadModel(model.bytes, { limits: { maxTensorBytes: 399 } }))).message).toMatch(/byte size of \[100\] is 400/);
    await expect(loadModel(model.bytes, { limits: { maxTensorElements: 100, maxTensorBytes: 400 } })).resolves.toBeDefined();
  });

  it('maxRunBytes: three [2,50] float outputs kept alive together (1200 bytes) with a limit of 1000', async () => {
    // Graph outputs are never released, whatever the engine fuses: 400 + 400 + 400 bytes are live at the end.
    const three = buildModel({
      opset: 14,
      nodes: [
        { opType: 'Relu', inputs: ['x'], outputs: ['a'] },
        { opType: 'Sigmoid', inputs: ['x'], outputs: ['b'] },
        { opType: 'Tanh', inputs: ['x'], outputs: ['c'] },
      ],
      inputs: { x: float32([2, 50], new Array(100).fill(1)) },
      outputs: ['a', 'b', 'c'],
    });
    const e = await failure(loadAndRun(three.bytes, { maxRunBytes: 1000 }));
    expect(e.message).toMatch(/live tensors reach 1200 bytes, over the limit of 1000/);
    expect(e.context.node).toBeDefined();
    await expect(loadAndRun(three.bytes, { maxRunBytes: 1200 })).resolves.toBeDefined();
  });

  it('maxAttributeElements: a pads list of 4 with a limit of 3', async () => {
    const model = buildSingleOp({ opType: 'MaxPool', opset: 12, inputs: [float32([1, 1, 4, 4])], attributes: { kernel_shape: [2, 2], pads: [1, 1, 1, 1] } });
    expect(await failure(loadModel(model.bytes, { limits: { maxAttributeElements: 3 } }))).toMatchObject({ code: 'limit_exceeded', context: { attribute: 'pads' } });
  });

  it('maxGraphDepth: a graph nested one deep with a limit of 0 is refused by the pre-decoding scan', async () => {
    const proto = onnx.ModelProto.decode(relu3.bytes);
    proto.graph!.node![0]!.attribute = [{ name: 'body', type: 5, g: { name: 'inner' } }];
    const bytes = onnx.ModelProto.encode(proto).finish();
    expect((await failure(loadModel(bytes, { limits: { maxGraphDepth: 0 } }))).message).toMatch(/graph nesting depth is 1, over the limit of 0/);
  });

  it('maxDecodedObjects: counted on the wire before protobufjs builds anything', async () => {
    // relu3: model, graph, 3 nodes × (node + input + output + name), input and output value infos with their
    // types, shapes and dims, opset, names… — whatever the count, one less refuses it.
    let needed = 0;
    for (let limit = 1; ; limit *= 2) {
      if (await loadModel(relu3.bytes, { limits: { maxDecodedObjects: limit } }).then(() => true, () => false)) {
        needed = limit;
        break;
      }
    }
    let lo = needed / 2;
    while (lo + 1 < needed) {
      const mid = Math.floor((lo + needed) / 2);
      if (await loadModel(relu3.bytes, { limits: { maxDecodedObjects: mid } }).then(() => true, () => false)) needed = mid;
      else lo = mid;
    }
    const e = await failure(loadModel(relu3.bytes, { limits: { maxDecodedObjects: needed - 1 } }));
    expect(e.message).toMatch(new RegExp(`objects to decode \\(messages, int64 values, strings\\) is ${needed}, over the limit of ${needed - 1}`));
  });

  // protobufjs makes a Long object of every int64 and a message object of every node: ~80 bytes of heap per byte.
  const bombs: [string, () => Uint8Array, RegExp][] = [
    ['a packed int64_data of 9 M elements (9 MB → ~700 MB of Longs)', () => onnx.ModelProto.encode({ irVersion: 8, opsetImport: [{ version: 13 }], graph: { initializer: [{ name: 'c', dims: [9e6], dataType: 7, int64Data: new Array(9e6).fill(1) }] } }).finish(), /objects to decode/],
    ['an ints attribute of 2 M elements', () => onnx.ModelProto.encode({ irVersion: 8, opsetImport: [{ version: 13 }], graph: { node: [{ opType: 'Relu', name: 'r', input: ['x'], output: ['y'], attribute: [{ name: 'a', type: 7, ints: new Array(2e6).fill(1) }] }] } }).finish(), /attribute length is 2000000, over the limit of 1000000/],
    ['3 M empty nodes (2 bytes each)', () => onnx.ModelProto.encode({ irVersion: 8, opsetImport: [{ version: 13 }], graph: { node: new Array(3e6).fill({}) } }).finish(), /node count is 200001/],
  ];
  for (const [title, make, message] of bombs) {
    it(`decoding memory: ${title} is refused by the wire scan, before any object is built`, async () => {
      const e = await failure(loadModel(make()));
      expect(e.code).toBe('limit_exceeded');
      expect(e.message).toMatch(message);
      expect(e.stack).toMatch(/scanModel/);
    });
  }

  it('the attribute-length refusal names the node, op and attribute even though nothing is decoded yet', async () => {
    const bytes = onnx.ModelProto.encode({ irVersion: 8, opsetImport: [{ version: 13 }], graph: { node: [{ opType: 'Relu', name: 'r', input: ['x'], output: ['y'], attribute: [{ name: 'a', type: 7, ints: [1, 2, 3] }] }] } }).finish();
    expect(await failure(loadModel(bytes, { limits: { maxAttributeElements: 2 } }))).toMatchObject({ context: { node: 'r', op: 'Relu', attribute: 'a' } });
  });

  it('a limit that is not a non-negative integer, or not a limit, is a usage error (NaN would never trip)', async () => {
    expect(await failure(loadModel(relu3.bytes, { limits: { maxNodes: NaN } }))).toMatchObject({ code: 'usage' });
    expect(await failure(loadModel(relu3.bytes, { limits: { maxNodes: -1 } }))).toMatchObject({ code: 'usage' });
    expect(await failure(loadModel(relu3.bytes, { limits: { maxNodez: 1 } as unknown as Partial<Limits> }))).toMatchObject({ code: 'usage' });
    expect(resolveLimits({ maxNodes: 5 })).toEqual({ ...DEFAULT_LIMITS, maxNodes: 5 });
  });
});

describe('sizes computed from tensor values at run time are checked before allocation', () => {
  const limits = { maxTensorElements: 1000 };
  // The target shape is the fed tensor `s` itself: nothing is known at import.
  const cases: [string, ModelSpec, Record<string, Tensor>][] = [
    ['Expand to a fed shape [100,100]', { opset: 13, nodes: [{ opType: 'Expand', inputs: ['x', 's'], outputs: ['y'] }], inputs: { x: float32([1], [1]), s: int64([2], [100, 100]) }, outputs: ['y'] }, {}],
    ['Tile by fed repeats [100,100]', { opset: 13, nodes: [{ opType: 'Tile', inputs: ['x', 's'], outputs: ['y'] }], inputs: { x: float32([1, 1], [1]), s: int64([2], [100, 100]) }, outputs: ['y'] }, {}],
    ['ConstantOfShape of a fed [100,100]', { opset: 13, nodes: [{ opType: 'ConstantOfShape', inputs: ['s'], outputs: ['y'] }], inputs: { s: int64([2], [100, 100]) }, outputs: ['y'] }, {}],
    ['Range 0..10000 with a fed limit', { opset: 13, nodes: [{ opType: 'Range', inputs: ['a', 'b', 'd'], outputs: ['y'] }], inputs: { a: float32([], [0]), b: float32([], [10000]), d: float32([], [1]) }, outputs: ['y'] }, {}],
    ['Pad by fed pads of 100', { opset: 13, nodes: [{ opType: 'Pad', inputs: ['x', 's'], outputs: ['y'] }], inputs: { x: float32([1, 1], [1]), s: int64([4], [0, 0, 100, 100]) }, outputs: ['y'] }, {}],
    ['Resize by fed scales ×100', { opset: 13, nodes: [{ opType: 'Resize', inputs: ['x', '', 's'], outputs: ['y'] }], inputs: { x: float32([1, 1, 2, 2], [1, 2, 3, 4]), s: float32([4], [1, 1, 100, 100]) }, outputs: ['y'] }, {}],
    ['Reshape is a view and Expand of its output is checked', { opset: 13, nodes: [{ opType: 'Shape', inputs: ['x'], outputs: ['sh'] }, { opType: 'Mul', inputs: ['sh', 'k'], outputs: ['big'] }, { opType: 'Expand', inputs: ['x', 'big'], outputs: ['y'] }], inputs: { x: float32([1, 1], [1]) }, initializers: { k: int64([2], [100, 100]) }, inputDims: { x: ['N', 1] }, outputs: ['y'] }, {}],
  ];
  for (const [title, spec] of cases) {
    it(`${title} → limit_exceeded naming the node, with maxTensorElements 1000`, async () => {
      const model = buildModel(spec);
      const e = await failure(loadAndRun(model.bytes, limits, model.feeds));
      expect(e.code).toBe('limit_exceeded');
      expect(e.context.node).toBeDefined();
      expect(e.message).toMatch(/over the limit of 1000/);
      // …and the same model runs under the defaults.
      await expect(loadAndRun(model.bytes, {}, model.feeds)).resolves.toBeDefined();
    });
  }

  it('the ops check themselves too (checkOutputSize with RunContext.limits), not only the engine', () => {
    const ctx = Object.assign(new OpContext({ name: 'e', opType: 'Expand' }, 13), { outputsUsed: [true], floatType: 'float32', limits: resolveLimits(limits) }) as RunContext;
    const run = (opType: string, inputs: Tensor[], attrs: Record<string, unknown> = {}) => () => findOp(opType, '', 13)!.run(inputs, attrs, ctx);
    expect(run('Expand', [float32([1], [1]), int64([2], [100, 100])])).toThrow(/over the limit of 1000/);
    expect(run('Tile', [float32([1, 1], [1]), int64([2], [100, 100])])).toThrow(/over the limit of 1000/);
    expect(run('ConstantOfShape', [int64([2], [100, 100])], { value: float32([1], [0]) })).toThrow(/over the limit of 1000/);
    expect(run('Range', [float32([], [0]), float32([], [5000]), float32([], [1])])).toThrow(/over the limit of 1000/);
    expect(() => checkOutputSize(ctx, [-1, 2], 'float32')).toThrow(/not a non-negative integer/);
    expect(checkOutputSize(ctx, [10, 100], 'float32')).toBe(1000);
  });
});
