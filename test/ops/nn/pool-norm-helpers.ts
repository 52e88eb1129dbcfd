import { expect } from 'vitest';
import { loadModel } from '../../../src/engine/session.js';
import { TorchParityError } from '../../../src/errors.js';
import { buildSingleOp, type AttributeInput, type BuiltModel } from '../../../src/fuzz/model-builder.js';
import { tensor, type DType, type Tensor } from '../../../src/tensor.js';
import { runOurs, seededValues } from '../../helpers/differential.js';

/** Test helpers shared by the pool and normalization suites. */

export function randomTensor(dims: readonly number[], seed: number, dtype: DType = 'float32', scale = 1): Tensor {
  return tensor(dtype, dims, Array.from(seededValues(dims.reduce((a, b) => a * b, 1), seed, scale)));
}

/** 1, 2, 3, … laid out in `dims`: small integers make sums exact and windows easy to read. */
export function iota(dims: readonly number[], dtype: DType = 'float32'): Tensor {
  return tensor(dtype, dims, Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => i + 1));
}

export function single(
  opType: string,
  opset: number,
  inputs: (Tensor | undefined)[],
  attributes: Record<string, AttributeInput | undefined> = {},
  outputCount = 1,
): BuiltModel {
  return buildSingleOp({ opType, opset, inputs, attributes, outputCount });
}

export async function outputs(model: BuiltModel): Promise<{ dims: readonly number[]; dtype: DType; values: number[] }[]> {
  const result = await runOurs(model);
  return Object.keys(result)
    .sort()
    .map((k) => ({ dims: result[k]!.dims, dtype: result[k]!.dtype, values: Array.from(result[k]!.data as ArrayLike<number>) }));
}

function expectError(error: unknown, code: string, attribute?: string): TorchParityError {
  expect(error, 'expected a TorchParityError').toBeInstanceOf(TorchParityError);
  const e = error as TorchParityError;
  expect(e.code, e.message).toBe(code);
  if (attribute) expect(e.context.attribute, e.message).toBe(attribute);
  return e;
}

/** Building or loading the model must fail with `code` (naming `attribute`): attribute and shape checks run at import. */
export async function expectLoadFailure(build: () => BuiltModel, code: string, attribute?: string): Promise<TorchParityError> {
  let error: unknown;
  try {
    await loadModel(build().bytes);
  } catch (e) {
    error = e;
  }
  return expectError(error, code, attribute);
}

/** The model loads but running it fails with `code`. */
export async function expectRunFailure(model: BuiltModel, code: string): Promise<TorchParityError> {
  const session = await loadModel(model.bytes);
  let error: unknown;
  try {
    await session.run(model.feeds);
  } catch (e) {
    error = e;
  }
  return expectError(error, code);
}

/** Element-wise closeness for hand-computed values that are not exact in float32. */
export function expectClose(actual: readonly number[], expected: readonly number[], tolerance = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => {
    if (Number.isNaN(expected[i]!)) expect(a, `index ${i}`).toBeNaN();
    else expect(Math.abs(a - expected[i]!), `index ${i}: ${a} vs ${expected[i]}`).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(expected[i]!)));
  });
}
