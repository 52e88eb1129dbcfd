import * as fs from 'node:fs';
import * as path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../src/fuzz/model-builder.js';
import { executeImportCase, type ImportCaseInput } from '../../src/fuzz/import-fuzz-case.js';
import { FUZZ_LIMITS, ImportCaseRunner, importFuzzCase, replayImportCase, runImportFuzz } from '../../src/fuzz/import-fuzz.js';
import { defaultSeeds } from '../../src/fuzz/import-fuzz-seeds.js';
import { TorchParityError } from '../../src/errors.js';
import { caseRandom } from '../../src/fuzz/import-fuzz-mutate.js';
import { decodeTensorProto } from '../../src/onnx/index.js';
import { withDefaultLimits } from '../../src/limits.js';
import { onnx } from '../../src/onnx/proto.js';
import { decodeNpy } from '../../src/oracle/npy.js';
import { decodeNpz } from '../../src/oracle/npz.js';
import { decodeJsonTensors } from '../../src/oracle/tensor-files.js';
import { float32 } from '../../src/tensor.js';
import { tempDir } from '../helpers/external.js';

const seeds = defaultSeeds();

function caseOf(bytes: Uint8Array, extra: Partial<ImportCaseInput> = {}): ImportCaseInput {
  return { bytes, externalData: {}, limits: FUZZ_LIMITS, precision: 'float32', fold: true, run: true, inputSeed: 1, ...extra };
}

/** A Conv big enough to take a while (1×32×96×96 by 32×32×3×3): the case a tiny timeout turns into a "hang". */
const slow = buildModel({
  opset: 13,
  nodes: [{ opType: 'Conv', inputs: ['x', 'w'], outputs: ['y'], attributes: { pads: [1, 1, 1, 1] } }],
  inputs: { x: float32([1, 32, 96, 96]) },
  initializers: { w: float32([32, 32, 3, 3]) },
  outputs: ['y'],
});

describe('import fuzzer', () => {
  const runner = new ImportCaseRunner(256);
  afterAll(() => runner.stop());

  it('bounded property: 300 mutated models each end in success or a typed error within 10 s, in a capped worker', async () => {
    const report = await runImportFuzz({ runs: 300, seed: 20261129, timeoutMs: 10_000, seeds });
    // findings first: on failure vitest prints each with its mutations and stack
    expect(report.findings).toEqual([]);
    expect(report.untypedCount).toBe(0);
    expect(report.hangCount).toBe(0);
    expect(report.crashCount).toBe(0);
    expect(report.runs).toBe(300);
    // The mutations reach past protobuf decoding into validation, shape inference and running.
    expect(Object.keys(report.typedErrors)).toEqual(expect.arrayContaining(['decode', 'invalid_graph', 'bad_attribute', 'shape', 'limit_exceeded']));
    expect(report.ran).toBeGreaterThan(10);
    expect(report.slowest!.ms).toBeLessThan(10_000);
  }, 60_000);

  it('a case is a pure function of (seed, index): the same bytes, mutations and settings every time', () => {
    const a = importFuzzCase(seeds, 7, 123);
    const b = importFuzzCase(seeds, 7, 123);
    expect(Buffer.from(a.input.bytes).equals(Buffer.from(b.input.bytes))).toBe(true);
    expect(a.mutated.mutations).toEqual(b.mutated.mutations);
    expect(a.input.inputSeed).toBe(b.input.inputSeed);
    expect(Buffer.from(importFuzzCase(seeds, 7, 124).input.bytes).equals(Buffer.from(a.input.bytes))).toBe(false);
  });

  it('mutating never writes into the seed models (Buffer#slice shares memory; the seeds are plain copies)', () => {
    const before = seeds.map((s) => Buffer.from(s.bytes).toString('base64'));
    for (let i = 0; i < 200; i++) importFuzzCase(seeds, 3, i);
    expect(seeds.map((s) => Buffer.from(s.bytes).toString('base64'))).toEqual(before);
  });

  it('a case over its time limit is a hang: the worker is terminated and the next case gets a fresh one', async () => {
    const hung = await runner.run(caseOf(slow.bytes), 5);
    expect(hung.kind).toBe('hang');
    const next = await runner.run(caseOf(slow.bytes, { run: false }), 30_000);
    expect(next).toMatchObject({ kind: 'result', outcome: 'ok' });
  });

  it('a worker that runs out of heap is a crash, not the fuzzer\'s death (resourceLimits cap)', async () => {
    // An ints attribute of 3 M elements: protobufjs makes a Long object of each, far past a 32 MB heap. The
    // pre-decoding scan refuses it under the default limits; raised ones let it through to the decoder.
    const model = onnx.ModelProto.decode(slow.bytes);
    const ints = new Array<number>(3_000_000).fill(2 ** 40);
    model.graph!.node![0]!.attribute!.push({ name: 'strides', type: 7, ints });
    const bytes = onnx.ModelProto.encode(model).finish();
    expect(await executeImportCase(caseOf(bytes, { run: false }))).toMatchObject({ outcome: 'typed', code: 'limit_exceeded' });
    const small = new ImportCaseRunner(32);
    try {
      const result = await small.run(caseOf(bytes, { limits: { ...FUZZ_LIMITS, maxAttributeElements: 1e8, maxDecodedObjects: 1e8 } }), 30_000);
      expect(result.kind).toBe('crash');
      expect(result.kind === 'crash' && result.message).toMatch(/OUT_OF_MEMORY|exited/);
      expect(await small.run(caseOf(slow.bytes, { run: false }), 30_000)).toMatchObject({ kind: 'result', outcome: 'ok' });
    } finally {
      await small.stop();
    }
  }, 60_000);

  it('an engine-wrapped internal error counts as untyped, with the original exception\'s stack', async () => {
    const { classify } = await import('../../src/fuzz/import-fuzz-case.js');
    const { asTorchParityError } = await import('../../src/errors.js');
    const outcome = classify(asTorchParityError(new TypeError('x is undefined'), 'internal', { node: 'n' }), 'run');
    expect(outcome).toMatchObject({ outcome: 'untyped', name: 'TypeError' });
    expect(outcome.outcome === 'untyped' && outcome.stack).toMatch(/TypeError: x is undefined/);
  });

  it('findings are written as reproducers (model + JSON with hostile locations kept out of file names) that replay', async () => {
    const out = tempDir();
    // A 1 ms limit makes the slow Conv's cases "hang": a finding to write without needing a real bug.
    const report = await runImportFuzz({ runs: 2, seed: 1, timeoutMs: 1, seeds: [{ name: 'slow', bytes: slow.bytes, externalData: { '../../etc/passwd': new Uint8Array([1]) } }], out });
    const written = report.findings.filter((f) => f.reproducer);
    expect(written.length).toBeGreaterThan(0);
    for (const f of written) {
      const json = JSON.parse(fs.readFileSync(f.reproducer!, 'utf8'));
      expect(json.externalData['../../etc/passwd']).toBe('AQ==');
      expect(fs.existsSync(path.join(out, json.model))).toBe(true);
      const replayed = await replayImportCase(f.reproducer!);
      expect(['ok', 'typed']).toContain(replayed.outcome);
    }
    expect(fs.readdirSync(out).every((name) => !name.includes('passwd'))).toBe(true);
    expect(report.hangCount + Object.values(report.typedErrors).reduce((a, b) => a + b, 0) + report.successes).toBe(2);
  }, 60_000);

  it('in-process execution of an unmutated seed succeeds (the seeds are valid models)', async () => {
    for (const seed of seeds.filter((s) => s.name.startsWith('built:'))) {
      expect(await executeImportCase(caseOf(seed.bytes, { externalData: seed.externalData })), seed.name).toMatchObject({ outcome: 'ok' });
    }
  });

  it('feed-file readers (.npz, .npy, .json, .pb): 3000 byte-mutated files each give tensors or a typed error', () => {
    const dir = path.join(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'fixtures', 'seed', 'inputs');
    const modelDir = path.join(dir, '..', '..', 'models', 'resnet_basic__dynamo_op18', 'test_data_set_0');
    const read = (f: string) => new Uint8Array(fs.readFileSync(f));
    const readers: [Uint8Array, (b: Uint8Array) => unknown][] = [
      [read(path.join(dir, 'input.npz')), (b) => decodeNpz(b)],
      [deflatedNpz(read(path.join(dir, 'input.npy'))), (b) => decodeNpz(b)],
      [read(path.join(dir, 'golden.npz')), (b) => decodeNpz(b)],
      [read(path.join(dir, 'input.npy')), (b) => decodeNpy(b)],
      [read(path.join(dir, 'input.json')), (b) => decodeJsonTensors(new TextDecoder().decode(b), {})],
      [read(path.join(modelDir, 'input_0.pb')), (b) => decodeTensorProto(b, {})],
    ];
    const untyped: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const r = caseRandom(99, i);
      const [base, decode] = readers[Math.floor(r() * readers.length)]!;
      let b = new Uint8Array(base);
      for (let n = 1 + Math.floor(r() * 4); n > 0; n--) {
        const kind = Math.floor(r() * 3);
        if (kind === 0) b[Math.floor(r() * b.length)] = Math.floor(r() * 256);
        else if (kind === 1) b = b.slice(0, Math.floor(r() * b.length));
        else if (b.length >= 4) new DataView(b.buffer).setUint32(Math.floor(r() * (b.length - 3)), [0xffffffff, 0x7fffffff, 0x10000, 1e9][Math.floor(r() * 4)]!, true);
      }
      try {
        decode(b);
      } catch (error) {
        if (!(error instanceof TorchParityError)) untyped.push(`case ${i}: ${String(error)}`);
      }
    }
    expect(untyped).toEqual([]);
  });

  it('pinned: .npz members whose deflate stream is corrupt, or that declare a size past the byte limit, are typed errors', async () => {
    const npy = new Uint8Array(fs.readFileSync(path.join(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'fixtures', 'seed', 'inputs', 'input.npy')));
    const good = deflatedNpz(npy);
    expect(decodeNpz(good).size).toBe(1);
    // zlib threw "invalid stored block lengths" (an Error, not a TorchParityError) through the CLI.
    const corrupt = new Uint8Array(good);
    corrupt[30 + 'x.npy'.length] = 0xff;
    corrupt[31 + 'x.npy'.length] = 0xff;
    expect(() => decodeNpz(corrupt)).toThrow(TorchParityError);
    // A zip bomb announces its size, checked against the tensor byte limit (plus header room) before inflating.
    const bomb = deflatedNpz(npy, 100_000);
    await expect(withDefaultLimits({ maxTensorBytes: 1000 }, async () => decodeNpz(bomb))).rejects.toThrow(/inflated size is 100000, over the limit of 66536/);
  });
});

/** A one-member .npz (zip) holding `npy` deflated, as numpy.savez_compressed writes it; `declared` fakes the size. */
function deflatedNpz(npy: Uint8Array, declared = npy.length): Uint8Array {
  const name = new TextEncoder().encode('x.npy');
  const data = new Uint8Array(deflateRawSync(npy));
  const local = new Uint8Array(30 + name.length);
  const lv = new DataView(local.buffer);
  lv.setUint32(0, 0x04034b50, true);
  lv.setUint16(8, 8, true);
  lv.setUint32(18, data.length, true);
  lv.setUint32(22, declared, true);
  lv.setUint16(26, name.length, true);
  local.set(name, 30);
  const central = new Uint8Array(46 + name.length);
  const cv = new DataView(central.buffer);
  cv.setUint32(0, 0x02014b50, true);
  cv.setUint16(10, 8, true);
  cv.setUint32(20, data.length, true);
  cv.setUint32(24, declared, true);
  cv.setUint16(28, name.length, true);
  cv.setUint32(42, 0, true);
  central.set(name, 46);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, 1, true);
  ev.setUint16(10, 1, true);
  ev.setUint32(12, central.length, true);
  ev.setUint32(16, local.length + data.length, true);
  const out = new Uint8Array(local.length + data.length + central.length + end.length);
  out.set(local, 0);
  out.set(data, local.length);
  out.set(central, local.length + data.length);
  out.set(end, local.length + data.length + central.length);
  return out;
}
