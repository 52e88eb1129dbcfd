import { erf, type Numeric } from './elementwise.js';

/**
 * Scalar activation functions with resolved parameters, computed in double precision; float32 callers round once
 * on store. Each follows the formula PyTorch's CPU kernel uses (aten/src/ATen/native/cpu/Activation.cpp) where it
 * differs from ONNX's text, and NaN propagates as it does there.
 */

/** clamp_min(x, 0): NaN stays NaN (PyTorch's relu), where a plain `x > 0 ? x : 0` would give 0. */
export function relu(x: number): number {
  return x > 0 || x !== x ? x : 0;
}

/** relu over a whole array (the Relu op's loop; `relu` inlined). */
export function reluArray(x: Numeric, out: Numeric): void {
  for (let i = 0; i < out.length; i++) {
    const v = x[i]!;
    out[i] = v > 0 || v !== v ? v : 0;
  }
}

export function leakyRelu(alpha: number): (x: number) => number {
  return (x) => (x > 0 ? x : x * alpha);
}

/** ELU with PyTorch's parameters: x > 0 ? scale·x : scale·alpha·(exp(x·inputScale) − 1); expm1 for accuracy near 0. */
export function elu(alpha: number, scale = 1, inputScale = 1): (x: number) => number {
  const negative = alpha * scale;
  return (x) => (x > 0 ? x * scale : negative * Math.expm1(x * inputScale));
}

/** 1 / (1 + e^−x) without overflow: for x < 0 the equivalent e^x / (1 + e^x). */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** max(0, min(1, alpha·x + beta)), NaN propagating. */
export function hardSigmoid(alpha: number, beta: number): (x: number) => number {
  return (x) => Math.max(0, Math.min(1, alpha * x + beta));
}

/** x · min(max(x + 3, 0), 6) / 6, PyTorch's hardswish. */
export function hardSwish(x: number): number {
  return (x * Math.min(Math.max(x + 3, 0), 6)) / 6;
}

/**
 * PyTorch's softplus (beta 1, threshold 20): x above the threshold, else log1p(exp(x)). ONNX writes
 * log(exp(x) + 1), which overflows to +∞ for x > 88 in float32; the threshold form is exact to float32 there.
 */
export function softplus(x: number): number {
  return x > 20 ? x : Math.log1p(Math.exp(x));
}

export function softsign(x: number): number {
  return x / (1 + Math.abs(x));
}

/** x · Φ(x) = 0.5·x·(1 + erf(x/√2)). */
export function gelu(x: number): number {
  return 0.5 * x * (1 + erf(x * Math.SQRT1_2));
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), GELU's tanh approximation. */
export function geluTanh(x: number): number {
  return 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)));
}

/** x · tanh(softplus(x)); PyTorch's mish uses log1p(exp(x)) without a threshold, which saturates correctly. */
export function mish(x: number): number {
  return x * Math.tanh(Math.log1p(Math.exp(x)));
}

/**
 * torch.clamp: min(max(x, lo), hi). NaN stays NaN, and lo > hi gives hi everywhere (also what ONNX's Clip says).
 * Missing bounds are ±∞.
 */
export function clamp(lo: number, hi: number): (x: number) => number {
  return (x) => {
    const y = x < lo ? lo : x;
    return y > hi ? hi : y;
  };
}
