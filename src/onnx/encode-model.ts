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

function encodeAttribute(a: AttributeRecord): IAttributeProto {
  const proto: IAttributeProto = { name: a.name, type: KIND_CODES[a.kind] };
  switch (a.kind) {
    case 'float':
      proto.f = a.value as number;
      break;
    case 'int':
      proto.i = a.value as number;
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
      proto.ints = a.value as number[];
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

/** Encodes a model with every tensor inline (raw_data), so the bytes stand alone. */
export function encodeModel(model: EncodableModel): Uint8Array {
  const proto = onnx.ModelProto.create({
    irVersion: model.irVersion,
    producerName: model.producerName ?? 'torchparity',
    producerVersion: model.producerVersion ?? '',
    opsetImport: [...model.opsetImports].map(([domain, version]) => ({ domain, version })),
    graph: encodeGraph(model.graph),
  });
  return onnx.ModelProto.encode(proto).finish();
}

export function encodeTensorProto(name: string, t: Tensor): Uint8Array {
  return onnx.TensorProto.encode(onnx.TensorProto.create(encodeTensor(name, t))).finish();
}
