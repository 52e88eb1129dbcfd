import { gamma, reductionBound, boundTolerance } from '../compare/bound.js';
import { torchDefaultFor, type Tolerance } from '../compare/tolerance.js';
import { asTorchParityError } from '../errors.js';
import type { IrNode, Precision } from '../ir/graph.js';
import { finishOutput } from '../ir/import.js';
import { promote } from '../ir/precision.js';
import { resolveLimits, type Limits } from '../limits.js';
import { OpContext, type RunContext } from '../ops/declaration.js';
import { isFloat, sizeOf, type Tensor } from '../tensor.js';

/**
 * One node of an imported graph, run on its own: how `verify --intermediates` re-runs a suspect node on the
 * reference's inputs, computes its float64 answer, and the magnitudes its error bound scales with.
 */

/** Replaces a node's computed outputs: Session's fault-injection hook (RunOptions.override), for tests. */
export type NodeOverride = (node: IrNode, inputs: (Tensor | undefined)[], computed: Tensor[]) => Tensor[];

/**
 * Runs one node the way Session.run does (same context, same output finishing). In a float64 run float32 inputs are
 * promoted first, so the node computes the exact-as-possible answer for exactly these float32 values.
 */
export function runNode(
  node: IrNode,
  inputs: readonly (Tensor | undefined)[],
  precision: Precision,
  options: { limits?: Partial<Limits>; override?: NodeOverride; attrs?: Record<string, unknown> } = {},
): Tensor[] {
  const fed = inputs.map((t) => (t ? promote(t, precision) : undefined));
  const ctx = Object.assign(new OpContext({ name: node.name, opType: node.opType, outputCount: node.outputs.length }, node.opset), {
    outputsUsed: node.outputs.map((o) => o !== ''),
    floatType: precision,
    limits: resolveLimits(options.limits),
  }) as RunContext;
  let outputs: Tensor[];
  try {
    outputs = node.decl.run(fed, options.attrs ?? node.attrs, ctx).map((t) => finishOutput(t, precision));
  } catch (error) {
    throw asTorchParityError(error, 'internal', { node: node.name, op: node.opType });
  }
  return options.override ? options.override(node, fed, outputs) : outputs;
}

/** A float64 tensor rounded to float32 (other dtypes unchanged): a float64 run's answer as a float32 value. */
export function roundToFloat32Tensor(t: Tensor): Tensor {
  if (t.dtype !== 'float64') return t;
  return { dtype: 'float32', dims: t.dims, data: Float32Array.from(t.data) };
}

function prod(values: readonly number[]): number {
  return values.reduce((a, b) => a * b, 1);
}

/**
 * Dot-product-like ops: how many terms each output element sums, and which attributes scale the terms (their
 * magnitudes are their absolute values). Everything else is judged by the plain tolerance.
 */
const REDUCTIONS: Record<string, (inputs: readonly (Tensor | undefined)[], attrs: Record<string, unknown>, output: Tensor) => number> = {
  Conv: ([, w, b]) => prod(w!.dims.slice(1)) + (b ? 1 : 0),
  ConvTranspose: ([x, w, b], attrs) => (x!.dims[1]! / Number(attrs.group ?? 1)) * prod(w!.dims.slice(2)) + (b ? 1 : 0),
  Gemm: ([a, , c], attrs) => (Number(attrs.transA ?? 0) !== 0 ? a!.dims[0]! : a!.dims[a!.dims.length - 1]!) + (c ? 1 : 0),
  MatMul: ([a]) => a!.dims[a!.dims.length - 1]!,
  AveragePool: (_, attrs) => prod((attrs.kernel_shape as number[] | undefined) ?? [1]),
  GlobalAveragePool: ([x]) => prod(x!.dims.slice(2)),
  ReduceSum: ([x], _, out) => sizeOf(x!.dims) / Math.max(1, sizeOf(out.dims)),
  ReduceMean: ([x], _, out) => sizeOf(x!.dims) / Math.max(1, sizeOf(out.dims)),
};

/** True when the node's first output gets a bound scaled by its reduction (see tolerance()). */
export function isReduction(node: IrNode): boolean {
  return node.domain === '' && node.opType in REDUCTIONS;
}

function absolute(t: Tensor | undefined): Tensor | undefined {
  if (!t || !isFloat(t.dtype)) return t;
  const data = new Float64Array(t.data.length);
  for (let i = 0; i < data.length; i++) data[i] = Math.abs(t.data[i]!);
  return { dtype: 'float64', dims: t.dims, data };
}

/**
 * What a node's error bound scales with: the node run in float64 on the absolute values of its inputs (and of
 * Gemm's alpha and beta), i.e. Σ|x·w| for each output element, and the number of terms summed.
 */
export function magnitudes(node: IrNode, inputs: readonly (Tensor | undefined)[], limits?: Partial<Limits>): { magnitude: Tensor; terms: number } | undefined {
  if (!isReduction(node) || !inputs[0] || !isFloat(inputs[0].dtype)) return undefined;
  const attrs = { ...node.attrs };
  if (node.opType === 'Gemm') {
    attrs.alpha = Math.abs(Number(attrs.alpha ?? 1));
    attrs.beta = Math.abs(Number(attrs.beta ?? 1));
  }
  const [magnitude] = runNode(node, inputs.map(absolute), 'float64', { limits, attrs });
  if (!magnitude) return undefined;
  return { magnitude, terms: REDUCTIONS[node.opType]!(inputs, node.attrs, magnitude) };
}

/**
 * The tolerance for one output of a node: the base policy (the user's --rtol/--atol, else torch.testing.assert_close's
 * default for the dtype) and, for the first output of a reduction, at least 2·γ(K)·Σ|x·w| — what two float32
 * implementations may honestly differ by after summing K products in different orders (compare/bound.ts).
 */
export function tolerance(expected: Tensor, base: Tolerance | undefined, scale: { magnitude: Tensor; terms: number } | undefined): Tolerance {
  const plain = base ?? torchDefaultFor(expected.dtype);
  if (!scale || !isFloat(expected.dtype) || plain.kind === 'exact' || scale.magnitude.data.length !== expected.data.length) return plain;
  const reduction = reductionBound(expected.data, scale.magnitude.data, scale.terms, 'float32');
  if (plain.kind === 'allclose') {
    for (let i = 0; i < reduction.length; i++) {
      const floor = plain.atol + plain.rtol * Math.abs(expected.data[i]!);
      if (Number.isFinite(expected.data[i]!) && floor > reduction[i]!) reduction[i] = floor;
    }
  }
  return boundTolerance(`${plain.name}, or 2·γ(${scale.terms})·Σ|x·w| (γ(${scale.terms}) = ${gamma(scale.terms).toExponential(2)})`, reduction);
}
