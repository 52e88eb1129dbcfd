import * as fs from 'node:fs';
import { TorchParityError } from '../../errors.js';
import { runImportFuzz, type ImportFuzzReport } from '../../fuzz/import-fuzz.js';
import type { ParsedArgs } from '../args.js';
import { EXIT_MISMATCH, EXIT_OK } from '../command.js';
import { parseDuration } from '../duration.js';
import { paint, type CliIO } from '../io.js';

/**
 * `torchparity fuzz --target import`: the importer mutation fuzzer (src/fuzz/import-fuzz.ts). Reads --runs (default
 * 1000, or unbounded with --time), --seed (default random, printed), --out (reproducers of findings), --time (a
 * duration that stops the run), --json (the report) and, when the command declares them, --case-timeout (ms per
 * case, default 10000) and --memory (MB of V8 heap for the worker, default 512). Exit status: 0 when every case
 * ended in success or a typed error, 1 when there was a finding (untyped exception, hang or crashed worker).
 */
export async function fuzzImport(args: ParsedArgs, io: CliIO): Promise<number> {
  const o = args.options;
  const number = (name: string, fallback?: number): number | undefined => {
    const v = o[name];
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < 0) throw new TorchParityError('usage', `--${name} expects a non-negative integer, got '${String(v)}'`);
    return n;
  };
  // --time alone runs until the time is up; neither gives 1000 cases.
  const runs = number('runs', o.time === undefined ? 1000 : Number.MAX_SAFE_INTEGER)!;
  const seed = number('seed') ?? Math.floor(Math.random() * 2 ** 31);
  const timeoutMs = number('case-timeout', 10_000)!;
  const memoryMb = number('memory', 512)!;
  const timeBudgetMs = o.time === undefined ? undefined : parseDuration(String(o.time));
  const out = o.out === undefined ? undefined : String(o.out);
  io.out(`import fuzz: ${runs === Number.MAX_SAFE_INTEGER ? 'until the time is up' : `${runs} cases`}, seed ${seed}, per-case timeout ${timeoutMs} ms, worker heap ${memoryMb} MB${timeBudgetMs ? `, at most ${String(o.time)}` : ''}`);
  const started = Date.now();
  const report = await runImportFuzz({
    runs,
    seed,
    timeoutMs,
    memoryMb,
    out,
    timeBudgetMs,
    progressEvery: runs >= 5000 ? 5000 : undefined,
    onProgress: (r) => io.err(`  ${r.runs}${runs === Number.MAX_SAFE_INTEGER ? '' : `/${runs}`} cases, ${r.untypedCount} untyped, ${r.hangCount} hangs, ${r.crashCount} crashes, ${Math.round((Date.now() - started) / 1000)} s`),
  });
  io.out(renderImportFuzz(report, io, out));
  if (o.json !== undefined) fs.writeFileSync(String(o.json), `${JSON.stringify(report, null, 1)}\n`);
  return report.untypedCount + report.hangCount + report.crashCount > 0 ? EXIT_MISMATCH : EXIT_OK;
}

export function renderImportFuzz(r: ImportFuzzReport, io: CliIO, out?: string): string {
  const bad = (n: number) => (n > 0 ? paint(io, 'red', String(n)) : String(n));
  const typed = Object.entries(r.typedErrors)
    .sort((a, b) => b[1] - a[1])
    .map(([code, n]) => `${code} ${n}`)
    .join(', ');
  const lines = [
    `${r.runs} cases from ${r.seedModels} seed models, seed ${r.seed}, in ${(r.elapsedMs / 1000).toFixed(1)} s`,
    `  successes:          ${r.successes} (${r.ran} also ran on random inputs)`,
    `  typed errors:       ${typed || 'none'}`,
    `  untyped exceptions: ${bad(r.untypedCount)}`,
    `  hangs:              ${bad(r.hangCount)} (per-case timeout ${r.timeoutMs} ms)`,
    `  crashed workers:    ${bad(r.crashCount)} (heap cap ${r.memoryMb} MB)`,
  ];
  if (r.slowest) {
    lines.push(
      `  slowest case:       #${r.slowest.index} ${r.slowest.ms.toFixed(1)} ms, ${r.slowest.outcome}, ${r.slowest.base}` +
        (r.slowest.mutations.length ? `: ${r.slowest.mutations.join('; ')}` : ' (unmutated)'),
    );
  }
  for (const s of r.signatures) {
    lines.push(`FINDING ×${s.count}: ${s.signature}`);
    for (const f of r.findings.filter((x) => x.signature === s.signature)) {
      lines.push(`  case ${f.index} (${f.base}): ${f.mutations.join('; ')}${f.reproducer ? `\n    reproducer: ${f.reproducer}` : ''}`);
    }
  }
  if (r.signatures.length && !out) lines.push('(give --out DIR to write reproducers)');
  return lines.join('\n');
}
