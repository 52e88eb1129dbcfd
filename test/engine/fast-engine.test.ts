import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { foldBatchNorm } from '../../src/engine/fold-batchnorm.js';
import { WorkerPool } from '../../src/engine/parallel.js';
import { EnginePlan } from '../../src/engine/plan.js';
import { loadModel } from '../../src/engine/session.js';
import { buildModel, type BuiltModel } from '../../src/fuzz/model-builder.js';
import { convShape, fastConvPath, fastConvUnits } from '../../src/kernels/conv-fast.js';
import { runTask, type KernelTask } from '../../src/kernels/tasks.js';
import { float32, type Tensor } from '../../src/tensor.js';
import { seededValues } from '../helpers/differential.js';

/** x [1,3,10,10] → Conv 3→8 3×3 p1 (+bias) → Relu → Conv 8→4 1×1 → Add x' → Flatten → Gemm 400→6 → Relu. */
function smallNet(batch = 1) {
  return buildModel({
    opset: 13,
    nodes: [
      { opType: 'Conv', name: 'c1', inputs: ['x', 'w1', 'b1'], outputs: ['h1'], attributes: { pads: [1, 1, 1, 1] } },
      { opType: 'Relu', name: 'r1', inputs: ['h1'], outputs: ['a1'] },
      { opType: 'Conv', name: 'c2', inputs: ['a1', 'w2'], outputs: ['h2'] },
      { opType: 'Add', name: 'add', inputs: ['h2', 'h2'], outputs: ['s'] },
      { opType: 'Flatten', name: 'flat', inputs: ['s'], outputs: ['f'] },
      { opType: 'Gemm', name: 'fc', inputs: ['f', 'wf', 'bf'], outputs: ['g'], attributes: { transB: 1 } },
      { opType: 'Relu', name: 'r2', inputs: ['g'], outputs: ['y'] },
    ],
    inputs: { x: float32([batch, 3, 10, 10], seededValues(batch * 300, 1)) },
    initializers: {
      w1: float32([8, 3, 3, 3], seededValues(216, 2)),
      b1: float32([8], seededValues(8, 3)),
      w2: float32([4, 8, 1, 1], seededValues(32, 4)),
      wf: float32([6, 400], seededValues(2400, 5)),
      bf: float32([6], seededValues(6, 6)),
    },
    outputs: ['y'],
  });
}

const bits = (t: Tensor) => Array.from(new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length));

describe('buffer arena', () => {
  it('after the first run, a run allocates only its returned output; results equal an arena-free (tapped) run', async () => {
    const model = smallNet();
    const session = await loadModel(model.bytes);
    const first = (await session.run(model.feeds)).y!;
    const afterFirst = session.arenaStats.allocations;
    const second = (await session.run(model.feeds)).y!;
    // One new buffer: the output handed to the caller, which the arena never reuses.
    expect(session.arenaStats.allocations - afterFirst).toBe(1);
    expect(session.arenaStats.reuses).toBeGreaterThan(0);
    const tapped = (await session.run(model.feeds, { tap: () => {} })).y!;
    expect(bits(first)).toEqual(bits(tapped));
    expect(bits(second)).toEqual(bits(tapped));
  });

  it('a returned output is never overwritten by a later run', async () => {
    const model = smallNet();
    const session = await loadModel(model.bytes);
    const a = (await session.run(model.feeds)).y!;
    const kept = bits(a);
    await session.run({ x: float32([1, 3, 10, 10], seededValues(300, 99)) });
    await session.run({ x: float32([1, 3, 10, 10], seededValues(300, 98)) });
    expect(bits(a)).toEqual(kept);
  });

  it('intermediates asked for by name are returned intact and stay out of the fused pair', async () => {
    const model = smallNet();
    const session = await loadModel(model.bytes);
    const all = await session.run(model.feeds, { outputs: ['h1', 'a1', 'y'] });
    const reference = await session.run(model.feeds, { outputs: ['h1', 'a1', 'y'], tap: () => {} });
    // h1 is the Conv output before Relu: unfused here, so it keeps its negative values.
    expect(Array.from(all.h1!.data).some((v) => v < 0)).toBe(true);
    for (const name of ['h1', 'a1', 'y']) expect(bits(all[name]!), name).toEqual(bits(reference[name]!));
  });
});

describe('Conv → Relu, Gemm → Relu and BatchNormalization → Relu fusion', () => {
  it('fused runs give the same bits as running Relu separately (tap runs never fuse)', async () => {
    const model = smallNet(3);
    const session = await loadModel(model.bytes);
    const fused = (await session.run(model.feeds)).y!;
    const separate = (await session.run(model.feeds, { tap: () => {} })).y!;
    expect(bits(fused)).toEqual(bits(separate));
    // Relu after Gemm zeroed something, so the fused path did apply it.
    expect(Array.from(fused.data)).toContain(0);
  });

  it('BatchNormalization → Relu (ResNet-style, BatchNormalization not folded) fuses and gives the same bits', async () => {
    const model = buildModel({
      opset: 15,
      nodes: [
        { opType: 'Conv', name: 'c', inputs: ['x', 'w'], outputs: ['h'], attributes: { pads: [1, 1, 1, 1] } },
        { opType: 'BatchNormalization', name: 'bn', inputs: ['h', 'scale', 'shift', 'mean', 'var'], outputs: ['n'] },
        { opType: 'Relu', name: 'r', inputs: ['n'], outputs: ['y'] },
      ],
      inputs: { x: float32([2, 3, 6, 6], seededValues(216, 7)) },
      initializers: {
        w: float32([5, 3, 3, 3], seededValues(135, 8)),
        scale: float32([5], seededValues(5, 9)),
        shift: float32([5], seededValues(5, 10)),
        mean: float32([5], seededValues(5, 11)),
        var: float32([5], seededValues(5, 12).map(Math.abs)),
      },
      outputs: ['y'],
    });
    const session = await loadModel(model.bytes);
    const steps = session.graph.nodes.map((n) => n.opType);
    expect(new EnginePlan(session.graph).fusionOf(steps.indexOf('BatchNormalization'))).toBe(steps.indexOf('Relu'));
    const fused = (await session.run(model.feeds)).y!;
    const separate = (await session.run(model.feeds, { tap: () => {} })).y!;
    expect(bits(fused)).toEqual(bits(separate));
    expect(Array.from(fused.data)).toContain(0);
    // The BatchNormalization output is kept when asked for: then it keeps its negative values.
    const kept = await session.run(model.feeds, { outputs: ['n', 'y'] });
    expect(Array.from(kept.n!.data).some((v) => v < 0)).toBe(true);
    expect(bits(kept.y!)).toEqual(bits(separate));
  });

  it('float64 referee runs fuse through the reference kernels with the same result as unfused', async () => {
    const model = smallNet(2);
    const session = await loadModel(model.bytes, { precision: 'float64' });
    const fused = (await session.run(model.feeds)).y!;
    const separate = (await session.run(model.feeds, { tap: () => {} })).y!;
    expect(fused.dtype).toBe('float64');
    expect(Array.from(fused.data)).toEqual(Array.from(separate.data));
  });
});

/** Runs `model` on two threads and on one: output y of each, and the kinds of the tasks the pool split. */
async function splitAndSingle(model: BuiltModel): Promise<{ split: Tensor; single: Tensor; kinds: string[] }> {
  const spy = vi.spyOn(WorkerPool.prototype, 'run');
  const threaded = await loadModel(model.bytes, { threads: 2 });
  const single = await loadModel(model.bytes);
  try {
    const split = (await threaded.run(model.feeds)).y!;
    return { split, single: (await single.run(model.feeds)).y!, kinds: spy.mock.calls.map(([task]) => task.kind) };
  } finally {
    spy.mockRestore();
    await threaded.close();
  }
}

describe('worker threads', () => {
  const pools: WorkerPool[] = [];
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.close()));
  });

  it('a Conv task split over 2 threads (workers from the TypeScript sources) equals one thread, bit for bit', async () => {
    const pool = new WorkerPool(2);
    pools.push(pool);
    await pool.ready;
    const p = { batch: 2, inChannels: 6, outChannels: 10, group: 1, geometry: { input: [13, 11], kernel: [3, 3], strides: [1, 1], dilations: [2, 1], padBegin: [2, 1], padEnd: [2, 1], output: [13, 11] } };
    const shape = convShape(p);
    const path = fastConvPath(shape);
    const x = seededValues(2 * 6 * 143, 1);
    const w = seededValues(10 * 6 * 9, 2);
    const bias = seededValues(10, 3);
    const task = (out: Float32Array, withBias = false): KernelTask => ({ kind: 'conv', x, w, bias: withBias ? bias : undefined, out, shape, path, relu: true });
    const one = new Float32Array(2 * 10 * 143);
    runTask(task(one), 0, fastConvUnits(shape, path));
    // Plain (non-shared) arrays: the pool copies the input to shared memory, the output back, and sends the constant
    // weights to the worker.
    const two = new Float32Array(one.length).fill(NaN);
    pool.run(task(two), [w]);
    expect(Array.from(two)).toEqual(Array.from(one));
    expect(pool.splitTasks).toBe(1);
    expect(pool.sentConstants).toBe(1);
    // Again: the worker still holds the weights.
    const again = new Float32Array(one.length);
    pool.run(task(again), [w]);
    expect(Array.from(again)).toEqual(Array.from(one));
    expect(pool.sentConstants).toBe(1);
    // A constant bias is sent once too; a bias that is not a constant travels with the task.
    const biased = new Float32Array(one.length);
    runTask(task(biased, true), 0, fastConvUnits(shape, path));
    for (const stable of [[w, bias], [w]]) {
      const split = new Float32Array(one.length).fill(NaN);
      pool.run(task(split, true), stable);
      expect(Array.from(split)).toEqual(Array.from(biased));
    }
    expect(pool.sentConstants).toBe(2);
  });

  it('a session with threads: 2 splits its large layers and agrees with threads: 1', async () => {
    const model = buildModel({
      opset: 13,
      nodes: [
        { opType: 'Conv', name: 'c', inputs: ['x', 'w'], outputs: ['h'], attributes: { pads: [1, 1, 1, 1] } },
        { opType: 'Relu', name: 'r', inputs: ['h'], outputs: ['a'] },
        { opType: 'Flatten', name: 'f', inputs: ['a'], outputs: ['flat'] },
        { opType: 'Gemm', name: 'fc', inputs: ['flat', 'wf'], outputs: ['y'], attributes: { transB: 1 } },
      ],
      inputs: { x: float32([2, 16, 24, 24], seededValues(2 * 16 * 576, 1)) },
      initializers: { w: float32([32, 16, 3, 3], seededValues(32 * 144, 2)), wf: float32([300, 32 * 576], seededValues(300 * 32 * 576, 3, 0.01)) },
      outputs: ['y'],
    });
    const { split: a, single: b, kinds } = await splitAndSingle(model);
    expect(bits(a)).toEqual(bits(b));
    // The Conv (5.3 M multiply-adds) and the Gemm (11 M) both went to the pool.
    expect(kinds).toHaveLength(2);
  });

  it('a run wakes the workers ahead of its first large layer, unless the last run split nothing', async () => {
    const small = buildModel({
      opset: 13,
      nodes: [{ opType: 'Conv', name: 'c', inputs: ['x', 'w'], outputs: ['y'] }],
      inputs: { x: float32([1, 2, 5, 5], seededValues(50, 1)) },
      initializers: { w: float32([3, 2, 3, 3], seededValues(54, 2)) },
      outputs: ['y'],
    });
    const wake = vi.spyOn(WorkerPool.prototype as unknown as { wake(): void }, 'wake');
    const session = await loadModel(small.bytes, { threads: 2 });
    try {
      for (let run = 0; run < 3; run++) await session.run(small.feeds);
      // The first run wakes them (nothing is known yet); it split nothing, so the next two leave them asleep.
      expect(wake).toHaveBeenCalledTimes(1);
    } finally {
      wake.mockRestore();
      await session.close();
    }
  });

  it('BatchNormalization (with its fused Relu) and MaxPool split by planes too, with the same bits', async () => {
    // 64 × 64² activations: the BatchNormalization (262 k elements) and the 3 × 3 MaxPool are large enough to split.
    const model = buildModel({
      opset: 15,
      nodes: [
        { opType: 'Conv', name: 'c', inputs: ['x', 'w'], outputs: ['h'], attributes: { pads: [1, 1, 1, 1] } },
        { opType: 'BatchNormalization', name: 'bn', inputs: ['h', 's', 'b', 'm', 'v'], outputs: ['n'] },
        { opType: 'Relu', name: 'r', inputs: ['n'], outputs: ['a'] },
        { opType: 'MaxPool', name: 'p', inputs: ['a'], outputs: ['y'], attributes: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } },
      ],
      inputs: { x: float32([1, 8, 64, 64], seededValues(8 * 4096, 1)) },
      initializers: {
        w: float32([64, 8, 3, 3], seededValues(64 * 72, 2)),
        s: float32([64], seededValues(64, 3)),
        b: float32([64], seededValues(64, 4)),
        m: float32([64], seededValues(64, 5, 0.1)),
        v: float32([64], Array.from(seededValues(64, 6), (u) => 0.5 + Math.abs(u))),
      },
      outputs: ['y'],
    });
    const { split: a, single: b, kinds } = await splitAndSingle(model);
    // 262 k elements: name the first that differs (a diff of the whole arrays would take minutes to print).
    const [split, whole] = [bits(a), bits(b)];
    expect(split.length).toBe(whole.length);
    expect(split.findIndex((v, i) => v !== whole[i])).toBe(-1);
    expect(kinds).toEqual(['conv', 'batchnorm', 'maxpool']);
    // The Relu (fused into the BatchNormalization, which workers computed in part) left nothing negative.
    expect(a.data.every((v) => v >= 0)).toBe(true);
  });
});

describe('BatchNormalization folding (opt-in)', () => {
  function convBn() {
    return buildModel({
      opset: 15,
      nodes: [
        { opType: 'Conv', name: 'c', inputs: ['x', 'w'], outputs: ['h'], attributes: { pads: [1, 1, 1, 1] } },
        { opType: 'BatchNormalization', name: 'bn', inputs: ['h', 's', 'b', 'm', 'v'], outputs: ['y'], attributes: { epsilon: 1e-3 } },
      ],
      inputs: { x: float32([2, 3, 7, 7], seededValues(294, 1)) },
      initializers: {
        w: float32([4, 3, 3, 3], seededValues(108, 2)),
        s: float32([4], [1.5, 0.5, -2, 1]),
        b: float32([4], [0.1, -0.2, 0.3, 0]),
        m: float32([4], [0.05, -0.1, 0, 0.2]),
        v: float32([4], [0.9, 2, 0.25, 1]),
      },
      outputs: ['y'],
    });
  }

  it('default: the graph runs as written (BatchNormalization kept)', async () => {
    const session = await loadModel(convBn().bytes);
    expect(session.graph.nodes.map((n) => n.opType)).toEqual(['Conv', 'BatchNormalization']);
  });

  it('foldBatchNorm: one Conv with folded weights, within a few float32 ulps of the graph as written', async () => {
    const model = convBn();
    const folded = await loadModel(model.bytes, { foldBatchNorm: true });
    expect(folded.graph.nodes.map((n) => n.opType)).toEqual(['Conv']);
    expect(folded.graph.nodes[0]!.outputs).toEqual(['y']);
    // The statistics and the unfolded weights are gone; two new constants replace them.
    expect([...folded.graph.constants.keys()].sort()).toEqual(['w__bn_folded', 'y__bn_folded_bias']);
    const exact = (await (await loadModel(model.bytes)).run(model.feeds)).y!;
    const fast = (await folded.run(model.feeds)).y!;
    for (let i = 0; i < exact.data.length; i++) {
      const e = exact.data[i]!;
      expect(Math.abs(fast.data[i]! - e), `element ${i}`).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(e)));
    }
  });

  it('a Conv output read by another node too, or a BatchNormalization with non-constant statistics, is not folded', () => {
    const model = buildModel({
      opset: 15,
      nodes: [
        { opType: 'Conv', name: 'c', inputs: ['x', 'w'], outputs: ['h'] },
        { opType: 'BatchNormalization', name: 'bn', inputs: ['h', 's', 'b', 'm', 'v'], outputs: ['y'] },
        { opType: 'Relu', name: 'r', inputs: ['h'], outputs: ['z'] },
      ],
      inputs: { x: float32([1, 1, 3, 3], seededValues(9, 1)) },
      initializers: { w: float32([1, 1, 1, 1], [2]), s: float32([1], [1]), b: float32([1], [0]), m: float32([1], [0]), v: float32([1], [1]) },
      outputs: ['y', 'z'],
    });
    return loadModel(model.bytes).then((session) => {
      expect(foldBatchNorm(session.graph)).toBe(0);
      expect(session.graph.nodes.map((n) => n.opType)).toEqual(['Conv', 'BatchNormalization', 'Relu']);
    });
  });
});

describe('import without weight copies', () => {
  it('a model read from a file keeps every float32 initializer in the file\'s own buffer, aligned in place', async () => {
    // Initializers of sizes that put raw_data at every alignment (1, 5, 33, 200, 1000 floats, names of odd length).
    const sizes = [1, 5, 33, 200, 1000, 129, 7];
    const initializers: Record<string, Tensor> = {};
    sizes.forEach((n, i) => {
      initializers[`w${'_'.repeat(i)}${i}`] = float32([n], seededValues(n, 10 + i));
    });
    const names = Object.keys(initializers);
    const model = buildModel({
      opset: 13,
      nodes: names.map((name, i) => ({ opType: 'Add', inputs: ['x', name], outputs: [`s${i}`] })),
      inputs: { x: float32([1], [0]) },
      initializers,
      outputs: names.map((_, i) => `s${i}`),
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'torchparity-zero-copy-'));
    try {
      const file = path.join(dir, 'model.onnx');
      fs.writeFileSync(file, model.bytes);
      const session = await loadModel(file, { fold: false });
      const buffers = new Set<ArrayBufferLike>();
      let moved = 0;
      for (const [name, t] of Object.entries(initializers)) {
        const got = session.graph.constants.get(name)!;
        expect(Array.from(got.data), name).toEqual(Array.from(t.data));
        // Tensors of 128+ bytes can always move in place; the tiny ones may be copied.
        if (t.data.byteLength >= 128) buffers.add(got.data.buffer);
        if (got.data.byteOffset % 4 === 0) moved++;
      }
      expect(buffers.size).toBe(1);
      expect(moved).toBe(sizes.length);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('bytes handed to loadModel are left untouched: unaligned raw_data is copied instead', async () => {
    const model = buildModel({
      opset: 13,
      nodes: [{ opType: 'Add', inputs: ['x', 'odd_name_w'], outputs: ['y'] }],
      inputs: { x: float32([300], seededValues(300, 1)) },
      initializers: { odd_name_w: float32([300], seededValues(300, 2)) },
      outputs: ['y'],
    });
    const before = Buffer.from(model.bytes);
    const session = await loadModel(model.bytes);
    expect(Buffer.compare(before, Buffer.from(model.bytes))).toBe(0);
    expect(Array.from(session.graph.constants.get('odd_name_w')!.data)).toEqual(Array.from(seededValues(300, 2)));
  });
});
