import { TorchParityError, type ErrorContext } from '../errors.js';
import { limitExceeded, type Limits } from '../limits.js';

/**
 * protobufjs decodes nested messages by recursion, so a file that nests graphs (If/Loop bodies), types (sequence of
 * sequence of …) or unknown groups thousands deep ends in a stack overflow before torchparity sees a single record.
 * This walks the wire format iteratively, before decoding, along the only paths where ONNX messages can nest
 * without bound, and refuses depth over the limit. Anything malformed it leaves for the decoder to report: it stops
 * at the first byte it cannot make sense of, without throwing.
 */

type Kind = 'model' | 'graph' | 'node' | 'attribute' | 'valueInfo' | 'type' | 'typeChild' | 'function' | 'training' | 'group';

/** Field numbers (onnx.proto) of the submessages that lead, eventually, back to a graph or a type. */
const CHILDREN: Partial<Record<Kind, Record<number, Kind>>> = {
  // graph, training_info, functions
  model: { 7: 'graph', 20: 'training', 25: 'function' },
  // node, input, output, value_info
  graph: { 1: 'node', 11: 'valueInfo', 12: 'valueInfo', 13: 'valueInfo' },
  // attribute
  node: { 5: 'attribute' },
  // g, graphs, tp, type_protos
  attribute: { 6: 'graph', 11: 'graph', 14: 'type', 15: 'type' },
  // type
  valueInfo: { 2: 'type' },
  // sequence_type, map_type, optional_type
  type: { 4: 'typeChild', 5: 'typeChild', 9: 'typeChild' },
  // Sequence.elem_type = 1, Map.value_type = 2, Optional.elem_type = 1
  typeChild: { 1: 'type', 2: 'type' },
  // node, attribute_proto, value_info
  function: { 7: 'node', 11: 'attribute', 12: 'valueInfo' },
  // initialization, algorithm
  training: { 1: 'graph', 2: 'graph' },
};

/** Unknown groups are skipped by recursion too; no ONNX writer emits them at all. */
const MAX_GROUP_DEPTH = 64;

interface Frame {
  kind: Kind;
  end: number;
}

export function checkNesting(bytes: Uint8Array, limits: Limits, where: ErrorContext): void {
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
  const stack: Frame[] = [{ kind: 'model', end: bytes.length }];
  let graphs = 0;
  let types = 0;
  let groups = 0;
  const push = (kind: Kind, end: number) => {
    if (kind === 'graph' && ++graphs - 1 > limits.maxGraphDepth) {
      limitExceeded('graph nesting depth', graphs - 1, limits.maxGraphDepth, where, 'maxGraphDepth');
    }
    if (kind === 'type' && ++types > limits.maxGraphDepth) {
      limitExceeded('type nesting depth (sequence/map/optional types)', types, limits.maxGraphDepth, where, 'maxGraphDepth');
    }
    if (kind === 'group' && ++groups > MAX_GROUP_DEPTH) {
      throw new TorchParityError('decode', `the file nests protobuf groups over ${MAX_GROUP_DEPTH} deep`, where, 'ONNX files contain no groups; the file is corrupt or hostile');
    }
    stack.push({ kind, end });
  };
  const pop = () => {
    const kind = stack.pop()!.kind;
    if (kind === 'graph') graphs--;
    else if (kind === 'type') types--;
    else if (kind === 'group') groups--;
  };
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
    switch (tag & 7) {
      case 0:
        if (varint() === undefined) return;
        break;
      case 1:
        pos += 8;
        break;
      case 5:
        pos += 4;
        break;
      case 2: {
        const length = varint();
        if (length === undefined || pos + length > top.end) return;
        const child = top.kind === 'group' ? undefined : CHILDREN[top.kind]?.[field];
        if (child) push(child, pos + length);
        else pos += length;
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
