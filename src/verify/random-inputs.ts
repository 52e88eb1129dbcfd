import { TorchParityError } from '../errors.js';
import { checkedElementCount, resolveLimits, storageBytes, type Limits } from '../limits.js';
import type { GraphInput } from '../ir/graph.js';
import { allocate, isFloat, type Tensor } from '../tensor.js';
import { mulberry32, normalSampler } from '../random.js';

export type Distribution = 'normal' | 'uniform' | 'int';

export interface RandomInputOptions {
  seed?: number;
  dist?: Distribution;
  /** [low, high] for uniform and int; for normal, [mean, std]. */
  range?: readonly [number, number];
  /** Sizes for symbolic dims by name; unnamed or unlisted symbols default to 1. */
  shapes?: Readonly<Record<string, readonly number[]>>;
  dims?: Readonly<Record<string, number>>;
  /** Dims come from the model file (or --shape): checked against these before anything is allocated. */
  limits?: Partial<Limits>;
}

/** Concrete dims for an input: `--shape name=...` wins, then named symbols, then 1 for anything unknown. */
export function concreteDims(input: GraphInput, options: RandomInputOptions): number[] {
  const given = options.shapes?.[input.name];
  if (given) {
    if (input.dims && given.length !== input.dims.length) {
      throw new TorchParityError('input_mismatch', `--shape gives rank ${given.length} but the model declares [${input.dims.join(',')}]`, { tensor: input.name });
    }
    input.dims?.forEach((d, i) => {
      if (typeof d === 'number' && d !== given[i]) {
        throw new TorchParityError('input_mismatch', `--shape gives ${given[i]} on axis ${i}, where the model fixes ${d}`, { tensor: input.name });
      }
    });
    return [...given];
  }
  if (!input.dims) {
    throw new TorchParityError('input_mismatch', 'has no declared shape', { tensor: input.name }, `give one with --shape ${input.name}=1,3,224,224`);
  }
  return input.dims.map((d) => (typeof d === 'number' ? d : (options.dims?.[d] ?? 1)));
}

/** Seeded inputs for every graph input that has no default value. */
export function randomInputs(inputs: readonly GraphInput[], options: RandomInputOptions = {}): Record<string, Tensor> {
  const random = mulberry32(options.seed ?? 0);
  const normal = normalSampler(random);
  const dist = options.dist ?? 'normal';
  const limits = resolveLimits(options.limits);
  const feeds: Record<string, Tensor> = {};
  for (const input of inputs) {
    if (input.defaultValue) continue;
    const dims = concreteDims(input, options);
    const data = allocate(input.dtype, checkedElementCount(dims, limits, { tensor: input.name }, storageBytes(input.dtype)));
    const floating = isFloat(input.dtype);
    const [low, high] = options.range ?? (dist === 'normal' ? [0, 1] : floating ? [-1, 1] : [0, 10]);
    for (let i = 0; i < data.length; i++) {
      let v: number;
      if (input.dtype === 'bool') v = random() < 0.5 ? 1 : 0;
      else if (dist === 'normal' && floating) v = low + high * normal();
      else if (dist === 'int' || !floating) v = Math.floor(low + random() * (high - low + 1));
      else v = low + random() * (high - low);
      data[i] = v;
    }
    feeds[input.name] = { dtype: input.dtype, dims, data };
  }
  return feeds;
}
