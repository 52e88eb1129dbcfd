import type { Tensor } from '../tensor.js';
import type { Precision } from './graph.js';

/**
 * In a float64 (referee) run every float32 value is held as float64. The conversion is exact, so applying it to
 * initializers, feeds and the outputs of ops that create float32 tensors (Constant, ConstantOfShape) gives the
 * graph's own numbers computed without float32 rounding.
 */
export function promote(t: Tensor, precision: Precision): Tensor {
  if (precision === 'float32' || t.dtype !== 'float32') return t;
  return { dtype: 'float64', dims: t.dims, data: Float64Array.from(t.data) };
}

export function promoteDtype<T extends string>(dtype: T, precision: Precision): T | 'float64' {
  return precision === 'float64' && dtype === 'float32' ? 'float64' : dtype;
}
