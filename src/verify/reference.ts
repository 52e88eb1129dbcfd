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
 * What intermediates are compared against: onnxruntime running a copy of the model in which every intermediate
 * value is a graph output (onnxruntime cannot return a value that is not one), or — when onnxruntime refuses the
 * model — torchparity's own float64 run. Either way values are fetched by name, a few at a time.
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

/** The model with `names` added to its graph outputs (typed from shape inference, no shape so nothing is checked). */
export function withOutputs(graph: Graph, names: readonly string[]): ModelRecord {
  const record = graph.source;
  const existing = new Set(record.graph.outputs.map((o) => o.name));
  const extra: ValueInfoRecord[] = names
    .filter((n) => !existing.has(n))
    .map((name) => {
      const dtype = graph.types.get(name)?.dtype;
      return dtype ? { name, dtype } : { name };
    });
  return { ...record, graph: { ...record.graph, outputs: [...record.graph.outputs, ...extra] } };
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

/** Opens onnxruntime on the model re-emitted with every intermediate as an output. Throws oracle_failure on refusal. */
export async function onnxruntimeReference(
  graph: Graph,
  feeds: Readonly<Record<string, Tensor>>,
  options: { inlineLimitBytes?: number } = {},
): Promise<Reference> {
  const encoded = encodeForOracle(withOutputs(graph, intermediateNames(graph)), options.inlineLimitBytes);
  let session: OracleSession;
  try {
    session = await openOnnxruntime(encoded.model, { file: graph.file, quiet: true });
  } catch (error) {
    encoded.cleanup();
    throw error;
  }
  return {
    kind: 'onnxruntime',
    label: `onnxruntime ${session.version}`,
    fetch: (names) => session.run(feeds, names),
    async close() {
      await session.release();
      encoded.cleanup();
    },
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
