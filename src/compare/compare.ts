import { formatDims, stridesOf, type Tensor } from '../tensor.js';
import type { Tolerance } from './tolerance.js';

export interface Comparison {
  verdict: 'pass' | 'fail';
  tolerance: string;
  /** Why a comparison failed before looking at values (shape or dtype), if it did. */
  mismatch?: string;
  count: number;
  /** Elements outside the tolerance. */
  failures: number;
  maxAbs: number;
  /** max |a − e| / |e| over elements with e ≠ 0. */
  maxRel: number;
  /** Largest distance in units in the last place (float32 or float64, as the expected tensor). */
  maxUlp: number;
  /** Largest (|a − e| − allowed), i.e. how far the worst element is past its bound; ≤ 0 when all pass. */
  worstExcess: number;
  /** Element with the largest excess over its bound (or the largest error when all pass). */
  worst?: { index: number; position: number[]; actual: number; expected: number; allowed: number };
  /** Elements where one side is NaN and the other is not. */
  nanMismatches: number;
}

const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);
const f64 = new Float64Array(1);
const i64 = new BigInt64Array(f64.buffer);

function orderedBits32(x: number): number {
  f32[0] = x;
  const bits = i32[0]!;
  return bits < 0 ? -2147483648 - bits : bits;
}

function orderedBits64(x: number): bigint {
  f64[0] = x;
  const bits = i64[0]!;
  return bits < 0n ? -9223372036854775808n - bits : bits;
}

/** Distance in representable values between two finite numbers at the given precision. */
export function ulpDistance(a: number, b: number, precision: 'float32' | 'float64'): number {
  if (a === b) return 0;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return Infinity;
  if (precision === 'float32') return Math.abs(orderedBits32(a) - orderedBits32(b));
  const d = orderedBits64(a) - orderedBits64(b);
  return Number(d < 0n ? -d : d);
}

function positionOf(index: number, dims: readonly number[]): number[] {
  const strides = stridesOf(dims);
  return strides.map((s, axis) => Math.floor(index / s) % dims[axis]!);
}

/**
 * Compares element-wise and returns statistics and a verdict; a mismatch is a value, not an exception. NaN
 * matches NaN (ONNX's suites and numpy's allclose do the same); equal infinities match.
 */
export function compareTensors(actual: Tensor, expected: Tensor, tolerance: Tolerance): Comparison {
  const base: Comparison = {
    verdict: 'fail',
    tolerance: tolerance.name,
    count: expected.data.length,
    failures: 0,
    maxAbs: 0,
    maxRel: 0,
    maxUlp: 0,
    worstExcess: -Infinity,
    nanMismatches: 0,
  };
  if (actual.dims.length !== expected.dims.length || actual.dims.some((d, i) => d !== expected.dims[i])) {
    return { ...base, mismatch: `shape ${formatDims(actual.dims)} vs expected ${formatDims(expected.dims)}`, failures: expected.data.length };
  }
  const precision = expected.dtype === 'float64' || actual.dtype === 'float64' ? 'float64' : 'float32';
  const a = actual.data;
  const e = expected.data;
  let worstIndex = -1;
  let worstAllowed = 0;
  for (let i = 0; i < e.length; i++) {
    const x = a[i]!;
    const y = e[i]!;
    const xNaN = Number.isNaN(x);
    const yNaN = Number.isNaN(y);
    let allowed: number;
    let diff: number;
    if (xNaN || yNaN) {
      if (xNaN !== yNaN) {
        base.nanMismatches++;
        base.failures++;
        if (base.worstExcess < Infinity) {
          base.worstExcess = Infinity;
          worstIndex = i;
          worstAllowed = 0;
        }
      }
      continue;
    }
    if (x === y) {
      diff = 0;
    } else {
      diff = Math.abs(x - y);
      if (Number.isNaN(diff)) diff = Infinity;
    }
    if (tolerance.kind === 'exact') allowed = 0;
    else if (tolerance.kind === 'allclose') allowed = tolerance.atol + tolerance.rtol * Math.abs(y);
    else allowed = tolerance.bound[i]!;
    const sameBits = tolerance.kind !== 'exact' || x === y;
    // diff 0 passes whatever `allowed` is: with rtol 0 an infinite expectation makes it 0·∞ = NaN.
    const ok = (diff === 0 || diff <= allowed) && sameBits;
    if (!ok) base.failures++;
    if (diff > base.maxAbs) base.maxAbs = diff;
    if (y !== 0 && diff / Math.abs(y) > base.maxRel) base.maxRel = diff / Math.abs(y);
    const ulp = ulpDistance(x, y, precision);
    if (ulp > base.maxUlp) base.maxUlp = ulp;
    const excess = diff - allowed;
    if (excess > base.worstExcess) {
      base.worstExcess = excess;
      worstIndex = i;
      worstAllowed = allowed;
    }
  }
  if (worstIndex >= 0) {
    base.worst = {
      index: worstIndex,
      position: positionOf(worstIndex, expected.dims),
      actual: a[worstIndex]!,
      expected: e[worstIndex]!,
      allowed: worstAllowed,
    };
  }
  if (e.length === 0) base.worstExcess = 0;
  base.verdict = base.failures === 0 ? 'pass' : 'fail';
  return base;
}

/** One line for logs and failure messages. */
export function describeComparison(c: Comparison): string {
  if (c.mismatch) return `${c.verdict}: ${c.mismatch}`;
  const worst = c.worst
    ? ` worst at [${c.worst.position.join(',')}]: ${c.worst.actual} vs ${c.worst.expected} (allowed ±${c.worst.allowed.toExponential(2)})`
    : '';
  return (
    `${c.verdict}: ${c.failures}/${c.count} outside ${c.tolerance}; max abs ${c.maxAbs.toExponential(3)}, ` +
    `max rel ${c.maxRel.toExponential(3)}, max ulp ${c.maxUlp}${c.nanMismatches ? `, ${c.nanMismatches} NaN mismatches` : ''};${worst}`
  );
}
