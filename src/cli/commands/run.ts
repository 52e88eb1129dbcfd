import * as path from 'node:path';
import { loadModel } from '../../engine/session.js';
import { TorchParityError } from '../../errors.js';
import { writeTensorFile } from '../../oracle/tensor-files.js';
import { formatNumber } from '../../report/table.js';
import { formatDims, type Tensor } from '../../tensor.js';
import { randomInputs } from '../../verify/random-inputs.js';
import { EXIT_OK, type Command } from '../command.js';
import { feedsFromArgs, shapesFromArgs } from '../feeds.js';

function describeTensor(name: string, t: Tensor): string {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let nan = 0;
  for (const v of t.data) {
    if (Number.isNaN(v)) {
      nan++;
      continue;
    }
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  const n = t.data.length - nan;
  const first = Array.from(t.data.subarray(0, 8), (v) => formatNumber(v)).join(', ');
  return [
    `${name}  ${t.dtype}${formatDims(t.dims)}`,
    `  min ${formatNumber(n ? min : undefined)}  max ${formatNumber(n ? max : undefined)}  mean ${formatNumber(n ? sum / n : undefined)}${nan ? `  NaN ${nan}` : ''}`,
    `  first: ${first}${t.data.length > 8 ? ', …' : ''}`,
  ].join('\n');
}

export const runCommand: Command = {
  name: 'run',
  summary: 'run a model on torchparity\'s engine and print its outputs',
  usage: 'torchparity run MODEL.onnx [--input NAME=FILE]... [--seed N] [--out DIR]',
  description: [
    'Runs the model on torchparity\'s own engine. Inputs come from files (--input, .pb/.npy/.npz/.json) or are',
    'seeded random normal values; symbolic dims default to 1 unless --shape sets them. Prints each output\'s',
    'shape, statistics and first values; --out DIR writes them as TensorProto files output_<i>.pb.',
  ].join('\n'),
  options: [
    { name: 'input', type: 'string', repeat: true, value: 'NAME=FILE', help: 'feed an input from .pb, .npy, .npz or .json (repeatable)' },
    { name: 'seed', type: 'number', default: 0, help: 'seed for random inputs' },
    { name: 'shape', type: 'string', repeat: true, value: 'NAME=D1,D2,...', help: 'concrete dims for an input with symbolic dims' },
    { name: 'out', type: 'string', value: 'DIR', help: 'write outputs as output_<i>.pb TensorProto files' },
    { name: 'precision', type: 'string', value: 'float32|float64', default: 'float32', help: 'float64 holds float32 values as float64 (the referee)' },
  ],
  async run({ positional, options }, io) {
    if (positional.length !== 1) throw new TorchParityError('usage', 'run takes exactly one model');
    const precision = options.precision;
    if (precision !== 'float32' && precision !== 'float64') throw new TorchParityError('usage', `--precision '${precision}' is not float32 or float64`);
    const session = await loadModel(positional[0]!, { precision });
    const given = feedsFromArgs((options.input as string[] | undefined) ?? [], session.inputs);
    const missing = session.inputs.filter((i) => !i.defaultValue && !given[i.name]);
    const random = randomInputs(missing, { seed: options.seed as number, shapes: shapesFromArgs((options.shape as string[] | undefined) ?? []) });
    const feeds = { ...random, ...given };
    for (const [name, t] of Object.entries(feeds)) {
      io.out(`input ${name} ${t.dtype}${formatDims(t.dims)} (${given[name] ? 'from file' : `random normal, seed ${options.seed}`})`);
    }
    const started = performance.now();
    const outputs = await session.run(feeds);
    io.out(`ran in ${(performance.now() - started).toFixed(1)} ms\n`);
    Object.entries(outputs).forEach(([name, t], i) => {
      io.out(describeTensor(name, t));
      if (options.out) writeTensorFile(path.join(String(options.out), `output_${i}.pb`), name, t);
    });
    if (options.out) io.out(`\nwrote ${Object.keys(outputs).length} output file(s) to ${options.out}`);
    return EXIT_OK;
  },
};
