import { boundTolerance, maxDeviation, pointwiseBound, reductionBound, roundToFloat32, type Against } from '../compare/bound.js';
import { compareTensors, describeComparison, type Comparison } from '../compare/compare.js';
import { allclose, EXACT } from '../compare/tolerance.js';
import { loadModel } from '../engine/session.js';
import { isTorchParityError } from '../errors.js';
import { onnxruntimeVersion, runOnnxruntime } from '../oracle/onnxruntime.js';
import { tensor, type Tensor } from '../tensor.js';
import type { CheckSpec, FuzzCase } from './case.js';
import type { Family } from './family.js';
import { buildModel, type BuiltModel, type NodeSpec } from './model-builder.js';
import { caseTensors, magnitudeTensor } from './values.js';

/**
 * Runs one case through every oracle and judges it:
 * - our engine in float32 (the system under test) and in float64 (the referee);
 * - onnxruntime-node (one thread, graph optimizations off);
 * - for reductions, the same graph on magnitudes in float64, which scales the error bound (compare/bound.ts).
 * Verdicts: pass; fail (an engine error on a valid case, a disagreement with onnxruntime that no documented
 * divergence explains, or a float32 result outside the bound of the float64 referee); refused (onnxruntime refused
 * the model and ours agrees with the referee); diverged (a documented onnxruntime-vs-PyTorch difference, ours
 * agreeing with the referee).
 */

export type Verdict = 'pass' | 'fail' | 'refused' | 'diverged';

export interface OutputCheck {
  name: string;
  vsOnnxruntime?: Comparison;
  vsReferee?: Comparison;
}

export interface CaseResult {
  verdict: Verdict;
  /** One line: why. */
  reason: string;
  oracle: {
    status: 'ran' | 'refused' | 'not run';
    version: string;
    message?: string;
    /** For a refusal: the documented limitation that explains it, or undefined when unexpected. */
    expected?: string;
  };
  /** For a refusal or divergence: whether the family documents it. */
  unexpectedRefusal?: boolean;
  divergence?: string;
  outputs: OutputCheck[];
  /** When ours and onnxruntime disagree: who is closer to the float64 referee. */
  closer?: 'ours' | 'onnxruntime' | 'tie';
  /** Milliseconds per stage. */
  timings: { build: number; ours: number; referee: number; oracle: number };
  artifacts: {
    model: BuiltModel;
    ours?: Record<string, Tensor>;
    oracle?: Record<string, Tensor>;
    referee?: Record<string, Tensor>;
  };
}

/** Gemm's alpha and beta scale products and biases; their magnitudes are |alpha| and |beta|. */
function magnitudeNode(n: NodeSpec): NodeSpec {
  if (n.opType !== 'Gemm' || !n.attributes) return n;
  const attributes = { ...n.attributes };
  for (const k of ['alpha', 'beta']) if (typeof attributes[k] === 'number') attributes[k] = Math.abs(attributes[k] as number);
  return { ...n, attributes };
}

/** The case's model, its feeds, and (for reductions) its magnitude model. */
export function buildCase(c: FuzzCase): { model: BuiltModel; magnitude?: BuiltModel } {
  const tensors = caseTensors(c);
  const split = (values: Tensor[]) => {
    const inputs: Record<string, Tensor> = {};
    const initializers: Record<string, Tensor> = {};
    c.inputs.forEach((spec, i) => ((spec.constant ? initializers : inputs)[spec.name] = values[i]!));
    return { inputs, initializers };
  };
  const model = buildModel({ opset: c.opset, nodes: c.nodes, ...split(tensors), outputs: c.outputs });
  if (c.check.kind !== 'reduction') return { model };
  const magnitude = buildModel({
    opset: c.opset,
    nodes: c.nodes.map(magnitudeNode),
    ...split(tensors.map((t, i) => magnitudeTensor(c.inputs[i]!, t))),
    outputs: c.outputs,
  });
  return { model, magnitude };
}

function toleranceFor(check: CheckSpec, expected: Tensor, magnitude: Tensor | undefined, against: Against, explicit?: RunCaseOptions['allclose']) {
  if (explicit && check.kind !== 'exact') return allclose(explicit.rtol, explicit.atol);
  switch (check.kind) {
    case 'exact':
      return EXACT;
    case 'pointwise':
      return boundTolerance(`${check.ulps} ulp + ${check.atol}`, pointwiseBound(expected.data, check.ulps, check.atol));
    case 'reduction': {
      const c = against === 'float32' ? 1 : 0.5;
      return boundTolerance(
        `reduction bound ${c}·eps32·${check.terms}·M (${against === 'float32' ? 'two float32 results' : 'vs float64'})`,
        reductionBound(expected.data, magnitude!.data, check.terms, against),
      );
    }
  }
}

function errorText(error: unknown): string {
  if (isTorchParityError(error)) return `[${error.code}] ${error.describe()}`;
  return error instanceof Error ? error.message : String(error);
}

const now = () => performance.now();

/**
 * onnxruntime 1.30 refuses models stamped with a newer ai.onnx opset ("Opset 28 is under development ... official
 * support for domain ai.onnx is till opset 26"); versions declared past it are checked against the referee alone.
 */
export const ORT_OFFICIAL_OPSET = 26;

export interface RunCaseOptions {
  /** The family, for its documented refusals and divergences. */
  family?: Family;
  /** Explicit |a − e| ≤ atol + rtol·|e| instead of the case's bound (exact cases stay exact). */
  allclose?: { rtol: number; atol: number };
}

export async function runCase(c: FuzzCase, options: RunCaseOptions = {}): Promise<CaseResult> {
  const timings = { build: 0, ours: 0, referee: 0, oracle: 0 };
  let t = now();
  const { model, magnitude } = buildCase(c);
  timings.build = now() - t;
  const version = onnxruntimeVersion();
  const result = (verdict: Verdict, reason: string, rest: Partial<CaseResult> = {}): CaseResult => ({
    verdict,
    reason,
    oracle: { status: 'not run', version },
    outputs: [],
    timings,
    artifacts: { model },
    ...rest,
  });

  t = now();
  let ours: Record<string, Tensor>;
  try {
    ours = await (await loadModel(model.bytes)).run(model.feeds);
  } catch (error) {
    timings.ours = now() - t;
    return result('fail', `engine error on a valid case: ${errorText(error)}`);
  }
  timings.ours = now() - t;

  t = now();
  let referee: Record<string, Tensor>;
  let magnitudes: Record<string, Tensor> | undefined;
  try {
    referee = await (await loadModel(model.bytes, { precision: 'float64' })).run(model.feeds);
    if (magnitude) magnitudes = await (await loadModel(magnitude.bytes, { precision: 'float64' })).run(magnitude.feeds);
  } catch (error) {
    timings.referee = now() - t;
    return result('fail', `engine error in the float64 referee run: ${errorText(error)}`, { artifacts: { model, ours } });
  }
  timings.referee = now() - t;

  t = now();
  let oracle: Record<string, Tensor> | undefined;
  let refusal: string | undefined;
  try {
    oracle = (await runOnnxruntime(model.bytes, model.feeds, { quiet: true })).outputs;
  } catch (error) {
    if (!isTorchParityError(error) || error.code !== 'oracle_failure') throw error;
    refusal = error.message;
  }
  timings.oracle = now() - t;

  const outputs: OutputCheck[] = c.outputs.map((name) => {
    const mine = ours[name]!;
    const ref = referee[name]!;
    const mag = magnitudes?.[name];
    const refExpected = c.check.kind === 'exact' ? tensor('float32', ref.dims, roundToFloat32(ref.data)) : ref;
    const check: OutputCheck = { name, vsReferee: compareTensors(mine, refExpected, toleranceFor(c.check, refExpected, mag, 'referee', options.allclose)) };
    const theirs = oracle?.[name];
    if (theirs) check.vsOnnxruntime = compareTensors(mine, theirs, toleranceFor(c.check, theirs, mag, 'float32', options.allclose));
    return check;
  });
  const artifacts = { model, ours, oracle, referee };
  const refFailed = outputs.find((o) => o.vsReferee?.verdict === 'fail');
  const refText = refFailed ? `output ${refFailed.name} vs the float64 referee: ${describeComparison(refFailed.vsReferee!)}` : '';

  if (refusal !== undefined) {
    const expected =
      c.opset > ORT_OFFICIAL_OPSET ? `opset ${c.opset} is past onnxruntime's official support (${ORT_OFFICIAL_OPSET})` : options.family?.expectedRefusal?.(c);
    const oracleInfo = { status: 'refused' as const, version, message: refusal, expected };
    if (refFailed) return result('fail', `onnxruntime refused and ${refText}`, { oracle: oracleInfo, outputs, artifacts });
    return result('refused', expected ?? `unexpected onnxruntime refusal: ${refusal}`, {
      oracle: oracleInfo,
      unexpectedRefusal: expected === undefined,
      outputs,
      artifacts,
    });
  }

  const oracleInfo = { status: 'ran' as const, version };
  const ortFailed = outputs.find((o) => o.vsOnnxruntime?.verdict === 'fail');
  if (!ortFailed) {
    if (refFailed) return result('fail', `agrees with onnxruntime, but ${refText}`, { oracle: oracleInfo, outputs, artifacts });
    return result('pass', 'matches onnxruntime and the float64 referee', { oracle: oracleInfo, outputs, artifacts });
  }
  let oursDev = 0;
  let theirDev = 0;
  for (const name of c.outputs) {
    oursDev = Math.max(oursDev, maxDeviation(ours[name]!.data, referee[name]!.data));
    const theirs = oracle![name]!;
    const sameShape = theirs.dims.length === referee[name]!.dims.length && theirs.dims.every((d, i) => d === referee[name]!.dims[i]);
    theirDev = Math.max(theirDev, sameShape ? maxDeviation(theirs.data, referee[name]!.data) : Infinity);
  }
  const closer = oursDev < theirDev ? 'ours' : theirDev < oursDev ? 'onnxruntime' : 'tie';
  const divergence = options.family?.knownDivergence?.(c, { ours, oracle: oracle! });
  if (divergence && !refFailed) return result('diverged', divergence, { oracle: oracleInfo, divergence, outputs, closer, artifacts });
  const ortText = `output ${ortFailed.name} vs onnxruntime: ${describeComparison(ortFailed.vsOnnxruntime!)}`;
  return result('fail', `${ortText}; closer to the float64 referee: ${closer}${refFailed ? `; ${refText}` : ''}`, {
    oracle: oracleInfo,
    outputs,
    closer,
    artifacts,
  });
}
