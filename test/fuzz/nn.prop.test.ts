import { describe, it } from 'vitest';
import { batchNormFamily } from '../../src/fuzz/arbitraries/batch-norm.js';
import { chainFamily } from '../../src/fuzz/arbitraries/chain.js';
import { convTransposeFamily } from '../../src/fuzz/arbitraries/conv-transpose.js';
import { gemmFamily } from '../../src/fuzz/arbitraries/gemm.js';
import { matmulFamily } from '../../src/fuzz/arbitraries/matmul.js';
import { checkFamily } from './property.js';

describe('ConvTranspose vs onnxruntime and the float64 referee (property)', () => {
  it('standard normal data', () => checkFamily(convTransposeFamily, 'normal', 150, 301));
  it('small-integer data: bit-exact', () => checkFamily(convTransposeFamily, 'exact', 120, 302));
  it('±Infinity and NaN', () => checkFamily(convTransposeFamily, 'nonfinite', 30, 303));
});

describe('BatchNormalization vs onnxruntime and the float64 referee (property)', () => {
  it('standard normal data and random statistics', () => checkFamily(batchNormFamily, 'normal', 80, 311));
  it('large magnitudes with cancellation against the mean', () => checkFamily(batchNormFamily, 'cancel', 30, 312));
  it('±Infinity and NaN', () => checkFamily(batchNormFamily, 'nonfinite', 20, 313));
});

describe('Gemm vs onnxruntime and the float64 referee (property)', () => {
  it('standard normal data', () => checkFamily(gemmFamily, 'normal', 120, 321));
  it('small-integer data: bit-exact', () => checkFamily(gemmFamily, 'exact', 120, 322));
  it('large magnitudes with cancellation', () => checkFamily(gemmFamily, 'cancel', 30, 323));
  it('±Infinity and NaN', () => checkFamily(gemmFamily, 'nonfinite', 30, 324));
});

describe('MatMul vs onnxruntime and the float64 referee (property)', () => {
  it('standard normal data', () => checkFamily(matmulFamily, 'normal', 80, 331));
  it('small-integer data: bit-exact', () => checkFamily(matmulFamily, 'exact', 60, 332));
});

describe('small models (chains) vs onnxruntime and the float64 referee (property)', () => {
  it('classifier, separable, residual and decoder chains: within the chain bound', () => checkFamily(chainFamily, 'normal', 80, 341));
  it('large magnitudes with cancellation', () => checkFamily(chainFamily, 'cancel', 20, 342));
});
