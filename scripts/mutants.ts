/**
 * Proof that the property suite bites: deliberately broken engine variants, each a small textual patch applied to a
 * temporary copy of the repository (src/, test/, configs and fixtures/regressions copied, node_modules linked). For
 * each, the property suites (test/fuzz/*.prop.test.ts) run in the copy with their default budgets and must fail,
 * stopping at the first failing test. Prints a kill table; exits 1 when a mutant survives, when a patch no longer
 * applies (its `find` text must occur exactly once), or when the unmutated suites do not pass to begin with.
 *
 *   npm run test:mutants                                               all mutants
 *   npm run test:mutants -- conv-dilation-ignored count-include-pad-ignored   only these
 *   npm run test:mutants -- --no-baseline                              skip the unmutated run
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Mutant {
  name: string;
  /** What the broken engine gets wrong. */
  breaks: string;
  file: string;
  find: string;
  replace: string;
}

export const MUTANTS: readonly Mutant[] = [
  {
    name: 'conv-dilation-ignored',
    breaks: 'Conv reads taps as if every dilation were 1',
    // float32 Conv runs on the fast kernels; convShape resolves the geometry for all three paths.
    file: 'src/kernels/conv-fast.ts',
    find: 'const [DD, DH, DW] = g.dilations.map((x) => x | 0) as [number, number, number];',
    replace: 'const [DD, DH, DW] = [1, 1, 1] as [number, number, number];',
  },
  {
    name: 'same-upper-lower-swapped',
    breaks: 'SAME_UPPER puts the odd padding cell first, SAME_LOWER last',
    file: 'src/kernels/geometry.ts',
    find: 'return upper ? [small, total - small] : [total - small, small];',
    replace: 'return upper ? [total - small, small] : [small, total - small];',
  },
  {
    name: 'ceil-mode-last-window-kept',
    breaks: "ceil_mode keeps a last window that starts in the end padding (PyTorch's drop rule gone)",
    file: 'src/kernels/geometry.ts',
    find: 'if ((out - 1) * stride >= input + padBegin) out -= 1;',
    replace: '',
  },
  {
    name: 'count-include-pad-ignored',
    breaks: 'AveragePool always divides by the cells inside the input',
    file: 'src/kernels/pool.ts',
    find: 'const divisor = p.countIncludePad ? ad.padded[od]! * ah.padded[oh]! * aw.padded[ow]! : count;',
    replace: 'const divisor = count;',
  },
  {
    name: 'conv-group-offset-wrong',
    breaks: 'every Conv group reads the first group of input channels (groups of 2+ channels: the implicit-GEMM path)',
    file: 'src/kernels/conv-fast.ts',
    find: 'const xBase = (n * s.C + g * s.inPerGroup) * s.inPlane;',
    replace: 'const xBase = (n * s.C) * s.inPlane;',
  },
  {
    name: 'conv-batch-offset-reused',
    breaks: 'every image of the batch reads image 0 (groups of 2+ channels: the implicit-GEMM path)',
    file: 'src/kernels/conv-fast.ts',
    find: 'const xBase = (n * s.C + g * s.inPerGroup) * s.inPlane;',
    replace: 'const xBase = (0 * s.C + g * s.inPerGroup) * s.inPlane;',
  },
  {
    name: 'asymmetric-pads-mirrored',
    breaks: 'explicit pads: begins and ends swapped',
    file: 'src/kernels/geometry.ts',
    find: 'begin[i] = pads[i]!;\n      end[i] = pads[i + rank]!;',
    replace: 'begin[i] = pads[i + rank]!;\n      end[i] = pads[i]!;',
  },
  {
    name: 'gemm-bias-broadcast-wrong',
    breaks: 'Gemm reads C along columns even when C has one column ([M,1], [1], scalar)',
    file: 'src/ops/nn/gemm.ts',
    find: 'colStride: cols === 1 ? 0 : 1',
    replace: 'colStride: 1',
  },
  {
    name: 'gemm-transpose-ignored-for-a',
    breaks: 'Gemm reads A row-major whatever transA says',
    // float32 Gemm runs on the fast kernel; the op builds its view of A.
    file: 'src/ops/nn/gemm.ts',
    find: 'rowStride: transA ? 1 : params.K, colStride: transA ? params.M : 1',
    replace: 'rowStride: params.K, colStride: 1',
  },
  {
    name: 'maxpool-dilation-ignored',
    breaks: 'MaxPool steps through the window by 1 whatever the dilation (float32 without Indices: the fast kernel)',
    file: 'src/kernels/pool-fast.ts',
    find: 'const [DD, DH, DW] = g.dilations;\n  const [ad, ah, aw] = axes;\n  // Interior columns',
    replace: 'const [DD, DH, DW] = [1, 1, 1] as [number, number, number];\n  const [ad, ah, aw] = axes;\n  // Interior columns',
  },
  {
    name: 'conv-transpose-output-padding-ignored',
    breaks: 'ConvTranspose output size leaves out output_padding',
    file: 'src/kernels/conv-transpose.ts',
    find: 'return transposedSpan(input, kernel, stride, dilation) + outputPadding - padBegin - padEnd;',
    replace: 'return transposedSpan(input, kernel, stride, dilation) - padBegin - padEnd;',
  },
  {
    name: 'batchnorm-epsilon-ignored',
    breaks: 'BatchNormalization divides by √var, without epsilon',
    file: 'src/kernels/normalization.ts',
    find: 'alpha[f] = scale[f]! / Math.sqrt(variance[f]! + epsilon);',
    replace: 'alpha[f] = scale[f]! / Math.sqrt(variance[f]!);',
  },
  {
    name: 'referee-refuses-float32-ports',
    breaks: 'the float64 referee run refuses ops whose ports take float32 only (the Celu-12 bug the fuzzer found)',
    file: 'src/ir/types.ts',
    find: "const promoted = precision === 'float64' && type.dtype === 'float64' && allowed?.includes('float32');",
    replace: 'const promoted = false;',
  },
];

/** The property suites (test/fuzz/*.prop.test.ts): what must catch every mutant. */
const PROPERTY_SUITE = '.prop.test.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const COPY = ['src', 'test', 'package.json', 'tsconfig.json', 'fixtures/regressions'];

function count(text: string, find: string): number {
  let n = 0;
  for (let i = text.indexOf(find); i >= 0; i = text.indexOf(find, i + find.length)) n++;
  return n;
}

/** Every patch must apply to exactly one place, or the mutant tests nothing. */
export function checkPatches(root = ROOT, mutants: readonly Mutant[] = MUTANTS): string[] {
  return mutants.flatMap((m) => {
    const file = path.join(root, m.file);
    if (!fs.existsSync(file)) return [`${m.name}: ${m.file} does not exist`];
    const n = count(fs.readFileSync(file, 'utf8'), m.find);
    return n === 1 ? [] : [`${m.name}: the text to replace occurs ${n} times in ${m.file} (must be exactly once); update the patch`];
  });
}

function makeCopy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'torchparity-mutant-'));
  for (const entry of COPY) {
    const from = path.join(ROOT, entry);
    if (fs.existsSync(from)) fs.cpSync(from, path.join(dir, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

interface SuiteRun {
  failed: boolean;
  seconds: number;
  firstFailure?: string;
}

function runSuite(dir: string): SuiteRun {
  const start = Date.now();
  const run = spawnSync(
    process.execPath,
    [path.join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--config', 'test/vitest.config.ts', PROPERTY_SUITE, '--bail', '1', '--reporter', 'default'],
    { cwd: dir, encoding: 'utf8', env: { ...process.env, CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0' }, maxBuffer: 64 * 1024 * 1024 },
  );
  const output = `${run.stdout ?? ''}\n${run.stderr ?? ''}`;
  // " FAIL  test/fuzz/conv.prop.test.ts > describe > test": the file and the test that caught the mutant.
  const failing = output.split('\n').find((l) => /^\s*FAIL\s+test\//.test(l)) ?? output.split('\n').find((l) => /^\s*(×|✗)\s/.test(l));
  return { failed: run.status !== 0, seconds: (Date.now() - start) / 1000, firstFailure: failing?.trim().replace(/^(FAIL|×|✗)\s*/, '') };
}

function main(): number {
  const args = process.argv.slice(2);
  const baseline = !args.includes('--no-baseline');
  const wanted = args.filter((a) => !a.startsWith('--'));
  const unknown = wanted.filter((w) => !MUTANTS.some((m) => m.name === w));
  if (unknown.length) {
    console.error(`unknown mutants: ${unknown.join(', ')}\nknown: ${MUTANTS.map((m) => m.name).join(', ')}`);
    return 2;
  }
  const selected = wanted.length ? MUTANTS.filter((m) => wanted.includes(m.name)) : MUTANTS;
  const broken = checkPatches(ROOT, selected);
  if (broken.length) {
    console.error(`patches that no longer apply:\n  ${broken.join('\n  ')}`);
    return 1;
  }
  if (baseline) {
    const dir = makeCopy();
    try {
      const run = runSuite(dir);
      console.log(`baseline (no mutation): ${run.failed ? 'FAILS' : 'passes'} in ${run.seconds.toFixed(0)}s`);
      if (run.failed) {
        console.error(`the unmutated property suite fails (${run.firstFailure ?? 'see npm test'}); mutants would prove nothing`);
        return 1;
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  const rows: string[][] = [];
  for (const m of selected) {
    const dir = makeCopy();
    try {
      const file = path.join(dir, m.file);
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(m.find, m.replace));
      const run = runSuite(dir);
      rows.push([m.name, run.failed ? 'killed' : 'SURVIVED', `${run.seconds.toFixed(0)}s`, run.failed ? (run.firstFailure ?? '(suite failed)') : m.breaks]);
      console.log(`${m.name}: ${run.failed ? 'killed' : 'SURVIVED'} (${run.seconds.toFixed(0)}s)`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  const header = ['mutant', 'verdict', 'time', 'first failing test (or what the mutant breaks)'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === header.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ');
  console.log(['', line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n'));
  const survivors = rows.filter((r) => r[1] === 'SURVIVED').length;
  console.log(`\n${rows.length - survivors} of ${rows.length} mutants killed${survivors ? `; ${survivors} SURVIVED` : ''}`);
  return survivors ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = main();
