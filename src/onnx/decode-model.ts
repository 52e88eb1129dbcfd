import { TorchParityError, asTorchParityError, type ErrorContext } from '../errors.js';
import { limitExceeded, resolveLimits, type Limits } from '../limits.js';
import type { Tensor } from '../tensor.js';
import { dtypeFromCode } from './dtypes.js';
import { NO_EXTERNAL_DATA, type ExternalDataSource } from './external-data.js';
import { longToNumber, type LongLike } from './int64.js';
import {
  onnx,
  type IAttributeProto,
  type IFunctionProto,
  type IGraphProto,
  type INodeProto,
  type IValueInfoProto,
  type ITensorProto,
  type IOperatorSetIdProto,
  type ModelProto,
} from './proto.js';
import {
  normalizeDomain,
  type AttributeKind,
  type AttributeRecord,
  type AttributeValue,
  type Dim,
  type ExternalDataUse,
  type FunctionRecord,
  type GraphRecord,
  type ModelRecord,
  type NodeRecord,
  type ValueInfoRecord,
} from './records.js';
import { decodeTensor, type TensorDecodeContext } from './tensor-proto.js';
import { scanModel } from './wire-scan.js';

export interface DecodeOptions {
  /** Shown in every error; also the folder external data is resolved against (by the caller). */
  file?: string;
  externalData?: ExternalDataSource;
  limits?: Partial<Limits>;
  /**
   * The caller hands the bytes over (loadModel read them from the file): unaligned raw_data is then aligned in place
   * rather than copied (tensor-proto.ts viewAs), so the bytes are modified. Leave unset for bytes the caller keeps.
   */
  ownsBytes?: boolean;
}

const ATTRIBUTE_KINDS: Record<number, AttributeKind> = {
  1: 'float',
  2: 'int',
  3: 'string',
  4: 'tensor',
  5: 'graph',
  6: 'floats',
  7: 'ints',
  8: 'strings',
  9: 'tensors',
  10: 'graphs',
};

const utf8 = new TextDecoder('utf-8', { fatal: false });

class Decoder {
  readonly externalUses: ExternalDataUse[] = [];
  private readonly tensorContext: TensorDecodeContext;

  constructor(
    readonly limits: Limits,
    readonly file: string | undefined,
    externalData: ExternalDataSource,
    alignInPlace = false,
  ) {
    this.tensorContext = {
      limits,
      externalData,
      where: file ? { file } : {},
      onExternal: (use) => this.externalUses.push(use),
      alignInPlace,
    };
  }

  private where(extra: ErrorContext = {}): ErrorContext {
    return this.file ? { file: this.file, ...extra } : extra;
  }

  tensor(proto: ITensorProto, where: ErrorContext, fallbackName = ''): Tensor {
    return decodeTensor(proto, { ...this.tensorContext, where: this.where(where) }, fallbackName);
  }

  private checkListLength(length: number, where: ErrorContext): void {
    if (length > this.limits.maxAttributeElements) {
      limitExceeded('attribute length', length, this.limits.maxAttributeElements, this.where(where), 'maxAttributeElements');
    }
  }

  /** Very old files leave `type` unset; the populated field tells the kind. */
  private attributeKind(a: IAttributeProto): AttributeKind | undefined {
    if (a.type) return ATTRIBUTE_KINDS[a.type];
    if (a.floats?.length) return 'floats';
    if (a.ints?.length) return 'ints';
    if (a.strings?.length) return 'strings';
    if (a.tensors?.length) return 'tensors';
    if (a.graphs?.length) return 'graphs';
    if (a.t) return 'tensor';
    if (a.g) return 'graph';
    if (a.s?.length) return 'string';
    if (a.i !== undefined && a.i !== null && longToNumber(a.i as number | LongLike, {}, 'i') !== 0) return 'int';
    if (a.f) return 'float';
    return undefined;
  }

  attribute(a: IAttributeProto, node: ErrorContext, depth: number): AttributeRecord {
    const name = a.name ?? '';
    const where = { ...node, attribute: name };
    if (a.refAttrName) {
      throw new TorchParityError('decode', `refers to a function attribute '${a.refAttrName}' outside a function body`, this.where(where));
    }
    const kind = this.attributeKind(a);
    if (!kind) {
      const typeName = a.type ? (onnx.AttributeProto.AttributeType[a.type] ?? `type ${a.type}`) : 'no type';
      throw new TorchParityError(
        'bad_attribute',
        `has ${typeName}, which torchparity does not read`,
        this.where(where),
        'sparse-tensor and type-proto attributes do not occur in CNN exports',
      );
    }
    let value: AttributeValue;
    switch (kind) {
      case 'float':
        value = a.f ?? 0;
        break;
      case 'int':
        value = longToNumber(a.i as number | LongLike, this.where(where), 'the value');
        break;
      case 'string':
        value = utf8.decode(a.s ?? new Uint8Array());
        break;
      case 'tensor':
        if (!a.t) throw new TorchParityError('bad_attribute', 'is a tensor attribute with no tensor', this.where(where));
        value = this.tensor(a.t, where, name);
        break;
      case 'graph':
        if (!a.g) throw new TorchParityError('bad_attribute', 'is a graph attribute with no graph', this.where(where));
        value = this.graph(a.g, depth + 1);
        break;
      case 'floats':
        this.checkListLength(a.floats?.length ?? 0, where);
        value = [...(a.floats ?? [])];
        break;
      case 'ints':
        this.checkListLength(a.ints?.length ?? 0, where);
        value = (a.ints ?? []).map((v) => longToNumber(v as number | LongLike, this.where(where), 'an element'));
        break;
      case 'strings':
        this.checkListLength(a.strings?.length ?? 0, where);
        value = (a.strings ?? []).map((s) => utf8.decode(s));
        break;
      case 'tensors':
        this.checkListLength(a.tensors?.length ?? 0, where);
        value = (a.tensors ?? []).map((t) => this.tensor(t, where, name));
        break;
      case 'graphs':
        this.checkListLength(a.graphs?.length ?? 0, where);
        value = (a.graphs ?? []).map((g) => this.graph(g, depth + 1));
        break;
    }
    return { name, kind, value };
  }

  node(n: INodeProto, index: number, depth: number, inFunction = false): NodeRecord {
    const name = n.name ?? '';
    const opType = n.opType ?? '';
    const where = { node: name || `#${index}`, op: opType };
    if (!opType) throw new TorchParityError('decode', 'has no op_type', this.where(where));
    const given = n.attribute ?? [];
    const refs = inFunction ? given.filter((a) => a.refAttrName) : [];
    const record: NodeRecord = {
      name,
      opType,
      domain: normalizeDomain(n.domain),
      inputs: [...(n.input ?? [])],
      outputs: [...(n.output ?? [])],
      attributes: given.filter((a) => !refs.includes(a)).map((a) => this.attribute(a, where, depth)),
    };
    if (refs.length) record.attributeRefs = refs.map((a) => ({ name: a.name ?? '', ref: a.refAttrName ?? '' }));
    return record;
  }

  valueInfo(v: IValueInfoProto): ValueInfoRecord {
    const name = v.name ?? '';
    const record: ValueInfoRecord = { name };
    const tensorType = v.type?.tensorType;
    if (!v.type) return record;
    if (!tensorType) {
      const kind = v.type.sequenceType ? 'a sequence' : v.type.mapType ? 'a map' : v.type.optionalType ? 'an optional' : 'not a tensor';
      throw new TorchParityError('decode', `is ${kind}; torchparity handles tensors only`, this.where({ tensor: name }));
    }
    if (tensorType.elemType) record.dtype = dtypeFromCode(tensorType.elemType, this.where({ tensor: name }));
    if (tensorType.shape) {
      const dims = tensorType.shape.dim ?? [];
      if (dims.length > this.limits.maxRank) limitExceeded('rank', dims.length, this.limits.maxRank, this.where({ tensor: name }), 'maxRank');
      record.dims = dims.map((d): Dim => {
        if (d.dimParam) return d.dimParam;
        if (d.dimValue !== undefined && d.dimValue !== null) {
          const n = longToNumber(d.dimValue as number | LongLike, this.where({ tensor: name }), 'a dimension');
          if (!Number.isSafeInteger(n) || n < 0) {
            throw new TorchParityError('shape', `declares dimension ${n}`, this.where({ tensor: name }), 'dimensions must be non-negative');
          }
          return n;
        }
        return '?';
      });
    }
    return record;
  }

  graph(g: IGraphProto, depth: number): GraphRecord {
    if (depth > this.limits.maxGraphDepth) {
      limitExceeded('graph nesting depth', depth, this.limits.maxGraphDepth, this.where(), 'maxGraphDepth');
    }
    const nodes = g.node ?? [];
    if (nodes.length > this.limits.maxNodes) limitExceeded('node count', nodes.length, this.limits.maxNodes, this.where(), 'maxNodes');
    if (g.sparseInitializer?.length) {
      throw new TorchParityError('decode', 'the graph has sparse initializers, which torchparity does not read', this.where());
    }
    return {
      name: g.name ?? '',
      nodes: nodes.map((n, i) => this.node(n, i, depth)),
      initializers: (g.initializer ?? []).map((t, i) => ({
        name: t.name ?? '',
        tensor: this.tensor(t, {}, t.name || `initializer #${i}`),
      })),
      inputs: (g.input ?? []).map((v) => this.valueInfo(v)),
      outputs: (g.output ?? []).map((v) => this.valueInfo(v)),
      valueInfo: (g.valueInfo ?? []).map((v) => this.valueInfo(v)),
    };
  }

  opsets(list: IOperatorSetIdProto[] | null | undefined): Map<string, number> {
    const map = new Map<string, number>();
    for (const entry of list ?? []) {
      map.set(normalizeDomain(entry.domain), longToNumber(entry.version as number | LongLike, this.where(), 'an opset version'));
    }
    return map;
  }

  func(f: IFunctionProto): FunctionRecord {
    const nodes = f.node ?? [];
    if (nodes.length > this.limits.maxNodes) limitExceeded('node count', nodes.length, this.limits.maxNodes, this.where(), 'maxNodes');
    return {
      name: f.name ?? '',
      domain: normalizeDomain(f.domain),
      inputs: [...(f.input ?? [])],
      outputs: [...(f.output ?? [])],
      attributes: [...(f.attribute ?? [])],
      nodes: nodes.map((n, i) => this.node(n, i, 1, true)),
      opsetImports: this.opsets(f.opsetImport),
    };
  }
}

/** Decodes ModelProto bytes into plain records; initializers (and their external data) are read here. */
export function decodeModel(bytes: Uint8Array, options: DecodeOptions = {}): ModelRecord {
  const limits = resolveLimits(options.limits);
  const file = options.file;
  const where: ErrorContext = file ? { file } : {};
  if (bytes.length > limits.maxModelBytes) limitExceeded('file size', bytes.length, limits.maxModelBytes, where, 'maxModelBytes');
  scanModel(bytes, limits, where);
  let proto: ModelProto;
  try {
    proto = onnx.ModelProto.decode(bytes);
  } catch (error) {
    if (isStackOverflow(error)) {
      throw new TorchParityError('decode', 'the file nests messages too deeply to decode', where, 'the file is corrupt or hostile');
    }
    throw asTorchParityError(
      error,
      'decode',
      where,
      'the file is not an ONNX model or is truncated; re-export it or check the download',
    ).withContext(where);
  }
  if (!proto.graph) {
    throw new TorchParityError('decode', 'the file decodes as protobuf but holds no graph', where, 'is this an ONNX model file?');
  }
  const decoder = new Decoder(limits, file, options.externalData ?? NO_EXTERNAL_DATA, options.ownsBytes === true);
  let graph: GraphRecord;
  let functions: FunctionRecord[];
  let opsetImports: Map<string, number>;
  try {
    opsetImports = decoder.opsets(proto.opsetImport);
    // IR versions before 3 had no opset_import; their ops are opset 1.
    if (!opsetImports.has('')) opsetImports.set('', 1);
    graph = decoder.graph(proto.graph, 0);
    functions = (proto.functions ?? []).map((f) => decoder.func(f));
  } catch (error) {
    if (isStackOverflow(error)) {
      throw new TorchParityError('limit_exceeded', 'the model nests too deeply to decode', where, 'lower the nesting, or raise limits.maxGraphDepth');
    }
    // Past protobuf decoding, anything but a TorchParityError is a torchparity bug, not a property of the file.
    throw asTorchParityError(error, 'internal', where);
  }
  return {
    irVersion: longToNumber(proto.irVersion as number | LongLike, where, 'ir_version'),
    opsetImports,
    producerName: proto.producerName ?? '',
    producerVersion: proto.producerVersion ?? '',
    graph,
    functions,
    externalData: decoder.externalUses,
    byteLength: bytes.length,
  };
}

function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message);
}
