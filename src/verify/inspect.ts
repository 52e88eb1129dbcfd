import * as fs from 'node:fs';
import * as path from 'node:path';
import { asTorchParityError } from '../errors.js';
import { decodeModel } from '../onnx/decode-model.js';
import { fileExternalData } from '../onnx/external-data.js';
import type { Dim } from '../onnx/records.js';
import { findOp } from '../ops/registry.js';
import type { DType } from '../tensor.js';

export interface InspectReport {
  file: string;
  fileBytes: number;
  irVersion: number;
  opsets: Record<string, number>;
  producer: string;
  graphName: string;
  inputs: { name: string; dtype?: DType; dims?: Dim[] }[];
  outputs: { name: string; dtype?: DType; dims?: Dim[] }[];
  ops: { opType: string; domain: string; count: number; supported: boolean }[];
  nodes: number;
  parameters: { tensors: number; elements: number; bytes: number };
  externalData: { location: string; tensors: number; bytes: number }[];
  unsupported: { opType: string; domain: string; opset?: number; nodes: string[] }[];
  functions: string[];
}

/** What a model holds, read without running or validating it, so it works on models torchparity cannot run. */
export function inspectModel(file: string): InspectReport {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    throw asTorchParityError(error, 'usage', { file }, 'check the path to the .onnx file');
  }
  const external = fileExternalData(path.dirname(path.resolve(file)));
  let model;
  try {
    model = decodeModel(bytes, { file, externalData: external });
  } finally {
    external.close();
  }
  const g = model.graph;
  const initializerNames = new Set(g.initializers.map((i) => i.name));
  const histogram = new Map<string, { opType: string; domain: string; count: number; supported: boolean }>();
  const unsupported = new Map<string, { opType: string; domain: string; opset?: number; nodes: string[] }>();
  g.nodes.forEach((n, i) => {
    const opset = model.opsetImports.get(n.domain);
    const supported = opset !== undefined && findOp(n.opType, n.domain, opset) !== undefined;
    const key = `${n.domain}::${n.opType}`;
    const entry = histogram.get(key) ?? { opType: n.opType, domain: n.domain, count: 0, supported };
    entry.count++;
    histogram.set(key, entry);
    if (!supported) {
      const u = unsupported.get(key) ?? { opType: n.opType, domain: n.domain, ...(opset !== undefined ? { opset } : {}), nodes: [] };
      u.nodes.push(n.name || `${n.opType}_${i}`);
      unsupported.set(key, u);
    }
  });
  const externalFiles = new Map<string, { location: string; tensors: number; bytes: number }>();
  for (const use of model.externalData) {
    const entry = externalFiles.get(use.location) ?? { location: use.location, tensors: 0, bytes: 0 };
    entry.tensors++;
    entry.bytes += use.length;
    externalFiles.set(use.location, entry);
  }
  let elements = 0;
  let paramBytes = 0;
  for (const { tensor } of g.initializers) {
    elements += tensor.data.length;
    paramBytes += tensor.data.length * (tensor.dtype === 'float16' ? 2 : tensor.data.BYTES_PER_ELEMENT);
  }
  return {
    file,
    fileBytes: bytes.length,
    irVersion: model.irVersion,
    opsets: Object.fromEntries([...model.opsetImports].map(([d, v]) => [d || 'ai.onnx', v])),
    producer: `${model.producerName} ${model.producerVersion}`.trim(),
    graphName: g.name,
    inputs: g.inputs.filter((i) => !initializerNames.has(i.name)).map((i) => ({ name: i.name, dtype: i.dtype, dims: i.dims })),
    outputs: g.outputs.map((o) => ({ name: o.name, dtype: o.dtype, dims: o.dims })),
    ops: [...histogram.values()].sort((a, b) => b.count - a.count || a.opType.localeCompare(b.opType)),
    nodes: g.nodes.length,
    parameters: { tensors: g.initializers.length, elements, bytes: paramBytes },
    externalData: [...externalFiles.values()],
    unsupported: [...unsupported.values()],
    functions: model.functions.map((f) => `${f.domain ? `${f.domain}.` : ''}${f.name}`),
  };
}
