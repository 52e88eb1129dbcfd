/**
 * Integer arithmetic that wraps the way C++ fixed-width integers do, which is what PyTorch's CPU kernels and
 * onnxruntime compute. Values are integer-valued doubles. 64-bit values are exact up to 2^53 (tensor.ts), with
 * ±Infinity standing for the int64 extremes (+Infinity also for the uint64 maximum); results that leave the exact
 * range are computed in BigInt, so they are the right modular value of their inputs, rounded to the nearest double.
 */

export interface IntegerFormat {
  bits: 8 | 16 | 32 | 64;
  signed: boolean;
}

const TWO_53 = 2 ** 53;
const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

function toBig(v: number, signed: boolean): bigint {
  if (v === Infinity) return signed ? INT64_MAX : UINT64_MAX;
  if (v === -Infinity) return INT64_MIN;
  return BigInt(v);
}

/** A 64-bit result back to storage: wrapped, and the extremes as ±Infinity. */
function fromBig(b: bigint, signed: boolean): number {
  const w = signed ? BigInt.asIntN(64, b) : BigInt.asUintN(64, b);
  if (w === (signed ? INT64_MAX : UINT64_MAX)) return Infinity;
  if (signed && w === INT64_MIN) return -Infinity;
  return Number(w);
}

function exact64(v: number, signed: boolean): boolean {
  return signed ? Math.abs(v) < TWO_53 : v >= 0 && v < TWO_53;
}

/** `v` reduced modulo 2^bits into the type's range. `v` must be integral or one of the stored ±Infinity extremes. */
export function wrapInteger(v: number, f: IntegerFormat): number {
  if (f.bits === 64) {
    if (exact64(v, f.signed) || !Number.isFinite(v)) return v + 0;
    return fromBig(BigInt(v), f.signed);
  }
  // ToInt32 is exact modular reduction for any integral double.
  const shift = 32 - f.bits;
  if (f.signed) return ((v | 0) << shift) >> shift;
  return f.bits === 32 ? v >>> 0 : (v | 0) & ((1 << f.bits) - 1);
}

/**
 * A wrapping binary operation: `fast` on doubles where that is exact (always for ≤ 32 bits, whose results are
 * wrapped after), `exact` on BigInt for 64-bit results outside ±2^53 or involving a stored extreme.
 */
function wrapping(f: IntegerFormat, fast: (a: number, b: number) => number, exact: (a: bigint, b: bigint) => bigint): (a: number, b: number) => number {
  if (f.bits !== 64) return (a, b) => wrapInteger(fast(a, b), f);
  const signed = f.signed;
  return (a, b) => {
    if (exact64(a, signed) && exact64(b, signed)) {
      const r = fast(a, b);
      if (exact64(r, signed)) return r + 0;
    }
    return fromBig(exact(toBig(a, signed), toBig(b, signed)), signed);
  };
}

export function wrappingAdd(f: IntegerFormat): (a: number, b: number) => number {
  return wrapping(f, (a, b) => a + b, (a, b) => a + b);
}

export function wrappingSubtract(f: IntegerFormat): (a: number, b: number) => number {
  return wrapping(f, (a, b) => a - b, (a, b) => a - b);
}

/** a · b wrapped; Math.imul keeps the exact low 32 bits where a double product would round. */
export function wrappingMultiply(f: IntegerFormat): (a: number, b: number) => number {
  return wrapping(f, f.bits === 64 ? (a, b) => a * b : Math.imul, (a, b) => a * b);
}

/**
 * a / b truncated toward zero (C++ integer division), wrapped: int8 −128 / −1 gives −128. The double quotient of
 * operands below 2^53 truncates exactly (a non-integral quotient is at least 1/|a| from an integer, more than its
 * rounding error). The caller rules out b = 0.
 */
export function truncatingDivide(f: IntegerFormat): (a: number, b: number) => number {
  return wrapping(f, (a, b) => Math.trunc(a / b), (a, b) => a / b);
}

/**
 * base^exponent for integers, as PyTorch's `powi` (aten/src/ATen/native/Pow.h): a negative exponent gives 1 for
 * base 1, ±1 for base -1 (by parity) and 0 otherwise; non-negative exponents use repeated squaring with wrapping.
 */
export function integerPower(base: number, exponent: number, multiply: (a: number, b: number) => number): number {
  if (exponent < 0) {
    if (base === 1) return 1;
    // −Infinity stands for the int64 minimum, which is even.
    if (base === -1) return exponent === -Infinity || exponent % 2 === 0 ? 1 : -1;
    return 0;
  }
  let result = 1;
  let b = base;
  // Bits of the exponent in BigInt, so that +Infinity (the int64 maximum) and values past 2^53 work too.
  let e = exponent === Infinity ? INT64_MAX : BigInt(exponent);
  while (e > 0n) {
    if (e & 1n) result = multiply(result, b);
    e >>= 1n;
    if (e > 0n) b = multiply(b, b);
  }
  return result;
}
