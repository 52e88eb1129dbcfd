import { TorchParityError, type ErrorContext } from '../errors.js';
import { halfBitsToNumber, numberToHalfBits } from '../float16.js';
import { numberToBigInt } from '../onnx/int64.js';
import { bigintToNumber } from '../onnx/int64.js';
import { allocate, sizeOf, stridesOf, type DType, type Tensor } from '../tensor.js';

/**
 * numpy's .npy format (numpy/lib/format.py, versions 1–3): magic, header length, a Python-literal header dict with
 * descr / fortran_order / shape, then the raw array. This is what `numpy.save` and `tensor.numpy()` users write.
 */
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

const DESCR: Record<string, DType> = {
  f4: 'float32',
  f8: 'float64',
  f2: 'float16',
  i8: 'int64',
  i4: 'int32',
  i2: 'int16',
  i1: 'int8',
  u8: 'uint64',
  u4: 'uint32',
  u2: 'uint16',
  u1: 'uint8',
  b1: 'bool',
};

const BYTES: Record<string, number> = { f4: 4, f8: 8, f2: 2, i8: 8, i4: 4, i2: 2, i1: 1, u8: 8, u4: 4, u2: 2, u1: 1, b1: 1 };

function fail(message: string, where: ErrorContext): never {
  throw new TorchParityError('decode', message, where, 'write the file with numpy.save (or numpy.savez for several arrays)');
}

function parseHeader(text: string, where: ErrorContext): { descr: string; fortran: boolean; shape: number[] } {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) fail(`has an unreadable .npy header: ${text.trim()}`, where);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      const n = Number(s.replace(/L$/, ''));
      if (!Number.isSafeInteger(n) || n < 0) fail(`has a bad dimension '${s}' in its .npy header`, where);
      return n;
    });
  return { descr, fortran: fortran === 'True', shape };
}

export function decodeNpy(bytes: Uint8Array, where: ErrorContext = {}): Tensor {
  if (bytes.length < 10 || MAGIC.some((m, i) => bytes[i] !== m)) fail('is not a .npy file (bad magic)', where);
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) fail('is truncated inside its header', where);
  const header = parseHeader(new TextDecoder(major >= 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataStart)), where);
  const order = header.descr[0]!;
  const code = header.descr.slice(1);
  const dtype = DESCR[code];
  if (!dtype || !'<>|='.includes(order)) fail(`has dtype '${header.descr}', which torchparity does not read`, where);
  const littleEndian = order !== '>';
  const count = sizeOf(header.shape);
  const size = BYTES[code]!;
  if (bytes.length - dataStart < count * size) fail(`holds ${bytes.length - dataStart} data bytes but shape (${header.shape.join(', ')}) needs ${count * size}`, where);
  const data = allocate(dtype, count);
  const raw = new DataView(bytes.buffer, bytes.byteOffset + dataStart, count * size);
  for (let i = 0; i < count; i++) {
    const at = i * size;
    let v: number;
    switch (code) {
      case 'f4': v = raw.getFloat32(at, littleEndian); break;
      case 'f8': v = raw.getFloat64(at, littleEndian); break;
      case 'f2': v = halfBitsToNumber(raw.getUint16(at, littleEndian)); break;
      case 'i8': v = bigintToNumber(raw.getBigInt64(at, littleEndian), where, 'an int64 element'); break;
      case 'u8': v = bigintToNumber(raw.getBigUint64(at, littleEndian), where, 'a uint64 element'); break;
      case 'i4': v = raw.getInt32(at, littleEndian); break;
      case 'u4': v = raw.getUint32(at, littleEndian); break;
      case 'i2': v = raw.getInt16(at, littleEndian); break;
      case 'u2': v = raw.getUint16(at, littleEndian); break;
      case 'i1': v = raw.getInt8(at); break;
      case 'b1': v = raw.getUint8(at) ? 1 : 0; break;
      default: v = raw.getUint8(at);
    }
    data[i] = v;
  }
  if (!header.fortran || header.shape.length < 2) return { dtype, dims: header.shape, data };
  // Fortran order: the first axis varies fastest. Reorder into row-major.
  const out = allocate(dtype, count);
  const cStrides = stridesOf(header.shape);
  const fStrides = header.shape.map((_, axis) => header.shape.slice(0, axis).reduce((a, b) => a * b, 1));
  for (let i = 0; i < count; i++) {
    let f = 0;
    for (let axis = 0; axis < header.shape.length; axis++) f += (Math.floor(i / cStrides[axis]!) % header.shape[axis]!) * fStrides[axis]!;
    out[i] = data[f]!;
  }
  return { dtype, dims: header.shape, data: out };
}

const CODE_FOR: Record<DType, string> = {
  float32: '<f4', float64: '<f8', float16: '<f2', int64: '<i8', int32: '<i4', int16: '<i2', int8: '|i1',
  uint64: '<u8', uint32: '<u4', uint16: '<u2', uint8: '|u1', bool: '|b1',
};

export function encodeNpy(t: Tensor): Uint8Array {
  const shape = t.dims.length === 1 ? `(${t.dims[0]},)` : `(${t.dims.join(', ')})`;
  let header = `{'descr': '${CODE_FOR[t.dtype]}', 'fortran_order': False, 'shape': ${shape}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const code = CODE_FOR[t.dtype].slice(1);
  const size = BYTES[code]!;
  const bytes = new Uint8Array(10 + header.length + t.data.length * size);
  bytes.set(MAGIC);
  bytes[6] = 1;
  const view = new DataView(bytes.buffer);
  view.setUint16(8, header.length, true);
  bytes.set(new TextEncoder().encode(header), 10);
  const start = 10 + header.length;
  for (let i = 0; i < t.data.length; i++) {
    const at = start + i * size;
    const v = t.data[i]!;
    switch (code) {
      case 'f4': view.setFloat32(at, v, true); break;
      case 'f8': view.setFloat64(at, v, true); break;
      case 'f2': view.setUint16(at, numberToHalfBits(v), true); break;
      case 'i8': view.setBigInt64(at, numberToBigInt(v), true); break;
      case 'u8': view.setBigUint64(at, BigInt.asUintN(64, numberToBigInt(v)), true); break;
      case 'i4': view.setInt32(at, v, true); break;
      case 'u4': view.setUint32(at, v, true); break;
      case 'i2': view.setInt16(at, v, true); break;
      case 'u2': view.setUint16(at, v, true); break;
      case 'i1': view.setInt8(at, v); break;
      default: view.setUint8(at, v);
    }
  }
  return bytes;
}
