import { describe, it } from 'vitest';
import { padFamily } from '../../src/fuzz/arbitraries/pad.js';
import { resizeFamily } from '../../src/fuzz/arbitraries/resize.js';
import { shapeOpsFamily } from '../../src/fuzz/arbitraries/shape-ops.js';
import { checkFamily } from './property.js';

describe('Pad vs onnxruntime and the float64 referee (property)', () => {
  it('every mode, negative pads, constant value, axes input: bit-exact', () => checkFamily(padFamily, 'normal', 120, 501));
  it('±Infinity and NaN are moved, never computed', () => checkFamily(padFamily, 'nonfinite', 30, 502));
});

describe('data-movement ops vs onnxruntime and the float64 referee (property)', () => {
  it('every op and form: bit-exact', () => checkFamily(shapeOpsFamily, 'normal', 200, 511));
});

describe('Resize vs onnxruntime and the float64 referee (property)', () => {
  it('the forms F.interpolate exports: nearest bit-exact, linear and cubic within their budget', () => checkFamily(resizeFamily, 'normal', 150, 521));
});
