import { expect } from 'vitest';
import { compareTensors, describeComparison } from '../../src/compare/compare.js';
import { allclose, type Tolerance } from '../../src/compare/tolerance.js';
import { loadModel } from '../../src/engine/session.js';
import type { BuiltModel } from '../../src/fuzz/model-builder.js';
import { runOnnxruntime } from '../../src/oracle/onnxruntime.js';
import type { Tensor } from '../../src/tensor.js';
import { mulberry32 } from '../../src/random.js';

/** Deterministic pseudo-random values (mulberry32), so example tests need no seed plumbing. */
export function seededValues(count: number, seed: number, scale = 1): Float32Array {
  const random = mulberry32(seed);
  return Float32Array.from({ length: count }, () => (random() * 2 - 1) * scale);
}

export async function runOurs(model: BuiltModel): Promise<Record<string, Tensor>> {
  const session = await loadModel(model.bytes);
  return session.run(model.feeds);
}

/** Runs a built model on our engine and on onnxruntime and expects every output to agree within `tolerance`. */
export async function expectMatchesOnnxruntime(
  model: BuiltModel,
  tolerance: Tolerance = allclose(1e-5, 1e-5),
): Promise<Record<string, Tensor>> {
  const ours = await runOurs(model);
  const { outputs: theirs } = await runOnnxruntime(model.bytes, model.feeds);
  for (const [name, expected] of Object.entries(theirs)) {
    const actual = ours[name];
    expect(actual, `output ${name}`).toBeDefined();
    expect(actual!.dtype, `dtype of ${name}`).toBe(expected.dtype);
    const result = compareTensors(actual!, expected, tolerance);
    expect(result.verdict, `${name}: ${describeComparison(result)}`).toBe('pass');
  }
  return ours;
}
