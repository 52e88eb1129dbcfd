import * as fs from 'node:fs';
import * as path from 'node:path';
import { compareTensors, type Comparison } from '../compare/compare.js';
import { EXACT, torchDefaultFor, type Tolerance } from '../compare/tolerance.js';
import { loadModel, type Session } from '../engine/session.js';
import { TorchParityError, isTorchParityError } from '../errors.js';
import type { Limits } from '../limits.js';
import { onnxruntimeVersion, runOnnxruntime } from '../oracle/onnxruntime.js';
import { isTestDir, readDataSets } from '../oracle/test-dir.js';
import { formatDims, type DType, type Tensor } from '../tensor.js';
import { TORCHPARITY_VERSION } from '../version.js';
import { compareIntermediates, type IntermediatesOptions, type IntermediatesReport } from './intermediates.js';
import type { NodeOverride } from './node-check.js';
import { randomInputs, type RandomInputOptions } from './random-inputs.js';
import { float64Reference, onnxruntimeReference, type Reference } from './reference.js';

export interface VerifyOptions extends RandomInputOptions {
  /** Feeds to use instead of test data or random inputs. */
  inputs?: Record<string, Tensor>;
  /** Expected outputs (e.g. PyTorch eager), instead of those stored in the test directory. */
  golden?: Record<string, Tensor>;
  /** Tolerance for every comparison; default: torch.testing.assert_close's for the output's dtype. */
  tolerance?: Tolerance;
  /** Skip onnxruntime. */
  noOracle?: boolean;
  limits?: Partial<Limits>;
  /** Compare every intermediate value and name the first node that diverges on its own. */
  intermediates?: boolean;
  /** Most bytes of onnxruntime's intermediates fetched at once (default 64 MiB). */
  chunkBytes?: number;
  heatmap?: IntermediatesOptions['heatmap'];
  /**
   * Replaces nodes' results in our float32 engine (Session's RunOptions.override): fault injection, so tests can
   * check that the tools built on the engine catch a wrong kernel. Never set by the CLI.
   */
  override?: NodeOverride;
}

export type OracleStatus =
  | { status: 'ran'; version: string }
  | { status: 'refused'; version: string; message: string }
  | { status: 'skipped'; version?: string };

export interface OutputCheck {
  name: string;
  dtype: DType;
  dims: readonly number[];
  /** Against saved outputs (PyTorch's, for torchparity fixtures). */
  golden?: Comparison;
  /** Against onnxruntime on the same inputs. */
  onnxruntime?: Comparison;
  /** Against our own float64 run, used when neither golden outputs nor onnxruntime are available. */
  referee?: Comparison;
}

export interface VerifyReport {
  target: string;
  model: string;
  dataSet: string;
  inputSource: string;
  producer: string;
  irVersion: number;
  opsets: Record<string, number>;
  versions: { torchparity: string; onnxruntime: string };
  inputs: { name: string; dtype: DType; dims: readonly number[] }[];
  oracle: OracleStatus;
  outputs: OutputCheck[];
  /** With `intermediates`: every node's values against the reference, and the root cause when one diverges. */
  intermediates?: IntermediatesReport;
  verdict: 'pass' | 'fail';
  /** Why the verdict is what it is, in one line. */
  summary: string;
}

export function modelPathOf(target: string): { model: string; testDir?: string } {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(target);
  } catch {
    throw new TorchParityError('usage', `'${target}' does not exist`, {}, 'give a .onnx file or a test directory holding model.onnx');
  }
  if (stat.isDirectory()) {
    if (!isTestDir(target)) {
      throw new TorchParityError('usage', `'${target}' holds no model.onnx`, {}, 'give a .onnx file or a test directory');
    }
    return { model: path.join(target, 'model.onnx'), testDir: target };
  }
  return { model: target };
}

function compareAll(actual: Record<string, Tensor>, expected: Record<string, Tensor>, name: string, tolerance: Tolerance | undefined): Comparison | undefined {
  const e = expected[name];
  const a = actual[name];
  if (!e || !a) return undefined;
  return compareTensors(a, e, tolerance ?? torchDefaultFor(e.dtype));
}

export async function oracleRun(model: string, feeds: Record<string, Tensor>, outputs: readonly string[]): Promise<{ status: OracleStatus; outputs?: Record<string, Tensor> }> {
  try {
    const result = await runOnnxruntime(model, feeds, { outputs, quiet: true });
    return { status: { status: 'ran', version: result.version }, outputs: result.outputs };
  } catch (error) {
    if (isTorchParityError(error) && error.code === 'oracle_failure') {
      return { status: { status: 'refused', version: onnxruntimeVersion(), message: error.message } };
    }
    throw error;
  }
}

export interface FeedSet {
  name: string;
  source: string;
  inputs: Record<string, Tensor>;
  /** Expected outputs; empty when there are none. */
  outputs: Record<string, Tensor>;
}

/**
 * The inputs a run uses: given feeds, else a test directory's data sets (unless --shape or --seed ask for random
 * ones), else seeded random inputs.
 */
export function feedSets(session: Session, testDir: string | undefined, options: VerifyOptions): FeedSet[] {
  const inputNames = session.inputs.filter((i) => !i.defaultValue).map((i) => i.name);
  const outputNames = session.outputs.map((o) => o.name);
  let sets: FeedSet[] = [];
  if (options.inputs) {
    sets = [{ name: 'given', source: 'given inputs', inputs: options.inputs, outputs: options.golden ?? {} }];
  } else if (testDir && !options.shapes && options.seed === undefined) {
    sets = readDataSets(testDir, inputNames, outputNames).map((s) => ({
      name: s.name,
      source: path.join(path.basename(testDir), s.name),
      inputs: s.inputs,
      outputs: options.golden ?? s.outputs,
    }));
  }
  if (sets.length === 0) {
    const seed = options.seed ?? 0;
    sets = [{ name: 'random', source: `random ${options.dist ?? 'normal'} inputs, seed ${seed}`, inputs: randomInputs(session.inputs, { ...options, seed }), outputs: options.golden ?? {} }];
  }
  return sets;
}

/**
 * The reference for intermediates: onnxruntime on the model re-emitted with every intermediate as an output, or our
 * float64 run when onnxruntime refuses it (or is not wanted); `note` says why the fallback was taken.
 */
export async function openReference(
  model: string,
  session: Session,
  feeds: Readonly<Record<string, Tensor>>,
  options: { noOracle?: boolean; refusal?: string; limits?: Partial<Limits>; referee?: Session },
): Promise<{ reference: Reference; note?: string; referee?: Session }> {
  let note = options.noOracle
    ? 'onnxruntime was not asked for (--no-oracle)'
    : `onnxruntime refused the model, so intermediates are compared with torchparity's float64 run: ${options.refusal}`;
  if (!options.noOracle && options.refusal === undefined) {
    try {
      return { reference: await onnxruntimeReference(session.graph, feeds) };
    } catch (error) {
      if (!(isTorchParityError(error) && error.code === 'oracle_failure')) throw error;
      note = `${error.message}; intermediates are compared with torchparity's float64 run instead`;
    }
  }
  const reference = await float64Reference(model, session.graph, feeds, options);
  return { reference, note, referee: reference.session };
}

/**
 * onnxruntime must compute the re-emitted model (every intermediate an output) exactly as the original: one
 * thread, no optimizations, the same kernels. If its outputs differ, re-emission changed the graph and the node
 * verdicts cannot be trusted; the report says so instead of blaming a node.
 */
function checkReemission(report: IntermediatesReport, reemitted: Record<string, Tensor>, original: Record<string, Tensor>): void {
  const differing = Object.keys(original).filter((name) => {
    const a = reemitted[name];
    const b = original[name]!;
    return a !== undefined && compareTensors(a, b, EXACT).verdict === 'fail';
  });
  if (differing.length === 0) return;
  report.reference.note = [
    report.reference.note,
    `onnxruntime computes ${differing.join(', ')} differently on the re-emitted model than on the original, so these node verdicts are unreliable (a torchparity bug: please report it with the model)`,
  ]
    .filter(Boolean)
    .join('; ');
  report.reference.consistent = false;
}

/**
 * Runs a model on torchparity's engine and on onnxruntime with the same inputs, and compares both against saved
 * outputs when there are any. One report per data set (a model file with random inputs gives one).
 */
export async function verify(target: string, options: VerifyOptions = {}): Promise<VerifyReport[]> {
  const { model, testDir } = modelPathOf(target);
  const session = await loadModel(model, { limits: options.limits });
  const outputNames = session.outputs.map((o) => o.name);
  const sets = feedSets(session, testDir, options);
  const reports: VerifyReport[] = [];
  let referee: Session | undefined;
  for (const set of sets) {
    // Ours first: a model whose sizes our limits refuse (a hostile pad or shape met only at run time) must fail
    // here, before onnxruntime tries to allocate them — it has no such limits, and a 16 GB request brings in the
    // kernel's OOM killer, not an exception. With --intermediates this run is only that guard.
    const plain = await session.run(set.inputs, { override: options.override });
    const oracle = options.noOracle ? { status: { status: 'skipped' } as OracleStatus } : await oracleRun(model, set.inputs, outputNames);
    let ours: Record<string, Tensor>;
    let intermediates: IntermediatesReport | undefined;
    if (!options.intermediates) {
      ours = plain;
    } else {
      const opened = await openReference(model, session, set.inputs, {
        noOracle: options.noOracle,
        refusal: oracle.status.status === 'refused' ? oracle.status.message : undefined,
        limits: options.limits,
        referee,
      });
      const { reference, note } = opened;
      referee ??= opened.referee;
      try {
        const result = await compareIntermediates(session, set.inputs, reference, {
          tolerance: options.tolerance,
          override: options.override,
          limits: options.limits,
          chunkBytes: options.chunkBytes,
          heatmap: options.heatmap,
          referenceNote: note,
        });
        ours = result.outputs;
        intermediates = result.report;
        if (oracle.outputs && reference.kind === 'onnxruntime') checkReemission(intermediates, result.referenceOutputs, oracle.outputs);
      } finally {
        await reference.close();
      }
    }
    let refereeOutputs: Record<string, Tensor> | undefined;
    const hasGolden = Object.keys(set.outputs).length > 0;
    if (!hasGolden && !oracle.outputs) {
      referee ??= await loadModel(model, { precision: 'float64', limits: options.limits });
      refereeOutputs = await referee.run(set.inputs);
    }
    const outputs: OutputCheck[] = outputNames.map((name) => {
      const t = ours[name]!;
      const check: OutputCheck = { name, dtype: t.dtype, dims: t.dims };
      const golden = compareAll(ours, set.outputs, name, options.tolerance);
      if (golden) check.golden = golden;
      const ort = oracle.outputs ? compareAll(ours, oracle.outputs, name, options.tolerance) : undefined;
      if (ort) check.onnxruntime = ort;
      if (refereeOutputs) {
        const ref = refereeOutputs[name]!;
        check.referee = compareTensors(t, ref, options.tolerance ?? torchDefaultFor(t.dtype));
      }
      return check;
    });
    const comparisons = outputs.flatMap((o) => [o.golden, o.onnxruntime, o.referee].filter((c): c is Comparison => c !== undefined));
    const failed = outputs.filter((o) => [o.golden, o.onnxruntime, o.referee].some((c) => c?.verdict === 'fail'));
    const missingGolden = hasGolden ? outputNames.filter((n) => !set.outputs[n]) : [];
    const root = intermediates?.firstDivergent;
    const verdict = comparisons.length > 0 && failed.length === 0 && missingGolden.length === 0 && !root ? 'pass' : 'fail';
    let summary =
      verdict === 'pass'
        ? `${outputs.length > 1 ? `all ${outputs.length} outputs match` : 'the output matches'} ${[hasGolden && 'saved outputs', oracle.outputs && 'onnxruntime', refereeOutputs && 'the float64 referee'].filter(Boolean).join(' and ')}`
        : missingGolden.length
          ? `saved outputs lack ${missingGolden.join(', ')}`
          : comparisons.length === 0
            ? 'nothing to compare against'
            : failed.length === 0
              ? `${outputs.length > 1 ? `all ${outputs.length} outputs match` : 'the output matches'}, but a node diverges on its own`
              : `${failed.length} of ${outputs.length} outputs disagree: ${failed.map((o) => o.name).join(', ')}`;
    if (root) summary += `; first divergent node: '${root.node}' (${root.op})`;
    const record = session.graph.source;
    reports.push({
      target,
      model,
      dataSet: set.name,
      inputSource: set.source,
      producer: `${record.producerName} ${record.producerVersion}`.trim(),
      irVersion: record.irVersion,
      opsets: Object.fromEntries([...record.opsetImports].map(([d, v]) => [d || 'ai.onnx', v])),
      versions: { torchparity: TORCHPARITY_VERSION, onnxruntime: oracle.status.version ?? onnxruntimeVersion() },
      inputs: Object.entries(set.inputs).map(([name, t]) => ({ name, dtype: t.dtype, dims: t.dims })),
      oracle: oracle.status,
      outputs,
      ...(intermediates ? { intermediates } : {}),
      verdict,
      summary,
    });
  }
  return reports;
}

export function describeInputs(report: VerifyReport): string {
  return report.inputs.map((i) => `${i.name} ${i.dtype}${formatDims(i.dims)}`).join(', ');
}
