import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bufferIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { loadModel } from '../../src/engine/session.js';
import { buildModel } from '../../src/fuzz/model-builder.js';
import { encodeTensorProto } from '../../src/onnx/index.js';
import { writeTensorFile } from '../../src/oracle/tensor-files.js';
import { float32, int64, tensor, type Tensor } from '../../src/tensor.js';
import { tempDir } from '../helpers/external.js';

async function cli(...argv: string[]) {
  const io = bufferIO();
  const code = await main(argv, io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

/** x [1,3] (fixed) + y [N,3] (symbolic batch) → Add; a model whose inputs every check can be aimed at. */
function twoInputModel(): string {
  const model = buildModel({
    opset: 14,
    nodes: [{ opType: 'Add', inputs: ['x', 'y'], outputs: ['z'] }],
    inputs: { x: float32([1, 3], [1, 2, 3]), y: float32([2, 3], [1, 2, 3, 4, 5, 6]) },
    inputDims: { y: ['N', 3] },
    outputs: ['z'],
  });
  const dir = tempDir();
  const file = path.join(dir, 'model.onnx');
  fs.writeFileSync(file, model.bytes);
  return file;
}

function tensorFile(name: string, t: Tensor, ext = '.pb'): string {
  const file = path.join(tempDir(), `${name}${ext}`);
  writeTensorFile(file, name, t);
  return file;
}

describe('run-time input checks, through the CLI (exit 2, one paragraph: found, expected, what to do)', () => {
  const model = twoInputModel();

  const cases: [string, string[], RegExp, RegExp][] = [
    ['wrong dtype: int64 for float32 x', ['--input', `x=${tensorFile('x', int64([1, 3], [1, 2, 3]))}`], /tensor 'x': is int64 but the model declares float32/, /hint: convert the input to float32/],
    ['wrong rank: [3] for [1,3]', ['--input', `x=${tensorFile('x', float32([3], [1, 2, 3]))}`], /tensor 'x': has rank 1 \[3\] but the model declares \[1,3\]/, /hint: feed a tensor of rank 2/],
    ['wrong fixed dim: [1,4] for [1,3]', ['--input', `x=${tensorFile('x', float32([1, 4], [1, 2, 3, 4]))}`], /has dims \[1,4\] but the model declares \[1,3\] \(axis 1\)/, /hint: axis 1 must be 3/],
    ['extra feed: a tensor the model does not take', ['--input', `bogus=${tensorFile('bogus', float32([1, 3], [1, 2, 3]))}`], /tensor 'bogus': is fed but the model has no such input/, /hint: the model's inputs are 'x', 'y'/],
    ['wrong dtype from .npy', ['--input', `x=${tensorFile('x', tensor('float64', [1, 3], [1, 2, 3]), '.npy')}`], /is float64 but the model declares float32/, /hint/],
  ];
  for (const [title, args, message, hint] of cases) {
    it(`run: ${title} → input_mismatch`, async () => {
      const r = await cli('run', model, ...args);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/^torchparity run: error \[input_mismatch\] /);
      expect(r.err).toMatch(message);
      expect(r.err).toMatch(hint);
      expect(r.err).not.toMatch(/\n\s+at /);
    });
  }

  it('run: a JSON feed nested 100000 deep → limit_exceeded (Array#flat(Infinity) overflowed the stack: an internal error)', async () => {
    const dir = tempDir();
    const deep = path.join(dir, 'deep.json');
    fs.writeFileSync(deep, `{"x": ${'['.repeat(100_000)}1${']'.repeat(100_000)}}`);
    const wrapped = path.join(dir, 'wrapped.json');
    fs.writeFileSync(wrapped, `{"x": {"dims": [1, 3], "data": ${'['.repeat(100_000)}1${']'.repeat(100_000)}}}`);
    for (const file of [deep, wrapped]) {
      const r = await cli('run', model, '--input', `x=${file}`);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/error \[limit_exceeded\] .*list nesting \(rank\) is 17, over the limit of 16/);
    }
  });

  it('run: the same feeds with the right type and shape succeed (the checks are not over-eager)', async () => {
    const r = await cli('run', model, '--input', `x=${tensorFile('x', float32([1, 3], [1, 2, 3]))}`, '--input', `y=${tensorFile('y', float32([5, 3]))}`);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/z\s+float32\[5,3\]/);
  });

  it('verify: a test directory missing an input file → input_mismatch "is not fed", naming the input and its shape', async () => {
    const dir = path.dirname(model);
    fs.mkdirSync(path.join(dir, 'test_data_set_0'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'test_data_set_0', 'input_0.pb'), encodeTensorProto('x', float32([1, 3], [1, 2, 3])));
    const r = await cli('verify', dir, '--no-oracle');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/error \[input_mismatch\] .*tensor 'y': is not fed/);
    expect(r.err).toMatch(/hint: give a float32 tensor of shape \[N,3\]/);
  });

  it('library: a symbolic dim bound two ways, a malformed tensor and bad dims are input_mismatch too', async () => {
    const shared = buildModel({
      opset: 14,
      nodes: [{ opType: 'Add', inputs: ['a', 'b'], outputs: ['c'] }],
      inputs: { a: float32([2, 3]), b: float32([2, 3]) },
      inputDims: { a: ['N', 3], b: ['N', 3] },
      outputs: ['c'],
    });
    const session = await loadModel(shared.bytes);
    const run = (feeds: Record<string, Tensor>) => session.run(feeds).then(() => undefined, (e: unknown) => e);
    expect(await run({ a: float32([2, 3]), b: float32([4, 3]) })).toMatchObject({ code: 'input_mismatch', message: expect.stringMatching(/binds 'N' to 4 on axis 0, but input 'a' bound it to 2/) });
    expect(await run({ a: { dtype: 'float32', dims: [2, 3], data: new Float64Array(6) }, b: float32([2, 3]) })).toMatchObject({ code: 'input_mismatch', message: expect.stringMatching(/holds a Float64Array/) });
    expect(await run({ a: { dtype: 'float32', dims: [-2, -3], data: new Float32Array(6) }, b: float32([2, 3]) })).toMatchObject({ code: 'input_mismatch', message: expect.stringMatching(/dims must be non-negative integers/) });
    expect(await run({ a: float32([2, 3]), b: { dtype: 'float32', dims: [2, 3], data: new Float32Array(5) } })).toMatchObject({ code: 'input_mismatch', message: expect.stringMatching(/has 5 values for dims \[2,3\]/) });
    expect(await run({ a: float32([2, 3]), b: null as unknown as Tensor })).toMatchObject({ code: 'input_mismatch' });
  });
});
