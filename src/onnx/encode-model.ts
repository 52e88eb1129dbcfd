import type { Tensor } from '../tensor.js';
import { DTYPE_TO_CODE } from './dtypes.js';
import { onnx, type IAttributeProto, type IGraphProto, type IValueInfoProto } from './proto.js';
import type { AttributeRecord, GraphRecord, ModelRecord, NodeRecord, ValueInfoRecord } from './records.js';
import { encodeTensor } from './tensor-proto.js';

const KIND_CODES: Record<AttributeRecord['kind'], number> = {
  float: 1,
  int: 2,
  string: 3,
  tensor: 4,
  graph: 5,
  floats: 6,
  ints: 7,
  strings: 8,
  tensors: 9,
  graphs: 10,
};

const utf8 = new TextEncoder();

/**
 * int64 attribute values: the decoder turns the int64 extremes (Slice's "to the end") into ±Infinity, and they must
 * go back as those extremes — protobufjs would write Infinity as 0, silently turning `ends=[INT64_MAX]` into an
 * empty slice.
 */
function int64Attribute(v: number): number | { low: number; high: number; unsigned: boolean } {
  if (v === Infinity) return { low: 0xffffffff, high: 0x7fffffff, unsigned: false };
  if (v === -Infinity) return { low: 0, high: 0x80000000 | 0, unsigned: false };
  return v;
}

function encodeAttribute(a: AttributeRecord): IAttributeProto {
  const proto: IAttributeProto = { name: a.name, type: KIND_CODES[a.kind] };
  switch (a.kind) {
    case 'float':
      proto.f = a.value as number;
      break;
    case 'int':
      proto.i = int64Attribute(a.value as number) as number;
      break;
    case 'string':
      proto.s = utf8.encode(a.value as string);
      break;
    case 'tensor':
      proto.t = encodeTensor(a.name, a.value as Tensor);
      break;
    case 'graph':
      proto.g = encodeGraph(a.value as GraphRecord);
      break;
    case 'floats':
      proto.floats = a.value as number[];
      break;
    case 'ints':
      proto.ints = (a.value as number[]).map(int64Attribute) as number[];
      break;
    case 'strings':
      proto.strings = (a.value as string[]).map((s) => utf8.encode(s));
      break;
    case 'tensors':
      proto.tensors = (a.value as Tensor[]).map((t) => encodeTensor(a.name, t));
      break;
    case 'graphs':
      proto.graphs = (a.value as GraphRecord[]).map(encodeGraph);
      break;
  }
  return proto;
}

function encodeValueInfo(v: ValueInfoRecord): IValueInfoProto {
  if (!v.dtype) return { name: v.name };
  return {
    name: v.name,
    type: {
      tensorType: {
        elemType: DTYPE_TO_CODE[v.dtype],
        shape: v.dims
          ? { dim: v.dims.map((d) => (typeof d === 'number' ? { dimValue: d } : d === '?' ? {} : { dimParam: d })) }
          : null,
      },
    },
  };
}

function encodeNode(n: NodeRecord) {
  return {
    name: n.name,
    opType: n.opType,
    domain: n.domain,
    input: n.inputs,
    output: n.outputs,
    attribute: n.attributes.map(encodeAttribute),
  };
}

export function encodeGraph(g: GraphRecord): IGraphProto {
  return {
    name: g.name,
    node: g.nodes.map(encodeNode),
    initializer: g.initializers.map(({ name, tensor }) => encodeTensor(name, tensor)),
    input: g.inputs.map(encodeValueInfo),
    output: g.outputs.map(encodeValueInfo),
    valueInfo: g.valueInfo.map(encodeValueInfo),
  };
}

export type EncodableModel = Pick<ModelRecord, 'irVersion' | 'opsetImports' | 'graph'> &
  Partial<Pick<ModelRecord, 'producerName' | 'producerVersion'>>;

function modelProto(model: EncodableModel) {
  return onnx.ModelProto.create({
    irVersion: model.irVersion,
    producerName: model.producerName ?? 'torchparity',
    producerVersion: model.producerVersion ?? '',
    opsetImport: [...model.opsetImports].map(([domain, version]) => ({ domain, version })),
    graph: encodeGraph(model.graph),
  });
}

/** Encodes a model with every tensor inline (raw_data), so the bytes stand alone. */
export function encodeModel(model: EncodableModel): Uint8Array {
  return onnx.ModelProto.encode(modelProto(model)).finish();
}

/**
 * Encodes a model whose initializers of at least `minBytes` live in one external data file at `location` (beside
 * the model, as the dynamo exporter writes them): for models whose weights would take protobuf past its 2 GiB
 * message limit. `chunks` are the file's contents in order; each tensor starts at a multiple of 64 bytes.
 */
export function encodeModelExternal(
  model: EncodableModel,
  location: string,
  minBytes = 1024,
): { model: Uint8Array; chunks: Uint8Array[]; dataBytes: number } {
  const proto = modelProto(model);
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const t of proto.graph?.initializer ?? []) {
    const raw = t.rawData;
    if (!raw || raw.length < minBytes) continue;
    const pad = (64 - (offset % 64)) % 64;
    if (pad) chunks.push(new Uint8Array(pad));
    offset += pad;
    t.externalData = [
      { key: 'location', value: location },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(raw.length) },
    ];
    t.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    t.rawData = new Uint8Array(0);
    chunks.push(raw);
    offset += raw.length;
  }
  return { model: onnx.ModelProto.encode(proto).finish(), chunks, dataBytes: offset };
}

export function encodeTensorProto(name: string, t: Tensor): Uint8Array {
  return onnx.TensorProto.encode(onnx.TensorProto.create(encodeTensor(name, t))).finish();
}
