import { describe, it } from 'vitest';
import { poolFamily } from '../../src/fuzz/arbitraries/pool.js';
import { checkFamily } from './property.js';

describe('MaxPool and AveragePool vs onnxruntime and the float64 referee (property)', () => {
  it('standard normal data', () => checkFamily(poolFamily, 'normal', 300, 201));
  it('small-integer data: bit-exact, averages included', () => checkFamily(poolFamily, 'exact', 250, 202));
  it('all-negative windows: padding never takes part in a max', () => checkFamily(poolFamily, 'negative', 80, 203));
  it('large magnitudes with cancellation (average)', () => checkFamily(poolFamily, 'cancel', 50, 204));
  it('exact zeros and −0', () => checkFamily(poolFamily, 'zeros', 40, 205));
  it('subnormal data', () => checkFamily(poolFamily, 'subnormal', 40, 206));
  it('±Infinity and NaN: NaN propagates as in PyTorch', () => checkFamily(poolFamily, 'nonfinite', 80, 207));
});
