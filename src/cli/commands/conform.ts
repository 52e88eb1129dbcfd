import * as fs from 'node:fs';
import * as path from 'node:path';
import { ONNX_SUITE, TORCH_FLOAT32, type Tolerance } from '../../compare/tolerance.js';
import { exclusionReason, parseManifest, renderManifest, type Manifest } from '../../conformance/manifest.js';
import { runConformanceTest, type ConformanceResult } from '../../conformance/run-test.js';
import { TorchParityError } from '../../errors.js';
import { findTestDirs } from '../../oracle/test-dir.js';
import { renderJUnit } from '../../report/junit.js';
import { formatNumber } from '../../report/table.js';
import { EXIT_MISMATCH, EXIT_OK, type Command } from '../command.js';
import { paint, type CliIO } from '../io.js';
import { toleranceFromArgs } from './verify.js';

const UNEXPLAINED = 'UNEXPLAINED: fails without a documented reason; investigate, then move it under a reason';

function toleranceOf(options: Record<string, unknown>): Tolerance {
  const explicit = toleranceFromArgs(options);
  if (explicit) return explicit;
  const name = (options.tolerance as string | undefined) ?? 'onnx';
  if (name === 'onnx') return ONNX_SUITE;
  if (name === 'torch') return TORCH_FLOAT32;
  throw new TorchParityError('usage', `--tolerance '${name}' is not onnx or torch`);
}

function worst(r: ConformanceResult): { abs?: number; rel?: number } {
  if (r.outputs.length === 0) return {};
  return {
    abs: Math.max(...r.outputs.map((o) => o.comparison.maxAbs)),
    rel: Math.max(...r.outputs.map((o) => o.comparison.maxRel)),
  };
}

function line(io: CliIO, r: ConformanceResult): string {
  const colour = r.status === 'pass' ? 'green' : r.status === 'unsupported' ? 'yellow' : 'red';
  const { abs, rel } = worst(r);
  const stats = r.outputs.length ? `  max abs ${formatNumber(abs)}  max rel ${formatNumber(rel)}` : '';
  const head = `${paint(io, colour, r.status.toUpperCase().padEnd(11))} ${r.name}${stats}  ${r.milliseconds.toFixed(0)} ms`;
  return r.message ? `${head}\n            ${r.message}` : head;
}

/** Regenerates the manifest: passing tests listed, failing ones kept under their documented reasons. */
function updatedManifest(previous: Manifest | undefined, results: readonly ConformanceResult[]): Manifest {
  const next: Manifest = { pass: [], excluded: new Map() };
  for (const r of results) {
    if (r.status === 'pass') {
      next.pass.push(r.name);
      continue;
    }
    const reason = (previous && exclusionReason(previous, r.name)) ?? UNEXPLAINED;
    next.excluded.set(reason, [...(next.excluded.get(reason) ?? []), r.name]);
  }
  return next;
}

export const conformCommand: Command = {
  name: 'conform',
  summary: 'run ONNX backend-test directories (model.onnx + test_data_set_*) and report pass/fail/unsupported',
  usage: 'torchparity conform DIR... [--manifest FILE] [--junit FILE] [--tolerance onnx|torch]',
  description: [
    'Finds every test directory (a folder with model.onnx and test_data_set_*/) under the given folders and runs',
    'it on torchparity\'s engine. Comparison follows ONNX\'s for its suites (rtol 1e-3, atol 1e-7) unless',
    '--tolerance torch (torch.testing.assert_close float32: rtol 1.3e-6, atol 1e-5) or --rtol/--atol is given.',
    'With --manifest, only the tests the manifest lists under `pass:` decide the exit status, and excluded tests',
    'are reported with their documented reasons. --write-manifest regenerates it from this run.',
  ].join('\n'),
  options: [
    { name: 'tolerance', type: 'string', value: 'onnx|torch', default: 'onnx', help: 'comparison policy' },
    { name: 'rtol', type: 'number', help: 'relative tolerance (overrides --tolerance)' },
    { name: 'atol', type: 'number', help: 'absolute tolerance (overrides --tolerance)' },
    { name: 'filter', type: 'string', value: 'REGEX', help: 'only tests whose name matches' },
    { name: 'manifest', type: 'string', value: 'FILE', help: 'fail only when a test listed as passing does not pass' },
    { name: 'write-manifest', type: 'string', value: 'FILE', help: 'write the manifest for this run (keeps documented exclusion reasons)' },
    { name: 'junit', type: 'string', value: 'FILE', help: 'write JUnit XML' },
    { name: 'json', type: 'string', value: 'FILE', help: 'write every result as JSON' },
    { name: 'quiet', type: 'flag', help: 'print only tests that do not pass, and the summary' },
  ],
  async run({ positional, options }, io) {
    if (positional.length === 0) throw new TorchParityError('usage', 'conform needs at least one folder');
    const tolerance = toleranceOf(options);
    let filter: RegExp | undefined;
    if (options.filter !== undefined) {
      try {
        filter = new RegExp(String(options.filter));
      } catch {
        throw new TorchParityError('usage', `--filter '${options.filter}' is not a valid regular expression`);
      }
    }
    const readManifest = (file: string | undefined) =>
      file && fs.existsSync(file) ? parseManifest(fs.readFileSync(file, 'utf8'), file) : undefined;
    const manifest = readManifest(options.manifest as string | undefined);
    if (options.manifest && !manifest) throw new TorchParityError('usage', `manifest '${options.manifest}' does not exist`);
    const dirs = positional.flatMap((p) => {
      if (!fs.existsSync(p)) throw new TorchParityError('usage', `'${p}' does not exist`);
      return findTestDirs(p);
    }).filter((d) => !filter || filter.test(path.basename(d)));
    if (dirs.length === 0) throw new TorchParityError('usage', 'no test directories (model.onnx + test_data_set_*) found');
    io.out(`running ${dirs.length} conformance tests, tolerance: ${tolerance.name}`);
    const results: ConformanceResult[] = [];
    for (const dir of dirs) {
      const r = await runConformanceTest(dir, tolerance);
      results.push(r);
      if (!options.quiet || r.status !== 'pass') io.out(line(io, r));
    }
    const counts = { pass: 0, fail: 0, unsupported: 0, error: 0 };
    for (const r of results) counts[r.status]++;
    const percent = ((100 * counts.pass) / results.length).toFixed(1);
    io.out(`\n${results.length} tests: ${counts.pass} pass (${percent}%), ${counts.fail} fail, ${counts.unsupported} unsupported, ${counts.error} error`);

    if (options.junit) {
      const suites = [...new Set(positional)].map((root) => ({
        name: `conformance ${root}`,
        properties: { tolerance: tolerance.name },
        cases: results
          .filter((r) => path.resolve(r.dir).startsWith(path.resolve(root)))
          .map((r) => ({
            name: r.name,
            className: `torchparity.conform.${path.basename(root)}`,
            timeSeconds: r.milliseconds / 1000,
            ...(r.status === 'fail' || r.status === 'error' ? { failure: { message: `${r.status}: ${r.message ?? ''}`.slice(0, 500), details: r.message } } : {}),
            ...(r.status === 'unsupported' ? { skipped: r.message ?? 'unsupported' } : {}),
          })),
      }));
      fs.writeFileSync(String(options.junit), renderJUnit(suites));
    }
    if (options.json) fs.writeFileSync(String(options.json), JSON.stringify({ tolerance: tolerance.name, counts, results }, null, 2));
    if (options['write-manifest']) {
      const file = String(options['write-manifest']);
      const next = updatedManifest(readManifest(file) ?? manifest, results);
      fs.writeFileSync(
        file,
        renderManifest(next, [
          `Conformance manifest for ${positional.join(', ')} (${results.length} tests, ${counts.pass} passing).`,
          'Regenerate: npm run conformance:update. CI fails when a test listed under pass: stops passing.',
          'Each exclusion is grouped under its reason; where ONNX expects what PyTorch does not compute, PyTorch wins.',
        ]),
      );
      const unexplained = next.excluded.get(UNEXPLAINED)?.length ?? 0;
      io.out(`wrote ${file}${unexplained ? `; ${unexplained} failing tests have no documented reason` : ''}`);
    }

    if (manifest) {
      const byName = new Map(results.map((r) => [r.name, r]));
      const regressed = manifest.pass.filter((t) => byName.has(t) && byName.get(t)!.status !== 'pass');
      const missing = filter ? [] : manifest.pass.filter((t) => !byName.has(t));
      const newlyPassing = results.filter((r) => r.status === 'pass' && !manifest.pass.includes(r.name));
      const unlisted = results.filter((r) => r.status !== 'pass' && !manifest.pass.includes(r.name) && !exclusionReason(manifest, r.name));
      for (const [reason, tests] of manifest.excluded) {
        const present = tests.filter((t) => byName.has(t));
        if (present.length) io.out(`excluded (${present.length}): ${reason}`);
      }
      if (newlyPassing.length) io.out(`now passing but not listed (update the manifest): ${newlyPassing.map((r) => r.name).join(', ')}`);
      if (unlisted.length) io.out(paint(io, 'red', `failing and not in the manifest: ${unlisted.map((r) => r.name).join(', ')}`));
      if (missing.length) io.out(paint(io, 'red', `listed as passing but not found: ${missing.join(', ')}`));
      if (regressed.length) io.out(paint(io, 'red', `REGRESSED (listed as passing): ${regressed.join(', ')}`));
      const ok = regressed.length === 0 && missing.length === 0 && unlisted.length === 0;
      io.out(ok ? paint(io, 'green', `manifest: all ${manifest.pass.length} listed tests pass`) : paint(io, 'red', 'manifest check FAILED'));
      return ok ? EXIT_OK : EXIT_MISMATCH;
    }
    return counts.pass === results.length ? EXIT_OK : EXIT_MISMATCH;
  },
};
