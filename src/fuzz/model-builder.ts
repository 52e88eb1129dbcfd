import { TorchParityError } from '../errors.js';
import { importGraph } from '../ir/import.js';
import { encodeModel } from '../onnx/encode-model.js';
import type { AttributeRecord, AttributeValue, GraphRecord, ModelRecord, NodeRecord, ValueInfoRecord } from '../onnx/records.js';
import type { AttrSpec } from '../ops/declaration.js';
import { findOp } from '../ops/registry.js';
import type { Tensor } from '../tensor.js';

export type AttributeInput = number | string | readonly number[] | readonly string[] | Tensor;

export interface NodeSpec {
  opType: string;
  domain?: string;
  name?: string;
  inputs: readonly string[];
  outputs: readonly string[];
  /** JS values; their ONNX kind (int vs float, ints vs floats) comes from the op's declaration. */
  attributes?: Readonly<Record<string, AttributeInput | undefined>>;
}

export interface ModelSpec {
  opset: number;
  nodes: readonly NodeSpec[];
  /** Fed at run time. */
  inputs: Readonly<Record<string, Tensor>>;
  /** Stored in the model as initializers. */
  initializers?: Readonly<Record<string, Tensor>>;
  outputs: readonly string[];
  /** Dims to declare for inputs (symbolic ones allowed); default: the fed tensors' dims. */
  inputDims?: Readonly<Record<string, readonly (number | string)[]>>;
  irVersion?: number;
}

export interface BuiltModel {
  bytes: Uint8Array;
  record: ModelRecord;
  feeds: Record<string, Tensor>;
}

function attributeRecord(name: string, value: AttributeInput, spec: AttrSpec | undefined): AttributeRecord {
  // Attributes the declaration does not know keep the kind their JS value suggests, so tests can build the
  // invalid models the importer must refuse.
  const kind = (spec ?? guessSpec(value)).type;
  return { name, kind, value: (Array.isArray(value) ? [...value] : value) as AttributeValue };
}

function nodeRecord(spec: NodeSpec, opset: number, index: number): NodeRecord {
  const domain = spec.domain ?? '';
  const decl = findOp(spec.opType, domain, opset);
  const specs = (decl?.attributes ?? {}) as Record<string, AttrSpec>;
  const attributes: AttributeRecord[] = [];
  for (const [name, value] of Object.entries(spec.attributes ?? {})) {
    if (value === undefined) continue;
    attributes.push(attributeRecord(name, value, specs[name]));
  }
  return {
    name: spec.name ?? `${spec.opType.toLowerCase()}_${index}`,
    opType: spec.opType,
    domain,
    inputs: [...spec.inputs],
    outputs: [...spec.outputs],
    attributes,
  };
}

/** For ops torchparity does not declare (tests of the unsupported-op path): kinds from the JS values. */
function guessSpec(value: AttributeInput): AttrSpec {
  if (typeof value === 'string') return { type: 'string' };
  if (typeof value === 'number') return Number.isInteger(value) ? { type: 'int' } : { type: 'float' };
  if (Array.isArray(value)) {
    if (value.length && typeof value[0] === 'string') return { type: 'strings' };
    return value.every((v) => Number.isInteger(v)) ? { type: 'ints' } : { type: 'floats' };
  }
  return { type: 'tensor' };
}

/**
 * Builds ModelProto bytes for a small graph. Output types and shapes are declared from torchparity's own shape
 * inference; a graph the importer refuses (unsupported ops, bad attributes — what error tests build) gets outputs
 * without a declared type.
 */
export function buildModel(spec: ModelSpec): BuiltModel {
  const inputs: ValueInfoRecord[] = Object.entries(spec.inputs).map(([name, t]) => ({
    name,
    dtype: t.dtype,
    dims: [...(spec.inputDims?.[name] ?? t.dims)],
  }));
  const graph: GraphRecord = {
    name: 'torchparity_built',
    nodes: spec.nodes.map((n, i) => nodeRecord(n, spec.opset, i)),
    initializers: Object.entries(spec.initializers ?? {}).map(([name, tensor]) => ({ name, tensor })),
    inputs,
    outputs: spec.outputs.map((name) => ({ name })),
    valueInfo: [],
  };
  const record: ModelRecord = {
    irVersion: spec.irVersion ?? 8,
    opsetImports: new Map([['', spec.opset]]),
    producerName: 'torchparity',
    producerVersion: '',
    graph,
    functions: [],
    externalData: [],
    byteLength: 0,
  };
  try {
    const inferred = importGraph(record, { fold: false });
    graph.outputs = inferred.outputs.map((o) => ({ name: o.name, dtype: o.dtype, ...(o.dims ? { dims: [...o.dims] } : {}) }));
  } catch (error) {
    if (!(error instanceof TorchParityError)) throw error;
  }
  const bytes = encodeModel(record);
  return { bytes, record: { ...record, byteLength: bytes.length }, feeds: { ...spec.inputs } };
}

/** One node whose inputs are all fed (or, listed in `initializers`, stored as constants). */
export function buildSingleOp(spec: {
  opType: string;
  opset: number;
  /** undefined leaves an optional input out. */
  inputs: readonly (Tensor | undefined)[];
  /** Indices of inputs to store as initializers instead of feeding. */
  constantInputs?: readonly number[];
  attributes?: Readonly<Record<string, AttributeInput | undefined>>;
  outputCount?: number;
}): BuiltModel {
  const feeds: Record<string, Tensor> = {};
  const initializers: Record<string, Tensor> = {};
  const names = spec.inputs.map((t, i) => {
    if (!t) return '';
    const name = `in${i}`;
    (spec.constantInputs?.includes(i) ? initializers : feeds)[name] = t;
    return name;
  });
  while (names.length && names[names.length - 1] === '') names.pop();
  const outputs = Array.from({ length: spec.outputCount ?? 1 }, (_, i) => `out${i}`);
  return buildModel({
    opset: spec.opset,
    nodes: [{ opType: spec.opType, inputs: names, outputs, attributes: spec.attributes }],
    inputs: feeds,
    initializers,
    outputs,
  });
}
