import { erf, mapUnary, type Numeric } from '../../kernels/elementwise.js';
import { wrappingSubtract } from '../../kernels/integer.js';
import { emptyLike, type DType } from '../../tensor.js';
import { defineOp, type AnyOpDeclaration, type AttrMap, type Attrs, type OpContext } from '../declaration.js';
import { FLOATS } from '../float-types.js';
import { BOOL, CONSUMED_INPUTS, integerFormat, NUMERIC, SIGNED_NUMERIC, toIntegerResult } from './common.js';

export interface UnaryVersion {
  since: number;
  types: readonly DType[];
  /** Opset-1 forms carry consumed_inputs. */
  consumedInputs?: true;
  /** Replaces the spec's attributes for this version (same names, other defaults: Selu-1). */
  attributes?: AttrMap;
}

export interface UnarySpec<M extends AttrMap> {
  opType: string;
  summary: string;
  versions: readonly UnaryVersion[];
  /** Attributes every version has (alpha, beta, …). */
  attributes: M;
  /** Checks that involve several attributes or values the spec's range cannot express. */
  check?(attrs: Attrs<M>, ctx: OpContext): void;
  /** The element function for this type and these attributes. */
  scalar(dtype: DType, attrs: Attrs<M>): (v: number) => number;
  /**
   * The same function as a whole-array loop, for hot ops: mapUnary calls `scalar`'s function once per element
   * through a call site every unary op shares, which V8 cannot inline (~10 ns an element).
   */
  map?(x: Numeric, out: Numeric): void;
  inputName?: string;
  outputName?: string;
}

/** One declaration per version of a one-input, same-shape, same-type element-wise op. */
export function unaryOp<const M extends AttrMap>(spec: UnarySpec<M>): AnyOpDeclaration[] {
  return spec.versions.map((v) =>
    defineOp({
      opType: spec.opType,
      domain: '',
      since: v.since,
      summary: spec.summary,
      inputs: [{ name: spec.inputName ?? 'X', type: 'T' }],
      outputs: [{ name: spec.outputName ?? 'Y', type: 'T' }],
      types: { T: v.types },
      attributes: { ...(v.attributes ?? spec.attributes), ...(v.consumedInputs ? CONSUMED_INPUTS : {}) } as M,
      shape([x], attrs, ctx) {
        spec.check?.(attrs, ctx);
        return [{ dtype: x!.dtype, ...(x!.dims ? { dims: x!.dims } : {}) }];
      },
      run([x], attrs) {
        const y = emptyLike(x!);
        if (spec.map) spec.map(x!.data, y.data);
        else mapUnary(x!.data, y.data, spec.scalar(x!.dtype, attrs));
        return [y];
      },
    }),
  );
}

/** Versions of the float-only math ops (Sqrt, Exp, Log, Reciprocal, Ceil, Floor, Sigmoid, Tanh): 1, 6, 13. */
export function floatMathVersions(): UnaryVersion[] {
  return [
    { since: 1, types: FLOATS, consumedInputs: true },
    { since: 6, types: FLOATS },
    { since: 13, types: FLOATS },
  ];
}

function floatOnly(f: (v: number) => number): () => (v: number) => number {
  return () => f;
}

export const absOps = unaryOp({
  opType: 'Abs',
  summary: '|X| element-wise; integer minimum wraps to itself as in C++',
  versions: [
    { since: 1, types: FLOATS, consumedInputs: true },
    { since: 6, types: NUMERIC },
    { since: 13, types: NUMERIC },
  ],
  attributes: {},
  scalar: (dtype) => {
    const format = integerFormat(dtype);
    if (!format) return Math.abs;
    const subtract = wrappingSubtract(format);
    return (v) => (v < 0 ? subtract(0, v) : v);
  },
});

export const negOps = unaryOp({
  opType: 'Neg',
  summary: '−X element-wise; integer minimum wraps to itself as in C++',
  versions: [
    { since: 1, types: FLOATS, consumedInputs: true },
    { since: 6, types: SIGNED_NUMERIC },
    { since: 13, types: SIGNED_NUMERIC },
  ],
  attributes: {},
  scalar: (dtype) => {
    const format = integerFormat(dtype);
    if (!format) return (v) => -v;
    const subtract = wrappingSubtract(format);
    return (v) => subtract(0, v);
  },
});

export const sqrtOps = unaryOp({
  opType: 'Sqrt',
  summary: '√X element-wise (NaN below 0)',
  versions: floatMathVersions(),
  attributes: {},
  scalar: floatOnly(Math.sqrt),
});

export const expOps = unaryOp({
  opType: 'Exp',
  summary: 'eˣ element-wise',
  versions: floatMathVersions(),
  attributes: {},
  scalar: floatOnly(Math.exp),
});

export const logOps = unaryOp({
  opType: 'Log',
  summary: 'natural log element-wise (−∞ at 0, NaN below)',
  versions: floatMathVersions(),
  attributes: {},
  scalar: floatOnly(Math.log),
});

export const reciprocalOps = unaryOp({
  opType: 'Reciprocal',
  summary: '1 / X element-wise',
  versions: floatMathVersions(),
  attributes: {},
  scalar: floatOnly((v) => 1 / v),
});

export const ceilOps = unaryOp({
  opType: 'Ceil',
  summary: 'ceil(X) element-wise',
  versions: floatMathVersions(),
  attributes: {},
  scalar: floatOnly(Math.ceil),
});

export const floorOps = unaryOp({
  opType: 'Floor',
  summary: 'floor(X) element-wise',
  versions: floatMathVersions(),
  attributes: {},
  scalar: floatOnly(Math.floor),
});

export const erfOps = unaryOp({
  opType: 'Erf',
  summary: 'the error function element-wise (integer inputs of opset 9: result truncated to the type)',
  inputName: 'input',
  outputName: 'output',
  versions: [
    { since: 9, types: NUMERIC },
    { since: 13, types: FLOATS },
  ],
  attributes: {},
  scalar: (dtype) => {
    const format = integerFormat(dtype);
    if (!format) return erf;
    const toInteger = toIntegerResult(format);
    return (v) => toInteger(erf(v));
  },
});

export const notOps = unaryOp({
  opType: 'Not',
  summary: 'logical not element-wise',
  versions: [{ since: 1, types: BOOL }],
  attributes: {},
  scalar: () => (v) => (v ? 0 : 1),
});
