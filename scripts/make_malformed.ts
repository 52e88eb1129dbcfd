/**
 * Writes fixtures/malformed/: hand-made bad ONNX models, one flaw each, and manifest.json naming the error code each
 * must load (or run) to. `npx tsx scripts/make_malformed.ts` regenerates the folder byte for byte; the outputs are
 * committed and test/malformed/corpus.test.ts checks every one through loadModel and through the CLI (exit 2).
 *
 * Models are written as protobuf objects (or raw wire bytes where protobufjs would refuse to encode the flaw), so
 * each file shows exactly the defect it is named after and nothing else.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { onnx, type IGraphProto, type IModelProto, type INodeProto, type ITensorProto, type ITypeProto, type IValueInfoProto } from '../src/onnx/proto.js';

/** fixtures/malformed/, or the folder given as the first argument (the corpus test regenerates into a temp dir). */
const OUT = process.argv[2] ? path.resolve(process.argv[2]) : fileURLToPath(new URL('../fixtures/malformed/', import.meta.url));

const FLOAT = 1;
const INT64 = 7;

interface Entry {
  code: string;
  what: string;
  /** 'run': loads, then fails when run on random inputs. Default 'load'. */
  phase?: 'run';
}

const manifest: Record<string, Entry> = {};
const files: Record<string, Uint8Array> = {};
const links: Record<string, string> = {};

function add(name: string, bytes: Uint8Array, code: string, what: string, phase?: 'run'): void {
  if (manifest[name]) throw new Error(`duplicate corpus entry ${name}`);
  manifest[name] = phase ? { code, what, phase } : { code, what };
  files[`${name}.onnx`] = bytes;
}

const encode = (m: IModelProto) => onnx.ModelProto.encode(m).finish();

function vi(name: string, elemType = FLOAT, dims: (number | string)[] | undefined = [1, 3]): IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType, ...(dims ? { shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } : {}) } },
  };
}

function floats(name: string, dims: number[], values: number[]): ITensorProto {
  return { name, dims, dataType: FLOAT, rawData: new Uint8Array(Float32Array.from(values).buffer) };
}

function int64s(name: string, dims: number[], values: bigint[]): ITensorProto {
  return { name, dims, dataType: INT64, rawData: new Uint8Array(BigInt64Array.from(values).buffer) };
}

function model(graph: IGraphProto, opset = 13, extra: Partial<IModelProto> = {}): Uint8Array {
  return encode({ irVersion: 8, producerName: 'make_malformed', opsetImport: [{ domain: '', version: opset }], graph: { name: 'g', ...graph }, ...extra });
}

const relu = (input = 'x', output = 'y', extra: Partial<INodeProto> = {}): INodeProto => ({ name: `relu_${output}`, opType: 'Relu', input: [input], output: [output], ...extra });

/** x -> Relu -> y: the valid model most entries break one thing of. */
function reluGraph(extra: Partial<IGraphProto> = {}): IGraphProto {
  return { node: [relu()], input: [vi('x')], output: [vi('y')], ...extra };
}

/** x + c, c a [3] float initializer: the base for initializer defects. */
function addConst(c: ITensorProto): IGraphProto {
  return {
    node: [{ name: 'add', opType: 'Add', input: ['x', 'c'], output: ['y'] }],
    initializer: [c],
    input: [vi('x')],
    output: [vi('y', FLOAT, undefined)],
  };
}

// --- wire-level helpers for files protobufjs cannot produce (deep nesting) -----------------------------------------

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 127) {
    out.push((n & 127) | 128);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}
function concat(...parts: (Uint8Array | number[])[]): Uint8Array {
  const arrays = parts.map((p) => (p instanceof Uint8Array ? p : Uint8Array.from(p)));
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}
const field = (n: number, payload: Uint8Array) => concat(varint((n << 3) | 2), varint(payload.length), payload);
const text = (n: number, s: string) => field(n, new TextEncoder().encode(s));

// --- not a model at all ----------------------------------------------------------------------------------------------

add('empty_file', new Uint8Array(), 'decode', 'a 0-byte file: decodes as an empty ModelProto with no graph');
add('not_protobuf', new TextEncoder().encode('This is not an ONNX model, just text.\n'), 'decode', 'plain text: not protobuf wire format');
{
  const valid = model(reluGraph());
  add('truncated', valid.subarray(0, Math.floor(valid.length * 0.6)), 'decode', 'a valid model cut at 60%: a length-delimited field runs past the end');
}
add('graph_less', encode({ irVersion: 8, opsetImport: [{ domain: '', version: 13 }], producerName: 'make_malformed' }), 'decode', 'a ModelProto with opsets but no graph');
add(
  'protobuf_group_bomb',
  concat(new Uint8Array(200).fill(0x0b /* field 1, start group */)),
  'decode',
  '200 nested protobuf groups (wire type 3), which protobufjs would skip by recursion',
);

// --- tensors -----------------------------------------------------------------------------------------------------------

add('negative_dim', model(addConst({ name: 'c', dims: [-3], dataType: FLOAT, rawData: new Uint8Array(12) })), 'shape', 'an initializer with dims [-3]');
add(
  'dims_product_overflow',
  model(addConst({ name: 'c', dims: [2 ** 31, 2 ** 31, 2 ** 31], dataType: FLOAT })),
  'limit_exceeded',
  'an initializer with dims [2^31, 2^31, 2^31]: 2^93 elements, refused before any allocation',
);
add('raw_data_too_short', model(addConst({ name: 'c', dims: [3], dataType: FLOAT, rawData: new Uint8Array(8) })), 'decode', 'raw_data of 8 bytes for a [3] float tensor (needs 12)');
add('typed_data_count_mismatch', model(addConst({ name: 'c', dims: [3], dataType: FLOAT, floatData: [1, 2] })), 'decode', 'float_data with 2 values for dims [3]');
add(
  'int64_beyond_2_53',
  model({
    node: [{ name: 'reshape', opType: 'Reshape', input: ['x', 'shape'], output: ['y'] }],
    initializer: [int64s('shape', [2], [1n, 2n ** 53n + 1n])],
    input: [vi('x')],
    output: [vi('y', FLOAT, undefined)],
  }),
  'decode',
  'an int64 initializer holding 2^53 + 1, which a JavaScript number cannot hold exactly',
);
add('unsupported_dtype', model(addConst({ name: 'c', dims: [3], dataType: 16 /* BFLOAT16 */, rawData: new Uint8Array(6) })), 'unsupported_type', 'a bfloat16 initializer');
add('string_tensor', model(addConst({ name: 'c', dims: [1], dataType: 8 /* STRING */, stringData: [new TextEncoder().encode('a')] })), 'unsupported_type', 'a string initializer');
add('undefined_dtype', model(addConst({ name: 'c', dims: [3], dataType: 0, rawData: new Uint8Array(12) })), 'decode', 'an initializer with data_type UNDEFINED (0)');
add('segmented_tensor', model(addConst({ name: 'c', dims: [3], dataType: FLOAT, rawData: new Uint8Array(12), segment: { begin: 0, end: 3 } })), 'decode', 'a segmented TensorProto, which no exporter writes');
add(
  'sparse_initializer',
  model(reluGraph({ sparseInitializer: [{ values: { dims: [1], dataType: FLOAT, floatData: [1] }, indices: { dims: [1], dataType: INT64, int64Data: [0] }, dims: [3] }] })),
  'decode',
  'a graph with a sparse initializer',
);
add(
  'tensor_elements_over_limit',
  model({
    node: [{ name: 'fill', opType: 'ConstantOfShape', input: ['shape'], output: ['y'], attribute: [{ name: 'value', type: 4, t: floats('value', [1], [1]) }] }],
    initializer: [int64s('shape', [2], [100000n, 100000n])],
    output: [vi('y', FLOAT, undefined)],
  }),
  'limit_exceeded',
  'ConstantOfShape of a constant [100000, 100000]: 10^10 elements, refused at import before folding allocates',
);

// --- external data -----------------------------------------------------------------------------------------------------

function external(name: string, location: string, extra: Record<string, string> = {}): ITensorProto {
  return {
    name: 'c',
    dims: [3],
    dataType: FLOAT,
    dataLocation: 1,
    externalData: [{ key: 'location', value: location }, ...Object.entries(extra).map(([key, value]) => ({ key, value }))],
  };
}
add('external_escape', model(addConst(external('c', '../../etc/passwd', { offset: '0', length: '12' }))), 'external_data', 'external data at "../../etc/passwd": leaves the model folder, refused before any file is opened');
add('external_absolute', model(addConst(external('c', '/etc/passwd', { length: '12' }))), 'external_data', 'external data at the absolute path "/etc/passwd"');
add('external_windows_absolute', model(addConst(external('c', 'C:\\Windows\\win.ini'))), 'external_data', 'external data at a Windows absolute path');
add('external_past_end', model(addConst(external('c', 'external_past_end.data', { offset: '8', length: '12' }))), 'external_data', 'bytes 8..20 of an 16-byte data file');
files['external_past_end.data'] = new Uint8Array(16);
add('external_missing', model(addConst(external('c', 'external_missing.data'))), 'external_data', 'external data in a file that does not exist');
add('external_bad_offset', model(addConst(external('c', 'external_ok.data', { offset: 'abc' }))), 'external_data', "an external offset 'abc' that is not a byte count");
add('external_length_mismatch', model(addConst(external('c', 'external_ok.data', { length: '8' }))), 'external_data', 'an external length of 8 bytes for a [3] float tensor');
files['external_ok.data'] = new Uint8Array(Float32Array.from([1, 2, 3]).buffer);
add('external_symlink_escape', model(addConst(external('c', 'external_symlink_escape.data'))), 'external_data', 'external data through a symbolic link to a file outside the model folder');
links['external_symlink_escape.data'] = '../../package.json';
add('external_no_location', model(addConst({ name: 'c', dims: [3], dataType: FLOAT, dataLocation: 1, externalData: [{ key: 'offset', value: '0' }] })), 'external_data', 'a tensor marked EXTERNAL with no location');

// --- graph structure -----------------------------------------------------------------------------------------------------

add(
  'cycle',
  model({ node: [relu('b', 'a'), { name: 'add', opType: 'Add', input: ['x', 'a'], output: ['b'] }, relu('b', 'y')], input: [vi('x')], output: [vi('y')] }),
  'invalid_graph',
  'a reads b and b reads a',
);
add('self_loop', model({ node: [{ name: 'add', opType: 'Add', input: ['x', 'y'], output: ['y'] }], input: [vi('x')], output: [vi('y')] }), 'invalid_graph', 'a node that reads its own output');
add('duplicate_producer', model({ node: [relu('x', 'y'), relu('x', 'y', { name: 'relu_again' })], input: [vi('x')], output: [vi('y')] }), 'invalid_graph', 'two nodes write y');
add('overwrites_input', model({ node: [relu('x', 'x')], input: [vi('x')], output: [vi('x')] }), 'invalid_graph', 'a node writes the graph input it reads');
add('dangling_input', model({ node: [relu('nowhere', 'y')], input: [vi('x')], output: [vi('y')] }), 'invalid_graph', 'a node reads a value nothing provides');
add('output_produced_by_nothing', model({ node: [relu()], input: [vi('x')], output: [vi('y'), vi('z')] }), 'invalid_graph', 'graph output z is produced by no node');
add('empty_graph', model({}), 'invalid_graph', 'a graph with no nodes, inputs or outputs');
add('duplicate_initializer', model({ ...addConst(floats('c', [3], [1, 2, 3])), initializer: [floats('c', [3], [1, 2, 3]), floats('c', [3], [4, 5, 6])] }), 'invalid_graph', 'initializer c defined twice');
add('duplicate_graph_input', model(reluGraph({ input: [vi('x'), vi('x')] })), 'invalid_graph', 'graph input x listed twice');
add('input_without_type', model(reluGraph({ input: [{ name: 'x' }] })), 'invalid_graph', 'a graph input with no element type');
add(
  'initializer_type_conflict',
  model({ ...addConst(int64s('c', [3], [1n, 2n, 3n])), input: [vi('x'), vi('c', FLOAT, [3])] }),
  'invalid_graph',
  'input c declared float but its initializer is int64',
);
add('sequence_output', model(reluGraph({ output: [{ name: 'y', type: { sequenceType: { elemType: { tensorType: { elemType: FLOAT } } } } }] })), 'decode', 'a graph output of sequence type');

// --- ops and attributes --------------------------------------------------------------------------------------------------

add('unknown_op', model({ node: [{ name: 'mystery', opType: 'FooBar', input: ['x'], output: ['y'] }], input: [vi('x')], output: [vi('y')] }), 'unsupported_op', 'an op type no ONNX opset defines');
add(
  'hostile_names',
  model({ node: [{ name: '\u001b]0;pwned\u0007\u001b[2J\nsecond line', opType: 'Evil\u001b[31m', input: ['x'], output: ['y'] }], input: [vi('x')], output: [vi('y')] }),
  'unsupported_op',
  'a node whose name and op type carry terminal escape sequences and a newline: the error shows them escaped, in one paragraph',
);
add('op_in_unimported_domain', model({ node: [relu('x', 'y', { domain: 'com.microsoft' })], input: [vi('x')], output: [vi('y')] }), 'unsupported_op', 'Relu in domain com.microsoft, which the model does not import');
add('unknown_attribute', model({ node: [relu('x', 'y', { attribute: [{ name: 'bogus', type: 2, i: 1 }] })], input: [vi('x')], output: [vi('y')] }), 'bad_attribute', 'Relu with an attribute it does not have');
add('duplicate_attribute', model({ node: [{ name: 'sm', opType: 'Softmax', input: ['x'], output: ['y'], attribute: [{ name: 'axis', type: 2, i: 1 }, { name: 'axis', type: 2, i: 0 }] }], input: [vi('x')], output: [vi('y')] }), 'bad_attribute', 'Softmax axis given twice');
{
  const conv = (attribute: INodeProto['attribute']): Uint8Array =>
    model({
      node: [{ name: 'conv', opType: 'Conv', input: ['x', 'w'], output: ['y'], attribute }],
      initializer: [floats('w', [2, 3, 1, 1], [1, 2, 3, 4, 5, 6])],
      input: [vi('x', FLOAT, [1, 3, 4, 4])],
      output: [vi('y', FLOAT, undefined)],
    });
  add('attribute_wrong_type', conv([{ name: 'strides', type: 1, f: 2 }]), 'bad_attribute', 'Conv strides given as a FLOAT instead of INTS');
  add('attribute_out_of_range', conv([{ name: 'group', type: 2, i: 0 }]), 'bad_attribute', 'Conv group 0 (must be at least 1)');
  add('attribute_not_one_of', conv([{ name: 'auto_pad', type: 3, s: new TextEncoder().encode('SOMETIMES') }]), 'bad_attribute', "Conv auto_pad 'SOMETIMES'");
  add('attribute_wrong_length', conv([{ name: 'strides', type: 7, ints: [1, 1, 1] }]), 'bad_attribute', 'Conv strides with 3 values for 2 spatial axes');
  add('conv_channel_mismatch', model({
    node: [{ name: 'conv', opType: 'Conv', input: ['x', 'w'], output: ['y'] }],
    initializer: [floats('w', [2, 5, 1, 1], new Array(10).fill(1))],
    input: [vi('x', FLOAT, [1, 3, 4, 4])],
    output: [vi('y', FLOAT, undefined)],
  }), 'shape', 'Conv weight for 5 input channels on a 3-channel input');
}
add('missing_required_attribute', model({ node: [{ name: 'cast', opType: 'Cast', input: ['x'], output: ['y'] }], input: [vi('x')], output: [vi('y', FLOAT, undefined)] }), 'bad_attribute', 'Cast without its required attribute to');
add('attribute_ref_outside_function', model({ node: [relu('x', 'y', { attribute: [{ name: 'alpha', refAttrName: 'outer_alpha', type: 1 }] })], input: [vi('x')], output: [vi('y')] }), 'decode', 'an attribute referring to a function attribute in a plain graph');
add('wrong_input_count', model({ node: [{ name: 'relu', opType: 'Relu', input: ['x', 'x'], output: ['y'] }], input: [vi('x')], output: [vi('y')] }), 'invalid_graph', 'Relu with two inputs');
add(
  'variadic_empty_input',
  model({ node: [{ name: 'concat', opType: 'Concat', input: ['', 'x'], output: ['y'], attribute: [{ name: 'axis', type: 2, i: 0 }] }], input: [vi('x')], output: [vi('y', FLOAT, undefined)] }),
  'invalid_graph',
  "Concat with an empty name ('') among its inputs: found by the import fuzzer, which reached Concat's shape rule with it",
);
add('missing_required_input', model({ node: [{ name: 'gemm', opType: 'Gemm', input: ['x'], output: ['y'] }], input: [vi('x')], output: [vi('y')] }), 'invalid_graph', 'Gemm with only its A input');
add('broadcast_mismatch', model({ node: [{ name: 'add', opType: 'Add', input: ['x', 'c'], output: ['y'] }], initializer: [floats('c', [4], [1, 2, 3, 4])], input: [vi('x', FLOAT, [2, 3])], output: [vi('y', FLOAT, undefined)] }), 'shape', 'Add of [2,3] and [4]');
add('input_type_not_allowed', model({ node: [relu()], input: [vi('x', 9 /* BOOL */)], output: [vi('y', 9)] }), 'shape', 'Relu on a bool input');

// --- limits ------------------------------------------------------------------------------------------------------------------

{
  // Graph nested 5000 deep in If then-branches: ~190 KB, which would overflow protobufjs's recursive decoder.
  let g = text(2, 'g');
  for (let i = 0; i < 5000; i++) {
    const attribute = concat(text(1, 'then_branch'), field(6, g), [160, 1, 5 /* type = GRAPH */]);
    g = field(1, concat(text(1, 'c'), text(2, 'o'), text(4, 'If'), field(5, attribute)));
  }
  add('deeply_nested_graphs', concat([8, 8 /* ir_version 8 */], field(7, g), field(8, Uint8Array.from([16, 13]) /* opset 13 */)), 'limit_exceeded', 'graphs nested 5000 deep in If bodies (the limit is 16)');
}
{
  let type: ITypeProto = { tensorType: { elemType: FLOAT } };
  for (let i = 0; i < 100; i++) type = { sequenceType: { elemType: type } };
  add('deeply_nested_types', model(reluGraph({ valueInfo: [{ name: 'deep', type }] })), 'limit_exceeded', 'a value_info type nested 100 sequences deep');
}
add('rank_above_limit', model({ node: [relu()], input: [vi('x', FLOAT, new Array(17).fill(1))], output: [vi('y')] }), 'limit_exceeded', 'a graph input of rank 17 (the limit is 16)');
add('declared_input_over_limit', model({ node: [relu()], input: [vi('x', FLOAT, [100000, 100000, 1000])], output: [vi('y', FLOAT, undefined)] }), 'limit_exceeded', 'a graph input declared [100000, 100000, 1000]: 10^13 elements');
add(
  'node_count_above_limit',
  model({ node: Array.from({ length: 200_001 }, () => ({})), input: [vi('x')], output: [vi('y')] }),
  'limit_exceeded',
  '200001 (empty) nodes, one over the default limit; counted before any node is decoded',
);
add(
  'expand_runtime_over_limit',
  model(
    {
      node: [
        { name: 'shape', opType: 'Shape', input: ['x'], output: ['s'] },
        { name: 'scale', opType: 'Mul', input: ['s', 'k'], output: ['big'] },
        { name: 'expand', opType: 'Expand', input: ['x', 'big'], output: ['y'] },
      ],
      initializer: [int64s('k', [2], [100000n, 100000n])],
      input: [vi('x', FLOAT, ['N', 1])],
      output: [vi('y', FLOAT, undefined)],
    },
    13,
  ),
  'limit_exceeded',
  'Expand to Shape(x) × 100000: a size known only at run time, refused before the kernel allocates',
  'run',
);
add(
  'conv_pads_over_limit_runtime',
  model({
    node: [{ name: 'conv', opType: 'Conv', input: ['x', 'w'], output: ['y'], attribute: [{ name: 'pads', type: 7, ints: [0, 0, 2 ** 31, 0] }] }],
    initializer: [floats('w', [1, 1, 1, 1], [1])],
    input: [vi('x', FLOAT, ['N', 1, 2, 2])],
    output: [vi('y', FLOAT, undefined)],
  }),
  'limit_exceeded',
  'Conv pads of 2^31 on a symbolic batch: the output size is checked at run time (found by the import fuzzer)',
  'run',
);

// --- write ---------------------------------------------------------------------------------------------------------------------

fs.rmSync(OUT, { recursive: true, force: true });
fs.mkdirSync(OUT, { recursive: true });
for (const [name, bytes] of Object.entries(files)) fs.writeFileSync(path.join(OUT, name), bytes);
for (const [name, target] of Object.entries(links)) fs.symlinkSync(target, path.join(OUT, name));
const sorted = Object.fromEntries(Object.entries(manifest).sort(([a], [b]) => a.localeCompare(b)));
fs.writeFileSync(
  path.join(OUT, 'manifest.json'),
  `${JSON.stringify({ description: 'Hand-made bad ONNX models, one flaw each; regenerate with `npx tsx scripts/make_malformed.ts`. code: the TorchParityError code loading (or, phase "run", running) must give.', models: sorted }, null, 1)}\n`,
);
console.log(`wrote ${Object.keys(manifest).length} models to ${OUT}`);
