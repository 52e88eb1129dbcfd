import { maxDeviation } from '../compare/bound.js';
import { compareTensors, type Comparison } from '../compare/compare.js';
import type { Tolerance } from '../compare/tolerance.js';
import type { Session, TapEvent } from '../engine/session.js';
import type { Graph, IrNode } from '../ir/graph.js';
import type { Limits } from '../limits.js';
import type { AttributeRecord } from '../onnx/records.js';
import { formatDims, storageFor, type DType, type Tensor } from '../tensor.js';
import { heatmapOf, type Heatmap } from './heatmap.js';
import { isReduction, magnitudes, roundToFloat32Tensor, runNode, tolerance, type NodeOverride } from './node-check.js';
import type { Reference } from './reference.js';

/**
 * `verify --intermediates`: every value our engine computes, compared by name with the reference's (onnxruntime,
 * or our float64 run when onnxruntime refuses the model), node by node as our engine produces it, so that the
 * first node that goes wrong — not the cascade after it — is named.
 *
 * A node's output is over the bound when it differs from the reference's in the full run. That alone does not make
 * the node guilty: its inputs may already differ. So an over-bound node is re-run on the reference's own inputs; if
 * it still disagrees it diverges on its own (a root cause), else it only carries differences from upstream (cascade).
 *
 * Memory stays bounded: reference values are fetched in chunks of at most `chunkBytes` in execution order (for
 * onnxruntime, each chunk from a copy of the model cut to expose just those values), each is dropped once the last
 * node reading it has been checked, and our engine's values are seen through the tap and never kept. What is held at the peak is reported (memory.peakHeldBytes), next to what all the compared values
 * add up to (memory.totalBytes).
 */

export interface IntermediatesOptions {
  /** Base tolerance (default: torch.testing.assert_close's for each value's dtype); reductions get at least their bound. */
  tolerance?: Tolerance;
  /** Fault injection for tests: replaces nodes' results in our float32 run (see Session RunOptions.override). */
  override?: NodeOverride;
  limits?: Partial<Limits>;
  /** Most bytes of reference values fetched in one go (default 64 MiB); a node's own outputs are always fetched whole. */
  chunkBytes?: number;
  heatmap?: { maxChannels?: number; maxSide?: number };
}

export const DEFAULT_CHUNK_BYTES = 64 * 1024 * 1024;

/** pass: within the bound; diverges: wrong even on the reference's inputs; cascade: wrong only because its inputs are. */
export type NodeVerdict = 'pass' | 'diverges' | 'cascade' | 'unchecked';

export interface ValueCheck {
  name: string;
  dtype: DType;
  dims: readonly number[];
  /** Ours against the reference in the full run. */
  comparison?: Comparison;
  /** Ours against the reference with both fed the reference's inputs (only for values over the bound). */
  local?: Comparison;
  /** Why a value could not be compared. */
  note?: string;
}

export interface NodeCheck {
  step: number;
  node: string;
  op: string;
  outputs: ValueCheck[];
  verdict: NodeVerdict;
}

export interface RootCause {
  step: number;
  node: string;
  op: string;
  domain: string;
  opset: number;
  /** Every attribute the node runs with; isDefault marks those the file leaves to the op's default. */
  attributes: { name: string; value: string; isDefault: boolean }[];
  inputs: { name: string; dtype?: DType; dims?: readonly number[]; kind: 'graph input' | 'constant' | 'intermediate' | 'omitted' }[];
  /** Each output fed the reference's inputs: ours against the reference. */
  outputs: { name: string; dtype: DType; dims: readonly number[]; local: Comparison }[];
  /**
   * Largest distance of each side from the node computed in float64 on the same (reference) inputs: whoever is
   * farther is wrong.
   */
  float64?: { torchparity: number; reference: number; closer: 'torchparity' | 'reference' | 'tie' };
  /** |ours − reference| on the reference's inputs, per output channel, for the output that is worst. */
  heatmap?: Heatmap;
}

export interface IntermediatesReport {
  /** consistent: false when onnxruntime computed the re-emitted model's outputs differently from the original's. */
  reference: { kind: 'onnxruntime' | 'float64'; label: string; note?: string; consistent?: boolean };
  /** The base tolerance's name; reduction outputs say their own in each comparison. */
  tolerance: string;
  nodes: NodeCheck[];
  /** Values compared. */
  compared: number;
  /** Nodes whose output was over the bound in the full run. */
  overBound: number;
  /** Every node that diverges on its own, in execution order. */
  divergent: string[];
  /** The root cause: the first node that diverges on its own. */
  firstDivergent?: RootCause;
  /** When no node diverges on its own: the first node over the bound (accumulated rounding). */
  firstOverBound?: string;
  /** Nodes evaluated at import (constant folding), which have no run-time value to compare. */
  folded: number;
  memory: { chunkBytes: number; fetches: number; peakHeldValues: number; peakHeldBytes: number; totalBytes: number };
  summary: string;
}

const sameDims = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

function bytesOf(t: Tensor): number {
  return t.data.byteLength;
}

/**
 * Reference values in flight: fetched a chunk at a time ahead of our engine, each dropped after the last node that
 * reads it (or, when nothing reads it, after its own node) has been checked.
 */
class ReferenceCache {
  private readonly values = new Map<string, Tensor>();
  private readonly fetched = new Set<string>();
  private readonly lastRead = new Map<string, number>();
  private observedBytes = 0;
  private observedCount = 0;
  heldBytes = 0;
  readonly memory = { fetches: 0, peakHeldValues: 0, peakHeldBytes: 0, totalBytes: 0 };

  constructor(
    private readonly reference: Reference,
    private readonly graph: Graph,
    private readonly chunkBytes: number,
  ) {
    graph.nodes.forEach((node, step) => {
      for (const name of node.inputs) if (name !== '') this.lastRead.set(name, step);
    });
  }

  private estimate(name: string): number {
    const type = this.graph.types.get(name);
    if (type?.dims && type.dims.every((d) => typeof d === 'number')) {
      return (type.dims as number[]).reduce((a, b) => a * b, 1) * new (storageFor(type.dtype))(0).BYTES_PER_ELEMENT;
    }
    return this.observedCount ? this.observedBytes / this.observedCount : 0;
  }

  /** Makes sure the outputs of node `step` are here, fetching them and as many following values as fit the budget. */
  async ensure(step: number, ours: readonly { name: string; tensor: Tensor }[]): Promise<void> {
    for (const o of ours) {
      this.observedBytes += bytesOf(o.tensor);
      this.observedCount++;
    }
    const nodes = this.graph.nodes;
    const missing = nodes[step]!.outputs.filter((n) => n !== '' && !this.fetched.has(n));
    if (missing.length === 0) return;
    const names = [...missing];
    let budget = this.chunkBytes - missing.reduce((n, name) => n + this.estimate(name), 0);
    for (let s = step + 1; s < nodes.length && budget > 0; s++) {
      const next = nodes[s]!.outputs.filter((n) => n !== '' && !this.fetched.has(n));
      const cost = next.reduce((n, name) => n + this.estimate(name), 0);
      if (cost > budget) break;
      names.push(...next);
      budget -= cost;
    }
    const values = await this.reference.fetch(names);
    this.memory.fetches++;
    for (const name of names) {
      this.fetched.add(name);
      const t = values[name];
      if (!t) continue;
      this.values.set(name, t);
      this.heldBytes += bytesOf(t);
      this.memory.totalBytes += bytesOf(t);
    }
    this.memory.peakHeldBytes = Math.max(this.memory.peakHeldBytes, this.heldBytes);
    this.memory.peakHeldValues = Math.max(this.memory.peakHeldValues, this.values.size);
  }

  get(name: string): Tensor | undefined {
    return this.values.get(name);
  }

  /** Drops what no node after `step` reads. */
  release(step: number): void {
    const node = this.graph.nodes[step]!;
    for (const name of [...node.outputs, ...node.inputs]) {
      if (name === '' || !this.values.has(name)) continue;
      if ((this.lastRead.get(name) ?? -1) <= step) {
        this.heldBytes -= bytesOf(this.values.get(name)!);
        this.values.delete(name);
      }
    }
  }
}

export function formatAttribute(value: unknown): string {
  if (Array.isArray(value)) {
    const shown = value.slice(0, 16).map((v) => formatAttribute(v));
    return `[${shown.join(',')}${value.length > 16 ? `,… (${value.length})` : ''}]`;
  }
  if (value && typeof value === 'object' && 'dims' in value && 'dtype' in value) {
    const t = value as Tensor;
    return t.data.length <= 8 ? `${t.dtype}${formatDims(t.dims)} ${JSON.stringify(Array.from(t.data))}` : `${t.dtype}${formatDims(t.dims)}`;
  }
  if (value && typeof value === 'object' && 'nodes' in value) return `<graph ${String((value as { name?: unknown }).name)}>`;
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

function describeInputs(node: IrNode, graph: Graph, inputs: readonly (Tensor | undefined)[]): RootCause['inputs'] {
  const graphInputs = new Set(graph.inputs.map((i) => i.name));
  return node.inputs.map((name, i) => {
    if (name === '') return { name, kind: 'omitted' };
    const t = inputs[i];
    const kind = graphInputs.has(name) ? 'graph input' : graph.constants.has(name) ? 'constant' : 'intermediate';
    return t ? { name, dtype: t.dtype, dims: t.dims, kind } : { name, kind };
  });
}

function describeAttributes(node: IrNode): RootCause['attributes'] {
  const given = new Set(node.record.attributes.map((a: AttributeRecord) => a.name));
  return Object.entries(node.attrs).map(([name, value]) => ({ name, value: formatAttribute(value), isDefault: !given.has(name) }));
}

/**
 * Runs an intermediates comparison of one feed set; returns the report, our engine's graph outputs and the
 * reference's values of the graph outputs.
 */
export async function compareIntermediates(
  session: Session,
  feeds: Readonly<Record<string, Tensor>>,
  reference: Reference,
  options: IntermediatesOptions & { referenceNote?: string } = {},
): Promise<{ report: IntermediatesReport; outputs: Record<string, Tensor>; referenceOutputs: Record<string, Tensor> }> {
  const graph = session.graph;
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  const cache = new ReferenceCache(reference, graph, chunkBytes);
  const nodes: NodeCheck[] = [];
  const divergent: string[] = [];
  let firstDivergent: RootCause | undefined;
  let compared = 0;
  const base = options.tolerance;
  const graphOutputs = new Set(graph.outputs.map((o) => o.name));
  const referenceOutputs: Record<string, Tensor> = {};

  const tap = async ({ node, step, inputs, outputs }: TapEvent): Promise<void> => {
    await cache.ensure(step, outputs);
    // The reduction bound only ever loosens the plain tolerance, so it is computed (one float64 run of the node on
    // magnitudes) only for an output the plain tolerance fails.
    let scale: ReturnType<typeof magnitudes> | null = null;
    const scaleOf = () => (scale === null ? (scale = magnitudes(node, inputs, options.limits)) : scale);
    const judge = (actual: Tensor, expected: Tensor, k: number): Comparison => {
      const plain = compareTensors(actual, expected, tolerance(expected, base, undefined));
      if (plain.verdict === 'pass' || k !== 0 || !isReduction(node)) return plain;
      return compareTensors(actual, expected, tolerance(expected, base, scaleOf()));
    };
    const checks: ValueCheck[] = [];
    node.outputs.forEach((name, k) => {
      if (name === '') return;
      const ours = outputs.find((o) => o.name === name)?.tensor;
      const ref = cache.get(name);
      if (ref && graphOutputs.has(name)) referenceOutputs[name] = ref;
      if (!ours) return;
      const check: ValueCheck = { name, dtype: ours.dtype, dims: ours.dims };
      if (!ref) check.note = `${reference.label} returned no value`;
      else {
        check.comparison = judge(ours, ref, k);
        compared++;
      }
      checks.push(check);
    });
    let verdict: NodeVerdict = checks.some((c) => c.comparison) ? 'pass' : 'unchecked';
    if (checks.some((c) => c.comparison?.verdict === 'fail')) {
      // Same inputs on both sides: whatever differs now is this node's own doing.
      const refInputs = node.inputs.map((name, i) => (name === '' ? undefined : (cache.get(name) ?? inputs[i])));
      const oursLocal = runNode(node, refInputs, 'float32', { limits: options.limits, override: options.override });
      const exact = reference.kind === 'float64' || firstDivergent === undefined ? runNode(node, refInputs, 'float64', { limits: options.limits }) : undefined;
      const expected = node.outputs.map((name, k) =>
        name === '' ? undefined : reference.kind === 'onnxruntime' ? cache.get(name) : graph.types.get(name)?.dtype === 'float32' ? roundToFloat32Tensor(exact![k]!) : exact![k],
      );
      let worst: { k: number; excess: number } | undefined;
      node.outputs.forEach((name, k) => {
        const check = checks.find((c) => c.name === name);
        const e = expected[k];
        const a = oursLocal[k];
        if (!check || !e || !a) return;
        check.local = judge(a, e, k);
        if (check.local.verdict === 'fail' && (!worst || check.local.worstExcess > worst.excess)) worst = { k, excess: check.local.worstExcess };
      });
      verdict = worst ? 'diverges' : 'cascade';
      if (worst) {
        divergent.push(node.name);
        if (!firstDivergent) {
          let float64: RootCause['float64'];
          if (exact) {
            let oursDev = 0;
            let refDev = 0;
            node.outputs.forEach((name, k) => {
              const x = exact[k];
              if (name === '' || !x || !oursLocal[k] || !expected[k]) return;
              oursDev = Math.max(oursDev, maxDeviation(oursLocal[k]!.data, x.data));
              refDev = Math.max(refDev, maxDeviation(expected[k]!.data, x.data));
            });
            float64 = { torchparity: oursDev, reference: refDev, closer: oursDev < refDev ? 'torchparity' : refDev < oursDev ? 'reference' : 'tie' };
          }
          const k = worst.k;
          firstDivergent = {
            step,
            node: node.name,
            op: node.opType,
            domain: node.domain,
            opset: node.opset,
            attributes: describeAttributes(node),
            inputs: describeInputs(node, graph, inputs),
            outputs: checks.filter((c) => c.local).map((c) => ({ name: c.name, dtype: c.dtype, dims: c.dims, local: c.local! })),
            ...(float64 ? { float64 } : {}),
            // With different shapes there is no element-wise error to map; the mismatch itself is the finding.
            ...(sameDims(oursLocal[k]!.dims, expected[k]!.dims) ? { heatmap: heatmapOf(node.outputs[k]!, oursLocal[k]!, expected[k]!, options.heatmap) } : {}),
          };
        }
      }
    }
    nodes.push({ step, node: node.name, op: node.opType, outputs: checks, verdict });
    cache.release(step);
  };

  const outputs = await session.run(feeds, { tap, override: options.override });
  const overBound = nodes.filter((n) => n.verdict === 'diverges' || n.verdict === 'cascade');
  const firstOverBound = firstDivergent ? undefined : overBound[0]?.node;
  const against = reference.label;
  let summary: string;
  if (firstDivergent) {
    const worst = firstDivergent.outputs.reduce((m, o) => Math.max(m, o.local.maxAbs), 0);
    const later = overBound.length - divergent.length;
    summary =
      `first divergent node: '${firstDivergent.node}' (${firstDivergent.op}) differs from ${against} even on ${against}'s inputs ` +
      `(max abs ${worst.toExponential(2)})` +
      (divergent.length > 1 ? `; ${divergent.length - 1} more diverge on their own` : '') +
      (later > 0 ? `; ${later} later node${later > 1 ? 's differ' : ' differs'} only through their inputs` : '');
  } else if (firstOverBound) {
    summary = `no node diverges on its own; '${firstOverBound}' is the first over the bound, from rounding accumulated upstream`;
  } else {
    summary = `all ${compared} values of ${nodes.length} nodes agree with ${against}`;
  }
  const report: IntermediatesReport = {
    reference: { kind: reference.kind, label: reference.label, ...(options.referenceNote ? { note: options.referenceNote } : {}) },
    tolerance: base?.name ?? 'torch.testing.assert_close default for each dtype',
    nodes,
    compared,
    overBound: overBound.length,
    divergent,
    ...(firstDivergent ? { firstDivergent } : {}),
    ...(firstOverBound ? { firstOverBound } : {}),
    folded: graph.folded.length,
    memory: { chunkBytes, ...cache.memory },
    summary,
  };
  return { report, outputs, referenceOutputs };
}
