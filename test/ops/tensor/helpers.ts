import { expect } from 'vitest';
import { isTorchParityError, type ErrorCode } from '../../../src/errors.js';
import type { BuiltModel } from '../../../src/fuzz/model-builder.js';
import { float32, tensor, type DType, type Tensor } from '../../../src/tensor.js';
import { runOurs, seededValues } from '../../helpers/differential.js';

export function randomTensor(dims: readonly number[], seed: number): Tensor {
  return float32(dims, seededValues(dims.reduce((a, b) => a * b, 1), seed));
}

/** 0, 1, 2, … so every output element names the input element it came from. */
export function iota(dims: readonly number[], dtype: DType = 'float32'): Tensor {
  const n = dims.reduce((a, b) => a * b, 1);
  return tensor(dtype, dims, Array.from({ length: n }, (_, i) => i));
}

export function values(t: Tensor | undefined): number[] {
  return Array.from(t!.data as ArrayLike<number>);
}

/** Building (which runs shape inference) or running must fail with this code; the message must match `pattern`. */
export async function expectFailure(build: () => BuiltModel, code: ErrorCode, pattern?: RegExp): Promise<void> {
  let error: unknown;
  try {
    await runOurs(build());
  } catch (e) {
    error = e;
  }
  expect(error, 'expected a TorchParityError').toBeDefined();
  if (!isTorchParityError(error)) throw error;
  expect(error.code, error.describe()).toBe(code);
  if (pattern) expect(error.describe()).toMatch(pattern);
}
