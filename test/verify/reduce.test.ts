import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bufferIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { loadModel } from '../../src/engine/session.js';
import { decodeModel } from '../../src/onnx/decode-model.js';
import { decodeTensorProto } from '../../src/onnx/tensor-file.js';
import type { NodeOverride } from '../../src/verify/node-check.js';
import { reduce } from '../../src/verify/reduce.js';
import { allclose } from '../../src/compare/tolerance.js';
import { buildModel } from '../../src/fuzz/model-builder.js';
import { float32 } from '../../src/tensor.js';
import { seededValues } from '../helpers/differential.js';
import { tempDir } from '../helpers/external.js';
import { middleConv, offsetFault, faultAt } from '../helpers/fault.js';

async function cli(argv: string[], override?: NodeOverride) {
  const io = bufferIO();
  const code = await main(argv, io, override ? { override } : {});
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

const RESNET = 'fixtures/models/resnet_bottleneck__dynamo_op18';

/** Every 7th element 1% off: a wrong kernel, visible on any inputs. */
const scatterFault = (victim: string) =>
  faultAt(victim, (data) => {
    for (let i = 0; i < data.length; i += 7) data[i]! *= 1.01;
  });

describe('torchparity reduce', () => {
  it(`done-when: a fault in the middle Conv of ${RESNET} reduces to that one Conv, and verify replays the test directory`, async () => {
    const victim = await middleConv(`${RESNET}/model.onnx`);
    const fault = scatterFault(victim.name);
    const out = path.join(tempDir(), 'min');
    const r = await cli(['reduce', RESNET, '--out', out], fault);
    expect(r.code, r.err).toBe(1);
    expect(r.out).toContain(`reduced 15 nodes to 1 in 1 trials, ending at '${victim.name}' (Conv)`);
    expect(r.out).toContain(`replay: torchparity verify ${out}`);

    const reduced = decodeModel(fs.readFileSync(path.join(out, 'model.onnx')));
    expect(reduced.graph.nodes.map((n) => [n.name, n.opType])).toEqual([[victim.name, 'Conv']]);
    // The Conv's data input is fed (onnxruntime's value at the cut); its weights stay initializers.
    expect(reduced.graph.inputs.map((i) => i.name)).toHaveLength(1);
    const weights = reduced.graph.initializers.map((i) => i.name);
    expect(weights.length).toBeGreaterThanOrEqual(1);
    const input = decodeTensorProto(fs.readFileSync(path.join(out, 'test_data_set_0', 'input_0.pb')));
    expect(input.name).toBe(reduced.graph.inputs[0]!.name);
    const info = JSON.parse(fs.readFileSync(path.join(out, 'reduce.json'), 'utf8'));
    expect(info).toMatchObject({ reproduces: true, end: { node: victim.name, divergesOnItsOwn: true }, kept: [{ node: victim.name, op: 'Conv' }] });

    // Replaying: the faulty engine still fails on the reduced model; the real engine passes it.
    const faulty = await cli(['verify', out], fault);
    expect(faulty.code).toBe(1);
    expect(faulty.out).toMatch(/FAIL: 1 of 1 outputs disagree/);
    const healthy = await cli(['verify', out]);
    expect(healthy.code, healthy.out).toBe(0);
  });

  it('bisects and trims when no node diverges on its own: an error within the bound, amplified by the next Conv', async () => {
    // p → relu → a → relu → b → relu → c. Conv `a` gets +1e-4 everywhere: inside --atol 1e-3, so `a` and its Relu
    // pass. Conv `b` sums 72 taps with weights 0.5, which multiplies that error by up to 36 and takes it over the
    // bound although b's own kernel is right: over the bound with no root cause. The smallest subgraph that still
    // diverges at b starts at a; p and its Relu are cut off and a's input is fed instead.
    const x = float32([1, 8, 8, 8], seededValues(512, 11));
    const w = (seed: number, k: number) => float32([8, 8, k, k], seededValues(64 * k * k, seed, 0.5));
    const conv = (name: string, input: string, weight: string, k: number) => ({
      opType: 'Conv',
      name,
      inputs: [input, weight],
      outputs: [name],
      attributes: { pads: k === 3 ? [1, 1, 1, 1] : [0, 0, 0, 0] },
    });
    const relu = (name: string, input: string) => ({ opType: 'Relu', name, inputs: [input], outputs: [name] });
    const model = buildModel({
      opset: 13,
      nodes: [conv('p', 'x', 'wp', 1), relu('p_relu', 'p'), conv('a', 'p_relu', 'wa', 1), relu('a_relu', 'a'), conv('b', 'a_relu', 'wb', 3), relu('b_relu', 'b'), conv('c', 'b_relu', 'wc', 1)],
      inputs: { x },
      initializers: { wp: w(1, 1), wa: w(2, 1), wb: float32([8, 8, 3, 3], new Float32Array(576).fill(0.5)), wc: w(3, 1) },
      outputs: ['c'],
    });
    const dir = tempDir();
    const file = path.join(dir, 'chain.onnx');
    fs.writeFileSync(file, model.bytes);
    const out = path.join(dir, 'min.onnx');
    const result = await reduce(file, out, { inputs: { x }, override: offsetFault('a', 1e-4), tolerance: allclose(0, 1e-3) });
    expect(result.intermediates.divergent).toEqual([]);
    const verdicts = Object.fromEntries(result.intermediates.nodes.map((n) => [n.node, n.verdict]));
    expect(verdicts).toMatchObject({ p: 'pass', a: 'pass', a_relu: 'pass', b: 'cascade' });
    expect(result.end).toMatchObject({ node: 'b', divergesOnItsOwn: false });
    expect(result.kept.map((k) => k.node)).toEqual(['a', 'a_relu', 'b']);
    expect(result.inputs.map((i) => i.name)).toEqual(['p_relu']);
    expect(result.evaluations).toBeGreaterThan(3);
    expect(result.reproduces).toBe(true);
    // --out FILE.onnx writes the model there and the test directory beside it.
    expect(result.modelFile).toBe(out);
    expect(result.outDir).toBe(path.join(dir, 'min'));
    const session = await loadModel(out);
    expect(session.graph.nodes.map((n) => n.name)).toEqual(['a', 'a_relu', 'b']);
    expect(fs.readdirSync(path.join(dir, 'min', 'test_data_set_0')).sort()).toEqual(['input_0.pb', 'output_0.pb']);
  });

  it('a model that does not diverge is left alone: exit 0, nothing written', async () => {
    const out = path.join(tempDir(), 'none');
    const r = await cli(['reduce', 'fixtures/seed/seed_torchscript', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/no node differs from onnxruntime 1\.30\.0 beyond the bound; nothing to reduce/);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('--expected float64 writes our float64 run as the expected outputs; --out is required', async () => {
    const victim = await middleConv(`${RESNET}/model.onnx`);
    const out = path.join(tempDir(), 'f64');
    const r = await cli(['reduce', RESNET, '--out', out, '--expected', 'float64'], scatterFault(victim.name));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/expected outputs from torchparity float64/);
    expect((await cli(['verify', out])).code).toBe(0);
    const missing = await cli(['reduce', RESNET]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('reduce needs --out DIR');
  });
});
