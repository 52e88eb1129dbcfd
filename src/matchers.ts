import { compareTensors, type Comparison } from './compare/compare.js';
import { allclose, torchDefaultFor, type Tolerance } from './compare/tolerance.js';
import { formatDims, sizeOf, tensor, type Tensor } from './tensor.js';

/**
 * `toMatchTensor(expected, { rtol, atol })` for test frameworks with Jest-style `expect.extend` (vitest, Jest). The
 * check is torch.testing.assert_close's, element-wise |actual − expected| ≤ atol + rtol·|expected| (NaN matches
 * NaN), with its defaults for the expected dtype (float32: rtol 1.3e-6, atol 1e-5); giving only one of rtol/atol
 * keeps the default of the other. A failure says the shape, how many elements are off, the worst one with its
 * index, and the error statistics. `torchparity/vitest` registers it with vitest; Jest users call
 * `expect.extend(tensorMatchers)`.
 */

/** A torchparity Tensor, a typed array or array (1-D), or nested arrays of numbers (shape from the nesting). */
export type TensorLike = Tensor | ArrayLike<number> | readonly TensorLike[] | number;

export interface TensorMatchOptions {
  rtol?: number;
  atol?: number;
}

function isTensor(value: unknown): value is Tensor {
  return typeof value === 'object' && value !== null && 'dims' in value && 'data' in value && 'dtype' in value;
}

/** Turns what a test holds into a Tensor; throws a TypeError naming `which` for anything else. */
export function asTensor(value: unknown, which: string): Tensor {
  if (isTensor(value)) return value;
  if (typeof value === 'number') return tensor('float64', [], [value]);
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const data = value as unknown as ArrayLike<number>;
    const dtype = value instanceof Float32Array ? 'float32' : 'float64';
    return tensor(dtype, [data.length], Array.from(data));
  }
  if (Array.isArray(value)) {
    const dims: number[] = [];
    let probe: unknown = value;
    while (Array.isArray(probe)) {
      dims.push(probe.length);
      probe = probe[0];
    }
    const flat = value.flat(Infinity) as unknown[];
    if (flat.length !== sizeOf(dims) || flat.some((v) => typeof v !== 'number')) {
      throw new TypeError(`toMatchTensor: ${which} is a ragged nested array or holds non-numbers`);
    }
    return tensor('float64', dims, flat as number[]);
  }
  throw new TypeError(`toMatchTensor: ${which} is not a tensor, typed array or (nested) array of numbers`);
}

/**
 * torch's defaults for the expected dtype. Plain numbers and arrays carry no dtype; they are compared as float32
 * values (what the engine outputs) unless the expected value is a real float64 Tensor or Float64Array.
 */
function policy(expected: unknown, e: Tensor, options: TensorMatchOptions): Tolerance {
  const typed = isTensor(expected) || expected instanceof Float64Array;
  const base = torchDefaultFor(typed ? e.dtype : 'float32');
  if (options.rtol === undefined && options.atol === undefined) return base;
  const rtol = options.rtol ?? (base.kind === 'allclose' ? base.rtol : 0);
  const atol = options.atol ?? (base.kind === 'allclose' ? base.atol : 0);
  return allclose(rtol, atol);
}

const pct = (n: number, of: number) => (of === 0 ? '0%' : `${((100 * n) / of).toPrecision(3)}%`);
const num = (x: number) => (Number.isFinite(x) && x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e5) ? x.toExponential(3) : String(x));

/** The failure text: shape, how many are off, the worst element with its index, statistics. */
export function describeMismatch(actual: Tensor, expected: Tensor, c: Comparison): string {
  const lines = [`expected tensors to match within ${c.tolerance}`];
  if (c.mismatch) {
    lines.push(`  shape: actual ${actual.dtype}${formatDims(actual.dims)} vs expected ${expected.dtype}${formatDims(expected.dims)}`);
    return lines.join('\n');
  }
  lines.push(`  shape: ${formatDims(expected.dims)} (actual ${actual.dtype}, expected ${expected.dtype})`);
  lines.push(`  mismatched elements: ${c.failures} / ${c.count} (${pct(c.failures, c.count)})${c.nanMismatches ? `, ${c.nanMismatches} of them NaN on one side only` : ''}`);
  if (c.worst) {
    const w = c.worst;
    lines.push(
      `  worst at index [${w.position.join(', ')}] (flat ${w.index}): actual ${num(w.actual)}, expected ${num(w.expected)}, ` +
        `|diff| ${num(Math.abs(w.actual - w.expected))} > allowed ${num(w.allowed)}`,
    );
  }
  lines.push(`  max abs diff ${num(c.maxAbs)}, max rel diff ${num(c.maxRel)}, max ulp ${c.maxUlp}`);
  return lines.join('\n');
}

/** The check behind the matcher, usable on its own. */
export function matchTensor(actual: unknown, expected: unknown, options: TensorMatchOptions = {}): { pass: boolean; message: string; comparison: Comparison } {
  const a = asTensor(actual, 'the actual value');
  const e = asTensor(expected, 'the expected value');
  const comparison = compareTensors(a, e, policy(expected, e, options));
  const pass = comparison.verdict === 'pass';
  const message = pass
    ? `expected tensors to differ beyond ${comparison.tolerance}, but all ${comparison.count} elements of ${formatDims(e.dims)} are within it (max abs diff ${num(comparison.maxAbs)})`
    : describeMismatch(a, e, comparison);
  return { pass, message, comparison };
}

export const tensorMatchers = {
  toMatchTensor(received: unknown, expected: TensorLike, options?: TensorMatchOptions) {
    const { pass, message } = matchTensor(received, expected, options);
    return { pass, message: () => message };
  },
};
