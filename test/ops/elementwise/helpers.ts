import { expect } from 'vitest';
import { allclose, type Tolerance } from '../../../src/compare/tolerance.js';
import { isTorchParityError, type ErrorCode } from '../../../src/errors.js';
import { buildSingleOp, type AttributeInput } from '../../../src/fuzz/model-builder.js';
import { isInteger, tensor, type DType, type Tensor } from '../../../src/tensor.js';
import { expectMatchesOnnxruntime, runOurs, seededValues } from '../../helpers/differential.js';

export type Attributes = Readonly<Record<string, AttributeInput | undefined>>;

const INTEGER_RANGE: Partial<Record<DType, [number, number]>> = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-(2 ** 31), 2 ** 31 - 1],
  int64: [-(2 ** 40), 2 ** 40],
  uint8: [0, 255],
  uint16: [0, 65535],
  uint32: [0, 2 ** 32 - 1],
  uint64: [0, 2 ** 40],
  bool: [0, 1],
};

/**
 * Seeded values of a type. Floats are uniform in [-scale, scale); integers cover the type's whole range (64-bit
 * types ±2^40) unless `range` narrows them, so wrapping arithmetic is exercised.
 */
export function randomOf(dtype: DType, dims: readonly number[], seed: number, options: { scale?: number; range?: [number, number] } = {}): Tensor {
  const n = dims.reduce((a, b) => a * b, 1);
  const u = seededValues(n, seed);
  if (!isInteger(dtype) && dtype !== 'bool') return tensor(dtype, dims, Array.from(u, (v) => v * (options.scale ?? 1)));
  const [lo, hi] = options.range ?? INTEGER_RANGE[dtype]!;
  return tensor(dtype, dims, Array.from(u, (v) => Math.min(hi, Math.floor(lo + ((v + 1) / 2) * (hi - lo + 1)))));
}

export function t(dtype: DType, dims: readonly number[], data: readonly number[]): Tensor {
  return tensor(dtype, dims, data);
}

export function f32(dims: readonly number[], data: readonly number[]): Tensor {
  return tensor('float32', dims, data);
}

export function values(x: Tensor | undefined): number[] {
  return Array.from(x!.data as ArrayLike<number>);
}

export interface OpCase {
  opType: string;
  opset: number;
  inputs: readonly (Tensor | undefined)[];
  attributes?: Attributes;
  constantInputs?: readonly number[];
}

/** Runs one op on our engine and returns its single output. */
export async function ours(c: OpCase): Promise<Tensor> {
  const { out0 } = await runOurs(buildSingleOp(c));
  return out0!;
}

/** Runs one op on our engine and on onnxruntime, expects agreement, and returns our output. */
export async function againstOrt(c: OpCase, tolerance: Tolerance = allclose(1e-5, 1e-6)): Promise<Tensor> {
  const { out0 } = await expectMatchesOnnxruntime(buildSingleOp(c), tolerance);
  return out0!;
}

/** Expects `run` (sync or async) to fail with a TorchParityError of this code, optionally matching a message. */
export async function expectFailure(run: () => unknown, code: ErrorCode, message?: RegExp): Promise<void> {
  let caught: unknown;
  try {
    await run();
  } catch (error) {
    caught = error;
  }
  expect(caught, 'expected a failure').toBeDefined();
  expect(isTorchParityError(caught), String(caught)).toBe(true);
  const e = caught as { code: ErrorCode; message: string };
  expect(e.code, e.message).toBe(code);
  if (message) expect(e.message).toMatch(message);
}

/** Elementwise |a − b| ≤ atol + rtol·|b| with NaN matching NaN, for hand-computed expectations. */
export function expectClose(actual: readonly number[], expected: readonly number[], rtol = 1e-6, atol = 1e-7): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => {
    const e = expected[i]!;
    if (Number.isNaN(e)) expect(a, `element ${i}`).toBeNaN();
    else if (!Number.isFinite(e)) expect(a, `element ${i}`).toBe(e);
    else expect(Math.abs(a - e), `element ${i}: ${a} vs ${e}`).toBeLessThanOrEqual(atol + rtol * Math.abs(e));
  });
}

/** Expects loading or running this one-op model on our engine to fail with this code. */
export async function expectOpFailure(c: OpCase, code: ErrorCode, message?: RegExp): Promise<void> {
  await expectFailure(() => ours(c), code, message);
}

/**
 * For float64 and float16, where onnxruntime often has no kernel: our result in `dtype` against onnxruntime's
 * float32 result on the same values, within the rounding of the coarser of the two types.
 */
export async function againstOrtInFloat32(c: OpCase, dtype: DType): Promise<Tensor> {
  const retype = (x: Tensor | undefined) => (x && x.dtype === 'float32' ? tensor(dtype, x.dims, values(x)) : x);
  const narrowed = c.inputs.map((x) => (x && x.dtype === 'float32' && dtype === 'float16' ? tensor('float32', x.dims, values(retype(x))) : x));
  const reference = await againstOrt({ ...c, inputs: narrowed });
  const actual = await ours({ ...c, inputs: narrowed.map(retype) });
  expect(actual.dtype).toBe(dtype);
  if (dtype === 'float16') expectClose(values(actual), values(reference), 2e-3, 2e-3);
  else expectClose(values(actual), values(reference), 2e-6, 1e-6);
  return actual;
}
