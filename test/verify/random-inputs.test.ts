import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bufferIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import type { GraphInput } from '../../src/ir/graph.js';
import { randomInputs } from '../../src/verify/random-inputs.js';
import { tempDir } from '../helpers/external.js';

const input = (dims: GraphInput['dims'], dtype: GraphInput['dtype'] = 'float32'): GraphInput[] => [{ name: 'x', dtype, dims }];
const values = (t: { data: ArrayLike<number> }) => Array.from(t.data);

describe('seeded random inputs (--seed, --dist, --range, --shape)', () => {
  it('uniform --range 2,3: every value in [2, 3), spread over it', () => {
    const v = values(randomInputs(input([4000]), { dist: 'uniform', range: [2, 3], seed: 1 }).x!);
    expect(Math.min(...v)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...v)).toBeLessThan(3);
    expect(Math.max(...v) - Math.min(...v)).toBeGreaterThan(0.99);
  });

  it('int --range -3,3: integers from -3 to 3 inclusive, each one drawn', () => {
    const v = values(randomInputs(input([4000]), { dist: 'int', range: [-3, 3], seed: 2 }).x!);
    expect(v.every((x) => Number.isInteger(x))).toBe(true);
    expect([...new Set(v)].sort((a, b) => a - b)).toEqual([-3, -2, -1, 0, 1, 2, 3]);
  });

  it('normal --range 5,0.1 is mean 5, standard deviation 0.1', () => {
    const v = values(randomInputs(input([20000]), { dist: 'normal', range: [5, 0.1], seed: 3 }).x!);
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
    expect(mean).toBeCloseTo(5, 2);
    expect(std).toBeCloseTo(0.1, 2);
  });

  it('the same seed gives the same values, another seed others; symbolic dims take --shape, else 1', () => {
    const a = randomInputs(input(['N', 3]), { seed: 9, shapes: { x: [2, 3] } }).x!;
    const b = randomInputs(input(['N', 3]), { seed: 9, shapes: { x: [2, 3] } }).x!;
    const c = randomInputs(input(['N', 3]), { seed: 10, shapes: { x: [2, 3] } }).x!;
    expect(a.dims).toEqual([2, 3]);
    expect(values(a)).toEqual(values(b));
    expect(values(a)).not.toEqual(values(c));
    expect(randomInputs(input(['N', 3]), {}).x!.dims).toEqual([1, 3]);
  });

  it('integer inputs get integers whatever the distribution', () => {
    const v = values(randomInputs(input([100], 'int64'), { seed: 4 }).x!);
    expect(v.every((x) => Number.isInteger(x) && x >= 0 && x <= 10)).toBe(true);
  });

  it('CLI: --dist int --range 0,4 --seed 1 says what it fed; a bad --dist or --range is a usage error', async () => {
    const dir = tempDir();
    fs.cpSync('fixtures/seed/seed_torchscript/model.onnx', path.join(dir, 'm.onnx'));
    const run = async (...argv: string[]) => {
      const io = bufferIO();
      return { code: await main(['verify', path.join(dir, 'm.onnx'), ...argv], io), out: io.stdout.join('\n'), err: io.stderr.join('\n') };
    };
    const ok = await run('--dist', 'int', '--range', '0,4', '--seed', '1', '--shape', 'input=3,1,28,28');
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toContain('inputs: random int inputs, seed 1 (input [3,1,28,28])');
    expect((await run('--dist', 'cauchy')).err).toContain("--dist 'cauchy' is not normal, uniform or int");
    expect((await run('--range', '1')).code).toBe(2);
  });
});
