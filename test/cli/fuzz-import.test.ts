import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fuzzImport } from '../../src/cli/commands/fuzz-import.js';
import { bufferIO } from '../../src/cli/io.js';
import { tempDir } from '../helpers/external.js';

async function run(options: Record<string, string | number>) {
  const io = bufferIO();
  const code = await fuzzImport({ positional: [], options }, io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

describe('fuzzImport: the handler behind `torchparity fuzz --target import`', () => {
  it('--runs 40 --seed 5 --json FILE: exit 0, the figures printed and written', async () => {
    const json = path.join(tempDir(), 'report.json');
    const r = await run({ runs: 40, seed: 5, json, 'case-timeout': 20_000 });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^import fuzz: 40 cases, seed 5, per-case timeout 20000 ms/);
    expect(r.out).toMatch(/40 cases from \d+ seed models, seed 5/);
    expect(r.out).toMatch(/untyped exceptions: 0\n {2}hangs: {14}0 /);
    expect(r.out).toMatch(/slowest case: +#\d+ [\d.]+ ms/);
    const report = JSON.parse(fs.readFileSync(json, 'utf8'));
    expect(report).toMatchObject({ runs: 40, seed: 5, untypedCount: 0, hangCount: 0, crashCount: 0 });
    expect(Object.values(report.typedErrors as Record<string, number>).reduce((a, b) => a + b, 0) + report.successes).toBe(40);
  }, 60_000);

  it('--time alone runs until the time is up', async () => {
    const r = await run({ time: '2s', seed: 1 });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/import fuzz: until the time is up/);
    expect(r.out).toMatch(/\d+ cases from/);
  }, 60_000);

  it('a bad --runs or --time is a usage error', async () => {
    await expect(run({ runs: -1 })).rejects.toMatchObject({ code: 'usage' });
    await expect(run({ time: 'soon' })).rejects.toMatchObject({ code: 'usage' });
  });
});
