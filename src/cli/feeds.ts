import * as path from 'node:path';
import { TorchParityError } from '../errors.js';
import type { GraphInput } from '../ir/graph.js';
import { readTensorFile } from '../oracle/tensor-files.js';
import type { Tensor } from '../tensor.js';
import type { OptionSpec } from './args.js';
import type { Distribution } from '../verify/random-inputs.js';

/**
 * `--input NAME=FILE` (or just `FILE` for .npz/.json/.pb files that name their tensors) into feeds. Unnamed tensors
 * (.npy) need NAME= unless the model has exactly one input.
 */
export function feedsFromArgs(specs: readonly string[], inputs: readonly GraphInput[]): Record<string, Tensor> {
  const names = inputs.filter((i) => !i.defaultValue).map((i) => i.name);
  const feeds: Record<string, Tensor> = {};
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const explicit = eq > 0 && !path.isAbsolute(spec) ? spec.slice(0, eq) : undefined;
    const file = explicit !== undefined ? spec.slice(eq + 1) : spec;
    const tensors = readTensorFile(file);
    if (explicit !== undefined) {
      const picked = tensors.get(explicit) ?? (tensors.size === 1 ? [...tensors.values()][0] : undefined);
      if (!picked) {
        throw new TorchParityError('usage', `holds ${[...tensors.keys()].join(', ')}, not '${explicit}'`, { file });
      }
      feeds[explicit] = picked;
      continue;
    }
    for (const [name, t] of tensors) {
      const key = name || (names.length === 1 ? names[0]! : undefined);
      if (key === undefined) {
        throw new TorchParityError('usage', 'holds an unnamed tensor and the model has several inputs', { file }, `name it: --input ${names[0]}=${file}`);
      }
      feeds[key] = t;
    }
  }
  return feeds;
}

/** `--shape name=1,3,224,224` into a map. */
export function shapesFromArgs(specs: readonly string[]): Record<string, number[]> {
  const shapes: Record<string, number[]> = {};
  for (const spec of specs) {
    const match = /^([^=]+)=(\d+(?:,\d+)*)?$/.exec(spec);
    if (!match) throw new TorchParityError('usage', `--shape '${spec}' is not NAME=D1,D2,...`, {}, 'for example --shape input=1,1,28,28');
    shapes[match[1]!] = match[2] ? match[2].split(',').map(Number) : [];
  }
  return shapes;
}

/** --dist, --range and --shape, the random-input options verify and reduce share. */
export function randomInputArgs(options: Record<string, unknown>): {
  dist?: Distribution;
  range?: [number, number];
  shapes?: Record<string, number[]>;
} {
  const dist = options.dist as Distribution | undefined;
  if (dist !== undefined && !['normal', 'uniform', 'int'].includes(dist)) {
    throw new TorchParityError('usage', `--dist '${dist}' is not normal, uniform or int`);
  }
  let range: [number, number] | undefined;
  if (options.range !== undefined) {
    const parts = String(options.range).split(',').map(Number);
    if (parts.length !== 2 || parts.some((p) => !Number.isFinite(p))) throw new TorchParityError('usage', `--range '${String(options.range)}' is not LOW,HIGH`);
    range = [parts[0]!, parts[1]!];
  }
  const shapes = shapesFromArgs((options.shape as string[] | undefined) ?? []);
  return { dist, range, shapes: Object.keys(shapes).length ? shapes : undefined };
}

/** The input options verify and reduce share, read by feedsFromArgs and randomInputArgs. */
export const INPUT_OPTIONS: readonly OptionSpec[] = [
  { name: 'input', type: 'string', repeat: true, value: 'NAME=FILE', help: 'feed an input from .pb, .npy, .npz or .json (repeatable)' },
  { name: 'seed', type: 'number', help: 'seed for random inputs' },
  { name: 'dist', type: 'string', value: 'normal|uniform|int', help: 'distribution of random inputs' },
  { name: 'range', type: 'string', value: 'LOW,HIGH', help: 'range of random inputs (mean,std for normal)' },
  { name: 'shape', type: 'string', repeat: true, value: 'NAME=D1,D2,...', help: 'concrete dims for an input with symbolic dims (default 1 for each)' },
];

/** --rtol/--atol, read by toleranceFromArgs. */
export const TOLERANCE_OPTIONS: readonly OptionSpec[] = [
  { name: 'rtol', type: 'number', help: "relative tolerance (replaces torch's default)" },
  { name: 'atol', type: 'number', help: "absolute tolerance (replaces torch's default)" },
];
