import { TorchParityError, type ErrorCode } from '../errors.js';
import type { Limits } from '../limits.js';
import type { Dim } from '../onnx/records.js';
import type { EngineHooks } from './engine-hooks.js';
import type { DType, Tensor } from '../tensor.js';

/**
 * The single declaration of an ONNX op version (DESIGN.md §2). The importer validates attributes against it,
 * shape inference runs its `shape` rule, the engine runs its `run`, and the fuzzer and docs read its attribute
 * specs. Rank-dependent defaults (pads, strides, kernel_shape) are left undefined here and resolved by the op
 * against input ranks, in code shared by `shape` and `run`.
 */

export type AttrSpec =
  | { type: 'int'; default?: number; required?: true; oneOf?: readonly number[]; min?: number; max?: number; doc?: string }
  | { type: 'ints'; default?: readonly number[]; required?: true; min?: number; max?: number; doc?: string }
  | { type: 'float'; default?: number; required?: true; min?: number; max?: number; doc?: string }
  | { type: 'floats'; default?: readonly number[]; required?: true; doc?: string }
  | { type: 'string'; default?: string; required?: true; oneOf?: readonly string[]; doc?: string }
  | { type: 'strings'; default?: readonly string[]; required?: true; doc?: string }
  | { type: 'tensor'; default?: Tensor; required?: true; doc?: string };

export type AttrMap = Record<string, AttrSpec>;

type ValueOf<S> = S extends { type: 'int' | 'float' }
  ? number
  : S extends { type: 'ints' | 'floats' }
    ? readonly number[]
    : S extends { type: 'string'; oneOf: readonly (infer U)[] }
      ? U
      : S extends { type: 'string' }
        ? string
        : S extends { type: 'strings' }
          ? readonly string[]
          : S extends { type: 'tensor' }
            ? Tensor
            : never;

/** Attribute values after defaults: present when the spec has a default or is required. */
export type Attrs<M extends AttrMap> = {
  readonly [K in keyof M]: M[K] extends { default: unknown } | { required: true } ? ValueOf<M[K]> : ValueOf<M[K]> | undefined;
};

export interface PortSpec {
  name: string;
  /** Type-constraint letter shared by ports that must agree (ONNX's 'T'), looked up in `types`. */
  type: string;
  optional?: true;
  /** Takes all remaining inputs (Concat, Sum). */
  variadic?: true;
}

/** What shape inference knows of a value: its type, its dims when known, and its contents when constant. */
export interface ValueType {
  dtype: DType;
  /** undefined: rank unknown. Strings are symbolic dims ('N', or '?' when unnamed). */
  dims?: readonly Dim[];
  value?: Tensor;
}

export interface NodeIdentity {
  name: string;
  opType: string;
  /** How many outputs the node lists, for ops whose output count is the node's choice (Split). */
  outputCount?: number;
}

/** Where an op's checks report problems; every error names the node. */
export class OpContext {
  constructor(
    readonly node: NodeIdentity,
    readonly opset: number,
  ) {}

  fail(code: ErrorCode, message: string, hint?: string, attribute?: string): never {
    throw new TorchParityError(code, message, { node: this.node.name, op: this.node.opType, attribute }, hint);
  }

  badAttribute(attribute: string, message: string, hint?: string): never {
    return this.fail('bad_attribute', message, hint, attribute);
  }

  shapeError(message: string, hint?: string): never {
    return this.fail('shape', message, hint);
  }
}

export interface RunContext extends OpContext {
  /** Which outputs the graph uses, so optional outputs (MaxPool Indices, Dropout mask) cost nothing when unused. */
  readonly outputsUsed: readonly boolean[];
  /** float32 becomes float64 in a float64 (referee) run, for ops that create tensors of a named type. */
  readonly floatType: 'float32' | 'float64';
  /**
   * The run's resource limits (set by the engine and by import-time folding). Ops whose output size comes from
   * tensor values check it with checkOutputSize(ctx, dims, dtype) from limits.ts before allocating.
   */
  readonly limits?: Limits;
  /** Engine services for fast kernels (memo of constant-derived data, Relu fusion, threads); absent at import. */
  readonly engine?: EngineHooks;
}

export interface OpDeclaration<M extends AttrMap = AttrMap> {
  opType: string;
  /** '' for the default ai.onnx domain. */
  domain: string;
  /** First opset this form belongs to. */
  since: number;
  /** Last opset it is valid for, when the op was removed (Upsample after 9). */
  until?: number;
  /** One line for the README op table. */
  summary: string;
  inputs: readonly PortSpec[];
  outputs: readonly PortSpec[];
  /** Type constraints, by the letters ports use. */
  types: Readonly<Record<string, readonly DType[]>>;
  attributes: M;
  /** Output types from input types; also the place for checks that involve input ranks. */
  shape(inputs: readonly (ValueType | undefined)[], attrs: Attrs<M>, ctx: OpContext): ValueType[];
  run(inputs: readonly (Tensor | undefined)[], attrs: Attrs<M>, ctx: RunContext): Tensor[];
  /** Output values computable from input types alone (Shape of a fully known shape), for constant folding. */
  fold?(inputs: readonly (ValueType | undefined)[], attrs: Attrs<M>, ctx: OpContext): Tensor[] | undefined;
}

// The registry stores declarations with their attribute types erased; the op's own file keeps them precise.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyOpDeclaration = OpDeclaration<any>;

export function defineOp<const M extends AttrMap>(decl: OpDeclaration<M>): OpDeclaration<M> {
  return decl;
}

/**
 * Several versions that differ only in attributes or in a detail of behaviour: the base declaration with
 * per-version overrides. Versions must be listed oldest first.
 */
export function defineVersions<const M extends AttrMap>(
  base: Omit<OpDeclaration<M>, 'since' | 'attributes'>,
  versions: readonly (Partial<Omit<OpDeclaration<M>, 'attributes'>> & { since: number; attributes: AttrMap })[],
): AnyOpDeclaration[] {
  return versions.map((v) => ({ ...base, ...v }) as AnyOpDeclaration);
}
