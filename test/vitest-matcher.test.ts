import { describe, expect, it } from 'vitest';
import '../src/vitest.js';
import { loadModel } from '../src/engine/session.js';
import { readTensorFile } from '../src/oracle/tensor-files.js';
import { float32, int64, tensor } from '../src/tensor.js';
import { matchTensor } from '../src/vitest.js';

/** The message a failing expectation throws. */
function failure(run: () => void): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the expectation passed');
}

describe('expect(actual).toMatchTensor(expected, { rtol, atol }) from torchparity/vitest', () => {
  it('a user test: the seed CNN on the numpy-written input matches PyTorch\'s golden within assert_close float32', async () => {
    const session = await loadModel('fixtures/seed/seed_dynamo/model.onnx');
    const { output } = await session.run({ input: readTensorFile('fixtures/seed/inputs/input.npy').get('')! });
    expect(output).toMatchTensor(readTensorFile('fixtures/seed/inputs/golden.npz').get('output')!);
  });

  it('defaults are assert_close\'s for float32: |a − e| ≤ 1e-5 + 1.3e-6·|e|', () => {
    // e = 100: allowed 1e-5 + 1.3e-4 = 1.4e-4.
    expect(float32([1], [100.0001])).toMatchTensor(float32([1], [100]));
    expect(float32([1], [100.0002])).not.toMatchTensor(float32([1], [100]));
    // Plain arrays are float32 values; nested arrays give the shape.
    expect(float32([2, 2], [1, 2, 3, 4.000001])).toMatchTensor([[1, 2], [3, 4]]);
    expect(Float32Array.of(1, NaN)).toMatchTensor([1, NaN]);
  });

  it('rtol / atol replace the defaults (one given keeps the other default)', () => {
    expect(float32([2], [1.01, 2])).not.toMatchTensor([1, 2]);
    expect(float32([2], [1.01, 2])).toMatchTensor([1, 2], { atol: 0.02 });
    expect(float32([2], [1.01, 2])).toMatchTensor([1, 2], { rtol: 0.011 });
    expect(float32([2], [1.01, 2])).not.toMatchTensor([1, 2], { rtol: 0.009, atol: 0 });
  });

  it('integers compare exactly unless a tolerance is given', () => {
    expect(int64([3], [1, 2, 3])).toMatchTensor(int64([3], [1, 2, 3]));
    expect(int64([3], [1, 2, 4])).not.toMatchTensor(int64([3], [1, 2, 3]));
    expect(int64([3], [1, 2, 4])).toMatchTensor(int64([3], [1, 2, 3]), { atol: 1 });
  });

  it('the failure message gives the shape, how many are off, the worst element with its index, and statistics', () => {
    const expected = float32([2, 3], [0, 1, 2, 3, 4, 5]);
    const actual = float32([2, 3], [0, 1, 2.5, 3, 4, 5.001]);
    const message = failure(() => expect(actual).toMatchTensor(expected));
    expect(message).toContain('expected tensors to match within torch float32 (rtol 1.3e-6, atol 1e-5)');
    expect(message).toContain('shape: [2,3] (actual float32, expected float32)');
    expect(message).toContain('mismatched elements: 2 / 6 (33.3%)');
    expect(message).toContain('worst at index [0, 2] (flat 2): actual 2.5, expected 2, |diff| 0.5 > allowed 1.260e-5');
    expect(message).toMatch(/max abs diff 0\.5, max rel diff 0\.25, max ulp \d+/);
  });

  it('a shape mismatch says both shapes; .not says why it matched', () => {
    expect(failure(() => expect(float32([2, 3])).toMatchTensor(float32([3, 2])))).toContain('shape: actual float32[2,3] vs expected float32[3,2]');
    expect(failure(() => expect(float32([2], [1, 2])).not.toMatchTensor([1, 2]))).toContain('expected tensors to differ beyond torch float32 (rtol 1.3e-6, atol 1e-5), but all 2 elements of [2] are within it');
  });

  it('float64 tensors get float64 defaults; anything that is not a tensor is a clear TypeError', () => {
    expect(tensor('float64', [1], [1 + 3e-7])).not.toMatchTensor(tensor('float64', [1], [1]));
    expect(matchTensor(tensor('float64', [1], [1 + 3e-7]), [1]).pass).toBe(true);
    expect(() => expect('abc').toMatchTensor([1])).toThrow(/toMatchTensor: the actual value is not a tensor/);
    expect(() => expect([1]).toMatchTensor([[1, 2], [3]])).toThrow(/ragged/);
  });
});
