import fc from 'fast-check';
import { versionsOf } from '../../ops/registry.js';
import type { CheckSpec, FuzzCase, InputSpec, ValueMode } from '../case.js';
import type { Family } from '../family.js';
import { broadcastOf, operandArb, operandDims, outputShapeArb } from './broadcast.js';
import { declarationFor, dimsText, opsetsOf, valueSeedArb } from './common.js';

/**
 * Element-wise ops with numpy broadcasting, every declared version from opset 7 (legacy `broadcast` attributes
 * before 7 are not fuzzed): binary arithmetic and comparisons, variadic Sum/Mean/Max/Min with one to four inputs,
 * and the unary math ops. Each operand takes a suffix of the output shape with some dims collapsed to 1, so scalar,
 * row, column and full operands all occur.
 *
 * Checks: IEEE +, −, ×, ÷, sqrt are correctly rounded and computing them in double then rounding to float32 gives the
 * same bits (double rounding is innocuous for these, 53 ≥ 2·24 + 2), so they, the comparisons, Abs, Neg, Ceil, Floor,
 * Max and Min are bit-exact. Sum and Mean of n inputs round n − 1 (n) times in an order libraries may choose, each
 * rounding at the size of a partial sum, which cancellation can leave far above the result's: they are checked as
 * n-term reductions against their magnitudes Σ|xᵢ| (Σ|xᵢ| / n). Pow, Exp, Log and Erf are libm or polynomial approximations: small ulp budgets with an absolute floor near 0.
 */

const BINARY = ['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'Equal'];
const VARIADIC = ['Sum', 'Mean', 'Max', 'Min'];
const UNARY = ['Abs', 'Neg', 'Sqrt', 'Reciprocal', 'Ceil', 'Floor', 'Exp', 'Log', 'Erf'];

export const ELEMENTWISE_CHECKS: Record<string, CheckSpec> = {
  Add: { kind: 'exact' },
  Sub: { kind: 'exact' },
  Mul: { kind: 'exact' },
  Div: { kind: 'exact' },
  Less: { kind: 'exact' },
  Greater: { kind: 'exact' },
  LessOrEqual: { kind: 'exact' },
  GreaterOrEqual: { kind: 'exact' },
  Equal: { kind: 'exact' },
  Max: { kind: 'exact' },
  Min: { kind: 'exact' },
  Abs: { kind: 'exact' },
  Neg: { kind: 'exact' },
  Sqrt: { kind: 'exact' },
  Reciprocal: { kind: 'exact' },
  Ceil: { kind: 'exact' },
  Floor: { kind: 'exact' },
  /** terms: the case's input count (elementwiseCase). */
  Sum: { kind: 'reduction', terms: 4 },
  Mean: { kind: 'reduction', terms: 4 },
  Pow: { kind: 'pointwise', ulps: 4, atol: 2 ** -126 },
  Exp: { kind: 'pointwise', ulps: 4, atol: 2 ** -126 },
  Log: { kind: 'pointwise', ulps: 4, atol: 2 ** -24 },
  Erf: { kind: 'pointwise', ulps: 8, atol: 2 ** -24 },
};

const OPS = [...BINARY, ...VARIADIC, ...UNARY].filter((op) => versionsOf(op).length > 0 && ELEMENTWISE_CHECKS[op]);

const structureArb = fc.record({
  out: outputShapeArb,
  operands: fc.array(operandArb, { minLength: 4, maxLength: 4 }),
  count: fc.integer({ min: 1, max: 4 }),
  valueSeed: valueSeedArb,
});

type Structure = typeof structureArb extends fc.Arbitrary<infer T> ? T : never;

function elementwiseCase(op: string, opset: number, s: Structure, mode: ValueMode): FuzzCase {
  const decl = declarationFor(op, opset);
  const arity = UNARY.includes(op) ? 1 : BINARY.includes(op) ? 2 : decl.inputs[0]?.variadic ? s.count : 2;
  // Sum, Mean, Max and Min broadcast from opset 8 on; before, their inputs all have one shape.
  const sameShapes = VARIADIC.includes(op) && opset < 8;
  const shapes = s.operands.slice(0, arity).map((d) => (arity === 1 || sameShapes ? [...s.out] : operandDims(s.out, d)));
  const inputs: InputSpec[] = shapes.map((dims, i) => ({
    name: `X${i}`,
    dims,
    role: 'data',
    // Pow: exponents stay small so results stay finite most of the time.
    dist: op === 'Pow' && i === 1 ? { kind: 'normal', scale: 1.5 } : { kind: 'normal', scale: 2 },
  }));
  const result = broadcastOf(shapes);
  const check = ELEMENTWISE_CHECKS[op]!;
  const classes = [`rank ${result.length}`, `${arity} input${arity > 1 ? 's' : ''}`];
  if (arity > 1 && shapes.some((d) => d.length < result.length)) classes.push('lower-rank operand');
  if (arity > 1 && shapes.some((d) => d.some((x, i) => x === 1 && result[result.length - d.length + i]! > 1))) classes.push('size-1 axis broadcast');
  if (shapes.some((d) => d.length === 0)) classes.push('scalar operand');
  return {
    family: 'elementwise',
    op,
    title: `${op} ${shapes.map((d) => dimsText(d)).join(' ')} → ${dimsText(result)} opset ${opset}`,
    opset,
    nodes: [{ opType: op, inputs: inputs.map((i) => i.name), outputs: ['Y'] }],
    inputs,
    outputs: ['Y'],
    values: mode,
    valueSeed: s.valueSeed,
    classes,
    check: check.kind === 'reduction' ? { ...check, terms: arity } : check,
  };
}

/** Versions whose first input takes float32 (Equal before opset 11 compares only integers and bools). */
function floatOpsets(op: string): number[] {
  return opsetsOf(op).filter((opset) => {
    const decl = declarationFor(op, opset);
    return decl.types[decl.inputs[0]!.type]?.includes('float32') ?? false;
  });
}

export function elementwiseArbitrary(mode: ValueMode): fc.Arbitrary<FuzzCase> {
  return fc.oneof(...OPS.flatMap((op) => floatOpsets(op).map((opset) => structureArb.map((s) => elementwiseCase(op, opset, s, mode)))));
}

export const elementwiseFamily: Family = {
  name: 'elementwise',
  summary: `broadcasting element-wise ops: ${OPS.join(', ')}`,
  ops: OPS,
  modes: ['normal', 'exact', 'zeros', 'subnormal', 'nonfinite'],
  arbitrary: elementwiseArbitrary,
};
