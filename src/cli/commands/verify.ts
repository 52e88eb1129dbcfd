import { allclose, type Tolerance } from '../../compare/tolerance.js';
import { findTestDirs, isTestDir } from '../../oracle/test-dir.js';
import { PLAIN, renderVerifyText, type TextStyle } from '../../report/verify-text.js';
import { renderVerifyHtml } from '../../report/verify-html.js';
import { renderVerifyJson } from '../../report/verify-json.js';
import { renderVerifyJUnit } from '../../report/verify-junit.js';
import { onnxruntimeVersion } from '../../oracle/onnxruntime.js';
import { TORCHPARITY_VERSION } from '../../version.js';
import * as path from 'node:path';
import { loadModel } from '../../engine/session.js';
import { verify, type VerifyReport } from '../../verify/verify.js';
import * as fs from 'node:fs';
import { TorchParityError } from '../../errors.js';
import type { Command } from '../command.js';
import { EXIT_MISMATCH, EXIT_OK } from '../command.js';
import { feedsFromArgs, INPUT_OPTIONS, randomInputArgs, TOLERANCE_OPTIONS } from '../feeds.js';
import { paint, type CliIO } from '../io.js';

export function style(io: CliIO): TextStyle {
  return io.color ? { ok: (t) => paint(io, 'green', t), bad: (t) => paint(io, 'red', t), dim: (t) => paint(io, 'dim', t) } : PLAIN;
}

/** Explicit --rtol/--atol replace torch's defaults; giving one keeps torch's float32 value for the other. */
export function toleranceFromArgs(options: Record<string, unknown>): Tolerance | undefined {
  const rtol = options.rtol as number | undefined;
  const atol = options.atol as number | undefined;
  if (rtol === undefined && atol === undefined) return undefined;
  return allclose(rtol ?? 1.3e-6, atol ?? 1e-5);
}

/** A target may be a model, a test directory, or a folder of test directories (fixtures/seed). */
export function expandTargets(targets: readonly string[]): string[] {
  return targets.flatMap((t) => {
    if (fs.existsSync(t) && fs.statSync(t).isDirectory() && !isTestDir(t)) {
      const found = findTestDirs(t);
      if (found.length === 0) throw new TorchParityError('usage', `'${t}' holds no model.onnx at any depth`);
      return found;
    }
    return [t];
  });
}

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'run a model on torchparity and onnxruntime and compare with saved (PyTorch) outputs',
  usage: 'torchparity verify MODEL.onnx|TESTDIR|FOLDER... [options]',
  description: [
    'Runs the model on torchparity\'s engine and on onnxruntime-node (one thread, graph optimizations off) with the same',
    'inputs: the test directory\'s test_data_set_*/input_*.pb, files given with --input, or seeded random ones. Each',
    'output is compared with the saved outputs (output_*.pb, e.g. PyTorch eager) and with onnxruntime. The default',
    'verdict is torch.testing.assert_close\'s for float32: |ours - expected| <= 1e-5 + 1.3e-6 * |expected|.',
    'When onnxruntime refuses a model PyTorch runs, the model is judged against the saved outputs alone (or against',
    'torchparity\'s own float64 run when there are none).',
    '',
    '--intermediates compares every intermediate value with onnxruntime\'s (the model is re-emitted with every value as',
    'a graph output) and names the first divergent node: the first whose output differs even when it is fed',
    'onnxruntime\'s own inputs, with its attributes, input shapes, and which side is closer to a float64 run.',
    'Reductions (Conv, Gemm, MatMul, pools) are allowed 2*gamma(K)*sum|x*w| where that exceeds the tolerance.',
    '',
    'Reports: --json FILE (everything, with versions), --junit FILE (one test case per output and per node over the',
    'bound), --html FILE (one self-contained page: per-node error chart, heatmaps of the divergent node).',
    '',
    'Exit status: 0 every output matches, 1 a mismatch, 2 a usage or model error.',
  ].join('\n'),
  options: [
    ...INPUT_OPTIONS,
    { name: 'golden', type: 'string', repeat: true, value: 'NAME=FILE', help: 'expected outputs from .pb, .npy, .npz or .json (repeatable)' },
    ...TOLERANCE_OPTIONS,
    { name: 'no-oracle', type: 'flag', help: 'do not run onnxruntime' },
    { name: 'intermediates', type: 'flag', help: 'compare every intermediate value and name the first divergent node' },
    { name: 'chunk-mb', type: 'number', value: 'MB', help: 'most onnxruntime intermediates fetched at once (default 64)' },
    { name: 'json', type: 'string', value: 'FILE', help: 'write every report as JSON' },
    { name: 'junit', type: 'string', value: 'FILE', help: 'write JUnit XML for CI test reporters' },
    { name: 'html', type: 'string', value: 'FILE', help: 'write a self-contained HTML report' },
  ],
  async run({ positional, options }, io, hooks = {}) {
    if (positional.length === 0) throw new TorchParityError('usage', 'verify needs a model or test directory', {}, 'e.g. torchparity verify fixtures/seed');
    const { dist, range, shapes } = randomInputArgs(options);
    const chunkMb = options['chunk-mb'] as number | undefined;
    if (chunkMb !== undefined && !(chunkMb > 0)) throw new TorchParityError('usage', `--chunk-mb must be positive, got ${chunkMb}`);
    const reports: VerifyReport[] = [];
    for (const target of expandTargets(positional)) {
      let inputs;
      let golden;
      const inputSpecs = (options.input as string[] | undefined) ?? [];
      const goldenSpecs = (options.golden as string[] | undefined) ?? [];
      if (inputSpecs.length || goldenSpecs.length) {
        const session = await loadModel(isTestDir(target) ? `${target}/model.onnx` : target);
        if (inputSpecs.length) inputs = feedsFromArgs(inputSpecs, session.inputs);
        if (goldenSpecs.length) {
          golden = feedsFromArgs(goldenSpecs, session.outputs.map((o) => ({ name: o.name, dtype: o.dtype })));
        }
      }
      const results = await verify(target, {
        inputs,
        golden,
        seed: options.seed as number | undefined,
        dist,
        range,
        shapes,
        tolerance: toleranceFromArgs(options),
        noOracle: Boolean(options['no-oracle']),
        intermediates: Boolean(options.intermediates),
        chunkBytes: chunkMb !== undefined ? Math.round(chunkMb * 1024 * 1024) : undefined,
        override: hooks.override,
      });
      for (const report of results) {
        io.out(renderVerifyText(report, style(io)));
        io.out('');
      }
      reports.push(...results);
    }
    const write = (file: unknown, text: string) => {
      fs.mkdirSync(path.dirname(String(file)), { recursive: true });
      fs.writeFileSync(String(file), text);
    };
    if (options.json) write(options.json, renderVerifyJson(reports));
    if (options.junit) write(options.junit, renderVerifyJUnit(reports));
    if (options.html) write(options.html, renderVerifyHtml(reports, { torchparity: TORCHPARITY_VERSION, onnxruntime: onnxruntimeVersion(), created: new Date() }));
    const failed = reports.filter((r) => r.verdict === 'fail');
    const line = `${reports.length - failed.length} of ${reports.length} verified: ${failed.length ? `${failed.length} FAILED` : 'all pass'}`;
    io.out(failed.length ? paint(io, 'red', line) : paint(io, 'green', line));
    return failed.length ? EXIT_MISMATCH : EXIT_OK;
  },
};
