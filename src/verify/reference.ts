import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadModel, type Session } from '../engine/session.js';
import type { Graph } from '../ir/graph.js';
import type { Limits } from '../limits.js';
import { encodeModel, encodeModelExternal } from '../onnx/encode-model.js';
import type { ModelRecord, ValueInfoRecord } from '../onnx/records.js';
import { openOnnxruntime, type OracleSession } from '../oracle/onnxruntime.js';
import type { Tensor } from '../tensor.js';
import { roundToFloat32Tensor } from './node-check.js';

/**
 * What intermediates are compared against: onnxruntime running a copy of the model in which the values asked for
 * are graph outputs (onnxruntime cannot return a value that is not one), or — when onnxruntime refuses the model —
 * torchparity's own float64 run. Either way values are fetched by name, a few at a time.
 */
export interface Reference {
  kind: 'onnxruntime' | 'float64';
  /** For reports: 'onnxruntime 1.30.0' or 'torchparity float64'. */
  label: string;
  /** Values by name, computed from the feeds; float64 results come back rounded to float32 where the model has float32. */
  fetch(names: readonly string[]): Promise<Record<string, Tensor>>;
  close(): Promise<void>;
}

/** The names a reference can be asked for: every value a runtime node of the graph produces. */
export function intermediateNames(graph: Graph): string[] {
  const names: string[] = [];
  for (const node of graph.nodes) for (const name of node.outputs) if (name !== '') names.push(name);
  return names;
}

/**
 * The model cut to compute exactly `names`: those values are its only graph outputs (typed from shape inference,
 * no shape so nothing is checked) and only the nodes they depend on are kept, with their weights. onnxruntime keeps
 * every graph output of a run alive until the run ends, so a model that exposes all intermediates at once would hold
 * them all in native memory even when a run fetches a few; cut like this, a run holds what it returns plus what its
 * own planner keeps live. Graph inputs stay as they are, so the same feeds fit every cut.
 */
export function withOutputs(graph: Graph, names: readonly string[]): ModelRecord {
  const record = graph.source;
  const outputs: ValueInfoRecord[] = names.map((name) => {
    const dtype = graph.types.get(name)?.dtype;
    return dtype ? { name, dtype } : { name };
  });
  const nodes = record.graph.nodes;
  // Subgraph attributes (If, Loop) may read outer values that node inputs do not list: keep every node then.
  const hasSubgraphs = nodes.some((n) => n.attributes.some((a) => a.kind === 'graph' || a.kind === 'graphs'));
  let kept = nodes;
  if (!hasSubgraphs) {
    const producer = new Map<string, number>();
    nodes.forEach((n, i) => n.outputs.forEach((o) => o !== '' && producer.set(o, i)));
    const keep = new Set<number>();
    const stack = names.map((n) => producer.get(n)).filter((i): i is number => i !== undefined);
    while (stack.length) {
      const i = stack.pop()!;
      if (keep.has(i)) continue;
      keep.add(i);
      for (const input of nodes[i]!.inputs) {
        const p = input === '' ? undefined : producer.get(input);
        if (p !== undefined && !keep.has(p)) stack.push(p);
      }
    }
    kept = nodes.filter((_, i) => keep.has(i));
  }
  const read = new Set([...kept.flatMap((n) => n.inputs), ...record.graph.inputs.map((i) => i.name)]);
  const initializers = record.graph.initializers.filter((i) => read.has(i.name));
  return { ...record, graph: { ...record.graph, nodes: kept, initializers, outputs } };
}

export interface OracleModelFile {
  /** Bytes, or a path when the weights went to an external data file in a temporary folder. */
  model: string | Uint8Array;
  cleanup(): void;
}

/** Weights above this go to an external data file: protobuf caps one message at 2 GiB. */
export const INLINE_LIMIT_BYTES = 1024 ** 3;

/**
 * Encodes a re-emitted model for onnxruntime. Weights are inlined when they fit (a dynamo export's model.onnx.data
 * is read once, by the importer); larger models are written with their weights in one external data file in a
 * temporary folder, removed by cleanup().
 */
export function encodeForOracle(model: ModelRecord, inlineLimitBytes = INLINE_LIMIT_BYTES): OracleModelFile {
  const weightBytes = model.graph.initializers.reduce((n, i) => n + i.tensor.data.byteLength, 0);
  if (weightBytes <= inlineLimitBytes) return { model: encodeModel(model), cleanup: () => {} };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'torchparity-oracle-'));
  const file = path.join(dir, 'model.onnx');
  const encoded = encodeModelExternal(model, 'model.onnx.data');
  fs.writeFileSync(file, encoded.model);
  const fd = fs.openSync(path.join(dir, 'model.onnx.data'), 'w');
  try {
    for (const chunk of encoded.chunks) fs.writeSync(fd, chunk);
  } finally {
    fs.closeSync(fd);
  }
  return { model: file, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * onnxruntime as the reference: each fetch runs the model cut to the values asked for (see withOutputs), in a
 * session opened for that fetch and released after it. The first cut is opened here, so a model onnxruntime refuses
 * to load fails now (oracle_failure), before any comparison starts.
 */
export async function onnxruntimeReference(
  graph: Graph,
  feeds: Readonly<Record<string, Tensor>>,
  options: { inlineLimitBytes?: number } = {},
): Promise<Reference> {
  const open = async (names: readonly string[]): Promise<{ session: OracleSession; cleanup: () => void }> => {
    const encoded = encodeForOracle(withOutputs(graph, names), options.inlineLimitBytes);
    try {
      return { session: await openOnnxruntime(encoded.model, { file: graph.file, quiet: true }), cleanup: encoded.cleanup };
    } catch (error) {
      encoded.cleanup();
      throw error;
    }
  };
  const first = intermediateNames(graph).slice(0, 1);
  const probe = await open(first.length ? first : graph.outputs.map((o) => o.name));
  const version = probe.session.version;
  await probe.session.release();
  probe.cleanup();
  return {
    kind: 'onnxruntime',
    label: `onnxruntime ${version}`,
    async fetch(names) {
      const { session, cleanup } = await open(names);
      try {
        return await session.run(feeds, names);
      } finally {
        await session.release();
        cleanup();
      }
    },
    close: async () => {},
  };
}

/**
 * torchparity's float64 run as the reference, for models onnxruntime refuses (or when asked to skip it). `graph` is
 * the float32 import, which says which values are float32 (those are rounded back to float32).
 */
export async function float64Reference(
  model: string | Uint8Array,
  graph: Graph,
  feeds: Readonly<Record<string, Tensor>>,
  options: { limits?: Partial<Limits>; referee?: Session } = {},
): Promise<Reference & { session: Session }> {
  const session = options.referee ?? (await loadModel(model, { precision: 'float64', limits: options.limits }));
  return {
    kind: 'float64',
    label: 'torchparity float64',
    session,
    async fetch(names) {
      const values = await session.run(feeds, { outputs: names });
      const out: Record<string, Tensor> = {};
      for (const name of names) {
        const value = values[name]!;
        out[name] = graph.types.get(name)?.dtype === 'float32' ? roundToFloat32Tensor(value) : value;
      }
      return out;
    },
    close: async () => {},
  };
}
