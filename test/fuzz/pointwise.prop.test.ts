import { describe, it } from 'vitest';
import { activationFamily } from '../../src/fuzz/arbitraries/activation.js';
import { elementwiseFamily } from '../../src/fuzz/arbitraries/elementwise.js';
import { checkFamily } from './property.js';

describe('activations vs onnxruntime and the float64 referee (property)', () => {
  it('normal data, attributes from the declarations', () => checkFamily(activationFamily, 'normal', 200, 401));
  it('exact zeros and −0', () => checkFamily(activationFamily, 'zeros', 40, 402));
  it('±Infinity and NaN', () => checkFamily(activationFamily, 'nonfinite', 80, 403));
});

describe('broadcasting element-wise ops vs onnxruntime and the float64 referee (property)', () => {
  it('normal data', () => checkFamily(elementwiseFamily, 'normal', 150, 411));
  it('small integers', () => checkFamily(elementwiseFamily, 'exact', 60, 412));
  it('subnormal data', () => checkFamily(elementwiseFamily, 'subnormal', 40, 413));
  it('±Infinity and NaN', () => checkFamily(elementwiseFamily, 'nonfinite', 60, 414));
});
