import type { AttributeInput } from './model-builder.js';

/**
 * A fuzz case as plain JSON: the graph (nodes, inputs with dims and how their values are drawn), the value mode,
 * one seed for the values, the boundary classes it exercises and how its result is checked. Everything a repro
 * needs is here, so case.json alone rebuilds the model and its inputs.
 */

/** How a case's float inputs are filled; the adversarial modes change the data inputs (see values.ts). */
export type ValueMode = 'normal' | 'exact' | 'negative' | 'cancel' | 'zeros' | 'subnormal' | 'nonfinite';

export const VALUE_MODES: readonly ValueMode[] = ['normal', 'exact', 'negative', 'cancel', 'zeros', 'subnormal', 'nonfinite'];

/**
 * What an input is to its op, which decides how adversarial modes touch it and how the magnitude model sees it:
 * data (X, A) and weights are replaced by |v|, a statistic subtracted from the data (BatchNormalization's mean) by
 * −|v| so that x − mean adds magnitudes, and a variance or an index (pads, shapes, axes: `fixed` values) is kept as
 * it is.
 */
export type InputRole = 'data' | 'weight' | 'bias' | 'scale' | 'mean' | 'variance' | 'index';

export type ValueDist =
  | { kind: 'normal'; scale?: number }
  /** Uniform in [min, max]: variances, epsilons. */
  | { kind: 'uniform'; min: number; max: number };

export interface InputSpec {
  name: string;
  dims: number[];
  role: InputRole;
  /** Default standard normal. */
  dist?: ValueDist;
  /** Stored as an initializer instead of fed. */
  constant?: boolean;
  /** Exact values instead of drawn ones (pads, shapes, axes, indices, scales), in the given element type. */
  fixed?: number[];
  dtype?: 'float32' | 'int64';
}

export interface CaseNode {
  opType: string;
  inputs: string[];
  outputs: string[];
  attributes?: Record<string, AttributeInput>;
}

/**
 * How outputs are judged (src/compare/bound.ts has the derivations):
 * - reduction: |error| ≤ c·eps32·terms·M + terms·η, where M is the same graph run in float64 on magnitudes;
 * - exact: bit-for-bit (small-integer data make every float32 sum exact);
 * - pointwise: ulps·ulp32(expected) + atol, for transcendental functions that no two libraries round alike.
 */
export type CheckSpec = { kind: 'reduction'; terms: number } | { kind: 'exact' } | { kind: 'pointwise'; ulps: number; atol: number };

export interface FuzzCase {
  /** The fuzz family (`--ops` name): conv, pool, gemm, ... */
  family: string;
  /** The op under test, or the chain's name. */
  op: string;
  /** Parameters in one line, test-title style: x=[1,3,7,7] w=[4,3,3,3] s=[2,1] p=[0,1,1,0] g=1. */
  title: string;
  opset: number;
  nodes: CaseNode[];
  inputs: InputSpec[];
  outputs: string[];
  values: ValueMode;
  valueSeed: number;
  /** Boundary classes the case exercises (boundary.ts), counted in campaign reports. */
  classes: string[];
  check: CheckSpec;
}
