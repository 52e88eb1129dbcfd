import fc from 'fast-check';
import type { FuzzCase, ValueMode } from '../case.js';
import type { Family } from '../family.js';
import { dimsText, opsetsOf, valueSeedArb } from './common.js';

/**
 * MatMul with numpy semantics, every declared version from opset 7: 1-D operands (promoted and the axis removed),
 * stacks of matrices whose leading dims broadcast (each leading dim 1 on one side or equal), M, N 1–6, K 1–16.
 */

const structureArb = fc.record({
  aRank: fc.integer({ min: 1, max: 4 }),
  bRank: fc.integer({ min: 1, max: 4 }),
  m: fc.integer({ min: 1, max: 6 }),
  n: fc.integer({ min: 1, max: 6 }),
  k: fc.integer({ min: 1, max: 16 }),
  batch: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
  /** Per leading axis: 0 both sides have it, 1 A has 1 there, 2 B has 1 there. */
  broadcast: fc.tuple(fc.nat({ max: 2 }), fc.nat({ max: 2 })),
  constantB: fc.boolean(),
  valueSeed: valueSeedArb,
});

type Structure = typeof structureArb extends fc.Arbitrary<infer T> ? T : never;

function matmulCase(opset: number, s: Structure, mode: ValueMode): FuzzCase {
  const lead = (rank: number, side: 1 | 2) => {
    const count = Math.max(0, rank - 2);
    // Align leading axes from the right, as broadcasting does.
    return Array.from({ length: count }, (_, i) => {
      const axis = 2 - count + i;
      return s.broadcast[axis] === side ? 1 : s.batch[axis]!;
    });
  };
  const aDims = s.aRank === 1 ? [s.k] : [...lead(s.aRank, 1), s.m, s.k];
  const bDims = s.bRank === 1 ? [s.k] : [...lead(s.bRank, 2), s.k, s.n];
  const classes = [`A rank ${s.aRank}`, `B rank ${s.bRank}`];
  if (s.aRank === 1 || s.bRank === 1) classes.push('1-D operand');
  if (Math.max(s.aRank, s.bRank) > 2 && s.aRank !== s.bRank) classes.push('ranks differ (broadcast)');
  if ((s.aRank > 2 || s.bRank > 2) && s.broadcast.some((b) => b !== 0)) classes.push('leading dim 1 broadcast');
  return {
    family: 'matmul',
    op: 'MatMul',
    title: `MatMul A=${dimsText(aDims)} B=${dimsText(bDims)} opset ${opset}`,
    opset,
    nodes: [{ opType: 'MatMul', inputs: ['A', 'B'], outputs: ['Y'] }],
    inputs: [
      { name: 'A', dims: aDims, role: 'data' },
      { name: 'B', dims: bDims, role: 'weight', constant: s.constantB || undefined },
    ],
    outputs: ['Y'],
    values: mode,
    valueSeed: s.valueSeed,
    classes,
    check: mode === 'exact' ? { kind: 'exact' } : { kind: 'reduction', terms: s.k },
  };
}

export function matmulArbitrary(mode: ValueMode): fc.Arbitrary<FuzzCase> {
  return fc.oneof(...opsetsOf('MatMul').map((opset) => structureArb.map((s) => matmulCase(opset, s, mode))));
}

export const matmulFamily: Family = {
  name: 'matmul',
  summary: 'MatMul: 1-D operands, batched stacks with broadcast leading dims',
  ops: ['MatMul'],
  modes: ['normal', 'exact', 'cancel', 'zeros', 'nonfinite'],
  arbitrary: matmulArbitrary,
};
