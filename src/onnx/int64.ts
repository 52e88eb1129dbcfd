import { TorchParityError, type ErrorContext } from '../errors.js';

/**
 * int64 values cross into JavaScript numbers here. Magnitudes above 2^53 cannot be held exactly and are refused,
 * except values at the int64 extremes (|v| ≥ 2^62), which exporters write as "unbounded" — INT64_MAX and INT64_MIN,
 * and the TorchScript exporter's ±sys.maxsize (INT64_MIN + 1) for reversed slices — and which become ±Infinity so
 * that clamping code treats them as such.
 */
const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;
const SENTINEL = 2n ** 62n;

export function bigintToNumber(value: bigint, context: ErrorContext, what: string): number {
  if (value >= -9007199254740991n && value <= 9007199254740991n) return Number(value);
  if (value >= SENTINEL) return Infinity;
  if (value <= -SENTINEL) return -Infinity;
  throw new TorchParityError(
    'decode',
    `${what} holds ${value}, beyond ±2^53, which torchparity cannot represent exactly`,
    context,
    'int64 values used by CNN exports (shapes, indices, axes) are small; check that the file is not corrupt',
  );
}

/** protobufjs hands int64 fields over as numbers or as Long objects ({low, high, unsigned}). */
export interface LongLike {
  low: number;
  high: number;
  unsigned: boolean;
}

export function longToNumber(value: number | LongLike | null | undefined, context: ErrorContext, what: string): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'number') return value;
  if (typeof value === 'object' && typeof value.low === 'number' && typeof value.high === 'number') {
    const low = BigInt(value.low >>> 0);
    const high = value.unsigned ? BigInt(value.high >>> 0) : BigInt(value.high | 0);
    return bigintToNumber((high << 32n) | low, context, what);
  }
  throw new TorchParityError('decode', `${what} is not an integer`, context);
}

export function numberToBigInt(value: number): bigint {
  if (value === Infinity) return INT64_MAX;
  if (value === -Infinity) return INT64_MIN;
  // Float-to-int casts of NaN give 0 here; the tensor was float data reinterpreted, not a real index.
  if (Number.isNaN(value)) return 0n;
  return BigInt(Math.trunc(value));
}
