import * as fs from 'node:fs';
import * as path from 'node:path';
import { compareTensors, type Comparison } from '../compare/compare.js';
import type { Tolerance } from '../compare/tolerance.js';
import { loadModel, type Session } from '../engine/session.js';
import { isTorchParityError } from '../errors.js';
import type { Graph, IrNode } from '../ir/graph.js';
import type { Limits } from '../limits.js';
import { encodeModel, encodeTensorProto, type EncodableModel } from '../onnx/encode-model.js';
import type { NamedTensor, ValueInfoRecord } from '../onnx/records.js';
import { runOnnxruntime } from '../oracle/onnxruntime.js';
import { formatDims, type DType, type Tensor } from '../tensor.js';
import { TORCHPARITY_VERSION } from '../version.js';
import { compareIntermediates, type IntermediatesReport } from './intermediates.js';
import { magnitudes, roundToFloat32Tensor, tolerance, type NodeOverride } from './node-check.js';
import type { RandomInputOptions } from './random-inputs.js';
import type { Reference } from './reference.js';
import { feedSets, modelPathOf, openReference, oracleRun } from './verify.js';

/**
 * `torchparity reduce`: cut a diverging model down to the smallest subgraph that still diverges, with the values at
 * its boundary fed as inputs, and write it as a test directory that `torchparity verify` replays.
 *
 * 1. `verify --intermediates` finds the end: the first node that diverges on its own, else the first over the bound.
 * 2. Bisect the start: the latest node from which the subgraph [start … end], fed the reference's values where it
 *    begins, still diverges at the end's outputs (a root cause usually reduces to itself at once).
 * 3. Trim: drop every node the end does not need, then each remaining node in turn whose removal (its outputs fed
 *    as inputs instead) keeps the divergence.
 * "Diverges" means our engine's outputs of the subgraph differ from the reference's on the same boundary inputs,
 * beyond the bound verify uses.
 */
export interface ReduceOptions extends RandomInputOptions {
  inputs?: Record<string, Tensor>;
  tolerance?: Tolerance;
  noOracle?: boolean;
  limits?: Partial<Limits>;
  chunkBytes?: number;
  /** Expected outputs written to the test directory: the reference's (default) or our float64 run's. */
  expected?: 'reference' | 'float64';
  /** Fault injection for tests, as in VerifyOptions. */
  override?: NodeOverride;
}

export interface ReduceResult {
  model: string;
  reference: string;
  /** Runtime nodes of the original model. */
  originalNodes: number;
  /** Why nothing was written, when the model does not diverge. */
  nothingToReduce?: string;
  intermediates: IntermediatesReport;
  /** The node the subgraph ends at. */
  end?: { node: string; op: string; step: number; divergesOnItsOwn: boolean };
  kept: { step: number; node: string; op: string }[];
  inputs: { name: string; dtype: DType; dims: readonly number[] }[];
  outputs: { name: string; comparison: Comparison }[];
  /** Subgraphs tried. */
  evaluations: number;
  /** Whether the written subgraph diverges (always, unless onnxruntime computes the model differently in pieces). */
  reproduces?: boolean;
  outDir?: string;
  modelFile?: string;
  expectedFrom: string;
}

interface Trial {
  diverges: boolean;
  comparisons: { name: string; comparison: Comparison }[];
  bytes: Uint8Array;
  feeds: Record<string, Tensor>;
}

class Reducer {
  private readonly producer = new Map<string, number>();
  private readonly initializers = new Map<string, Tensor>();
  private readonly graphInputs: Set<string>;
  evaluations = 0;

  constructor(
    private readonly session: Session,
    private readonly feeds: Readonly<Record<string, Tensor>>,
    private readonly reference: Reference,
    private readonly options: ReduceOptions,
  ) {
    const graph = session.graph;
    graph.nodes.forEach((node, step) => node.outputs.forEach((o) => o !== '' && this.producer.set(o, step)));
    for (const { name, tensor } of graph.source.graph.initializers) this.initializers.set(name, tensor);
    this.graphInputs = new Set(graph.inputs.map((i) => i.name));
  }

  private get graph(): Graph {
    return this.session.graph;
  }

  /** The nodes among [start, end] that `end` needs, skipping `removed`; sorted by step. */
  needed(end: number, start: number, removed: ReadonlySet<number> = new Set()): number[] {
    const keep = new Set<number>([end]);
    const stack = [end];
    while (stack.length) {
      const node = this.graph.nodes[stack.pop()!]!;
      for (const name of node.inputs) {
        const p = name === '' ? undefined : this.producer.get(name);
        if (p === undefined || p < start || removed.has(p) || keep.has(p)) continue;
        keep.add(p);
        stack.push(p);
      }
    }
    return [...keep].sort((a, b) => a - b);
  }

  /** Values the subgraph reads but neither computes nor holds as weights: its inputs. */
  private boundary(steps: readonly number[]): { inputs: string[]; constants: NamedTensor[] } {
    const produced = new Set(steps.flatMap((s) => this.graph.nodes[s]!.outputs));
    const inputs: string[] = [];
    const constants: NamedTensor[] = [];
    const seen = new Set<string>();
    for (const s of steps) {
      for (const name of this.graph.nodes[s]!.inputs) {
        if (name === '' || produced.has(name) || seen.has(name)) continue;
        seen.add(name);
        const weight = this.graphInputs.has(name) && this.feeds[name] ? undefined : (this.initializers.get(name) ?? this.graph.constants.get(name));
        if (weight) constants.push({ name, tensor: weight });
        else inputs.push(name);
      }
    }
    return { inputs, constants };
  }

  private async boundaryValues(names: readonly string[]): Promise<Record<string, Tensor>> {
    const fed: Record<string, Tensor> = {};
    const fetch: string[] = [];
    for (const name of names) {
      const given = this.feeds[name];
      if (given) fed[name] = given;
      else fetch.push(name);
    }
    return fetch.length ? { ...fed, ...(await this.reference.fetch(fetch)) } : fed;
  }

  /** The subgraph as a model: boundary values as typed graph inputs, weights inline. */
  private modelOf(steps: readonly number[], outputs: readonly string[], feeds: Record<string, Tensor>, constants: NamedTensor[]): EncodableModel {
    const record = this.graph.source;
    const inputs: ValueInfoRecord[] = Object.entries(feeds).map(([name, t]) => ({ name, dtype: t.dtype, dims: [...t.dims] }));
    // IR 3 requires every initializer to be listed as a graph input too.
    if (record.irVersion < 4) inputs.push(...constants.map(({ name, tensor }) => ({ name, dtype: tensor.dtype, dims: [...tensor.dims] })));
    return {
      irVersion: record.irVersion,
      opsetImports: record.opsetImports,
      producerName: 'torchparity reduce',
      producerVersion: TORCHPARITY_VERSION,
      graph: {
        name: `${record.graph.name || 'graph'}_reduced`,
        nodes: steps.map((s) => {
          const node = this.graph.nodes[s]!;
          // Display names are kept, so messages (and the tests' fault injection) name the same node.
          return { ...node.record, name: node.name };
        }),
        initializers: constants,
        inputs,
        outputs: outputs.map((name) => ({ name, dtype: this.graph.types.get(name)?.dtype })),
        valueInfo: [],
      },
    };
  }

  /** Builds and runs one subgraph on both sides. An onnxruntime refusal of the subgraph counts as "does not diverge". */
  async trial(steps: readonly number[], outputs: readonly string[]): Promise<Trial> {
    this.evaluations++;
    const { inputs, constants } = this.boundary(steps);
    const feeds = await this.boundaryValues(inputs);
    const bytes = encodeModel(this.modelOf(steps, outputs, feeds, constants));
    const ours = await loadModel(bytes, { limits: this.options.limits, file: 'reduced model' });
    const last = new Map<string, { node: IrNode; inputs: (Tensor | undefined)[] }>();
    const wanted = new Set(outputs);
    const actual = await ours.run(feeds, {
      outputs,
      override: this.options.override,
      tap: ({ node, inputs: seen }) => {
        if (node.outputs[0] !== undefined && wanted.has(node.outputs[0])) last.set(node.outputs[0], { node, inputs: seen });
      },
    });
    let expected: Record<string, Tensor>;
    try {
      expected = await expectedOutputs(bytes, feeds, outputs, this.reference.kind, this.options.limits, this.graph);
    } catch (error) {
      if (isTorchParityError(error) && error.code === 'oracle_failure') return { diverges: false, comparisons: [], bytes, feeds };
      throw error;
    }
    const comparisons = outputs.map((name) => {
      const producer = last.get(name);
      const scale = producer ? magnitudes(producer.node, producer.inputs, this.options.limits) : undefined;
      return { name, comparison: compareTensors(actual[name]!, expected[name]!, tolerance(expected[name]!, this.options.tolerance, scale)) };
    });
    return { diverges: comparisons.some((c) => c.comparison.verdict === 'fail'), comparisons, bytes, feeds };
  }
}

/** Reduces `target` (a model or test directory) and writes the reproducer to `out` (a folder, or FILE.onnx). */
export async function reduce(target: string, out: string, options: ReduceOptions = {}): Promise<ReduceResult> {
  const { model, testDir } = modelPathOf(target);
  const session = await loadModel(model, { limits: options.limits });
  const [set] = feedSets(session, testDir, options);
  const feeds = set!.inputs;
  // Ours first, as in verify: sizes our limits refuse at run time must not reach onnxruntime, which has no limits.
  await session.run(feeds);
  const oracle = options.noOracle ? undefined : await oracleRun(model, feeds, session.outputs.map((o) => o.name));
  const { reference, note } = await openReference(model, session, feeds, {
    noOracle: options.noOracle,
    refusal: oracle?.status.status === 'refused' ? oracle.status.message : undefined,
    limits: options.limits,
  });
  try {
    const { report } = await compareIntermediates(session, feeds, reference, {
      tolerance: options.tolerance,
      override: options.override,
      limits: options.limits,
      chunkBytes: options.chunkBytes,
      referenceNote: note,
    });
    const expectedFrom = options.expected === 'float64' ? 'torchparity float64' : reference.label;
    const result: ReduceResult = {
      model,
      reference: reference.label,
      originalNodes: session.graph.nodes.length,
      intermediates: report,
      kept: [],
      inputs: [],
      outputs: [],
      evaluations: 0,
      expectedFrom,
    };
    const endCheck = report.firstDivergent
      ? report.nodes.find((n) => n.step === report.firstDivergent!.step)
      : report.nodes.find((n) => n.verdict === 'cascade');
    if (!endCheck) {
      result.nothingToReduce = `no node differs from ${reference.label} beyond the bound`;
      return result;
    }
    const end = endCheck.step;
    const outputs = endCheck.outputs.filter((o) => o.comparison?.verdict === 'fail' || o.local?.verdict === 'fail').map((o) => o.name);
    const reducer = new Reducer(session, feeds, reference, options);

    // Bisect the start: the latest s with trial([s … end]) diverging; s = 0 is the full-run prefix.
    let start: number;
    let best = await reducer.trial(reducer.needed(end, end), outputs);
    if (best.diverges) start = end;
    else {
      let lo = 0;
      let hi = end;
      best = await reducer.trial(reducer.needed(end, 0), outputs);
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        const t = await reducer.trial(reducer.needed(end, mid), outputs);
        if (t.diverges) {
          lo = mid;
          best = t;
        } else hi = mid;
      }
      start = lo;
    }
    // Trim: each node whose outputs can be fed instead, keeping the divergence.
    let steps = reducer.needed(end, start);
    const removed = new Set<number>();
    for (const step of [...steps]) {
      if (step === end || !steps.includes(step)) continue;
      const candidate = reducer.needed(end, start, new Set([...removed, step]));
      const t = await reducer.trial(candidate, outputs);
      if (t.diverges) {
        removed.add(step);
        steps = candidate;
        best = t;
      }
    }
    // `best` is the trial of `steps`: every accepted candidate replaced it.
    const final = best;
    result.reproduces = final.diverges;
    result.end = { node: endCheck.node, op: endCheck.op, step: end, divergesOnItsOwn: endCheck.verdict === 'diverges' };
    result.kept = steps.map((s) => ({ step: s, node: session.graph.nodes[s]!.name, op: session.graph.nodes[s]!.opType }));
    result.inputs = Object.entries(final.feeds).map(([name, t]) => ({ name, dtype: t.dtype, dims: t.dims }));
    result.outputs = final.comparisons;
    result.evaluations = reducer.evaluations;
    const expectedValues = await expectedOutputs(final.bytes, final.feeds, outputs, options.expected === 'float64' ? 'float64' : reference.kind, options.limits, session.graph);
    const written = writeTestDir(out, final.bytes, final.feeds, expectedValues, {
      tool: 'torchparity reduce',
      version: TORCHPARITY_VERSION,
      original: model,
      reference: reference.label,
      expectedFrom,
      end: result.end,
      reproduces: result.reproduces,
      kept: result.kept,
      inputs: result.inputs,
      outputs: result.outputs.map((o) => ({ name: o.name, verdict: o.comparison.verdict, maxAbs: o.comparison.maxAbs, mismatch: o.comparison.mismatch })),
      evaluations: result.evaluations,
    });
    result.outDir = written.dir;
    result.modelFile = written.model;
    return result;
  } finally {
    await reference.close();
  }
}

async function expectedOutputs(
  bytes: Uint8Array,
  feeds: Record<string, Tensor>,
  names: readonly string[],
  kind: 'onnxruntime' | 'float64',
  limits: Partial<Limits> | undefined,
  graph: Graph,
): Promise<Record<string, Tensor>> {
  if (kind === 'onnxruntime') return (await runOnnxruntime(bytes, feeds, { outputs: names, quiet: true })).outputs;
  const referee = await loadModel(bytes, { precision: 'float64', limits, file: 'reduced model' });
  const values = await referee.run(feeds, { outputs: names });
  const out: Record<string, Tensor> = {};
  for (const name of names) out[name] = graph.types.get(name)?.dtype === 'float32' ? roundToFloat32Tensor(values[name]!) : values[name]!;
  return out;
}

/**
 * The ONNX test layout: DIR/model.onnx, DIR/test_data_set_0/input_<i>.pb and output_<i>.pb (named after the
 * values), and DIR/reduce.json saying how it was made. `out` ending in .onnx writes that file as well and puts the
 * test directory beside it, named after it without the extension.
 */
function writeTestDir(
  out: string,
  model: Uint8Array,
  inputs: Record<string, Tensor>,
  outputs: Record<string, Tensor>,
  info: unknown,
): { dir: string; model: string } {
  const file = out.toLowerCase().endsWith('.onnx') ? out : undefined;
  const dir = file ? out.slice(0, -'.onnx'.length) : out;
  fs.mkdirSync(dir, { recursive: true });
  for (const entry of fs.readdirSync(dir)) if (/^test_data_set_\d+$/.test(entry)) fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
  fs.writeFileSync(path.join(dir, 'model.onnx'), model);
  if (file) fs.writeFileSync(file, model);
  const data = path.join(dir, 'test_data_set_0');
  fs.mkdirSync(data);
  Object.entries(inputs).forEach(([name, t], i) => fs.writeFileSync(path.join(data, `input_${i}.pb`), encodeTensorProto(name, t)));
  Object.entries(outputs).forEach(([name, t], i) => fs.writeFileSync(path.join(data, `output_${i}.pb`), encodeTensorProto(name, t)));
  fs.writeFileSync(path.join(dir, 'reduce.json'), `${JSON.stringify(info, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2)}\n`);
  return { dir, model: file ?? path.join(dir, 'model.onnx') };
}

export function describeShapes(inputs: ReduceResult['inputs']): string {
  return inputs.map((i) => `${i.name} ${i.dtype}${formatDims(i.dims)}`).join(', ');
}
