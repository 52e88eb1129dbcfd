import { TorchParityError, type ErrorContext } from '../errors.js';
import { halfBitsToNumber, numberToHalfBits } from '../float16.js';
import { checkedElementCount, type Limits } from '../limits.js';
import { allocate, type DType, type Tensor, type TensorData } from '../tensor.js';
import { dtypeFromCode, DTYPE_TO_CODE, RAW_ELEMENT_BYTES } from './dtypes.js';
import type { ExternalDataSource } from './external-data.js';
import { bigintToNumber, longToNumber, numberToBigInt, type LongLike } from './int64.js';
import type { ITensorProto } from './proto.js';

export interface TensorDecodeContext {
  limits: Limits;
  externalData: ExternalDataSource;
  /** Where the tensor sits, for error messages (file, node). */
  where: ErrorContext;
  /** Records every external reference followed. */
  onExternal?: (use: { tensor: string; location: string; offset: number; length: number }) => void;
  /**
   * The decoder owns the model's bytes (it read the file itself), so an unaligned raw_data payload may be moved in
   * place to the aligned offset below it instead of copied (see viewAs).
   */
  alignInPlace?: boolean;
}

let halfTable: Float32Array | undefined;
function halfToFloat(bits: number): number {
  if (!halfTable) {
    halfTable = new Float32Array(65536);
    for (let i = 0; i < 65536; i++) halfTable[i] = halfBitsToNumber(i);
  }
  return halfTable[bits]!;
}

function decodeDims(proto: ITensorProto, context: ErrorContext): number[] {
  return (proto.dims ?? []).map((d) => longToNumber(d as number | LongLike, context, 'a dimension'));
}

/**
 * A typed view of `bytes` when aligned; so raw_data costs no copy at all (protobufjs hands out views of the model's
 * bytes). Unaligned payloads (protobuf places fields at any byte) are, when the decoder owns the bytes, moved down to
 * the aligned offset just below: the bytes overwritten are this field's own tag and length, already decoded, and
 * never anything else — the move is refused when the shortest possible header is shorter than the shift. Otherwise
 * they are copied into fresh aligned storage. Either way each weight byte is copied at most once, and a model read
 * from a file keeps one copy of its weights in memory, not one plus the unaligned ones.
 */
function viewAs<T extends TensorData>(
  Ctor: { new (buffer: ArrayBufferLike, offset: number, length: number): T; new (length: number): T; BYTES_PER_ELEMENT: number },
  bytes: Uint8Array,
  count: number,
  alignInPlace = false,
): T {
  const shift = bytes.byteOffset % Ctor.BYTES_PER_ELEMENT;
  if (shift === 0) return new Ctor(bytes.buffer, bytes.byteOffset, count);
  if (alignInPlace && shift <= rawDataHeaderBytes(bytes.length)) {
    const target = bytes.byteOffset - shift;
    new Uint8Array(bytes.buffer).copyWithin(target, bytes.byteOffset, bytes.byteOffset + count * Ctor.BYTES_PER_ELEMENT);
    return new Ctor(bytes.buffer, target, count);
  }
  const copy = new Uint8Array(count * Ctor.BYTES_PER_ELEMENT);
  copy.set(bytes.subarray(0, copy.length));
  return new Ctor(copy.buffer, 0, count);
}

/** The shortest encoding of raw_data's tag (field 9, wire type 2: one byte) and of its length as a varint. */
function rawDataHeaderBytes(length: number): number {
  let bytes = 2;
  for (let rest = Math.floor(length / 128); rest > 0; rest = Math.floor(rest / 128)) bytes++;
  return bytes;
}

function fromRaw(dtype: DType, bytes: Uint8Array, count: number, context: ErrorContext, inPlace = false): TensorData {
  switch (dtype) {
    case 'float32':
      return viewAs(Float32Array, bytes, count, inPlace);
    case 'float64':
      return viewAs(Float64Array, bytes, count, inPlace);
    case 'int32':
      return viewAs(Int32Array, bytes, count, inPlace);
    case 'int16':
      return viewAs(Int16Array, bytes, count, inPlace);
    case 'uint16':
      return viewAs(Uint16Array, bytes, count, inPlace);
    case 'uint32':
      return viewAs(Uint32Array, bytes, count, inPlace);
    case 'int8':
      return new Int8Array(bytes.buffer, bytes.byteOffset, count);
    case 'uint8':
      return bytes.subarray(0, count);
    case 'bool': {
      const out = new Uint8Array(count);
      for (let i = 0; i < count; i++) out[i] = bytes[i] ? 1 : 0;
      return out;
    }
    case 'float16': {
      const bits = viewAs(Uint16Array, bytes, count);
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = halfToFloat(bits[i]!);
      return out;
    }
    case 'int64':
    case 'uint64': {
      const view = new DataView(bytes.buffer, bytes.byteOffset, count * 8);
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) {
        const big = dtype === 'int64' ? view.getBigInt64(i * 8, true) : view.getBigUint64(i * 8, true);
        out[i] = bigintToNumber(big, context, `${dtype} element ${i}`);
      }
      return out;
    }
  }
}

function fromTypedField(dtype: DType, proto: ITensorProto, count: number, context: ErrorContext): TensorData {
  const field: ArrayLike<unknown> | null | undefined =
    dtype === 'float32'
      ? proto.floatData
      : dtype === 'float64'
        ? proto.doubleData
        : dtype === 'int64'
          ? proto.int64Data
          : dtype === 'uint32' || dtype === 'uint64'
            ? proto.uint64Data
            : proto.int32Data;
  const values = field ?? [];
  if (values.length !== count) {
    throw new TorchParityError(
      'decode',
      `holds ${values.length} values but its dims need ${count}`,
      context,
      'the tensor data is truncated or its dims are wrong',
    );
  }
  const out = allocate(dtype, count);
  if (dtype === 'int64' || dtype === 'uint64' || dtype === 'uint32') {
    for (let i = 0; i < count; i++) out[i] = longToNumber(values[i] as number | LongLike, context, `${dtype} element ${i}`);
  } else if (dtype === 'float16') {
    // float16 values travel as their bit patterns in int32_data.
    for (let i = 0; i < count; i++) out[i] = halfToFloat((values[i] as number) & 0xffff);
  } else if (dtype === 'bool') {
    for (let i = 0; i < count; i++) out[i] = values[i] ? 1 : 0;
  } else {
    for (let i = 0; i < count; i++) out[i] = values[i] as number;
  }
  return out;
}

function externalBytes(proto: ITensorProto, name: string, byteLength: number, ctx: TensorDecodeContext): Uint8Array {
  const entries = new Map((proto.externalData ?? []).map((e) => [e.key ?? '', e.value ?? '']));
  const location = entries.get('location');
  const where = { ...ctx.where, tensor: name };
  if (location === undefined) {
    throw new TorchParityError('external_data', 'is marked EXTERNAL but names no location', where, 'the model file is corrupt');
  }
  const parse = (key: string): number | undefined => {
    const text = entries.get(key);
    if (text === undefined) return undefined;
    if (!/^\d+$/.test(text)) {
      throw new TorchParityError('external_data', `has ${key} '${text}', which is not a byte count`, where, 'the model file is corrupt');
    }
    return Number(text);
  };
  const offset = parse('offset') ?? 0;
  const length = parse('length');
  if (length !== undefined && length !== byteLength) {
    throw new TorchParityError(
      'external_data',
      `external data length is ${length} bytes but the tensor's dims and type need ${byteLength}`,
      where,
      'the model file and its data file do not belong together; re-export',
    );
  }
  let bytes: Uint8Array;
  try {
    bytes = ctx.externalData.read(location, offset, byteLength, name);
  } catch (error) {
    if (error instanceof TorchParityError) throw error.withContext(where);
    throw error;
  }
  ctx.onExternal?.({ tensor: name, location, offset, length: byteLength });
  return bytes;
}

export function decodeTensor(proto: ITensorProto, ctx: TensorDecodeContext, fallbackName = ''): Tensor {
  const name = proto.name || fallbackName;
  const where: ErrorContext = { ...ctx.where, tensor: name };
  const dtype = dtypeFromCode(proto.dataType ?? 0, where);
  const dims = decodeDims(proto, where);
  const elementBytes = RAW_ELEMENT_BYTES[dtype];
  const count = checkedElementCount(dims, ctx.limits, where, elementBytes);
  if (proto.segment) {
    throw new TorchParityError('decode', 'is a segmented tensor, which exporters do not write', where);
  }
  const isExternal = proto.dataLocation === 1;
  let data: TensorData;
  if (isExternal) {
    data = fromRaw(dtype, externalBytes(proto, name, count * elementBytes, ctx), count, where);
  } else if (proto.rawData && proto.rawData.length > 0) {
    if (proto.rawData.length !== count * elementBytes) {
      throw new TorchParityError(
        'decode',
        `raw_data has ${proto.rawData.length} bytes but dims [${dims.join(',')}] of ${dtype} need ${count * elementBytes}`,
        where,
        'the tensor is truncated or its dims are wrong',
      );
    }
    data = fromRaw(dtype, proto.rawData, count, where, ctx.alignInPlace === true);
  } else {
    data = fromTypedField(dtype, proto, count, where);
  }
  return { dtype, dims, data };
}

/** Tensor -> TensorProto fields with raw_data (little-endian), the form every ONNX reader accepts. */
export function encodeTensor(name: string, t: Tensor): ITensorProto {
  const count = t.data.length;
  let raw: Uint8Array;
  switch (t.dtype) {
    case 'float16': {
      const bits = new Uint16Array(count);
      for (let i = 0; i < count; i++) bits[i] = numberToHalfBits(t.data[i]!);
      raw = new Uint8Array(bits.buffer);
      break;
    }
    case 'int64':
    case 'uint64': {
      const out = t.dtype === 'int64' ? new BigInt64Array(count) : new BigUint64Array(count);
      for (let i = 0; i < count; i++) out[i] = numberToBigInt(t.data[i]!);
      raw = new Uint8Array(out.buffer);
      break;
    }
    default:
      raw = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength).slice();
  }
  return { name, dims: [...t.dims], dataType: DTYPE_TO_CODE[t.dtype], rawData: raw };
}
