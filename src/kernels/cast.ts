import type { TensorData } from '../tensor.js';

/**
 * Element-type conversion with fully resolved source and target kinds.
 *
 * Float → integer truncates toward zero. NaN and out-of-range values are undefined behaviour in C++, and so in
 * PyTorch's `.to()` (c10/util/TypeCast.h, a static_cast) and onnxruntime's Cast; on x86-64 all of them (and numpy)
 * compile to cvttss2si-style instructions, whose result for NaN or overflow is the "integer indefinite" value
 * -2^(bits-1). Narrow targets (8/16 bits) go through a 32-bit conversion and keep the low bits, so 300.5 → int8 gives
 * 44 and 3e9 → int8 gives 0. Unsigned 32/64-bit targets follow the vectorized unsigned sequence onnxruntime and
 * numpy use for whole vectors: x ≥ 2^(bits-1) converts x − 2^(bits-1) and sets the top bit back (so 2^bits and
 * beyond give 0), smaller x converts as signed and wraps. (Their scalar tail loops differ for a few out-of-range
 * inputs; nothing portable can be promised there.) Integer → integer wraps modulo 2^bits (two's complement).
 * int64/uint64 are held as float64: exact to 2^53, with ±Infinity standing for the int64 extremes (and +Infinity for
 * the uint64 maximum); results beyond 2^53 (a negative value cast to uint64) are the nearest float64.
 */

export type CastKind =
  | { kind: 'float' }
  | { kind: 'bool' }
  | { kind: 'signed' | 'unsigned'; bits: 8 | 16 | 32 | 64 };

const TWO_31 = 2 ** 31;
const TWO_32 = 2 ** 32;
const TWO_63 = 2 ** 63;
const TWO_64 = 2 ** 64;

/** cvttss2si: truncation, or -2^31 for NaN and values outside the int32 range. */
function toInt32Indefinite(x: number): number {
  const t = Math.trunc(x);
  return t >= -TWO_31 && t < TWO_31 ? t : -TWO_31;
}

/** Keeps the low `bits` bits of an integer |v| ≤ 2^53, as signed or unsigned. */
function wrap(v: number, bits: number, signed: boolean): number {
  const m = 2 ** bits;
  let r = v - Math.floor(v / m) * m;
  if (signed && r >= m / 2) r -= m;
  return r;
}

function floatToInteger(x: number, signed: boolean, bits: number): number {
  if (bits <= 16 || (bits === 32 && signed)) return wrap(toInt32Indefinite(x), bits, signed);
  const t = Math.trunc(x);
  if (bits === 32) {
    if (x >= TWO_31) return t < TWO_32 ? t : 0;
    return wrap(toInt32Indefinite(x), 32, false);
  }
  if (signed) return t >= -TWO_63 && t < TWO_63 ? t : -TWO_63;
  if (x >= TWO_63) return t < TWO_64 ? t : 0;
  if (!(t >= -TWO_63)) return TWO_63;
  return t < 0 ? TWO_64 + t : t;
}

/** An integer source value held as float64, where ±Infinity stands for an int64/uint64 extreme. */
function extremeToBigInt(v: number, sourceUnsigned: boolean): bigint {
  if (v > 0) return sourceUnsigned ? 2n ** 64n - 1n : 2n ** 63n - 1n;
  return -(2n ** 63n);
}

function bigToStored(b: bigint, bits: number, signed: boolean): number {
  if (bits === 64) {
    if (signed && b === 2n ** 63n - 1n) return Infinity;
    if (signed && b === -(2n ** 63n)) return -Infinity;
    if (!signed && b === 2n ** 64n - 1n) return Infinity;
  }
  return Number(b);
}

function integerToInteger(v: number, sourceUnsigned: boolean, signed: boolean, bits: number): number {
  if (!Number.isFinite(v)) {
    const b = extremeToBigInt(v, sourceUnsigned);
    return bigToStored(signed ? BigInt.asIntN(bits, b) : BigInt.asUintN(bits, b), bits, signed);
  }
  if (bits === 64) return signed || v >= 0 ? v : TWO_64 + v;
  return wrap(v, bits, signed);
}

/**
 * Converts `src` into `dst`. `source` says how to read src: floats, or integers (`unsigned` tells how an int64/uint64
 * extreme held as +Infinity reads). Float targets store through the typed array (Float32Array rounds to nearest).
 */
export function castValues(src: TensorData, source: { float: boolean; unsigned: boolean }, dst: TensorData, target: CastKind): void {
  const n = src.length;
  if (target.kind === 'bool') {
    for (let i = 0; i < n; i++) dst[i] = src[i] !== 0 ? 1 : 0;
    return;
  }
  if (target.kind === 'float') {
    if (source.float) {
      for (let i = 0; i < n; i++) dst[i] = src[i]!;
    } else {
      // The extremes as the numbers they are: 2^63 − 1 and 2^64 − 1 round to 2^63 and 2^64 in any float type.
      const top = source.unsigned ? TWO_64 : TWO_63;
      for (let i = 0; i < n; i++) {
        const v = src[i]!;
        dst[i] = v === Infinity ? top : v === -Infinity ? -TWO_63 : v;
      }
    }
    return;
  }
  const signed = target.kind === 'signed';
  const bits = target.bits;
  if (source.float) {
    for (let i = 0; i < n; i++) dst[i] = floatToInteger(src[i]!, signed, bits);
  } else {
    for (let i = 0; i < n; i++) dst[i] = integerToInteger(src[i]!, source.unsigned, signed, bits);
  }
}
