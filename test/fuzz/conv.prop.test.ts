import { describe, it } from 'vitest';
import { convFamily } from '../../src/fuzz/arbitraries/conv.js';
import { checkFamily } from './property.js';

// Budgets: ~12 ms a case; the whole file stays near 10 s.
describe('Conv vs onnxruntime and the float64 referee (property)', () => {
  it('standard normal data: within the reduction bound', () => checkFamily(convFamily, 'normal', 300, 101));
  it('small-integer data: bit-exact', () => checkFamily(convFamily, 'exact', 250, 102));
  it('large magnitudes with cancellation', () => checkFamily(convFamily, 'cancel', 60, 103));
  it('exact zeros and −0', () => checkFamily(convFamily, 'zeros', 50, 104));
  it('subnormal data (no flush to zero)', () => checkFamily(convFamily, 'subnormal', 50, 105));
  it('±Infinity and NaN in the data (NaN-aware)', () => checkFamily(convFamily, 'nonfinite', 50, 106));
});
