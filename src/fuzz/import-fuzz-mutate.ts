import {
  onnx,
  type IAttributeProto,
  type IGraphProto,
  type INodeProto,
  type ITensorProto,
  type ITypeProto,
  type IValueInfoProto,
  type ModelProto,
} from '../onnx/proto.js';
import { allOpTypes } from '../ops/registry.js';
import { mulberry32 } from '../random.js';

/**
 * Mutations of valid ONNX models for the importer fuzzer (issue 7): structural ones on the decoded protobuf object
 * (dims, dtypes, raw data, external data, attribute types and values, node wiring, graph lists, opsets, nesting),
 * re-encoded, and raw byte ones (bit flips, truncation, splices, varints rewritten in place). Every mutation is
 * described in words, so a finding's reproducer says what was done to which model.
 */

export interface SeedModel {
  name: string;
  bytes: Uint8Array;
  /** External data files by location, as they sit beside the model. */
  externalData: Record<string, Uint8Array>;
}

export interface MutatedCase {
  base: string;
  bytes: Uint8Array;
  externalData: Record<string, Uint8Array>;
  mutations: string[];
}

export type Random = () => number;

/** mulberry32, seeded per case from (seed, index) so any case can be regenerated alone. */
export function caseRandom(seed: number, index: number): Random {
  return mulberry32((Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca77)) >>> 0);
}

const int = (r: Random, n: number) => Math.floor(r() * n);
const pick = <T>(r: Random, items: readonly T[]): T => items[int(r, items.length)]!;
const chance = (r: Random, p: number) => r() < p;

/** An int64 the way protobufjs encodes one exactly: {low, high} halves of the two's complement. */
interface LongValue {
  low: number;
  high: number;
  unsigned: boolean;
}
function long(value: bigint): LongValue {
  const bits = BigInt.asUintN(64, value);
  return { low: Number(bits & 0xffffffffn) | 0, high: Number(bits >> 32n) | 0, unsigned: false };
}

/** Integers that break things: signs, word boundaries, the 2^53 edge, the int64 extremes. */
const INTERESTING_INTS: readonly (number | bigint)[] = [
  0, 1, -1, 2, 3, -2, 7, 64, 255, 256, 4096, 65535, 65536, 1e6, -1e6, 1e9,
  2 ** 31 - 1, 2 ** 31, -(2 ** 31), 2 ** 32, 2 ** 32 + 1, 2 ** 40,
  2n ** 53n - 1n, 2n ** 53n + 1n, 2n ** 62n, 2n ** 63n - 1n, -(2n ** 63n), -(2n ** 53n) - 1n,
];
const INTERESTING_FLOATS = [NaN, Infinity, -Infinity, 0, -0, 1, -1, 0.5, 1e-45, 3.4e38, -3.4e38, 1e30, 65504, 2 ** 24 + 1];
const INTERESTING_STRINGS = [
  '', 'NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID', 'constant', 'reflect', 'edge', 'wrap', 'linear', 'nearest', 'cubic',
  'half_pixel', 'asymmetric', 'align_corners', 'floor', 'round_prefer_floor', 'tanh', 'none', '\u0000', '\uffff',
  'x'.repeat(300), '../../etc/passwd',
];
const EXTERNAL_LOCATIONS = [
  'model.onnx.data', '../../etc/passwd', '/etc/passwd', 'C:\\Windows\\win.ini', '', 'a\u0000b', 'sub/../../x.data',
  'missing.data', '.', 'weights/../model.onnx.data', '..', '\\\\server\\share\\x',
];
const EXTERNAL_NUMBERS = ['0', '1', '-1', '64', '1e3', 'abc', '', '4294967296', '9007199254740993', '18446744073709551616', '99999999999999999999'];

function interestingInt(r: Random): number | LongValue {
  const v = pick(r, INTERESTING_INTS);
  return typeof v === 'bigint' ? long(v) : v;
}

function describeInt(v: number | LongValue): string {
  if (typeof v === 'number') return String(v);
  const big = (BigInt(v.high) << 32n) | BigInt(v.low >>> 0);
  return String(BigInt.asIntN(64, big));
}

const ALL_OP_TYPES = allOpTypes().map((o) => o.opType);

/** Everything in a model a structural mutation can aim at, across nested graphs too. */
interface Sites {
  graphs: IGraphProto[];
  nodes: INodeProto[];
  attributes: { node: INodeProto; attr: IAttributeProto }[];
  tensors: { where: string; t: ITensorProto }[];
  valueInfos: IValueInfoProto[];
  names: string[];
}

function collectSites(model: ModelProto): Sites {
  const sites: Sites = { graphs: [], nodes: [], attributes: [], tensors: [], valueInfos: [], names: [] };
  const names = new Set<string>();
  const visit = (g: IGraphProto, depth: number) => {
    if (depth > 20) return;
    sites.graphs.push(g);
    for (const t of g.initializer ?? []) {
      sites.tensors.push({ where: `initializer '${t.name}'`, t });
      if (t.name) names.add(t.name);
    }
    for (const v of [...(g.input ?? []), ...(g.output ?? []), ...(g.valueInfo ?? [])]) {
      sites.valueInfos.push(v);
      if (v.name) names.add(v.name);
    }
    for (const n of g.node ?? []) {
      sites.nodes.push(n);
      for (const o of [...(n.input ?? []), ...(n.output ?? [])]) if (o) names.add(o);
      for (const a of n.attribute ?? []) {
        sites.attributes.push({ node: n, attr: a });
        if (a.t) sites.tensors.push({ where: `attribute '${a.name}' of '${n.name}'`, t: a.t });
        for (const t of a.tensors ?? []) sites.tensors.push({ where: `attribute '${a.name}' of '${n.name}'`, t });
        if (a.g) visit(a.g, depth + 1);
        for (const sub of a.graphs ?? []) visit(sub, depth + 1);
      }
    }
  };
  if (model.graph) visit(model.graph, 0);
  sites.names = [...names];
  return sites;
}

type Mutator = (model: ModelProto, sites: Sites, r: Random) => string | undefined;

function randomDims(r: Random): (number | LongValue)[] {
  const rank = chance(r, 0.1) ? 17 + int(r, 30) : int(r, 5);
  return Array.from({ length: rank }, () => (chance(r, 0.5) ? int(r, 5) : interestingInt(r)));
}

const tensorMutators: Record<string, (s: { where: string; t: ITensorProto }, r: Random) => string> = {
  dim({ where, t }, r) {
    const dims = [...(t.dims ?? [])] as (number | LongValue)[];
    if (dims.length === 0) {
      dims.push(interestingInt(r));
      t.dims = dims as number[];
      return `${where}: dims [] -> [${describeInt(dims[0]!)}]`;
    }
    const k = int(r, dims.length);
    const v = interestingInt(r);
    dims[k] = v;
    t.dims = dims as number[];
    return `${where}: dims[${k}] = ${describeInt(v)}`;
  },
  dims({ where, t }, r) {
    const dims = randomDims(r);
    t.dims = dims as number[];
    return `${where}: dims = [${dims.map(describeInt).join(',')}]`;
  },
  dtype({ where, t }, r) {
    const code = int(r, 26);
    t.dataType = code;
    return `${where}: data_type = ${code}`;
  },
  truncateRaw({ where, t }, r) {
    const raw = t.rawData ?? new Uint8Array();
    const length = int(r, raw.length + 1);
    t.rawData = raw.subarray(0, length);
    return `${where}: raw_data truncated to ${length} of ${raw.length} bytes`;
  },
  extendRaw({ where, t }, r) {
    const raw = t.rawData ?? new Uint8Array();
    const extra = 1 + int(r, 16);
    const out = new Uint8Array(raw.length + extra);
    out.set(raw);
    for (let i = raw.length; i < out.length; i++) out[i] = int(r, 256);
    t.rawData = out;
    return `${where}: raw_data extended by ${extra} bytes`;
  },
  typedField({ where, t }, r) {
    const n = chance(r, 0.2) ? 1000 + int(r, 5000) : int(r, 12);
    t.rawData = new Uint8Array();
    const field = pick(r, ['floatData', 'int32Data', 'int64Data', 'doubleData', 'uint64Data', 'stringData'] as const);
    if (field === 'stringData') t.stringData = Array.from({ length: n }, () => new Uint8Array([int(r, 256)]));
    else if (field === 'int64Data' || field === 'uint64Data') t[field] = Array.from({ length: n }, () => interestingInt(r)) as number[];
    else if (field === 'int32Data') t[field] = Array.from({ length: n }, () => (int(r, 2 ** 32) | 0));
    else t[field] = Array.from({ length: n }, () => pick(r, INTERESTING_FLOATS));
    return `${where}: raw_data moved to ${n} values in ${field}`;
  },
  external({ where, t }, r) {
    t.dataLocation = 1;
    const entries = [{ key: 'location', value: pick(r, EXTERNAL_LOCATIONS) }];
    if (chance(r, 0.7)) entries.push({ key: 'offset', value: pick(r, EXTERNAL_NUMBERS) });
    if (chance(r, 0.7)) entries.push({ key: 'length', value: pick(r, EXTERNAL_NUMBERS) });
    if (chance(r, 0.1)) entries.push({ key: pick(r, ['checksum', 'location', 'bogus']), value: pick(r, EXTERNAL_LOCATIONS) });
    t.externalData = entries;
    if (chance(r, 0.5)) t.rawData = new Uint8Array();
    return `${where}: external_data ${JSON.stringify(entries.map((e) => `${e.key}=${e.value}`))}`;
  },
  externalEntry({ where, t }, r) {
    if (!t.externalData?.length) {
      t.dataLocation = pick(r, [0, 1, 2, -1]) as ITensorProto['dataLocation'];
      return `${where}: data_location = ${t.dataLocation}`;
    }
    const e = pick(r, t.externalData);
    const value = e.key === 'location' ? pick(r, EXTERNAL_LOCATIONS) : pick(r, EXTERNAL_NUMBERS);
    e.value = value;
    return `${where}: external ${e.key} = ${JSON.stringify(value)}`;
  },
  values({ where, t }, r) {
    // Keep the size, change the contents: shape tensors, pads, axes, scales and weights with edge values.
    const raw = t.rawData;
    if (!raw || raw.length === 0) return tensorMutators.typedField!({ where, t }, r);
    const out = new Uint8Array(raw);
    const view = new DataView(out.buffer);
    const width = t.dataType === 7 || t.dataType === 11 || t.dataType === 13 ? 8 : t.dataType === 10 || t.dataType === 4 || t.dataType === 5 ? 2 : t.dataType === 1 || t.dataType === 6 || t.dataType === 12 ? 4 : 1;
    const count = Math.floor(out.length / width);
    if (count === 0) return `${where}: no values to change`;
    const changed: string[] = [];
    for (let n = 1 + int(r, 2); n > 0; n--) {
      const k = int(r, count);
      const at = k * width;
      if (t.dataType === 1) {
        const v = pick(r, INTERESTING_FLOATS);
        view.setFloat32(at, v, true);
        changed.push(`[${k}]=${v}`);
      } else if (t.dataType === 11) {
        const v = pick(r, INTERESTING_FLOATS);
        view.setFloat64(at, v, true);
        changed.push(`[${k}]=${v}`);
      } else if (width === 8) {
        const raw = chance(r, 0.5) ? BigInt(int(r, 12) - 3) : pick(r, INTERESTING_INTS);
        const v = typeof raw === 'bigint' ? raw : BigInt(raw);
        view.setBigInt64(at, BigInt.asIntN(64, v), true);
        changed.push(`[${k}]=${v}`);
      } else if (width === 4) {
        const v = chance(r, 0.5) ? int(r, 12) - 3 : int(r, 2 ** 32) | 0;
        view.setInt32(at, v, true);
        changed.push(`[${k}]=${v}`);
      } else {
        const v = int(r, 256);
        for (let b = 0; b < width; b++) out[at + b] = b === 0 ? v : int(r, 256);
        changed.push(`[${k}] bytes changed`);
      }
    }
    t.rawData = out;
    return `${where}: values ${changed.join(' ')}`;
  },
  segment({ where, t }, r) {
    t.segment = { begin: interestingInt(r) as number, end: interestingInt(r) as number };
    return `${where}: segment set`;
  },
  name({ where, t }, r) {
    t.name = pick(r, ['', 'x', t.name ?? '']);
    return `${where}: name = '${t.name}'`;
  },
};

const attributeValueMutators: ((a: IAttributeProto, r: Random) => string)[] = [
  (a, r) => {
    const v = interestingInt(r);
    a.i = v as number;
    return `i = ${describeInt(v)}`;
  },
  (a, r) => {
    a.f = pick(r, INTERESTING_FLOATS);
    return `f = ${a.f}`;
  },
  (a, r) => {
    const n = chance(r, 0.05) ? 1000 + int(r, 3000) : int(r, 9);
    const values = Array.from({ length: n }, () => (chance(r, 0.6) ? int(r, 7) - 2 : interestingInt(r)));
    a.ints = values as number[];
    return `ints = [${values.slice(0, 10).map(describeInt).join(',')}${n > 10 ? `, … ${n}` : ''}]`;
  },
  (a, r) => {
    const values = Array.from({ length: int(r, 6) }, () => pick(r, INTERESTING_FLOATS));
    a.floats = values;
    return `floats = [${values.join(',')}]`;
  },
  (a, r) => {
    const s = pick(r, INTERESTING_STRINGS);
    a.s = chance(r, 0.1) ? new Uint8Array([0xff, 0xfe, 0xc0]) : new TextEncoder().encode(s);
    return `s = ${JSON.stringify(s).slice(0, 40)}`;
  },
  (a, r) => {
    a.strings = Array.from({ length: int(r, 4) }, () => new TextEncoder().encode(pick(r, INTERESTING_STRINGS)));
    return `strings of ${a.strings.length}`;
  },
  (a, r) => {
    const dims = randomDims(r).slice(0, 3).map((d) => (typeof d === 'number' && d >= 0 && d < 5 ? d : 1));
    const count = dims.reduce((p, d) => p * d, 1);
    const dataType = pick(r, [1, 7, 6, 9, 10, 11, 2, 8, 16]);
    a.t = { dims, dataType, rawData: new Uint8Array(count * (chance(r, 0.8) ? 4 : 3)) };
    return `t = tensor dims [${dims.join(',')}] type ${dataType}`;
  },
];

const attributeMutators: Record<string, (s: { node: INodeProto; attr: IAttributeProto }, r: Random, model: ModelProto) => string> = {
  tweak({ node, attr }, r) {
    // A plausible value of the right kind: what a slightly wrong exporter writes.
    const small = () => int(r, 9) - 2;
    if (attr.ints?.length) {
      const ints = [...attr.ints] as number[];
      const k = int(r, ints.length + 1);
      if (k === ints.length) ints.push(small());
      else ints[k] = chance(r, 0.8) ? small() : (interestingInt(r) as number);
      attr.ints = chance(r, 0.15) ? ints.slice(0, int(r, ints.length)) : ints;
      return `node '${node.name}' attribute '${attr.name}': ints = [${(attr.ints as (number | LongValue)[]).map(describeInt).join(',')}]`;
    }
    if (attr.floats?.length) {
      const floats = [...attr.floats];
      floats[int(r, floats.length)] = pick(r, INTERESTING_FLOATS);
      attr.floats = floats;
      return `node '${node.name}' attribute '${attr.name}': floats = [${floats.join(',')}]`;
    }
    if (attr.type === 1) {
      attr.f = pick(r, INTERESTING_FLOATS);
      return `node '${node.name}' attribute '${attr.name}': f = ${attr.f}`;
    }
    if (attr.type === 3) {
      attr.s = new TextEncoder().encode(pick(r, INTERESTING_STRINGS));
      return `node '${node.name}' attribute '${attr.name}': s = ${JSON.stringify(new TextDecoder().decode(attr.s)).slice(0, 40)}`;
    }
    const v = chance(r, 0.8) ? small() : interestingInt(r);
    attr.i = v as number;
    return `node '${node.name}' attribute '${attr.name}': i = ${describeInt(v)}`;
  },
  type({ node, attr }, r) {
    attr.type = int(r, 16);
    return `node '${node.name}' attribute '${attr.name}': type = ${attr.type}`;
  },
  value({ node, attr }, r) {
    return `node '${node.name}' attribute '${attr.name}': ${pick(r, attributeValueMutators)(attr, r)}`;
  },
  retype({ node, attr }, r) {
    // Type and value changed together: a well-formed attribute of the wrong kind.
    const k = int(r, attributeValueMutators.length);
    const what = attributeValueMutators[k]!(attr, r);
    attr.type = [2, 1, 7, 6, 3, 8, 4][k]!;
    return `node '${node.name}' attribute '${attr.name}': retyped, ${what}`;
  },
  rename({ node, attr }, r) {
    const names = ['bogus', 'axis', 'axes', 'pads', 'kernel_shape', 'strides', 'perm', 'to', 'value', 'mode', 'alpha', ''];
    attr.name = pick(r, names);
    return `node '${node.name}': attribute renamed to '${attr.name}'`;
  },
  remove({ node, attr }) {
    node.attribute = (node.attribute ?? []).filter((a) => a !== attr);
    return `node '${node.name}': attribute '${attr.name}' removed`;
  },
  duplicate({ node, attr }) {
    node.attribute = [...(node.attribute ?? []), onnx.AttributeProto.decode(onnx.AttributeProto.encode(attr).finish())];
    return `node '${node.name}': attribute '${attr.name}' given twice`;
  },
  graph({ node, attr }, r, model) {
    // A subgraph (a copy of the main graph, or an empty one) where an If/Loop body would go.
    attr.type = chance(r, 0.8) ? 5 : 10;
    const body = chance(r, 0.5) && model.graph ? onnx.GraphProto.decode(onnx.GraphProto.encode(model.graph).finish()) : { name: 'empty' };
    if (attr.type === 5) attr.g = body;
    else attr.graphs = [body, body];
    return `node '${node.name}' attribute '${attr.name}': graph attribute with a nested graph`;
  },
  refAttr({ node, attr }, r) {
    if (chance(r, 0.8)) return attributeMutators.tweak!({ node, attr }, r, {} as ModelProto);
    attr.refAttrName = 'outer';
    return `node '${node.name}' attribute '${attr.name}': ref_attr_name set`;
  },
};

const nodeMutators: Record<string, (node: INodeProto, sites: Sites, r: Random, graph: IGraphProto) => string> = {
  opType(node, _s, r) {
    const old = node.opType;
    node.opType = chance(r, 0.85) ? pick(r, ALL_OP_TYPES) : pick(r, ['Foo', '', 'If', 'Loop', 'Scan', 'conv', 'NonMaxSuppression']);
    return `node '${node.name}': op ${old} -> ${node.opType}`;
  },
  domain(node, _s, r) {
    node.domain = pick(r, ['com.microsoft', 'ai.onnx', '', 'ai.onnx.ml', 'pkg.torch']);
    return `node '${node.name}': domain = '${node.domain}'`;
  },
  rewireInput(node, sites, r) {
    const inputs = [...(node.input ?? [])];
    const k = int(r, inputs.length + 1);
    const value = chance(r, 0.8) && sites.names.length ? pick(r, sites.names) : pick(r, ['', 'nowhere']);
    if (k === inputs.length) inputs.push(value);
    else inputs[k] = value;
    node.input = inputs;
    return `node '${node.name}': input ${k} = '${value}'`;
  },
  dropInput(node, _s, r) {
    const inputs = [...(node.input ?? [])];
    if (!inputs.length) return `node '${node.name}': no inputs to drop`;
    const k = int(r, inputs.length);
    inputs.splice(k, 1);
    node.input = inputs;
    return `node '${node.name}': input ${k} removed`;
  },
  rewireOutput(node, sites, r) {
    const outputs = [...(node.output ?? [])];
    const k = int(r, outputs.length + 1);
    const value = chance(r, 0.8) && sites.names.length ? pick(r, sites.names) : pick(r, ['', 'fresh']);
    if (k === outputs.length) outputs.push(value);
    else outputs[k] = value;
    node.output = outputs;
    return `node '${node.name}': output ${k} = '${value}'`;
  },
  cycle(node, _s, r, graph) {
    // Feed the node from its own output or a later node's: a cycle or a self-loop.
    const nodes = graph.node ?? [];
    const from = nodes[int(r, nodes.length)];
    const out = from?.output?.[0] ?? node.output?.[0] ?? 'x';
    node.input = [...(node.input ?? []), out];
    return `node '${node.name}': also reads '${out}' (cycle)`;
  },
  remove(node, _s, _r, graph) {
    graph.node = (graph.node ?? []).filter((n) => n !== node);
    return `node '${node.name}' removed`;
  },
  duplicate(node, _s, _r, graph) {
    graph.node = [...(graph.node ?? []), onnx.NodeProto.decode(onnx.NodeProto.encode(node).finish())];
    return `node '${node.name}' duplicated`;
  },
  reorder(_node, _s, r, graph) {
    const nodes = [...(graph.node ?? [])];
    for (let i = nodes.length - 1; i > 0; i--) {
      const j = int(r, i + 1);
      [nodes[i], nodes[j]] = [nodes[j]!, nodes[i]!];
    }
    graph.node = nodes;
    return 'nodes shuffled';
  },
  addAttribute(node, _s, r) {
    const attr: IAttributeProto = { name: pick(r, ['bogus', 'axis', 'pads', 'group', 'value', 'to', 'keepdims']), type: 2, i: 1 };
    const what = pick(r, attributeValueMutators)(attr, r);
    if (chance(r, 0.5)) attr.type = int(r, 14);
    node.attribute = [...(node.attribute ?? []), attr];
    return `node '${node.name}': attribute '${attr.name}' added (${what}, type ${attr.type})`;
  },
};

function valueInfoMutation(v: IValueInfoProto, r: Random): string {
  const dims = v.type?.tensorType?.shape?.dim;
  if (dims?.length && chance(r, 0.5)) {
    // A nearby size: 0 (empty tensors all the way through), one more or less, double.
    const d = pick(r, dims);
    const old = typeof d.dimValue === 'number' ? d.dimValue : 1;
    const value = pick(r, [0, 1, old + 1, Math.max(0, old - 1), old * 2, 3]);
    d.dimValue = value;
    d.dimParam = null;
    return `value '${v.name}': a dim ${old} -> ${value}`;
  }
  const kind = int(r, 6);
  if (kind === 0) {
    v.type = { tensorType: { elemType: int(r, 26), shape: v.type?.tensorType?.shape ?? null } };
    return `value '${v.name}': elem_type = ${v.type.tensorType!.elemType}`;
  }
  if (kind === 1) {
    const dims = randomDims(r);
    v.type = { tensorType: { elemType: v.type?.tensorType?.elemType ?? 1, shape: { dim: dims.map((d) => ({ dimValue: d as number })) } } };
    return `value '${v.name}': dims = [${dims.map(describeInt).join(',')}]`;
  }
  if (kind === 2) {
    v.type = chance(r, 0.5) ? { sequenceType: { elemType: { tensorType: { elemType: 1 } } } } : { mapType: { keyType: 7, valueType: { tensorType: { elemType: 1 } } } };
    return `value '${v.name}': not a tensor type`;
  }
  if (kind === 3) {
    v.type = null;
    return `value '${v.name}': type removed`;
  }
  if (kind === 4) {
    const dim = v.type?.tensorType?.shape?.dim;
    if (dim?.length) {
      const d = pick(r, dim);
      d.dimParam = pick(r, ['N', 'batch', '', 'x y']);
      d.dimValue = null;
      return `value '${v.name}': a dim made symbolic '${d.dimParam}'`;
    }
  }
  v.name = pick(r, ['', 'renamed', v.name ?? '']);
  return `value renamed to '${v.name}'`;
}

const modelMutators: Record<string, Mutator> = {
  tensor(_m, sites, r) {
    if (!sites.tensors.length) return undefined;
    const site = pick(r, sites.tensors);
    return (chance(r, 0.4) ? tensorMutators.values! : pick(r, Object.values(tensorMutators)))(site, r);
  },
  attribute(model, sites, r) {
    if (!sites.attributes.length) return undefined;
    const mutator = chance(r, 0.5) ? attributeMutators.tweak! : pick(r, Object.values(attributeMutators));
    return mutator(pick(r, sites.attributes), r, model);
  },
  node(_m, sites, r) {
    if (!sites.nodes.length) return undefined;
    const node = pick(r, sites.nodes);
    const graph = sites.graphs.find((g) => g.node?.includes(node)) ?? sites.graphs[0]!;
    return pick(r, Object.values(nodeMutators))(node, sites, r, graph);
  },
  valueInfo(_m, sites, r) {
    if (!sites.valueInfos.length) return undefined;
    return valueInfoMutation(pick(r, sites.valueInfos), r);
  },
  graphLists(model, sites, r) {
    const g = pick(r, sites.graphs.length ? sites.graphs : [model.graph ?? {}]);
    switch (int(r, 9)) {
      case 0:
        g.output = [];
        return 'graph outputs removed';
      case 1:
        g.output = [...(g.output ?? []), { name: pick(r, [...sites.names, 'nowhere']) }];
        return 'graph output added';
      case 2:
        g.input = (g.input ?? []).slice(1);
        return 'first graph input removed';
      case 3:
        g.initializer = (g.initializer ?? []).slice(int(r, 2));
        g.initializer = [...g.initializer, ...g.initializer.slice(0, 1)];
        return 'an initializer duplicated';
      case 4:
        g.node = [];
        return 'all nodes removed';
      case 5:
        g.sparseInitializer = [{ values: { dims: [1], dataType: 1, floatData: [1] }, indices: { dims: [1], dataType: 7, int64Data: [0] }, dims: [2] }];
        return 'sparse initializer added';
      case 6:
        g.valueInfo = [...(g.valueInfo ?? []), { name: pick(r, [...sites.names, 'v']), type: { sequenceType: { elemType: { tensorType: { elemType: 1 } } } } }];
        return 'value_info with a sequence type added';
      case 7:
        g.initializer = [];
        return 'all initializers removed';
      default:
        g.input = [...(g.input ?? []), ...(g.input ?? []).slice(0, 1)];
        return 'a graph input listed twice';
    }
  },
  opset(model, _s, r) {
    switch (int(r, 4)) {
      case 0: {
        const v = interestingInt(r);
        model.opsetImport = [{ domain: '', version: v as number }];
        return `opset = ${describeInt(v)}`;
      }
      case 1:
        model.opsetImport = [];
        return 'opset_import removed';
      case 2: {
        const v = 1 + int(r, 25);
        model.opsetImport = [{ domain: '', version: v }];
        return `opset = ${v}`;
      }
      default: {
        const v = interestingInt(r);
        model.irVersion = v as number;
        return `ir_version = ${describeInt(v)}`;
      }
    }
  },
  nest(model, _s, r) {
    // Nest the main graph inside itself, as an If body, a few levels deep (the decoder's depth limit is 16).
    if (!model.graph) return undefined;
    const levels = pick(r, [1, 2, 15, 16, 17, 40]);
    let g: IGraphProto = model.graph;
    for (let i = 0; i < levels; i++) {
      g = { name: `level${i}`, node: [{ opType: 'If', name: `if${i}`, input: ['cond'], output: ['y'], attribute: [{ name: 'then_branch', type: 5, g }] }], output: model.graph.output ?? [] };
    }
    model.graph = g;
    return `main graph nested ${levels} levels deep in If bodies`;
  },
  typeNest(model, _s, r) {
    if (!model.graph) return undefined;
    const levels = pick(r, [2, 16, 17, 100]);
    let type: ITypeProto = { tensorType: { elemType: 1 } };
    for (let i = 0; i < levels; i++) type = { sequenceType: { elemType: type } };
    model.graph.valueInfo = [...(model.graph.valueInfo ?? []), { name: 'deep', type }];
    return `value_info with a type nested ${levels} deep`;
  },
  functions(model, _s, r) {
    model.functions = [{ name: 'f', domain: 'custom', input: ['a'], output: ['b'], node: [{ opType: pick(r, ['Relu', 'Foo']), input: ['a'], output: ['b'] }] }];
    return 'a model-local function added';
  },
};

/** Positions of varints in the wire format, found by parsing length-delimited fields that parse as messages. */
function varintSites(bytes: Uint8Array, limit = 4000): { start: number; end: number }[] {
  const sites: { start: number; end: number }[] = [];
  const queue: [number, number, number][] = [[0, bytes.length, 0]];
  while (queue.length && sites.length < limit) {
    const [from, to, depth] = queue.shift()!;
    let pos = from;
    const found: { start: number; end: number }[] = [];
    const children: [number, number][] = [];
    let ok = true;
    const varint = (): number | undefined => {
      let v = 0;
      let scale = 1;
      for (let i = 0; i < 10 && pos < to; i++) {
        const b = bytes[pos++]!;
        v += (b & 0x7f) * scale;
        if (b < 0x80) return v;
        scale *= 128;
      }
      return undefined;
    };
    while (pos < to && ok) {
      const tag = varint();
      if (tag === undefined || tag === 0) {
        ok = false;
        break;
      }
      const wire = tag % 8;
      if (wire === 0) {
        const start = pos;
        if (varint() === undefined) ok = false;
        else found.push({ start, end: pos });
      } else if (wire === 2) {
        const start = pos;
        const length = varint();
        if (length === undefined || pos + length > to) ok = false;
        else {
          found.push({ start, end: pos });
          if (length > 1 && depth < 12) children.push([pos, pos + length]);
          pos += length;
        }
      } else if (wire === 1) pos += 8;
      else if (wire === 5) pos += 4;
      else ok = false;
    }
    if (!ok || pos !== to) continue;
    sites.push(...found);
    for (const [a, b] of children) queue.push([a, b, depth + 1]);
  }
  return sites;
}

function encodeVarint(value: bigint): number[] {
  const out: number[] = [];
  let v = BigInt.asUintN(64, value);
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return out;
}

function splice(bytes: Uint8Array, start: number, end: number, insert: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(bytes.length - (end - start) + insert.length);
  out.set(bytes.subarray(0, start));
  out.set(insert, start);
  out.set(bytes.subarray(end), start + insert.length);
  return out;
}

function byteMutation(bytes: Uint8Array, r: Random, other: Uint8Array): { bytes: Uint8Array; what: string } {
  if (bytes.length === 0) return { bytes: new Uint8Array([int(r, 256)]), what: 'one random byte' };
  switch (int(r, 8)) {
    case 0: {
      const out = new Uint8Array(bytes);
      const n = 1 + int(r, 8);
      for (let i = 0; i < n; i++) out[int(r, out.length)]! ^= 1 << int(r, 8);
      return { bytes: out, what: `${n} bit(s) flipped` };
    }
    case 1: {
      const length = int(r, bytes.length);
      return { bytes: bytes.slice(0, length), what: `truncated to ${length} of ${bytes.length} bytes` };
    }
    case 2: {
      const out = new Uint8Array(bytes);
      const at = int(r, out.length);
      const v = pick(r, [0, 0xff, 0x7f, 0x80, int(r, 256)]);
      out[at] = v;
      return { bytes: out, what: `byte ${at} = ${v}` };
    }
    case 3: {
      const start = int(r, bytes.length);
      const end = Math.min(bytes.length, start + 1 + int(r, 64));
      return { bytes: splice(bytes, start, end, []), what: `bytes ${start}..${end} deleted` };
    }
    case 4: {
      const at = int(r, bytes.length + 1);
      const insert = Array.from({ length: 1 + int(r, 16) }, () => int(r, 256));
      return { bytes: splice(bytes, at, at, insert), what: `${insert.length} random bytes inserted at ${at}` };
    }
    case 5: {
      const start = int(r, bytes.length);
      const end = Math.min(bytes.length, start + 1 + int(r, 256));
      const at = int(r, bytes.length + 1);
      return { bytes: splice(bytes, at, at, bytes.subarray(start, end)), what: `bytes ${start}..${end} copied to ${at}` };
    }
    case 6: {
      const start = int(r, other.length);
      const end = Math.min(other.length, start + 1 + int(r, 512));
      const at = int(r, bytes.length + 1);
      return { bytes: splice(bytes, at, Math.min(bytes.length, at + int(r, 64)), other.subarray(start, end)), what: `a chunk of another model spliced in at ${at}` };
    }
    default: {
      const sites = varintSites(bytes);
      if (!sites.length) return byteMutation(bytes, () => r() * 0.75, other);
      const site = pick(r, sites);
      const raw = pick(r, INTERESTING_INTS);
      const value = typeof raw === 'bigint' ? raw : BigInt(raw);
      const len = chance(r, 0.3) ? BigInt(int(r, 2 ** 31)) : value;
      return { bytes: splice(bytes, site.start, site.end, encodeVarint(len)), what: `varint at ${site.start} = ${len}` };
    }
  }
}

/**
 * One fuzz case from a seed model: structural mutations (re-encoded), byte mutations, or both, 1–4 in all.
 * Deterministic in (seeds, seed, index).
 */
export function mutateCase(seeds: readonly SeedModel[], seed: number, index: number): MutatedCase {
  const r = caseRandom(seed, index);
  const base = pick(r, seeds);
  const other = pick(r, seeds);
  const mutations: string[] = [];
  let bytes = base.bytes;
  let externalData = base.externalData;
  let mode = r();
  if (mode < 0.9) {
    try {
      const model = onnx.ModelProto.decode(base.bytes);
      const count = 1 + int(r, 3);
      for (let i = 0; i < count; i++) {
        const sites = collectSites(model);
        const names = Object.keys(modelMutators);
        const weights = [6, 6, 4, 3, 1.5, 1, 0.7, 0.3, 0.3];
        let roll = r() * weights.reduce((a, b) => a + b, 0);
        let k = 0;
        while (roll >= weights[k]! && k < names.length - 1) roll -= weights[k++]!;
        const what = modelMutators[names[k]!]!(model, sites, r);
        if (what) mutations.push(what);
      }
      bytes = onnx.ModelProto.encode(model).finish();
    } catch {
      // A mutation protobufjs cannot encode (the fuzzer's limitation, not a finding): fall back to byte mutations.
      mutations.length = 0;
      bytes = base.bytes;
      mode = 0.95;
    }
  }
  if (mode >= 0.8) {
    const count = 1 + int(r, 3);
    for (let i = 0; i < count; i++) {
      const m = byteMutation(bytes, r, other.bytes);
      bytes = m.bytes;
      mutations.push(m.what);
    }
  }
  if (Object.keys(externalData).length && chance(r, 0.1)) {
    const [location, data] = pick(r, Object.entries(externalData));
    const length = int(r, data.length + 1);
    externalData = { ...externalData, [location]: data.subarray(0, length) };
    mutations.push(`external file '${location}' truncated to ${length} of ${data.length} bytes`);
  }
  return { base: base.name, bytes, externalData, mutations };
}
