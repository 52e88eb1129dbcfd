import * as fs from 'node:fs';
import * as path from 'node:path';
import { asTorchParityError, TorchParityError, type ErrorContext } from '../errors.js';
import { limitExceeded, resolveLimits } from '../limits.js';
import { encodeTensorProto } from '../onnx/encode-model.js';
import { decodeTensorProto } from '../onnx/tensor-file.js';
import { ALL_DTYPES, sizeOf, tensor, type DType, type Tensor } from '../tensor.js';
import { decodeNpy, encodeNpy } from './npy.js';
import { decodeNpz } from './npz.js';

/**
 * Tensors from files users already have: TensorProto (.pb, the ONNX test layout), numpy (.npy, .npz) and JSON.
 * Every reader returns named tensors; a name is empty when the format carries none (.npy, unnamed .pb).
 */
export type NamedTensors = Map<string, Tensor>;

function readBytes(file: string): Uint8Array {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    throw asTorchParityError(error, 'usage', { file }, 'check the path');
  }
}

/** JSON: {"name": {"dims": [...], "data": [...], "dtype": "float32"}} or {"name": nested lists}. */
export function decodeJsonTensors(text: string, where: ErrorContext): NamedTensors {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw asTorchParityError(error, 'decode', where, 'expected JSON such as {"input": {"dims": [1,3], "data": [1,2,3]}}');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new TorchParityError('decode', 'must be a JSON object mapping input names to tensors', where);
  }
  const out: NamedTensors = new Map();
  for (const [name, value] of Object.entries(parsed)) out.set(name, jsonTensor(value, { ...where, tensor: name }));
  return out;
}

/**
 * Nested lists flattened without recursion, refusing nesting past the rank limit: JSON.parse builds arrays nested
 * 100 000 deep without complaint, and Array#flat(Infinity) recurses into them until the stack overflows.
 */
function flattenBounded(value: unknown, where: ErrorContext): unknown[] {
  const maxRank = resolveLimits().maxRank;
  const out: unknown[] = [];
  const stack: { items: unknown[]; next: number }[] = [];
  if (!Array.isArray(value)) return [value];
  stack.push({ items: value, next: 0 });
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.next >= top.items.length) {
      stack.pop();
      continue;
    }
    const item = top.items[top.next++];
    if (Array.isArray(item)) {
      if (stack.length >= maxRank) limitExceeded('list nesting (rank)', stack.length + 1, maxRank, where, 'maxRank');
      stack.push({ items: item, next: 0 });
    } else out.push(item);
  }
  return out;
}

function jsonTensor(value: unknown, where: ErrorContext): Tensor {
  if (Array.isArray(value) || typeof value === 'number') {
    const dims: number[] = [];
    let probe: unknown = value;
    while (Array.isArray(probe)) {
      dims.push(probe.length);
      if (dims.length > resolveLimits().maxRank) limitExceeded('list nesting (rank)', dims.length, resolveLimits().maxRank, where, 'maxRank');
      probe = probe[0];
    }
    const flat = flattenBounded(value, where);
    if (flat.length !== sizeOf(dims) || flat.some((v) => typeof v !== 'number')) {
      throw new TorchParityError('decode', 'nested lists are ragged or hold non-numbers', where);
    }
    return tensor('float32', dims, flat as number[]);
  }
  if (typeof value !== 'object' || value === null) throw new TorchParityError('decode', 'is neither a nested list nor {dims, data}', where);
  const { dims, data, dtype = 'float32' } = value as { dims?: unknown; data?: unknown; dtype?: unknown };
  if (!Array.isArray(dims) || !dims.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new TorchParityError('decode', '"dims" must be a list of non-negative integers', where);
  }
  if (!ALL_DTYPES.includes(dtype as DType)) {
    throw new TorchParityError('decode', `"dtype" '${String(dtype)}' is not one of ${ALL_DTYPES.join(', ')}`, where);
  }
  const flat = Array.isArray(data) ? flattenBounded(data, where) : undefined;
  if (!flat || flat.some((v) => typeof v !== 'number' && v !== null)) {
    throw new TorchParityError('decode', '"data" must be a list of numbers (null for NaN)', where);
  }
  if (flat.length !== sizeOf(dims as number[])) {
    throw new TorchParityError('decode', `"data" has ${flat.length} values but dims [${dims.join(',')}] need ${sizeOf(dims as number[])}`, where);
  }
  return tensor(dtype as DType, dims as number[], flat.map((v) => (v === null ? NaN : (v as number))));
}

export function readTensorFile(file: string): NamedTensors {
  const where = { file };
  const bytes = readBytes(file);
  const ext = path.extname(file).toLowerCase();
  switch (ext) {
    case '.pb': {
      const { name, tensor: t } = decodeTensorProto(bytes, { file });
      return new Map([[name, t]]);
    }
    case '.npy':
      return new Map([['', decodeNpy(bytes, where)]]);
    case '.npz':
      return decodeNpz(bytes, where);
    case '.json':
      return decodeJsonTensors(new TextDecoder().decode(bytes), where);
    default:
      throw new TorchParityError('usage', `has extension '${ext}'; torchparity reads .pb, .npy, .npz and .json tensors`, where);
  }
}

export function writeTensorFile(file: string, name: string, t: Tensor): void {
  const ext = path.extname(file).toLowerCase();
  const bytes = ext === '.npy' ? encodeNpy(t) : encodeTensorProto(name, t);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, bytes);
}
