import { loadModel } from '../../engine/session.js';
import { TorchParityError } from '../../errors.js';
import { formatNumber } from '../../report/table.js';
import { isTestDir } from '../../oracle/test-dir.js';
import { describeShapes, reduce } from '../../verify/reduce.js';
import type { Command } from '../command.js';
import { EXIT_MISMATCH, EXIT_OK } from '../command.js';
import { feedsFromArgs, INPUT_OPTIONS, randomInputArgs, TOLERANCE_OPTIONS } from '../feeds.js';
import { paint } from '../io.js';
import { toleranceFromArgs } from './verify.js';

export const reduceCommand: Command = {
  name: 'reduce',
  summary: 'cut a diverging model down to the smallest subgraph that still diverges, as a test directory',
  usage: 'torchparity reduce MODEL.onnx|TESTDIR --out DIR|FILE.onnx [options]',
  description: [
    'Finds where the model diverges from onnxruntime (as `verify --intermediates` does), then cuts it down: bisects',
    'the node list for the latest start from which the subgraph still diverges, and trims every node whose outputs can',
    'be fed instead. The values at the cut (onnxruntime\'s) become the inputs of the reduced model.',
    '',
    'Writes DIR/model.onnx, DIR/test_data_set_0/input_*.pb (the boundary values), output_*.pb (onnxruntime\'s outputs,',
    'or torchparity\'s float64 run with --expected float64) and DIR/reduce.json. `torchparity verify DIR` replays it.',
    'With --out FILE.onnx the reduced model is also written to FILE.onnx, and the test directory is FILE beside it.',
    '',
    'Exit status: 1 the model diverges and the reduced reproducer was written, 0 nothing diverges (nothing written),',
    '2 a usage or model error.',
  ].join('\n'),
  options: [
    { name: 'out', type: 'string', value: 'DIR|FILE.onnx', help: 'where to write the reduced test directory (required)' },
    ...INPUT_OPTIONS,
    ...TOLERANCE_OPTIONS,
    { name: 'no-oracle', type: 'flag', help: 'compare with torchparity\'s float64 run instead of onnxruntime' },
    { name: 'expected', type: 'string', value: 'reference|float64', help: 'where the written expected outputs come from (default reference)' },
  ],
  async run({ positional, options }, io, hooks = {}) {
    if (positional.length !== 1) throw new TorchParityError('usage', 'reduce needs exactly one model or test directory', {}, 'e.g. torchparity reduce model.onnx --out min');
    if (options.out === undefined) throw new TorchParityError('usage', 'reduce needs --out DIR (or --out FILE.onnx)');
    const target = positional[0]!;
    const expected = options.expected as string | undefined;
    if (expected !== undefined && expected !== 'reference' && expected !== 'float64') {
      throw new TorchParityError('usage', `--expected '${expected}' is not reference or float64`);
    }
    const { dist, range, shapes } = randomInputArgs(options);
    const inputSpecs = (options.input as string[] | undefined) ?? [];
    const inputs = inputSpecs.length ? feedsFromArgs(inputSpecs, (await loadModel(isTestDir(target) ? `${target}/model.onnx` : target)).inputs) : undefined;
    const result = await reduce(target, String(options.out), {
      inputs,
      seed: options.seed as number | undefined,
      dist,
      range,
      shapes,
      tolerance: toleranceFromArgs(options),
      noOracle: Boolean(options['no-oracle']),
      expected: expected as 'reference' | 'float64' | undefined,
      override: hooks.override,
    });
    const inter = result.intermediates;
    if (result.nothingToReduce) {
      io.out(`${result.model}: ${result.nothingToReduce}; nothing to reduce (${inter.summary})`);
      return EXIT_OK;
    }
    const end = result.end!;
    io.out(`${result.model}: ${inter.summary}`);
    io.out(
      `reduced ${result.originalNodes} nodes to ${result.kept.length} in ${result.evaluations} trials, ending at '${end.node}' (${end.op})` +
        (end.divergesOnItsOwn ? '' : ', the first node over the bound (no node diverges on its own)'),
    );
    for (const k of result.kept) io.out(`  #${k.step} ${k.node} (${k.op})`);
    io.out(`  inputs (${result.reference}'s values at the cut): ${describeShapes(result.inputs)}`);
    for (const o of result.outputs) {
      const c = o.comparison;
      io.out(`  ${o.name}: ${c.mismatch ?? `max abs ${formatNumber(c.maxAbs)}, ${c.failures}/${c.count} over the bound`} vs ${result.reference}`);
    }
    if (result.reproduces === false) io.out(paint(io, 'yellow', '  warning: the reduced model no longer diverges on its own; it is written as the smallest prefix tried'));
    io.out(`wrote ${result.outDir}${result.modelFile && !result.modelFile.startsWith(result.outDir!) ? ` and ${result.modelFile}` : ''}; expected outputs from ${result.expectedFrom}`);
    io.out(`replay: torchparity verify ${result.outDir}`);
    return EXIT_MISMATCH;
  },
};
