import fc from 'fast-check';
import type { FuzzCase, InputSpec, ValueMode } from '../case.js';
import type { Family } from '../family.js';
import { attrSpecOf, dimsText, hasAttr, opsetsOf, valueSeedArb } from './common.js';

/**
 * BatchNormalization in inference form, every declared version from opset 7: input rank 2 to 5, random running
 * statistics (mean normal, variance positive and sometimes near 0 so epsilon matters), random scale and bias,
 * epsilon from 1e-6 to 1e-1, spatial=0 (one parameter per feature) where the version has it, training_mode=0 and
 * momentum written out or not.
 *
 * Check: element-wise, so the bound is a count of roundings, not a reduction: var + eps, sqrt, division, the
 * scale product, x − mean (or the folded bias B − mean·a), the product with x and the final addition — 7 per
 * implementation, rounded up to 8 terms, relative to the magnitude (|x| + |mean|)·|scale|/√(var + eps) + |B| that
 * the same op computes on magnitudes.
 */

const structureArb = fc.record({
  rank: fc.integer({ min: 2, max: 5 }),
  dims: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 3 })),
  epsilonExponent: fc.double({ min: -6, max: -1, noNaN: true }),
  writeEpsilon: fc.boolean(),
  smallVariance: fc.boolean(),
  spatial: fc.boolean(),
  writeDefaults: fc.boolean(),
  constantParams: fc.boolean(),
  valueSeed: valueSeedArb,
});

type Structure = typeof structureArb extends fc.Arbitrary<infer T> ? T : never;

function batchNormCase(opset: number, s: Structure, mode: ValueMode): FuzzCase {
  const xDims = s.dims.slice(0, s.rank);
  const perFeature = hasAttr('BatchNormalization', opset, 'spatial') && !s.spatial;
  const paramDims = perFeature ? xDims.slice(1) : [xDims[1]!];
  // Epsilon as float32 would store it, so both sides add the same number.
  const epsilon = Math.fround(10 ** s.epsilonExponent);
  const attributes: Record<string, number> = {};
  const defaultEpsilon = (attrSpecOf('BatchNormalization', opset, 'epsilon') as { default?: number } | undefined)?.default;
  if (s.writeEpsilon || s.writeDefaults) attributes.epsilon = s.writeEpsilon ? epsilon : (defaultEpsilon ?? 1e-5);
  if (s.writeDefaults) attributes.momentum = 0.9;
  if (hasAttr('BatchNormalization', opset, 'spatial') && (s.writeDefaults || perFeature)) attributes.spatial = perFeature ? 0 : 1;
  if (hasAttr('BatchNormalization', opset, 'training_mode') && s.writeDefaults) attributes.training_mode = 0;
  const constant = s.constantParams || undefined;
  const inputs: InputSpec[] = [
    { name: 'X', dims: xDims, role: 'data' },
    { name: 'scale', dims: paramDims, role: 'scale', constant },
    { name: 'B', dims: paramDims, role: 'bias', constant },
    { name: 'mean', dims: paramDims, role: 'mean', constant },
    { name: 'var', dims: paramDims, role: 'variance', constant, dist: s.smallVariance ? { kind: 'uniform', min: 0, max: 1e-3 } : { kind: 'uniform', min: 0.05, max: 3 } },
  ];
  const classes = [`rank ${s.rank}`];
  if (perFeature) classes.push('spatial=0 (per feature)');
  if (s.smallVariance) classes.push('variance near 0 (epsilon matters)');
  if (!s.writeEpsilon) classes.push('default epsilon');
  if (constant) classes.push('statistics as initializers');
  return {
    family: 'batchnorm',
    op: 'BatchNormalization',
    title: `BatchNormalization x=${dimsText(xDims)} params=${dimsText(paramDims)} eps=${attributes.epsilon ?? 'default'}${s.smallVariance ? ' small var' : ''} opset ${opset}`,
    opset,
    nodes: [{ opType: 'BatchNormalization', inputs: inputs.map((i) => i.name), outputs: ['Y'], attributes }],
    inputs,
    outputs: ['Y'],
    values: mode,
    valueSeed: s.valueSeed,
    classes,
    check: { kind: 'reduction', terms: 8 },
  };
}

export function batchNormArbitrary(mode: ValueMode): fc.Arbitrary<FuzzCase> {
  return fc.oneof(...opsetsOf('BatchNormalization').map((opset) => structureArb.map((s) => batchNormCase(opset, s, mode))));
}

export const batchNormFamily: Family = {
  name: 'batchnorm',
  summary: 'BatchNormalization (inference) rank 2–5: random statistics, epsilon, spatial=0',
  ops: ['BatchNormalization'],
  modes: ['normal', 'cancel', 'zeros', 'subnormal', 'nonfinite'],
  arbitrary: batchNormArbitrary,
};
