import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The README's Library section is executed as written: its ```ts blocks, with `torchparity` resolved to this
 * checkout's src/, run in a child process — the plain example with Node (tsx), the matcher example as a vitest test
 * file. If the README drifts from the API, this fails.
 */
const run = promisify(execFile);
const ROOT = path.resolve('.');
// Under the repository's git-ignored tmp/, so the examples resolve `vitest` from node_modules like a user's tests.
const WORK = path.join(ROOT, 'tmp', `readme-${process.pid}`);

function librarySection(): string {
  const readme = fs.readFileSync('README.md', 'utf8');
  const start = readme.indexOf('\n## Library\n');
  expect(start, 'README has a "## Library" section').toBeGreaterThan(0);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

function tsBlocks(text: string): string[] {
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

/** `from 'torchparity'` and `'torchparity/vitest'` point at this checkout's sources. */
function localImports(code: string): string {
  return code
    .replace(/(['"])torchparity\/vitest\1/g, JSON.stringify(path.join(ROOT, 'src', 'vitest.js')))
    .replace(/(['"])torchparity\1/g, JSON.stringify(path.join(ROOT, 'src', 'index.js')));
}

describe('README Library section', () => {
  fs.mkdirSync(WORK, { recursive: true });
  afterAll(() => fs.rmSync(WORK, { recursive: true, force: true }));
  const blocks = tsBlocks(librarySection());

  it('has the library example and the matcher example', () => {
    expect(blocks).toHaveLength(2);
    expect(blocks[0]).toMatch(/loadModel[\s\S]*session\.run[\s\S]*compare\([\s\S]*verify\(/);
    expect(blocks[1]).toMatch(/import 'torchparity\/vitest'[\s\S]*toMatchTensor/);
  });

  it('both examples type-check under strict settings (noUncheckedIndexedAccess included)', async () => {
    const files = blocks.map((b, i) => {
      const file = path.join(WORK, `typecheck-${i}.mts`);
      fs.writeFileSync(file, localImports(b));
      return file;
    });
    const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const args = ['--noEmit', '--strict', '--noUncheckedIndexedAccess', '--target', 'ES2022', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--types', 'node', '--skipLibCheck'];
    const result = await run(process.execPath, [tsc, ...args, ...files], { cwd: ROOT, timeout: 120_000 }).catch((e: { stdout: string }) => e);
    // Only the examples are judged here; the sources have their own type-check.
    const problems = result.stdout.split('\n').filter((l) => l.startsWith(path.relative(ROOT, WORK)) || l.startsWith(WORK));
    expect(problems.join('\n')).toBe('');
  }, 180_000);

  it('the library example runs as a program and prints what it says', async () => {
    const file = path.join(WORK, 'library.mts');
    fs.writeFileSync(file, localImports(blocks[0]!));
    const { stdout } = await run(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, timeout: 120_000 });
    expect(stdout).toMatch(/^vs PyTorch: max abs \d\.\d\de-\d+, max ulp \d+$/m);
    expect(stdout).toMatch(/^Conv\[2,25,26,26\] → Relu\[2,25,26,26\] → MaxPool\[2,25,13,13\] → .* → Gemm\[2,10\]$/m);
    expect(stdout).toMatch(/^float64 vs PyTorch: max abs /m);
    expect(stdout).toMatch(/^pass — the output matches saved outputs and onnxruntime — all 12 values of 12 nodes agree with onnxruntime/m);
  }, 180_000);

  it('the matcher example passes as a vitest test file', async () => {
    const file = path.join(WORK, 'matcher.test.ts');
    fs.writeFileSync(file, localImports(blocks[1]!));
    const config = path.join(WORK, 'vitest.config.mjs');
    fs.writeFileSync(config, `export default { test: { root: ${JSON.stringify(ROOT)}, include: [${JSON.stringify(path.relative(ROOT, file))}] } };\n`);
    const { stdout } = await run(process.execPath, [path.join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--config', config], {
      cwd: ROOT,
      timeout: 120_000,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    expect(stdout).toMatch(/Tests\s+1 passed \(1\)/);
  }, 180_000);
});
