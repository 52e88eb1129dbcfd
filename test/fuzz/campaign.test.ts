import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bufferIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { parseShard } from '../../src/cli/commands/fuzz.js';
import { parseDuration } from '../../src/cli/duration.js';
import { convFamily } from '../../src/fuzz/arbitraries/conv.js';
import { mergeCampaigns, runCampaign } from '../../src/fuzz/campaign.js';
import type { Family } from '../../src/fuzz/family.js';
import { FAMILIES } from '../../src/fuzz/families.js';
import { caseKey, readReproCase, writeRepro } from '../../src/fuzz/repro.js';
import { runCase } from '../../src/fuzz/run-case.js';
import { verify } from '../../src/verify/verify.js';
import fc from 'fast-check';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'torchparity-fuzz-test-'));

describe('fuzz campaigns', () => {
  it('shards 0/3, 1/3, 2/3 of 12 cases are disjoint and merge into exactly the unsharded campaign', async () => {
    const families = FAMILIES.filter((f) => ['conv', 'pool', 'gemm'].includes(f.name));
    const whole = await runCampaign({ families, seed: 42, runs: 12 });
    const shards = await Promise.all([0, 1, 2].map((index) => runCampaign({ families, seed: 42, runs: 12, shard: { index, count: 3 } })));
    expect(shards.map((s) => s.cases)).toEqual([4, 4, 4]);
    const merged = mergeCampaigns(shards);
    expect(merged.cases).toBe(12);
    expect(merged.shards.map((s) => `${s.index}/${s.count}`)).toEqual(['0/3', '1/3', '2/3']);
    // Same cases: same verdict counts, value modes and boundary classes, op by op.
    expect(merged.perOp).toEqual(whole.perOp);
    expect(() => mergeCampaigns([whole, { ...whole, seed: 43 }])).toThrow(/different seeds/);
  });

  it('a failing case is shrunk, printed with seed and path, and written as a reproducer', async () => {
    // A family whose cases our importer must refuse (group does not divide the channels): an engine error on a
    // "valid" case, which is how the fuzzer reports it.
    const broken: Family = {
      ...convFamily,
      name: 'broken-conv',
      arbitrary: (mode) => convFamily.arbitrary(mode).map((c) => ({ ...c, nodes: [{ ...c.nodes[0]!, attributes: { ...c.nodes[0]!.attributes, group: 7 } }] })),
    };
    const out = tmp();
    const result = await runCampaign({ families: [broken], seed: 5, runs: 1, outDir: out });
    expect(result.failures).toHaveLength(1);
    const f = result.failures[0]!;
    expect(f.reason).toMatch(/engine error on a valid case: \[(bad_attribute|shape)\]/);
    expect(typeof f.seed).toBe('number');
    expect(f.path).toMatch(/^\d+(:\d+)*$/);
    expect(fs.existsSync(path.join(f.dir!, 'model.onnx'))).toBe(true);
    expect(fs.existsSync(path.join(f.dir!, 'test_data_set_0', 'input_0.pb'))).toBe(true);
    const stored = readReproCase(f.dir!);
    expect(stored.verdict).toBe('fail');
    expect(path.basename(f.dir!)).toBe(caseKey(stored.case));
    // Shrinking reached a smallest case: rank 1, batch 1.
    expect(stored.case.inputs[0]!.dims.length).toBe(3);
    expect(stored.case.inputs[0]!.dims[0]).toBe(1);
  });

  it('a reproducer folder is a test directory: `verify` replays it, and a wrong saved output fails it', async () => {
    const c = fc.sample(convFamily.arbitrary('normal'), { seed: 9, numRuns: 1 })[0]!;
    const r = await runCase(c, { family: convFamily });
    const out = tmp();
    const dir = writeRepro(out, c, r, { seed: 9, path: '0' });
    const record = JSON.parse(fs.readFileSync(path.join(dir, 'case.json'), 'utf8'));
    expect(record).toMatchObject({ op: 'Conv', verdict: r.verdict, seed: 9, path: '0', versions: { onnxruntime: r.oracle.version } });
    expect(record.shapes.X).toEqual(c.inputs[0]!.dims);
    expect(fs.existsSync(path.join(dir, 'ours', 'output_0.pb'))).toBe(true);
    const [report] = await verify(dir);
    expect(report!.verdict).toBe(r.verdict === 'refused' ? report!.verdict : 'pass');
    // Tamper with the saved expected output: replay must now fail.
    const tampered = { ...r, artifacts: { ...r.artifacts, oracle: undefined, referee: { Y: { ...r.artifacts.ours!.Y!, data: r.artifacts.ours!.Y!.data.map((v) => v + 1) } } } };
    const bad = writeRepro(tmp(), c, tampered as typeof r);
    const [badReport] = await verify(bad, { noOracle: true });
    expect(badReport!.verdict).toBe('fail');
  });
});

describe('torchparity fuzz (CLI)', () => {
  it('--runs, --seed, --ops, --json: a table per op, JSON results, exit 0; --merge reads them back', async () => {
    const dir = tmp();
    const json = path.join(dir, 'r.json');
    const io = bufferIO();
    const code = await main(['fuzz', '--ops', 'conv,pool', '--runs', '6', '--seed', '3', '--json', json, '--out', path.join(dir, 'fail')], io);
    const text = io.stdout.join('\n');
    expect(code, text + io.stderr.join('\n')).toBe(0);
    expect(text).toMatch(/fuzzing conv, pool with seed 3, 6 cases/);
    expect(text).toMatch(/op\s+cases\s+pass\s+fail\s+oracle refused\s+known divergence\s+classes/);
    expect(text).toMatch(/boundary-class coverage/);
    expect(text).toMatch(/6 cases, no failure/);
    const result = JSON.parse(fs.readFileSync(json, 'utf8'));
    expect(result).toMatchObject({ format: 'torchparity-fuzz/1', seed: 3, cases: 6, failures: [] });
    expect(result.versions.onnxruntime).toMatch(/^\d+\.\d+/);
    const merged = bufferIO();
    expect(await main(['fuzz', '--merge', json, '--merge', json], merged)).toBe(0);
    expect(merged.stdout.join('\n')).toMatch(/12 cases/);
  });

  it('--target import runs the importer mutation fuzzer and reports typed errors, untyped exceptions and hangs', async () => {
    const io = bufferIO();
    const code = await main(['fuzz', '--target', 'import', '--runs', '40', '--seed', '11', '--out', path.join(tmp(), 'findings')], io);
    const text = io.stdout.join('\n');
    expect(code, text).toBe(0);
    expect(text).toMatch(/import fuzz: 40 cases, seed 11/);
    expect(text).toMatch(/untyped exceptions: 0/);
    expect(text).toMatch(/hangs: +0/);
  });

  it('usage errors: no budget, a bad shard, an unknown family, an unknown target, ops options with --target import', async () => {
    for (const args of [
      ['fuzz'],
      ['fuzz', '--runs', '1', '--shard', '3/3'],
      ['fuzz', '--runs', '1', '--ops', 'nope'],
      ['fuzz', '--runs', '1', '--target', 'kernels'],
      ['fuzz', '--runs', '1', '--target', 'import', '--ops', 'conv'],
    ]) {
      const io = bufferIO();
      expect(await main(args, io)).toBe(2);
      expect(io.stderr.join('\n')).toMatch(/error \[usage\]/);
    }
  });

  it('durations and shards parse', () => {
    expect(parseDuration('10m')).toBe(600_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('90')).toBe(90_000);
    expect(() => parseDuration('10 minutes')).toThrow(/duration/);
    expect(parseShard('1/4')).toEqual({ index: 1, count: 4 });
    expect(() => parseShard('4/4')).toThrow(/i\/n/);
  });
});

describe('explicit tolerances', () => {
  it('--rtol/--atol replace the bounds and are recorded; absurdly tight ones make reductions fail', async () => {
    const loose = await runCampaign({ families: [convFamily], seed: 8, runs: 3, allclose: { rtol: 1e-3, atol: 1e-4 }, shrink: false });
    expect(loose.tolerance).toBe('rtol 0.001, atol 0.0001 (exact cases bit-exact)');
    expect(loose.failures).toEqual([]);
    const c = fc.sample(convFamily.arbitrary('normal'), { seed: 21, numRuns: 40 }).find((x) => x.check.kind === 'reduction' && (x.nodes[0]!.attributes!.auto_pad ?? 'NOTSET') === 'NOTSET')!;
    const tight = await runCase(c, { family: convFamily, allclose: { rtol: 0, atol: 0 } });
    const bounded = await runCase(c, { family: convFamily });
    expect(bounded.verdict).toBe('pass');
    // Zero tolerance against the float64 referee: float32 rounding alone fails it.
    expect(tight.outputs[0]!.vsReferee!.tolerance).toBe('rtol 0, atol 0');
    expect(tight.verdict).toBe('fail');
  });
});
