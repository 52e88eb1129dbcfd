import type { Tolerance } from './tolerance.js';

/**
 * Error bounds that scale with the computation, as pure functions (DESIGN.md §4).
 *
 * Derivation for dot-product-like ops (Conv, ConvTranspose, Gemm, MatMul, AveragePool's sum). With unit roundoff
 * u = 2^-24 for float32 (eps32 = 2u), a sum of `terms` products evaluated in any order, with or without fused
 * multiply-add, is within γ(terms) · Σ|x·w| of the exact value, γ(n) = n·u / (1 − n·u) (Higham, "Accuracy and
 * Stability of Numerical Algorithms", 2nd ed., §3.1, eq. 3.5; a bias is one more term). Σ|x·w| is the same op run
 * on absolute values (the magnitude M). So each float32 implementation is within γ(terms)·M of the truth and:
 *   - ours vs onnxruntime, two float32 results: |a − b| ≤ 2·γ(terms)·M ≈ c·eps32·terms·M with c = 1;
 *   - ours vs our float64 referee (its own error is γ64 ≈ 2^-53·terms·M, 2^-29 smaller): c = ½.
 * This is the deterministic worst case. Errors are typically near √terms · u · M (random-walk rounding), so real
 * implementations sit well inside it; we keep the worst case because a bound that is sometimes exceeded by honest
 * rounding would make the fuzzer cry wolf, and a structural bug (a dropped tap, a shifted window, a wrong channel)
 * moves an output by a whole |x·w| term, ~M/terms, which is larger than terms·eps32·M for every reduction our
 * arbitraries build (terms < 2900 ⇔ M/terms > terms·eps32·M). Exact mode (small integers) catches the rest bit for
 * bit.
 *
 * Underflow: with subnormal data each operation may also lose up to half the subnormal spacing η = 2^-149
 * absolutely (Higham §2.1), so terms·η is added per implementation.
 *
 * Chains (Conv → BatchNormalization → Relu → MaxPool → Gemm): errors of earlier layers propagate through later
 * linear layers with their |weights| and through ReLU and max-pool with Lipschitz constant 1, so running the whole
 * chain on magnitudes bounds every propagated error by γ(total terms)·M, the terms of all layers summed (for
 * products of matrices Higham §3.5 gives the same γ(n1 + n2) · |A||B||C| form).
 */

/** float32 unit roundoff. */
export const U32 = 2 ** -24;
/** float32 machine epsilon (spacing of numbers at 1). */
export const EPS32 = 2 ** -23;
/** Smallest positive subnormal float32, the spacing of the subnormal range. */
export const ETA32 = 2 ** -149;

/** γ(n) = n·u / (1 − n·u): the relative error bound of an n-term float32 sum of products. */
export function gamma(terms: number, u = U32): number {
  const nu = terms * u;
  return nu >= 1 ? Infinity : nu / (1 - nu);
}

/** Who computed `expected`: another float32 implementation (two error budgets) or the float64 referee (one). */
export type Against = 'float32' | 'referee';

/**
 * Per-element bound for a reduction: sides · (γ(terms)·M + terms·η), sides = 2 against another float32 result,
 * 1 against the float64 referee. Where `expected` is ±Infinity the bound is 0 (the other side must be the same
 * infinity; NaN is matched by compareTensors itself); where M is not finite but `expected` is, no error bound can be
 * derived and the element is unbounded.
 */
export function reductionBound(expected: ArrayLike<number>, magnitude: ArrayLike<number>, terms: number, against: Against): Float64Array {
  const sides = against === 'float32' ? 2 : 1;
  const g = gamma(terms);
  const floor = terms * ETA32;
  const out = new Float64Array(expected.length);
  for (let i = 0; i < out.length; i++) {
    const e = expected[i]!;
    const m = magnitude[i]!;
    if (!Number.isFinite(e)) out[i] = 0;
    else if (!Number.isFinite(m)) out[i] = Infinity;
    else out[i] = sides * (g * Math.abs(m) + floor);
  }
  return out;
}

/** Spacing of float32 numbers at |x| (one unit in the last place); 2^-149 in the subnormal range. */
export function ulp32(x: number): number {
  const a = Math.abs(x);
  if (!Number.isFinite(a)) return NaN;
  if (a < 2 ** -126) return ETA32;
  const e = Math.floor(Math.log2(a));
  // log2 can be off by one next to powers of two; correct it so the spacing is that of x's binade.
  const binade = 2 ** e > a ? e - 1 : 2 ** (e + 1) <= a ? e + 1 : e;
  return 2 ** (binade - 23);
}

/**
 * Per-element bound for element-wise functions computed by different libraries: ulps·ulp32(expected) + atol
 * (0 where expected is not finite, so infinities must agree exactly).
 */
export function pointwiseBound(expected: ArrayLike<number>, ulps: number, atol: number): Float64Array {
  const out = new Float64Array(expected.length);
  for (let i = 0; i < out.length; i++) {
    const e = expected[i]!;
    out[i] = Number.isFinite(e) ? ulps * ulp32(e) + atol : 0;
  }
  return out;
}

export function boundTolerance(name: string, bound: ArrayLike<number>): Tolerance {
  return { kind: 'bound', name, bound };
}

/** Values rounded to float32, for comparing a float32 result bit for bit with the float64 referee. */
export function roundToFloat32(values: ArrayLike<number>): Float32Array {
  return Float32Array.from(values as ArrayLike<number>);
}

/**
 * Largest |a − r| over elements: how far a float32 result is from the float64 referee. A NaN on one side only or a
 * different infinity counts as Infinity; equal non-finite values count as 0.
 */
export function maxDeviation(actual: ArrayLike<number>, referee: ArrayLike<number>): number {
  if (actual.length !== referee.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const r = referee[i]!;
    if (a === r || (Number.isNaN(a) && Number.isNaN(r))) continue;
    const d = Math.abs(a - r);
    if (!(d <= worst)) worst = Number.isNaN(d) ? Infinity : d;
  }
  return worst;
}
