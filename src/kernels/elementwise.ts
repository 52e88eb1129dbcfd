import { binaryBroadcast, forEachBroadcastRow } from './broadcast.js';

/** Any typed array the engine stores tensors in. */
export type Numeric = { [index: number]: number; readonly length: number };

export interface BroadcastOperand {
  data: Numeric;
  dims: readonly number[];
}

export function mapUnary(x: Numeric, out: Numeric, f: (v: number) => number): void {
  for (let i = 0; i < out.length; i++) out[i] = f(x[i]!);
}

/** `source` broadcast into `out` (laid out with `outDims`). */
export function broadcastInto(source: BroadcastOperand, out: Numeric, outDims: readonly number[]): void {
  const data = source.data;
  forEachBroadcastRow([source.dims], outDims, (o, [start], [step], n) => {
    let p = start!;
    for (let i = 0; i < n; i++, p += step!) out[o + i] = data[p]!;
  });
}

/**
 * out = f(…f(f(x0, x1), x2)…, xn) under numpy broadcasting: the left-to-right fold onnxruntime uses for the
 * variadic Sum, Max, Min and Mean. Each partial result is stored in `out`, so it is rounded to the output type
 * between steps exactly as a chain of binary ops would be.
 */
export function foldBroadcast(inputs: readonly BroadcastOperand[], out: Numeric, outDims: readonly number[], f: (acc: number, x: number) => number): void {
  broadcastInto(inputs[0]!, out, outDims);
  for (let k = 1; k < inputs.length; k++) binaryBroadcast(out, outDims, inputs[k]!.data, inputs[k]!.dims, out, outDims, f);
}

/** out = cond ? x : y, all three broadcast together. */
export function whereBroadcast(cond: BroadcastOperand, x: BroadcastOperand, y: BroadcastOperand, out: Numeric, outDims: readonly number[]): void {
  const c = cond.data;
  const xs = x.data;
  const ys = y.data;
  forEachBroadcastRow([cond.dims, x.dims, y.dims], outDims, (o, [pc0, px0, py0], [sc, sx, sy], n) => {
    let pc = pc0!;
    let px = px0!;
    let py = py0!;
    for (let i = 0; i < n; i++, pc += sc!, px += sx!, py += sy!) out[o + i] = c[pc] ? xs[px]! : ys[py]!;
  });
}

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const ONE_OVER_SQRT_PI = 0.5641895835477563;

/**
 * The error function to double precision (JavaScript has no Math.erf). Below |x| = 2.5 the series
 * erf(x) = 2/√π · e^(−x²) · Σ 2ⁿx^(2n+1) / (1·3·…·(2n+1)), whose terms are all positive (no cancellation); above,
 * erf = 1 − erfc with erfc(x) = e^(−x²)/√π · 1/(x + ½/(x + 1/(x + 3⁄2/(x + …)))) evaluated by the modified Lentz
 * method. Float32 callers round the double result once, which is within PyTorch's own ≤1-ulp erff.
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return x;
  const a = Math.abs(x);
  if (a < 2.5) {
    const twoX2 = 2 * x * x;
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= twoX2 / (2 * n + 1);
      sum += term;
      if (Math.abs(term) <= Math.abs(sum) * 1e-17) break;
    }
    return TWO_OVER_SQRT_PI * Math.exp(-x * x) * sum;
  }
  if (a >= 6) return x > 0 ? 1 : -1; // erfc(6) ≈ 2e-17 is below half an ulp of 1
  const tail = erfcContinuedFraction(a);
  return x > 0 ? 1 - tail : tail - 1;
}

/** erfc(a) for a ≥ 2.5 by the continued fraction with partial numerators k/2 (modified Lentz). */
function erfcContinuedFraction(a: number): number {
  const tiny = 1e-300;
  let f = a;
  let c = a;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const numerator = k / 2;
    d = a + numerator * d;
    d = d === 0 ? 1 / tiny : 1 / d;
    c = a + numerator / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return (ONE_OVER_SQRT_PI * Math.exp(-a * a)) / f;
}

export type Arithmetic = 'add' | 'sub' | 'mul' | 'div';

/**
 * Float a ∘ b under broadcasting with the operation written out in each row loop: the hot path of residual adds
 * and per-channel scalings, several times faster than calling an element function.
 */
export function floatArithmetic(op: Arithmetic, a: BroadcastOperand, b: BroadcastOperand, out: Numeric, outDims: readonly number[]): void {
  const x = a.data;
  const y = b.data;
  const same = x.length === out.length && y.length === out.length;
  const dims = same ? [out.length] : outDims;
  forEachBroadcastRow(same ? [dims, dims] : [a.dims, b.dims], dims, (o, [pa0, pb0], [sa, sb], n) => {
    let pa = pa0!;
    let pb = pb0!;
    const end = o + n;
    switch (op) {
      case 'add':
        for (let i = o; i < end; i++, pa += sa!, pb += sb!) out[i] = x[pa]! + y[pb]!;
        break;
      case 'sub':
        for (let i = o; i < end; i++, pa += sa!, pb += sb!) out[i] = x[pa]! - y[pb]!;
        break;
      case 'mul':
        for (let i = o; i < end; i++, pa += sa!, pb += sb!) out[i] = x[pa]! * y[pb]!;
        break;
      case 'div':
        for (let i = o; i < end; i++, pa += sa!, pb += sb!) out[i] = x[pa]! / y[pb]!;
        break;
    }
  });
}
