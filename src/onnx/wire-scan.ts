import { TorchParityError, type ErrorContext } from '../errors.js';
import { limitExceeded, type Limits } from '../limits.js';

/**
 * A pass over the wire format before protobufjs decodes anything, for the two ways a small file can take down the
 * decoder:
 * - depth: protobufjs decodes nested messages by recursion, so graphs nested in If/Loop attributes, types nested in
 *   types, or unknown groups a few thousand deep overflow the stack;
 * - memory: protobufjs makes a JavaScript object of every message, every int64 (a Long) and every string, so a
 *   packed int64 list costs about 80 bytes of heap per byte of file, and 2-byte empty nodes about 100.
 * The scan walks the ONNX messages iteratively, counts nodes per graph, elements per list attribute and decoded
 * objects overall, and refuses what is over the limits before it is built. Anything malformed it leaves for the
 * decoder to report: it stops at the first byte it cannot make sense of, without throwing.
 */

type Message =
  | 'model'
  | 'graph'
  | 'node'
  | 'attribute'
  | 'tensor'
  | 'sparseTensor'
  | 'valueInfo'
  | 'type'
  | 'typeTensor'
  | 'typeChild'
  | 'shape'
  | 'dimension'
  | 'function'
  | 'training'
  | 'leaf';

/** How a length-delimited field decodes: a submessage, a packed list, or one string/bytes value. */
type FieldKind = Message | 'packedVarint64' | 'packedNumbers';

/** onnx.proto field numbers. Fields not listed are scalars, strings or bytes: one decoded value each. */
const SCHEMA: Record<Message, Record<number, FieldKind>> = {
  // graph, opset_import, metadata_props, training_info, functions
  model: { 7: 'graph', 8: 'leaf', 14: 'leaf', 20: 'training', 25: 'function' },
  // node, initializer, input, output, value_info, quantization_annotation, sparse_initializer, metadata_props
  graph: { 1: 'node', 5: 'tensor', 11: 'valueInfo', 12: 'valueInfo', 13: 'valueInfo', 14: 'leaf', 15: 'sparseTensor', 16: 'leaf' },
  // attribute, metadata_props
  node: { 5: 'attribute', 9: 'leaf' },
  // t, g, floats, ints, tensors, graphs, tp, type_protos, sparse_tensor, sparse_tensors
  attribute: { 5: 'tensor', 6: 'graph', 7: 'packedNumbers', 8: 'packedVarint64', 10: 'tensor', 11: 'graph', 14: 'type', 15: 'type', 22: 'sparseTensor', 23: 'sparseTensor' },
  // dims, float_data, int32_data, int64_data, double_data, uint64_data, external_data, segment, metadata_props
  tensor: { 1: 'packedVarint64', 4: 'packedNumbers', 5: 'packedNumbers', 7: 'packedVarint64', 10: 'packedNumbers', 11: 'packedVarint64', 13: 'leaf', 14: 'leaf', 16: 'leaf' },
  // values, indices, dims
  sparseTensor: { 1: 'tensor', 2: 'tensor', 3: 'packedVarint64' },
  // type, metadata_props
  valueInfo: { 2: 'type', 4: 'leaf' },
  // tensor_type, sequence_type, map_type, sparse_tensor_type, optional_type
  type: { 1: 'typeTensor', 4: 'typeChild', 5: 'typeChild', 8: 'typeTensor', 9: 'typeChild' },
  // shape
  typeTensor: { 2: 'shape' },
  // Sequence.elem_type = 1, Map.value_type = 2, Optional.elem_type = 1
  typeChild: { 1: 'type', 2: 'type' },
  // dim
  shape: { 1: 'dimension' },
  dimension: {},
  // node, opset_import, attribute_proto, value_info, metadata_props
  function: { 7: 'node', 9: 'leaf', 11: 'attribute', 12: 'valueInfo', 14: 'leaf' },
  // initialization, algorithm, initialization_binding, update_binding
  training: { 1: 'graph', 2: 'graph', 3: 'leaf', 4: 'leaf' },
  leaf: {},
};

/** Varint fields that decode as int64 (a Long object each), by message. */
const INT64_SCALARS: Partial<Record<Message, readonly number[]>> = {
  // ir_version, model_version
  model: [1, 5],
  // i
  attribute: [3],
  // dim_value
  dimension: [1],
  // OperatorSetIdProto.version, TensorProto.Segment begin/end
  leaf: [1, 2],
};

/** Attribute list fields (floats, ints, strings, tensors, graphs, type_protos, sparse_tensors), for maxAttributeElements. */
const ATTRIBUTE_LISTS = new Set([7, 8, 9, 10, 11, 15, 23]);

/** Unknown groups are skipped by recursion too; no ONNX writer emits them at all. */
const MAX_GROUP_DEPTH = 64;

interface Frame {
  kind: Message | 'group';
  end: number;
  /** Nodes (graph, function) or list elements (attribute) counted so far. */
  count: number;
  /** Node name and op type, attribute name, as far as read (exporters write names first), for error context. */
  name?: string;
  op?: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

export function scanModel(bytes: Uint8Array, limits: Limits, where: ErrorContext): void {
  let pos = 0;
  const varint = (): number | undefined => {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (pos >= bytes.length) return undefined;
      const b = bytes[pos++]!;
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 128;
    }
    return undefined;
  };
  let objects = 0;
  const counted = (n: number) => {
    objects += n;
    if (objects > limits.maxDecodedObjects) {
      limitExceeded('objects to decode (messages, int64 values, strings)', objects, limits.maxDecodedObjects, where, 'maxDecodedObjects');
    }
  };
  const stack: Frame[] = [{ kind: 'model', end: bytes.length, count: 0 }];
  let graphs = 0;
  let types = 0;
  let groups = 0;
  const push = (kind: Frame['kind'], end: number) => {
    if (kind === 'graph' && ++graphs - 1 > limits.maxGraphDepth) {
      limitExceeded('graph nesting depth', graphs - 1, limits.maxGraphDepth, where, 'maxGraphDepth');
    }
    if (kind === 'type' && ++types > limits.maxGraphDepth) {
      limitExceeded('type nesting depth (sequence/map/optional types)', types, limits.maxGraphDepth, where, 'maxGraphDepth');
    }
    if (kind === 'group' && ++groups > MAX_GROUP_DEPTH) {
      throw new TorchParityError('decode', `the file nests protobuf groups over ${MAX_GROUP_DEPTH} deep`, where, 'ONNX files contain no groups; the file is corrupt or hostile');
    }
    stack.push({ kind, end, count: 0 });
  };
  const pop = () => {
    const kind = stack.pop()!.kind;
    if (kind === 'graph') graphs--;
    else if (kind === 'type') types--;
    else if (kind === 'group') groups--;
  };
  /** Elements of a packed list: varints end in a byte below 0x80; numbers are 4 or 8 bytes, only counted for lists. */
  const packedVarints = (start: number, end: number) => {
    let n = 0;
    for (let i = start; i < end; i++) if (bytes[i]! < 0x80) n++;
    return n;
  };
  const listElement = (top: Frame, field: number, n: number) => {
    if (top.kind === 'attribute' && ATTRIBUTE_LISTS.has(field)) {
      top.count += n;
      if (top.count > limits.maxAttributeElements) {
        const node = stack[stack.length - 2];
        const context = { ...where, ...(node?.kind === 'node' ? { node: node.name ?? '', op: node.op ?? '' } : {}), attribute: top.name ?? '' };
        limitExceeded('attribute length', top.count, limits.maxAttributeElements, context, 'maxAttributeElements');
      }
    }
  };
  const text = (start: number, length: number) => utf8.decode(bytes.subarray(start, start + Math.min(length, 256)));
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (pos >= top.end) {
      if (top.kind === 'group') return;
      pos = top.end;
      pop();
      continue;
    }
    const tag = varint();
    if (tag === undefined || tag > 0xffffffff) return;
    const field = Math.floor(tag / 8);
    const schema = top.kind === 'group' ? undefined : SCHEMA[top.kind];
    switch (tag & 7) {
      case 0:
        if (varint() === undefined) return;
        if (top.kind !== 'group') {
          const kind = schema?.[field];
          if (kind === 'packedVarint64' || INT64_SCALARS[top.kind]?.includes(field)) counted(1);
          if (kind === 'packedVarint64' || kind === 'packedNumbers') listElement(top, field, 1);
        }
        break;
      case 1:
      case 5:
        pos += (tag & 7) === 1 ? 8 : 4;
        if (schema?.[field] === 'packedNumbers') listElement(top, field, 1);
        break;
      case 2: {
        const length = varint();
        if (length === undefined || pos + length > top.end) return;
        const kind = schema?.[field];
        if (top.kind === 'graph' && field === 1 && ++top.count > limits.maxNodes) {
          limitExceeded('node count', top.count, limits.maxNodes, where, 'maxNodes');
        }
        if (top.kind === 'function' && field === 7 && ++top.count > limits.maxNodes) {
          limitExceeded('node count', top.count, limits.maxNodes, where, 'maxNodes');
        }
        if (kind === 'packedVarint64') {
          const n = packedVarints(pos, pos + length);
          listElement(top, field, n);
          counted(n);
          pos += length;
        } else if (kind === 'packedNumbers') {
          // Numbers cost a few bytes each, not an object; they count towards list lengths only. Attribute floats
          // are fixed32 (4 bytes each).
          listElement(top, field, top.kind === 'attribute' ? Math.floor(length / 4) : 0);
          pos += length;
        } else if (kind) {
          counted(1);
          listElement(top, field, 1);
          push(kind, pos + length);
        } else {
          // A string or bytes value (names, raw_data, doc strings): one object.
          if ((top.kind === 'attribute' && field === 1) || (top.kind === 'node' && field === 3)) top.name = text(pos, length);
          if (top.kind === 'node' && field === 4) top.op = text(pos, length);
          if (top.kind !== 'group') counted(1);
          listElement(top, field, 1);
          pos += length;
        }
        break;
      }
      case 3:
        push('group', top.end);
        break;
      case 4:
        if (top.kind !== 'group') return;
        pop();
        break;
      default:
        return;
    }
    if (pos > top.end) return;
  }
}
