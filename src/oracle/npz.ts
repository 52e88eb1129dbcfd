import { inflateRawSync } from 'node:zlib';
import { TorchParityError, type ErrorContext } from '../errors.js';
import { limitExceeded, resolveLimits } from '../limits.js';
import type { Tensor } from '../tensor.js';
import { decodeNpy } from './npy.js';

/**
 * numpy's .npz: a zip archive of .npy members (numpy.savez stores them, savez_compressed deflates them). numpy
 * forces zip64 local headers, so sizes are read from the central directory, with its zip64 extra when present.
 */
function fail(message: string, where: ErrorContext): never {
  throw new TorchParityError('decode', message, where, 'write the file with numpy.savez or numpy.savez_compressed');
}

/** A DataView read past the end is a RangeError; in a zip directory that is a corrupt file, not a bug. */
function guarded<T>(where: ErrorContext, body: () => T): T {
  try {
    return body();
  } catch (error) {
    if (error instanceof RangeError) fail(`has a corrupt zip directory (${error.message})`, where);
    throw error;
  }
}

export function decodeNpz(bytes: Uint8Array, where: ErrorContext = {}): Map<string, Tensor> {
  return guarded(where, () => readArchive(bytes, where));
}

function readArchive(bytes: Uint8Array, where: ErrorContext): Map<string, Tensor> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65535); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) fail('is not a zip archive (.npz): no end-of-central-directory record', where);
  let entries = view.getUint16(eocd + 10, true);
  let dirOffset = view.getUint32(eocd + 16, true);
  if ((entries === 0xffff || dirOffset === 0xffffffff) && eocd >= 20 && view.getUint32(eocd - 20, true) === 0x07064b50) {
    const zip64 = Number(view.getBigUint64(eocd - 12, true));
    if (zip64 + 56 > bytes.length || view.getUint32(zip64, true) !== 0x06064b50) fail('has a corrupt zip64 directory', where);
    entries = Number(view.getBigUint64(zip64 + 32, true));
    dirOffset = Number(view.getBigUint64(zip64 + 48, true));
  }
  const arrays = new Map<string, Tensor>();
  let p = dirOffset;
  for (let e = 0; e < entries; e++) {
    if (p + 46 > bytes.length || view.getUint32(p, true) !== 0x02014b50) fail('has a corrupt central directory', where);
    const method = view.getUint16(p + 10, true);
    let compressed = view.getUint32(p + 20, true);
    let uncompressed = view.getUint32(p + 24, true);
    const nameLength = view.getUint16(p + 28, true);
    const extraLength = view.getUint16(p + 30, true);
    const commentLength = view.getUint16(p + 32, true);
    let local = view.getUint32(p + 42, true);
    const name = new TextDecoder().decode(bytes.subarray(p + 46, p + 46 + nameLength));
    // zip64 extra field (id 1): present values replace the 0xFFFFFFFF placeholders, in this order.
    let x = p + 46 + nameLength;
    const extraEnd = x + extraLength;
    while (x + 4 <= extraEnd) {
      const id = view.getUint16(x, true);
      const size = view.getUint16(x + 2, true);
      if (id === 1) {
        let q = x + 4;
        if (uncompressed === 0xffffffff) { uncompressed = Number(view.getBigUint64(q, true)); q += 8; }
        if (compressed === 0xffffffff) { compressed = Number(view.getBigUint64(q, true)); q += 8; }
        if (local === 0xffffffff) local = Number(view.getBigUint64(q, true));
      }
      x += 4 + size;
    }
    p = extraEnd + commentLength;
    if (local + 30 > bytes.length || view.getUint32(local, true) !== 0x04034b50) fail(`member '${name}' has a corrupt local header`, where);
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    if (start + compressed > bytes.length) fail(`member '${name}' is truncated`, where);
    const stored = bytes.subarray(start, start + compressed);
    let member: Uint8Array;
    if (method === 0) member = stored;
    else if (method === 8) {
      // A zip bomb declares (and inflates to) any size: bounded by the tensor byte limit plus room for the header.
      const limit = resolveLimits().maxTensorBytes + 65536;
      if (uncompressed > limit) limitExceeded(`member '${name}' inflated size`, uncompressed, limit, where, 'maxTensorBytes');
      try {
        member = inflateRawSync(stored, { maxOutputLength: Math.max(uncompressed, 1) });
      } catch (error) {
        fail(`member '${name}' does not inflate (${error instanceof Error ? error.message : String(error)})`, where);
      }
    } else fail(`member '${name}' uses zip method ${method}; only stored and deflate are read`, where);
    const key = name.endsWith('.npy') ? name.slice(0, -4) : name;
    arrays.set(key, decodeNpy(member, { ...where, tensor: key }));
  }
  return arrays;
}
