import { TorchParityError, type ErrorContext } from './errors.js';

/**
 * Resource limits applied while importing and running a model. Defaults admit any real CNN export (ResNet-152
 * weighs 240 MB; its largest tensor is 9.4 M elements) and refuse the file whose dims promise an exabyte.
 */
export interface Limits {
  /** Elements in one tensor. */
  maxTensorElements: number;
  /** Bytes in one tensor, initializers and intermediates alike. */
  maxTensorBytes: number;
  /** Bytes of all tensors alive at once during a run. */
  maxRunBytes: number;
  maxNodes: number;
  maxRank: number;
  /** Elements in one list attribute (ints, floats, strings). */
  maxAttributeElements: number;
  /** Nesting of graphs inside attributes (If/Loop bodies), which protobuf decoding recurses into. */
  maxGraphDepth: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxTensorElements: 2 ** 30,
  maxTensorBytes: 4 * 2 ** 30,
  maxRunBytes: 16 * 2 ** 30,
  maxNodes: 200_000,
  maxRank: 16,
  maxAttributeElements: 1_000_000,
  maxGraphDepth: 16,
});

export function resolveLimits(overrides: Partial<Limits> = {}): Limits {
  return { ...DEFAULT_LIMITS, ...overrides };
}

export function limitExceeded(what: string, found: number, limit: number, context: ErrorContext, option: keyof Limits): never {
  throw new TorchParityError(
    'limit_exceeded',
    `${what} is ${found}, over the limit of ${limit}`,
    context,
    `if the model is genuine, raise the limit with { limits: { ${option}: ... } }`,
  );
}

/**
 * Validates dims read from a file and returns their element count. Checks each dim before multiplying, so a
 * hostile product never reaches a typed-array constructor.
 */
export function checkedElementCount(
  dims: readonly number[],
  limits: Limits,
  context: ErrorContext,
  bytesPerElement = 4,
): number {
  if (dims.length > limits.maxRank) limitExceeded('rank', dims.length, limits.maxRank, context, 'maxRank');
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new TorchParityError('shape', `dimension ${d} in [${dims.join(',')}] is not a non-negative integer`, context);
    }
  }
  if (dims.includes(0)) return 0;
  let count = 1;
  for (const d of dims) {
    count *= d;
    if (count > limits.maxTensorElements) {
      limitExceeded(`element count of [${dims.join(',')}]`, count, limits.maxTensorElements, context, 'maxTensorElements');
    }
  }
  if (count * bytesPerElement > limits.maxTensorBytes) {
    limitExceeded(`byte size of [${dims.join(',')}]`, count * bytesPerElement, limits.maxTensorBytes, context, 'maxTensorBytes');
  }
  return count;
}
