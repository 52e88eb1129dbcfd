import { binaryBroadcast } from '../../kernels/broadcast.js';
import { floatArithmetic, type Arithmetic } from '../../kernels/elementwise.js';
import {
  integerPower,
  truncatingDivide,
  wrappingAdd,
  wrappingMultiply,
  wrappingSubtract,
  type IntegerFormat,
} from '../../kernels/integer.js';
import { isFloat, tensor, type DType, type Tensor } from '../../tensor.js';
import { defineOp, type AnyOpDeclaration, type OpContext, type PortSpec, type ValueType } from '../declaration.js';
import { FLOATS } from '../float-types.js';
import {
  BOOL,
  broadcastResultDims,
  CONSUMED_INPUTS,
  HIGH_PRECISION,
  integerFormat,
  LEGACY_BROADCAST,
  legacyOperandDims,
  NUMERIC,
  runBroadcastDims,
  toIntegerResult,
} from './common.js';

type Scalar2 = (a: number, b: number) => number;

export interface BinaryVersion {
  since: number;
  /** Types of both inputs, or of the first when `right` is given. */
  types: readonly DType[];
  /** Pow-12+: the exponent has its own constraint. */
  right?: readonly DType[];
  /** Before opset 7: the broadcast/axis attributes, plus consumed_inputs at opset 1 for the arithmetic ops. */
  legacy?: 'broadcast' | 'broadcast+consumed';
}

export interface BinarySpec {
  opType: string;
  summary: string;
  inputNames?: readonly [string, string];
  /** 'bool' for comparisons and logic ops. */
  output: 'input' | 'bool';
  versions: readonly BinaryVersion[];
  /** The element function for these input types. */
  scalar(left: DType, right: DType): Scalar2;
  /** Float inputs take the inlined arithmetic kernel instead of `scalar`. */
  floatKernel?: Arithmetic;
  /** Value checks for inputs PyTorch refuses (integer division by zero). */
  checkValues?(a: Tensor, b: Tensor, ctx: OpContext): void;
}

function outputType(spec: BinarySpec, a: DType): DType {
  return spec.output === 'bool' ? 'bool' : a;
}

function compute(spec: BinarySpec, a: Tensor, b: Tensor, bDims: readonly number[], outDims: readonly number[]): Tensor {
  const out = tensor(outputType(spec, a.dtype), outDims);
  if (spec.floatKernel && isFloat(a.dtype)) floatArithmetic(spec.floatKernel, a, { data: b.data, dims: bDims }, out.data, outDims);
  else binaryBroadcast(a.data, a.dims, b.data, bDims, out.data, outDims, spec.scalar(a.dtype, b.dtype));
  return out;
}

/** One declaration per version of a two-input element-wise op. */
export function binaryOp(spec: BinarySpec): AnyOpDeclaration[] {
  const [nameA, nameB] = spec.inputNames ?? ['A', 'B'];
  return spec.versions.map((v) => {
    const inputs: PortSpec[] = [
      { name: nameA, type: 'T' },
      { name: nameB, type: v.right ? 'T1' : 'T' },
    ];
    const types: Record<string, readonly DType[]> = { T: v.types };
    if (v.right) types.T1 = v.right;
    const outLetter = spec.output === 'bool' ? 'TOut' : 'T';
    if (spec.output === 'bool') types.TOut = BOOL;
    const common = { opType: spec.opType, domain: '', since: v.since, summary: spec.summary, inputs, outputs: [{ name: 'C', type: outLetter }], types };
    if (v.legacy) {
      const attributes = v.legacy === 'broadcast+consumed' ? { ...LEGACY_BROADCAST, ...CONSUMED_INPUTS } : LEGACY_BROADCAST;
      return defineOp({
        ...common,
        attributes,
        shape([a, b], attrs, ctx): ValueType[] {
          if (a!.dims && b!.dims) legacyOperandDims(a!.dims, b!.dims, attrs, ctx);
          return [{ dtype: outputType(spec, a!.dtype), ...(a!.dims ? { dims: a!.dims } : {}) }];
        },
        run([a, b], attrs, ctx) {
          spec.checkValues?.(a!, b!, ctx);
          return [compute(spec, a!, b!, legacyOperandDims(a!.dims, b!.dims, attrs, ctx), a!.dims)];
        },
      });
    }
    return defineOp({
      ...common,
      attributes: {},
      shape([a, b], _attrs, ctx): ValueType[] {
        const dims = broadcastResultDims([a, b], ctx);
        return [{ dtype: outputType(spec, a!.dtype), ...(dims ? { dims } : {}) }];
      },
      run([a, b], _attrs, ctx) {
        spec.checkValues?.(a!, b!, ctx);
        return [compute(spec, a!, b!, b!.dims, runBroadcastDims([a!.dims, b!.dims], ctx))];
      },
    });
  });
}

/** Add/Sub/Mul/Div share their version history: opset 1 and 6 with opt-in broadcasting, then numpy-style. */
function arithmeticVersions(): BinaryVersion[] {
  return [
    { since: 1, types: FLOATS, legacy: 'broadcast+consumed' },
    { since: 6, types: HIGH_PRECISION, legacy: 'broadcast' },
    { since: 7, types: HIGH_PRECISION },
    { since: 13, types: HIGH_PRECISION },
    { since: 14, types: NUMERIC },
  ];
}

/** Integer results wrap to the type, as C++ integer arithmetic does in PyTorch and onnxruntime. */
function integerOr(dtype: DType, float: Scalar2, integer: (format: IntegerFormat) => Scalar2): Scalar2 {
  const format = integerFormat(dtype);
  return format ? integer(format) : float;
}

export const addOps = binaryOp({
  opType: 'Add',
  floatKernel: 'add',
  summary: 'A + B element-wise with broadcasting; integers wrap',
  output: 'input',
  versions: arithmeticVersions(),
  scalar: (t) => integerOr(t, (a, b) => a + b, wrappingAdd),
});

export const subOps = binaryOp({
  opType: 'Sub',
  floatKernel: 'sub',
  summary: 'A − B element-wise with broadcasting; integers wrap',
  output: 'input',
  versions: arithmeticVersions(),
  scalar: (t) => integerOr(t, (a, b) => a - b, wrappingSubtract),
});

export const mulOps = binaryOp({
  opType: 'Mul',
  floatKernel: 'mul',
  summary: 'A × B element-wise with broadcasting; integers wrap',
  output: 'input',
  versions: arithmeticVersions(),
  scalar: (t) => integerOr(t, (a, b) => a * b, wrappingMultiply),
});

export const divOps = binaryOp({
  opType: 'Div',
  floatKernel: 'div',
  summary: 'A ÷ B element-wise with broadcasting; integer division truncates toward zero',
  output: 'input',
  versions: arithmeticVersions(),
  // Integer Div is C++ division in onnxruntime (truncation); PyTorch's exporter emits it for
  // torch.div(..., rounding_mode='trunc') and builds floor division on top of it.
  scalar: (t) => integerOr(t, (a, b) => a / b, truncatingDivide),
  checkValues(_a, b, ctx) {
    if (isFloat(b.dtype)) return;
    const data = b.data;
    for (let i = 0; i < data.length; i++) {
      if (data[i] === 0) {
        // aten/src/ATen/native/cpu/BinaryOpsKernel.cpp (div_trunc_kernel): "ZeroDivisionError" for integers.
        ctx.fail('input_mismatch', `integer division by zero (divisor B[${i}] is 0)`, 'PyTorch raises ZeroDivisionError here; onnxruntime\'s result is undefined');
      }
    }
  },
});

/**
 * C's pow, which PyTorch follows: pow(1, y) = 1 and pow(-1, ±∞) = 1 even for NaN / infinite y, where
 * JavaScript's Math.pow gives NaN.
 */
export function cPow(a: number, b: number): number {
  if (a === 1) return 1;
  if (a === -1 && (b === Infinity || b === -Infinity)) return 1;
  return Math.pow(a, b);
}

function powScalar(base: DType, exponent: DType): Scalar2 {
  const format = integerFormat(base);
  if (!format) return cPow;
  if (integerFormat(exponent)) {
    const multiply = wrappingMultiply(format);
    return (a, b) => integerPower(a, b, multiply);
  }
  // Integer base, float exponent: the output keeps the base's type (ONNX Pow-12); onnxruntime casts the
  // double result back, truncating.
  const toInteger = toIntegerResult(format);
  return (a, b) => toInteger(cPow(a, b));
}

export const powOps = binaryOp({
  opType: 'Pow',
  summary: 'X ^ Y element-wise with broadcasting; integer powers by repeated squaring as PyTorch',
  inputNames: ['X', 'Y'],
  output: 'input',
  versions: [
    { since: 1, types: FLOATS, legacy: 'broadcast' },
    { since: 7, types: FLOATS },
    { since: 12, types: [...FLOATS, 'int32', 'int64'], right: NUMERIC },
    { since: 13, types: [...FLOATS, 'int32', 'int64'], right: NUMERIC },
    { since: 15, types: [...FLOATS, 'int32', 'int64'], right: NUMERIC },
  ],
  scalar: powScalar,
});

const COMPARISON_VERSIONS: BinaryVersion[] = [
  { since: 1, types: FLOATS, legacy: 'broadcast' },
  { since: 7, types: FLOATS },
  { since: 9, types: NUMERIC },
  { since: 13, types: NUMERIC },
];

export const lessOps = binaryOp({
  opType: 'Less',
  summary: 'A < B element-wise with broadcasting (false where either is NaN)',
  output: 'bool',
  versions: COMPARISON_VERSIONS,
  scalar: () => (a, b) => (a < b ? 1 : 0),
});

export const greaterOps = binaryOp({
  opType: 'Greater',
  summary: 'A > B element-wise with broadcasting (false where either is NaN)',
  output: 'bool',
  versions: COMPARISON_VERSIONS,
  scalar: () => (a, b) => (a > b ? 1 : 0),
});

export const lessOrEqualOps = binaryOp({
  opType: 'LessOrEqual',
  summary: 'A ≤ B element-wise with broadcasting (false where either is NaN)',
  output: 'bool',
  versions: [
    { since: 12, types: NUMERIC },
    { since: 16, types: NUMERIC },
  ],
  scalar: () => (a, b) => (a <= b ? 1 : 0),
});

export const greaterOrEqualOps = binaryOp({
  opType: 'GreaterOrEqual',
  summary: 'A ≥ B element-wise with broadcasting (false where either is NaN)',
  output: 'bool',
  versions: [
    { since: 12, types: NUMERIC },
    { since: 16, types: NUMERIC },
  ],
  scalar: () => (a, b) => (a >= b ? 1 : 0),
});

export const equalOps = binaryOp({
  opType: 'Equal',
  summary: 'A == B element-wise with broadcasting (NaN equals nothing)',
  output: 'bool',
  versions: [
    { since: 1, types: ['bool', 'int32', 'int64'], legacy: 'broadcast' },
    { since: 7, types: ['bool', 'int32', 'int64'] },
    { since: 11, types: [...BOOL, ...NUMERIC] },
    { since: 13, types: [...BOOL, ...NUMERIC] },
    { since: 19, types: [...BOOL, ...NUMERIC] },
  ],
  scalar: () => (a, b) => (a === b ? 1 : 0),
});

const LOGIC_VERSIONS: BinaryVersion[] = [
  { since: 1, types: BOOL, legacy: 'broadcast' },
  { since: 7, types: BOOL },
];

export const andOps = binaryOp({
  opType: 'And',
  summary: 'logical A and B with broadcasting',
  output: 'bool',
  versions: LOGIC_VERSIONS,
  scalar: () => (a, b) => (a && b ? 1 : 0),
});

export const orOps = binaryOp({
  opType: 'Or',
  summary: 'logical A or B with broadcasting',
  output: 'bool',
  versions: LOGIC_VERSIONS,
  scalar: () => (a, b) => (a || b ? 1 : 0),
});
