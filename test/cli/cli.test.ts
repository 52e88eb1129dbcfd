import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS, main } from '../../src/cli/main.js';
import { bufferIO } from '../../src/cli/io.js';
import { buildModel, buildSingleOp } from '../../src/fuzz/model-builder.js';
import { encodeTensorProto } from '../../src/onnx/index.js';
import { float32 } from '../../src/tensor.js';
import { seededValues } from '../helpers/differential.js';
import { externalize, tempDir } from '../helpers/external.js';

async function cli(...argv: string[]) {
  const io = bufferIO();
  const code = await main(argv, io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

const x = float32([1, 2, 6, 6], seededValues(72, 1));
const w = float32([3, 2, 3, 3], seededValues(54, 2));

/** A test directory for a one-Conv model whose stored expectation is `expected` (or our own output). */
async function convTestDir(mutateExpected?: (data: Float32Array) => void): Promise<string> {
  const model = buildSingleOp({ opType: 'Conv', opset: 13, inputs: [x, w], constantInputs: [1], attributes: { pads: [1, 1, 1, 1] } });
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'model.onnx'), model.bytes);
  fs.mkdirSync(path.join(dir, 'test_data_set_0'));
  fs.writeFileSync(path.join(dir, 'test_data_set_0', 'input_0.pb'), encodeTensorProto('in0', x));
  const { runOurs } = await import('../helpers/differential.js');
  const out = (await runOurs(model)).out0!;
  const expected = Float32Array.from(out.data);
  mutateExpected?.(expected);
  fs.writeFileSync(path.join(dir, 'test_data_set_0', 'output_0.pb'), encodeTensorProto('out0', float32([...out.dims], expected)));
  return dir;
}

describe('torchparity CLI', () => {
  it('--help lists every command, and every command has --help', async () => {
    const top = await cli('--help');
    expect(top.code).toBe(0);
    for (const c of COMMANDS) {
      expect(top.out).toContain(c.name);
      const help = await cli(c.name, '--help');
      expect(help.code).toBe(0);
      expect(help.out).toContain(`usage: torchparity ${c.name}`);
    }
  });

  it('an unknown option is a usage error with exit 2 and no stack trace', async () => {
    const r = await cli('verify', '--bogus', 'x');
    expect(r.code).toBe(2);
    expect(r.err).toContain("error [usage] unknown option '--bogus'");
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('verify: a test directory matching its saved outputs and onnxruntime exits 0', async () => {
    const r = await cli('verify', await convTestDir());
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/PASS: the output matches saved outputs and onnxruntime/);
    expect(r.out).toMatch(/vs onnxruntime 1\.\d+\.\d+/);
  });

  it('verify: saved outputs off by 1e-3 in one element exit 1 and say where', async () => {
    const r = await cli('verify', await convTestDir((d) => (d[5]! += 1e-3)));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/FAIL \(1\/108\)/);
    expect(r.out).toMatch(/1 of 1 outputs disagree: out0/);
  });

  it('verify: --atol loose enough turns that mismatch into a pass', async () => {
    const r = await cli('verify', await convTestDir((d) => (d[5]! += 1e-3)), '--atol', '2e-3');
    expect(r.code).toBe(0);
  });

  it('verify: a model file with symbolic dims runs on seeded random inputs sized by --shape', async () => {
    const dir = tempDir();
    const model = buildModel({
      opset: 13,
      nodes: [{ opType: 'Conv', inputs: ['x', 'w'], outputs: ['y'] }],
      inputs: { x },
      inputDims: { x: ['batch', 2, 'H', 'W'] },
      initializers: { w },
      outputs: ['y'],
    });
    fs.writeFileSync(path.join(dir, 'm.onnx'), model.bytes);
    const r = await cli('verify', path.join(dir, 'm.onnx'), '--shape', 'x=2,2,9,7', '--seed', '3');
    expect(r.code).toBe(0);
    expect(r.out).toContain('random normal inputs, seed 3');
    expect(r.out).toContain('x [2,2,9,7]');
  });

  it('an unknown op exits 2 naming every unknown op and node', async () => {
    const dir = tempDir();
    const model = buildModel({
      opset: 13,
      nodes: [
        { opType: 'Frobnicate', name: 'f1', inputs: ['x'], outputs: ['a'] },
        { opType: 'Wibble', name: 'w1', inputs: ['a'], outputs: ['y'] },
      ],
      inputs: { x },
      outputs: ['y'],
    });
    fs.writeFileSync(path.join(dir, 'model.onnx'), model.bytes);
    const r = await cli('verify', path.join(dir, 'model.onnx'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('error [unsupported_op]');
    expect(r.err).toContain("Frobnicate (domain 'ai.onnx', opset 13) at 'f1'");
    expect(r.err).toContain("Wibble (domain 'ai.onnx', opset 13) at 'w1'");
    const inspect = await cli('inspect', path.join(dir, 'model.onnx'));
    expect(inspect.code).toBe(0);
    expect(inspect.out).toMatch(/unsupported ops \(2\)/);
  });

  it('an external data path leaving the model folder exits 2 with a clear error', async () => {
    const dir = tempDir();
    const model = buildSingleOp({ opType: 'Conv', opset: 13, inputs: [x, w], constantInputs: [1] });
    fs.writeFileSync(path.join(dir, 'model.onnx'), externalize(model.bytes, '../../etc/passwd').model);
    const r = await cli('inspect', path.join(dir, 'model.onnx'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('error [external_data]');
    expect(r.err).toContain("external data '../../etc/passwd' leaves the model's folder");
  });

  it('inspect shows the external data file of a dynamo-style export', async () => {
    const dir = tempDir();
    const model = buildSingleOp({ opType: 'Conv', opset: 18, inputs: [x, w], constantInputs: [1] });
    const { model: bytes, data } = externalize(model.bytes);
    fs.writeFileSync(path.join(dir, 'model.onnx'), bytes);
    fs.writeFileSync(path.join(dir, 'model.onnx.data'), data);
    const r = await cli('inspect', path.join(dir, 'model.onnx'));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/external data: model\.onnx\.data \(1 tensors, 216 B\)/);
    expect(r.out).toMatch(/parameters: 54 values in 1 initializers/);
  });

  it('run prints outputs and --out writes TensorProto files that decode to the same values', async () => {
    const dir = await convTestDir();
    const out = tempDir();
    const r = await cli('run', path.join(dir, 'model.onnx'), '--input', `in0=${path.join(dir, 'test_data_set_0', 'input_0.pb')}`, '--out', out);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/out0 {2}float32\[1,3,6,6\]/);
    const { decodeTensorProto } = await import('../../src/onnx/index.js');
    const written = decodeTensorProto(fs.readFileSync(path.join(out, 'output_0.pb'))).tensor;
    const expected = decodeTensorProto(fs.readFileSync(path.join(dir, 'test_data_set_0', 'output_0.pb'))).tensor;
    expect(Array.from(written.data)).toEqual(Array.from(expected.data));
  });

  it('conform reports pass and writes JUnit', async () => {
    const root = tempDir();
    const dir = await convTestDir();
    fs.renameSync(dir, path.join(root, 'test_conv_example'));
    const junit = path.join(root, 'report.xml');
    const r = await cli('conform', root, '--junit', junit);
    expect(r.code).toBe(0);
    expect(r.out).toContain('1 tests: 1 pass (100.0%)');
    expect(fs.readFileSync(junit, 'utf8')).toContain('<testcase name="test_conv_example"');
  });
});
