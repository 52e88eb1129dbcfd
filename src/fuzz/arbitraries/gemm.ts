import fc from 'fast-check';
import type { FuzzCase, InputSpec, ValueMode } from '../case.js';
import type { Family } from '../family.js';
import { dimsText, hasAttr, opsetsOf, valueSeedArb } from './common.js';

/**
 * Gemm, every declared version from opset 7: M, N 1–8 and K 1–24; transA / transB; alpha and beta (powers of two
 * in exact mode so products stay exact; beta = 0 included, where C is ignored); C absent (opset ≥ 11), scalar, [1],
 * [N], [1, N], [M, 1] or [M, N]. Bound: K products plus the alpha product, the beta product and the addition.
 */

const C_SHAPES = ['none', 'scalar', '[1]', '[N]', '[1,N]', '[M,1]', '[M,N]'] as const;
const EXACT_SCALES = [1, 2, 0.5, -1, 0.25, 0] as const;
const SCALES = [1, 1, -1, 0.5, 2, 0, 0.37, -1.7] as const;

const structureArb = fc.record({
  m: fc.integer({ min: 1, max: 8 }),
  n: fc.integer({ min: 1, max: 8 }),
  k: fc.integer({ min: 1, max: 24 }),
  transA: fc.boolean(),
  transB: fc.boolean(),
  alpha: fc.nat({ max: 7 }),
  beta: fc.nat({ max: 7 }),
  c: fc.constantFrom(...C_SHAPES),
  writeDefaults: fc.boolean(),
  constantB: fc.boolean(),
  valueSeed: valueSeedArb,
});

type Structure = typeof structureArb extends fc.Arbitrary<infer T> ? T : never;

function gemmCase(opset: number, s: Structure, mode: ValueMode): FuzzCase {
  const scales: readonly number[] = mode === 'exact' ? EXACT_SCALES : SCALES;
  const alpha = Math.fround(scales[s.alpha % scales.length]!);
  const beta = Math.fround(scales[s.beta % scales.length]!);
  const optionalC = hasAttr('Gemm', opset, 'broadcast') === false && opset >= 11;
  // Before opset 11 C is required; before 7 (not fuzzed) it had to be [M, N] unless broadcast=1.
  const c = s.c === 'none' && !optionalC ? '[M,N]' : s.c;
  const aDims = s.transA ? [s.k, s.m] : [s.m, s.k];
  const bDims = s.transB ? [s.n, s.k] : [s.k, s.n];
  const cDims = { none: [], scalar: [], '[1]': [1], '[N]': [s.n], '[1,N]': [1, s.n], '[M,1]': [s.m, 1], '[M,N]': [s.m, s.n] }[c];
  const attributes: Record<string, number> = {};
  if (s.writeDefaults || alpha !== 1) attributes.alpha = alpha;
  if (s.writeDefaults || beta !== 1) attributes.beta = beta;
  if (s.writeDefaults || s.transA) attributes.transA = s.transA ? 1 : 0;
  if (s.writeDefaults || s.transB) attributes.transB = s.transB ? 1 : 0;
  const inputs: InputSpec[] = [
    { name: 'A', dims: aDims, role: 'data' },
    { name: 'B', dims: bDims, role: 'weight', constant: s.constantB || undefined },
  ];
  if (c !== 'none') inputs.push({ name: 'C', dims: cDims, role: 'bias' });
  const classes = [`C ${c}`];
  if (s.transA) classes.push('transA');
  if (s.transB) classes.push('transB');
  if (alpha !== 1) classes.push('alpha ≠ 1');
  if (beta === 0 && c !== 'none') classes.push('beta = 0 (C ignored)');
  else if (beta !== 1) classes.push('beta ≠ 1');
  if (s.m === 1 || s.n === 1) classes.push('vector-shaped');
  return {
    family: 'gemm',
    op: 'Gemm',
    title: `Gemm A=${dimsText(aDims)} B=${dimsText(bDims)} C=${c === 'none' ? 'none' : dimsText(cDims)} transA=${s.transA ? 1 : 0} transB=${s.transB ? 1 : 0} alpha=${alpha} beta=${beta} opset ${opset}`,
    opset,
    nodes: [{ opType: 'Gemm', inputs: inputs.map((i) => i.name), outputs: ['Y'], attributes }],
    inputs,
    outputs: ['Y'],
    values: mode,
    valueSeed: s.valueSeed,
    classes,
    check: mode === 'exact' ? { kind: 'exact' } : { kind: 'reduction', terms: s.k + 3 },
  };
}

export function gemmArbitrary(mode: ValueMode): fc.Arbitrary<FuzzCase> {
  return fc.oneof(...opsetsOf('Gemm').map((opset) => structureArb.map((s) => gemmCase(opset, s, mode))));
}

export const gemmFamily: Family = {
  name: 'gemm',
  summary: 'Gemm: transA/transB, alpha/beta, every C broadcast shape',
  ops: ['Gemm'],
  modes: ['normal', 'exact', 'cancel', 'zeros', 'subnormal', 'nonfinite'],
  arbitrary: gemmArbitrary,
};
