import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bufferIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { decodeTensorProto } from '../../src/onnx/tensor-file.js';
import { readTensorFile } from '../../src/oracle/tensor-files.js';

/**
 * The seed's input batch and PyTorch eager output as numpy wrote them (numpy.save, numpy.savez) and as JSON, made
 * by scripts/export_fixtures.py; fixtures/manifest.json records their sizes and sha256.
 */
const DIR = 'fixtures/seed/inputs';
const manifest = JSON.parse(fs.readFileSync('fixtures/manifest.json', 'utf8')).seed_inputs;
const pb = (file: string) => decodeTensorProto(fs.readFileSync(path.join('fixtures/seed/seed_dynamo/test_data_set_0', file))).tensor;

async function cli(...argv: string[]) {
  const io = bufferIO();
  const code = await main(argv, io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

describe('numpy-written tensor files (fixtures/seed/inputs)', () => {
  it('are the files the exporter wrote (sha256 from fixtures/manifest.json)', () => {
    for (const [file, { bytes, sha256 }] of Object.entries(manifest.files as Record<string, { bytes: number; sha256: string }>)) {
      const data = fs.readFileSync(path.join(DIR, file));
      expect(data.length, file).toBe(bytes);
      expect(createHash('sha256').update(data).digest('hex'), file).toBe(sha256);
    }
  });

  it.each([
    ['input.npy', '', 'input_0.pb'],
    ['input.npz', 'input', 'input_0.pb'],
    ['input.json', 'input', 'input_0.pb'],
    ['golden.npy', '', 'output_0.pb'],
    ['golden.npz', 'output', 'output_0.pb'],
    ['golden.json', 'output', 'output_0.pb'],
  ])('%s decodes to the same float32 values, bit for bit, as the test directory\'s %s', (file, name, reference) => {
    const tensors = readTensorFile(path.join(DIR, file));
    expect([...tensors.keys()]).toEqual([name]);
    const t = tensors.get(name)!;
    const expected = pb(reference);
    expect(t.dtype).toBe('float32');
    expect(t.dims).toEqual(expected.dims);
    expect(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).equals(Buffer.from(expected.data.buffer, expected.data.byteOffset, expected.data.byteLength))).toBe(true);
  });

  it('verify takes them as --input and --golden and judges against PyTorch and onnxruntime in one run', async () => {
    const model = 'fixtures/seed/seed_dynamo/model.onnx';
    const npy = await cli('verify', model, '--input', `input=${DIR}/input.npy`, '--golden', `${DIR}/golden.npz`);
    expect(npy.code, npy.err).toBe(0);
    expect(npy.out).toContain('inputs: given inputs (input [2,1,28,28])');
    expect(npy.out).toMatch(/output +\[2,10\] +\S+ +\S+ +pass +\S+ +\S+ +pass/);
    expect(npy.out).toContain('PASS: the output matches saved outputs and onnxruntime');
    const mixed = await cli('verify', model, '--input', `${DIR}/input.npz`, '--golden', `${DIR}/golden.npy`);
    expect(mixed.code, mixed.err).toBe(0);
    const json = await cli('verify', model, '--input', `${DIR}/input.json`, '--golden', `output=${DIR}/golden.json`, '--intermediates');
    expect(json.code, json.err).toBe(0);
    expect(json.out).toMatch(/intermediates: all 12 values of 12 nodes agree/);
  });
});
