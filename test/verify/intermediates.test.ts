import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bufferIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { loadModel } from '../../src/engine/session.js';
import type { NodeOverride } from '../../src/verify/node-check.js';
import { withOutputs } from '../../src/verify/reference.js';
import { verify, type VerifyReport } from '../../src/verify/verify.js';
import { buildModel } from '../../src/fuzz/model-builder.js';
import { float32, type Tensor } from '../../src/tensor.js';
import { seededValues } from '../helpers/differential.js';
import { tempDir } from '../helpers/external.js';
import { borderFault, middleConv } from '../helpers/fault.js';

async function cli(argv: string[], override?: NodeOverride) {
  const io = bufferIO();
  const code = await main(argv, io, override ? { override } : {});
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

function readJson(file: string): { versions: Record<string, string>; reports: VerifyReport[] } {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

// A ResNet bottleneck exported by the dynamo exporter (weights in model.onnx.data): 7 Convs, 15 run-time nodes.
const RESNET = 'fixtures/models/resnet_bottleneck__dynamo_op18';

describe('verify --intermediates', () => {
  it('seed exports (dynamo, TorchScript, BN unfolded): every node agrees with onnxruntime and the table lists each', async () => {
    const json = path.join(tempDir(), 'seed.json');
    const r = await cli(['verify', 'fixtures/seed', '--intermediates', '--json', json]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/intermediates: all 12 values of 12 nodes agree with onnxruntime 1\.30\.0/);
    expect(r.out).toMatch(/intermediates: all 16 values of 16 nodes agree/);
    expect(r.out).toMatch(/intermediates: all 18 values of 18 nodes agree/);
    // One row per node value, e.g. the dynamo export's first Conv.
    expect(r.out).toMatch(/\n\s+0 {2}node_Conv_19 +Conv +getitem +\[2,25,26,26\] +\S+ +\S+ +\d+ +\S+ +pass/);
    const { reports } = readJson(json);
    expect(reports).toHaveLength(3);
    for (const report of reports) {
      expect(report.intermediates!.nodes.every((n) => n.verdict === 'pass')).toBe(true);
      expect(report.intermediates!.reference.consistent).not.toBe(false);
    }
  });

  it(`done-when: a fault in the middle Conv of ${RESNET} is named as the first divergent node, the rest as its cascade`, async () => {
    const victim = await middleConv(`${RESNET}/model.onnx`);
    expect(victim.step).toBeGreaterThan(0);
    expect(victim.step).toBeLessThan(victim.nodes - 1);
    const json = path.join(tempDir(), 'fault.json');
    const r = await cli(['verify', RESNET, '--intermediates', '--json', json], borderFault(victim.name));
    expect(r.code).toBe(1);
    expect(r.out).toContain(`first divergent node: '${victim.name}' (Conv, opset 18, step ${victim.step})`);
    expect(r.out).toMatch(/onnxruntime 1\.30\.0 is closer, so torchparity is off/);
    expect(r.out).toMatch(/FAIL: 1 of 1 outputs disagree: output; first divergent node/);
    const inter = readJson(json).reports[0]!.intermediates!;
    expect(inter.firstDivergent!.node).toBe(victim.name);
    expect(inter.divergent).toEqual([victim.name]);
    for (const n of inter.nodes) {
      if (n.step < victim.step) expect(n.verdict, n.node).toBe('pass');
      if (n.step > victim.step) expect(['pass', 'cascade'], n.node).toContain(n.verdict);
    }
    expect(inter.nodes.filter((n) => n.verdict === 'cascade').length).toBeGreaterThan(0);
    const root = inter.firstDivergent!;
    expect(root.attributes.map((a) => a.name)).toEqual(expect.arrayContaining(['strides', 'pads', 'dilations', 'group']));
    expect(root.inputs[0]!.kind).toBe('intermediate');
    expect(root.inputs[1]).toMatchObject({ kind: 'constant', dims: expect.any(Array) });
    expect(root.float64!.closer).toBe('reference');
    expect(root.float64!.reference).toBeLessThan(1e-5);
    // The heatmap shows the border the fault touched and nothing inside it.
    const h = root.heatmap!;
    expect(h.channels.length).toBe(root.outputs[0]!.dims[1]);
    for (const ch of h.channels) {
      for (let y = 0; y < ch.rows; y++) {
        for (let x = 0; x < ch.cols; x++) {
          const v = ch.values[y * ch.cols + x]!;
          const border = y === 0 || x === 0 || y === ch.rows - 1 || x === ch.cols - 1;
          if (!border) expect(v, `ch ${ch.channel} (${y},${x})`).toBeLessThan(1e-5);
        }
      }
      expect(Math.max(...ch.values)).toBe(ch.max);
    }
    expect(h.max).toBeGreaterThan(1e-4);
  });

  it('without the fault the same model has no divergent node (the fault, not the method, makes the verdict)', async () => {
    const [report] = await verify(RESNET, { intermediates: true });
    expect(report!.verdict).toBe('pass');
    expect(report!.intermediates!.divergent).toEqual([]);
    expect(report!.intermediates!.summary).toMatch(/^all 15 values of 15 nodes agree/);
  });

  it('memory stays bounded: on the largest fixture (seed dynamo) values come in chunks and leave after their last reader', async () => {
    const model = 'fixtures/seed/seed_dynamo';
    const chunkBytes = 64 * 1024;
    // What the engine itself must hold: at each step, the values produced so far that a later node still reads.
    const session = await loadModel(`${model}/model.onnx`);
    const lastRead = new Map<string, number>();
    session.graph.nodes.forEach((n, step) => n.inputs.forEach((i) => lastRead.set(i, step)));
    const sizes = new Map<string, number>();
    let liveMax = 0;
    let largest = 0;
    const [report] = await verify(model, { intermediates: true, chunkBytes });
    const feeds = (await import('../../src/oracle/test-dir.js')).readDataSets(model, ['input'], ['output'])[0]!.inputs;
    await session.run(feeds, {
      tap: ({ step, outputs }) => {
        for (const o of outputs) {
          sizes.set(o.name, o.tensor.data.byteLength);
          largest = Math.max(largest, o.tensor.data.byteLength);
        }
        const current = new Set(outputs.map((o) => o.name));
        let live = 0;
        for (const [name, bytes] of sizes) if (current.has(name) || (lastRead.get(name) ?? -1) > step) live += bytes;
        liveMax = Math.max(liveMax, live);
      },
    });
    const memory = report!.intermediates!.memory;
    const total = [...sizes.values()].reduce((a, b) => a + b, 0);
    expect(memory.totalBytes).toBe(total);
    expect(memory.fetches).toBeGreaterThanOrEqual(3);
    expect(memory.peakHeldBytes).toBeLessThan(total);
    expect(memory.peakHeldBytes).toBeLessThanOrEqual(liveMax + chunkBytes + largest);
    expect(memory.peakHeldValues).toBeLessThan(report!.intermediates!.compared);
    // The default chunk (64 MiB) takes everything of this small model in one fetch: the chunking is what bounds it.
    const [whole] = await verify(model, { intermediates: true });
    expect(whole!.intermediates!.memory.fetches).toBe(1);
  });

  it('memory stays bounded on a deep chain: 40 Conv+Relu layers of 64 KiB values, peak held is a few values', async () => {
    // 80 values of 4×64×64 float32 = 64 KiB each (5 MiB in all); with 128 KiB chunks the reference side may hold the
    // live value, the one being checked and at most a chunk ahead.
    const layers = 40;
    const x = float32([1, 4, 64, 64], seededValues(4 * 64 * 64, 7));
    const initializers: Record<string, Tensor> = {};
    const nodes = [];
    let prev = 'x';
    for (let i = 0; i < layers; i++) {
      initializers[`w${i}`] = float32([4, 4, 3, 3], seededValues(144, 100 + i, 1 / 3));
      nodes.push({ opType: 'Conv', name: `conv${i}`, inputs: [prev, `w${i}`], outputs: [`c${i}`], attributes: { pads: [1, 1, 1, 1] } });
      nodes.push({ opType: 'Relu', name: `relu${i}`, inputs: [`c${i}`], outputs: [`r${i}`] });
      prev = `r${i}`;
    }
    const model = buildModel({ opset: 13, nodes, inputs: { x }, initializers, outputs: [prev] });
    const file = path.join(tempDir(), 'deep.onnx');
    fs.writeFileSync(file, model.bytes);
    const value = 4 * 64 * 64 * 4;
    const [report] = await verify(file, { intermediates: true, inputs: { x }, chunkBytes: 2 * value });
    const inter = report!.intermediates!;
    expect(inter.nodes.every((n) => n.verdict === 'pass')).toBe(true);
    expect(inter.memory.totalBytes).toBe(2 * layers * value);
    expect(inter.memory.fetches).toBeGreaterThanOrEqual(layers - 1);
    expect(inter.memory.peakHeldValues).toBeLessThanOrEqual(4);
    expect(inter.memory.peakHeldBytes).toBeLessThanOrEqual(4 * value);
  });

  it('onnxruntime is given only the values a fetch asks for and the nodes they need (it holds every graph output until a run ends)', async () => {
    const session = await loadModel('fixtures/seed/seed_torchscript/model.onnx');
    const cut = withOutputs(session.graph, ['/layer3/layer3.0/Conv_output_0']);
    expect(cut.graph.outputs.map((o) => o.name)).toEqual(['/layer3/layer3.0/Conv_output_0']);
    expect(cut.graph.nodes.map((n) => n.opType)).toEqual(['Conv', 'Relu', 'MaxPool', 'Conv']);
    expect(cut.graph.inputs.map((i) => i.name)).toEqual(session.graph.source.graph.inputs.map((i) => i.name));
    expect(cut.graph.initializers.every((i) => cut.graph.nodes.some((n) => n.inputs.includes(i.name)))).toBe(true);
    expect(cut.graph.initializers.map((i) => i.name).sort()).toEqual(
      cut.graph.nodes.flatMap((n) => n.inputs.slice(1)).filter((name) => name !== '').sort(),
    );
  });

  it('a model onnxruntime refuses (SAME padding with dilation) is compared node by node with the float64 run', async () => {
    const [report] = await verify('fixtures/models/conv_same_dilated__torchscript_op11', { intermediates: true });
    const inter = report!.intermediates!;
    expect(inter.reference.kind).toBe('float64');
    expect(inter.reference.note).toMatch(/onnxruntime refused the model.*Dilation not supported/);
    expect(inter.nodes.every((n) => n.verdict === 'pass')).toBe(true);
    expect(report!.verdict).toBe('pass');
  });

  it('regression: re-emitting Slice-1 ends=[INT64_MAX] keeps "to the end" (it was written as 0, an empty slice)', async () => {
    // The TorchScript op9 export of F.pad(mode='circular') slices with ends=[9223372036854775807]. The importer
    // holds that as Infinity; protobufjs wrote Infinity as 0, so onnxruntime's copy sliced nothing and every Slice
    // looked divergent.
    const [report] = await verify('fixtures/models/conv_pad_circular__torchscript_op9', { intermediates: true });
    expect(report!.intermediates!.nodes.filter((n) => n.op === 'Slice').length).toBeGreaterThan(0);
    expect(report!.intermediates!.nodes.every((n) => n.verdict === 'pass')).toBe(true);
    expect(report!.intermediates!.reference.consistent).not.toBe(false);
  });
});
