import * as fs from 'node:fs';
import { TorchParityError } from '../../errors.js';
import { mergeCampaigns, runCampaign, runIndexedCase, type CampaignResult, type FailureRecord, type Progress } from '../../fuzz/campaign.js';
import { FAMILIES, findFamily } from '../../fuzz/families.js';
import type { Family } from '../../fuzz/family.js';
import { formatTable } from '../../report/table.js';
import { EXIT_MISMATCH, EXIT_OK, type Command } from '../command.js';
import { parseDuration } from '../duration.js';
import { paint, type CliIO } from '../io.js';
import { fuzzImport } from './fuzz-import.js';

export function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index >= count) throw new TorchParityError('usage', `--shard '${text}' is not i/n with 0 ≤ i < n (e.g. 0/4)`);
  return { index, count };
}

function selectFamilies(text: string | undefined): Family[] {
  if (text === undefined || text === 'all') return [...FAMILIES];
  return text.split(',').map((name) => {
    const family = findFamily(name.trim());
    if (!family) throw new TorchParityError('usage', `--ops: no fuzz family '${name}'`, {}, `families: ${FAMILIES.map((f) => f.name).join(', ')}`);
    return family;
  });
}

function formatMs(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

function progressLine(p: Progress): string {
  const rate = p.cases / Math.max(p.elapsedMs / 1000, 1e-3);
  const remaining = p.remainingMs === undefined ? '' : `, ${formatMs(p.remainingMs)} left`;
  return `${p.cases} cases (${rate.toFixed(1)}/s), ${p.failures} failures, ${p.refused} oracle refusals, ${p.diverged} known divergences, ${formatMs(p.elapsedMs)} elapsed${remaining}`;
}

function failureText(f: FailureRecord): string {
  return [
    `FAIL case ${f.index} (${f.family}): ${f.title}`,
    `  ${f.reason}`,
    `  seed ${f.seed}${f.path ? ` path ${f.path}` : ''}${f.dir ? `\n  reproducer: ${f.dir} (replay: torchparity verify ${f.dir})` : ''}`,
  ].join('\n');
}

/** The per-op table and the boundary-class coverage under it. */
export function renderCampaign(r: CampaignResult, io: CliIO): string {
  const ops = Object.keys(r.perOp).sort();
  const rows = ops.map((op) => {
    const s = r.perOp[op]!;
    return [op, String(s.cases), String(s.pass), String(s.fail), String(s.refused) + (s.unexpectedRefusals ? ` (${s.unexpectedRefusals} unexpected)` : ''), String(s.diverged), String(Object.keys(s.classes).length)];
  });
  const lines = [
    formatTable(['op', 'cases', 'pass', 'fail', 'oracle refused', 'known divergence', 'classes'], rows, {
      align: ['left', 'right', 'right', 'right', 'right', 'right', 'right'],
      paint: (_row, column, text) => (column === 3 && text.trim() !== '0' ? paint(io, 'red', text) : text),
    }),
    '',
    'boundary-class coverage (cases per class):',
  ];
  for (const op of ops) {
    const classes = Object.entries(r.perOp[op]!.classes).sort((a, b) => b[1] - a[1]);
    lines.push(`  ${op}: ${classes.map(([k, v]) => `${k} ${v}`).join(', ')}`);
  }
  const reasons = ops.flatMap((op) => Object.entries(r.perOp[op]!.reasons).map(([k, v]) => `  ${op}: ${v} × ${k}`));
  if (reasons.length) lines.push('', 'oracle refusals and known divergences:', ...reasons);
  const t = r.timings;
  const total = t.build + t.ours + t.referee + t.oracle || 1;
  const pct = (x: number) => `${((100 * x) / total).toFixed(0)}%`;
  lines.push(
    '',
    `time: model build ${pct(t.build)}, ours ${pct(t.ours)}, float64 referee ${pct(t.referee)}, onnxruntime ${pct(t.oracle)}`,
    `${r.cases} cases in ${formatMs(r.elapsedMs)}, seed ${r.seed}, tolerance: ${r.tolerance}, shards ${r.shards.map((s) => `${s.index}/${s.count}`).join(' ')}, ` +
      `torchparity ${r.versions.torchparity}, onnxruntime ${r.versions.onnxruntime}`,
  );
  return lines.join('\n');
}

export const fuzzCommand: Command = {
  name: 'fuzz',
  summary: 'differential fuzzing of ops against onnxruntime and a float64 referee; --target import fuzzes the importer',
  usage: 'torchparity fuzz [--target ops|import] [--ops conv,pool,...] [--time 10m | --runs N] [--seed N] [--shard i/n] [--out DIR] [--json FILE]',
  description: [
    'Generates random single-op and small multi-op models (shapes, strides, pads, dilations, groups, auto_pad,',
    'ceil_mode, ... within the ranges PyTorch allows), runs each on torchparity, on onnxruntime-node (one thread,',
    'graph optimizations off) and on torchparity in float64, and compares with an error bound scaled by the',
    'reduction (bit-exact for small-integer data; --rtol/--atol replace the bounds). Case k is generated from a',
    'seed derived from (--seed, k), so a campaign is reproducible and --shard i/n (cases with k mod n = i) splits',
    'it into disjoint parts whose --json',
    'results merge with --merge. Each failure is shrunk to a minimal case, printed with its seed and shrink path,',
    'and written to --out as a test directory that `torchparity verify` replays.',
    '',
    `families: ${FAMILIES.map((f) => `${f.name} (${f.ops.join(', ')})`).join('; ')}`,
    '',
    '--target import mutates valid models instead (flipped and truncated bytes, varints, dims, dtypes, attributes,',
    'node wiring) and loads and runs each in a worker with a time and memory limit: every case must end in success',
    'or a typed error; an untyped exception, a hang or a crashed worker is a finding, written to --out.',
    '',
    'Exit status: 0 no failure, 1 a failure, 2 a usage error.',
  ].join('\n'),
  options: [
    { name: 'target', type: 'string', value: 'ops|import', default: 'ops', help: 'what to fuzz: the ops (differential) or the importer (mutations)' },
    { name: 'ops', type: 'string', value: 'LIST', help: 'comma-separated fuzz families (default all)' },
    { name: 'time', type: 'string', value: 'DURATION', help: 'run until this much time has passed (90s, 10m, 1h)' },
    { name: 'runs', type: 'number', value: 'N', help: 'run cases 0..N-1 (this shard\'s share of them)' },
    { name: 'seed', type: 'number', value: 'N', help: 'campaign seed (default: random, printed)' },
    { name: 'shard', type: 'string', value: 'i/n', help: 'run only cases k with k mod n = i' },
    { name: 'out', type: 'string', value: 'DIR', help: 'where failing cases are written', default: 'fuzz-failures' },
    { name: 'json', type: 'string', value: 'FILE', help: 'write the results as JSON (mergeable across shards)' },
    { name: 'merge', type: 'string', repeat: true, value: 'FILE', help: 'merge shard results (JSON) instead of fuzzing (repeatable)' },
    { name: 'replay', type: 'string', value: 'SEED[:PATH]', help: 'rerun one case from its printed seed and shrink path (one family in --ops)' },
    { name: 'rtol', type: 'number', help: 'explicit relative tolerance instead of the per-case error bounds (exact cases stay bit-exact)' },
    { name: 'atol', type: 'number', help: 'explicit absolute tolerance (with --rtol; default 0 when only --rtol is given)' },
    { name: 'no-shrink', type: 'flag', help: 'report failures as generated, without shrinking' },
    { name: 'case-timeout', type: 'number', value: 'MS', help: '--target import: time limit per case (default 10000)' },
    { name: 'memory', type: 'number', value: 'MB', help: '--target import: V8 heap limit of the worker (default 512)' },
  ],
  async run(args, io) {
    const { options } = args;
    if (options.target === 'import') {
      const opsOnly = ['ops', 'shard', 'merge', 'replay', 'rtol', 'atol', 'no-shrink'].filter((o) => options[o] !== undefined);
      if (opsOnly.length) throw new TorchParityError('usage', `--${opsOnly[0]} applies to --target ops only`);
      return fuzzImport(args, io);
    }
    if (options.target !== 'ops') throw new TorchParityError('usage', `--target '${String(options.target)}' is not ops or import`);
    if (options.merge) {
      const merged = mergeCampaigns((options.merge as string[]).map((f) => JSON.parse(fs.readFileSync(String(f), 'utf8')) as CampaignResult));
      io.out(renderCampaign(merged, io));
      if (options.json) fs.writeFileSync(String(options.json), JSON.stringify(merged, null, 2) + '\n');
      for (const f of merged.failures) io.out(failureText(f));
      return merged.failures.length ? EXIT_MISMATCH : EXIT_OK;
    }
    const families = selectFamilies(options.ops as string | undefined);
    const explicit = options.rtol !== undefined || options.atol !== undefined;
    const allclose = explicit ? { rtol: Number(options.rtol ?? 0), atol: Number(options.atol ?? 0) } : undefined;
    const outDir = String(options.out);
    if (options.replay !== undefined) {
      if (families.length !== 1) throw new TorchParityError('usage', '--replay needs exactly one family in --ops (the one the failure printed)');
      const [seedText, path] = String(options.replay).split(/:(.*)/s);
      const seed = Number(seedText);
      if (!Number.isInteger(seed)) throw new TorchParityError('usage', `--replay '${options.replay}' is not SEED or SEED:PATH`);
      const { c, result, failure } = await runIndexedCase(families[0]!, seed, { outDir, path: path || undefined, shrink: !options['no-shrink'], allclose });
      io.out(`${c.title}\n${result.verdict}: ${result.reason}`);
      if (failure) io.out(failureText({ index: -1, ...failure }));
      return failure ? EXIT_MISMATCH : EXIT_OK;
    }
    const runs = options.runs as number | undefined;
    const timeMs = options.time !== undefined ? parseDuration(String(options.time)) : undefined;
    if (runs === undefined && timeMs === undefined) throw new TorchParityError('usage', 'fuzz needs --time or --runs', {}, 'e.g. torchparity fuzz --time 5m');
    if (runs !== undefined && (!Number.isInteger(runs) || runs < 0)) throw new TorchParityError('usage', `--runs ${runs} is not a whole number`);
    const seed = options.seed !== undefined ? Number(options.seed) >>> 0 : (Math.random() * 2 ** 32) >>> 0;
    const shard = options.shard !== undefined ? parseShard(String(options.shard)) : { index: 0, count: 1 };
    io.out(
      `fuzzing ${families.map((f) => f.name).join(', ')} with seed ${seed}` +
        `${shard.count > 1 ? `, shard ${shard.index}/${shard.count}` : ''}${runs !== undefined ? `, ${runs} cases` : ''}${timeMs !== undefined ? `, ${formatMs(timeMs)}` : ''}`,
    );
    let live = false;
    let lastDraw = 0;
    const clear = () => {
      if (live) process.stderr.write('\r\x1b[2K');
      live = false;
    };
    const result = await runCampaign({
      families,
      seed,
      runs,
      timeMs,
      shard,
      outDir,
      allclose,
      shrink: !options['no-shrink'],
      onProgress: io.isTTY
        ? (p) => {
            // A few redraws a second are enough for the eye and cost nothing next to hundreds of cases a second.
            if (live && p.elapsedMs - lastDraw < 200) return;
            lastDraw = p.elapsedMs;
            process.stderr.write(`\r\x1b[2K${progressLine(p)}`);
            live = true;
          }
        : undefined,
      onFailure: (f) => {
        clear();
        io.out(paint(io, 'red', failureText(f)));
      },
    });
    clear();
    io.out(renderCampaign(result, io));
    if (options.json) fs.writeFileSync(String(options.json), JSON.stringify(result, null, 2) + '\n');
    const line = result.failures.length
      ? `${result.failures.length} of ${result.cases} cases FAILED; reproducers in ${outDir}/`
      : `${result.cases} cases, no failure`;
    io.out(result.failures.length ? paint(io, 'red', line) : paint(io, 'green', line));
    return result.failures.length ? EXIT_MISMATCH : EXIT_OK;
  },
};
