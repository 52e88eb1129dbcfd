/**
 * Integer arithmetic that wraps the way C++ fixed-width integers do, which is what PyTorch's CPU kernels and
 * onnxruntime compute. Values are integer-valued doubles; 64-bit values are exact up to 2^53 (tensor.ts), and
 * wrapping past 2^63 / 2^64 goes through BigInt so the result is at least the right modular value of its inputs.
 */

export interface IntegerFormat {
  bits: 8 | 16 | 32 | 64;
  signed: boolean;
}

const TWO_53 = 2 ** 53;

/** `v` reduced modulo 2^bits into the type's range. `v` must be integral (or ±Infinity, kept as the int64 extremes). */
export function wrapInteger(v: number, f: IntegerFormat): number {
  if (f.bits === 64) {
    if (!Number.isFinite(v)) return v;
    if (f.signed ? Math.abs(v) < TWO_53 : v >= 0 && v < TWO_53) return v + 0;
    const big = BigInt(v);
    return Number(f.signed ? BigInt.asIntN(64, big) : BigInt.asUintN(64, big));
  }
  // ToInt32 is exact modular reduction for any integral double.
  const shift = 32 - f.bits;
  if (f.signed) return ((v | 0) << shift) >> shift;
  return f.bits === 32 ? v >>> 0 : (v | 0) & ((1 << f.bits) - 1);
}

/** a * b wrapped to the format; exact for every width (Math.imul keeps the low 32 bits, BigInt the low 64). */
export function wrappingMultiply(f: IntegerFormat): (a: number, b: number) => number {
  if (f.bits === 64) {
    return (a, b) => {
      const p = a * b;
      if (Math.abs(p) < TWO_53 || !Number.isFinite(p)) return wrapInteger(p, f);
      const exact = BigInt(a) * BigInt(b);
      return Number(f.signed ? BigInt.asIntN(64, exact) : BigInt.asUintN(64, exact));
    };
  }
  return (a, b) => wrapInteger(Math.imul(a, b), f);
}

/**
 * base^exponent for integers, as PyTorch's `powi` (aten/src/ATen/native/Pow.h): a negative exponent gives 1 for
 * base 1, ±1 for base -1 (by parity) and 0 otherwise; non-negative exponents use repeated squaring with wrapping.
 */
export function integerPower(base: number, exponent: number, multiply: (a: number, b: number) => number): number {
  if (exponent < 0) {
    if (base === 1) return 1;
    if (base === -1) return exponent % 2 === 0 ? 1 : -1;
    return 0;
  }
  let result = 1;
  let b = base;
  let e = exponent;
  while (e > 0) {
    if (e % 2 === 1) result = multiply(result, b);
    e = Math.floor(e / 2);
    if (e > 0) b = multiply(b, b);
  }
  return result;
}
