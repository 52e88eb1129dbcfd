import { TorchParityError, type ErrorContext } from './errors.js';
import { storageFor, type DType } from './tensor.js';

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
  /**
   * Nesting of graphs inside attributes (If/Loop bodies) and of types inside types (sequence of sequence of …):
   * protobuf decoding recurses into both, so the file is scanned for depth before it is decoded.
   */
  maxGraphDepth: number;
  /** Size of the model file itself (protobuf caps a message at 2 GiB; bigger models keep weights in external data). */
  maxModelBytes: number;
  /**
   * JavaScript objects protobuf decoding would create (messages, int64 values, strings), counted before decoding:
   * a packed int64 list costs ~80 bytes of heap per byte of file. Weights in raw_data cost nothing here.
   */
  maxDecodedObjects: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxTensorElements: 2 ** 30,
  maxTensorBytes: 4 * 2 ** 30,
  maxRunBytes: 16 * 2 ** 30,
  maxNodes: 200_000,
  maxRank: 16,
  maxAttributeElements: 1_000_000,
  maxGraphDepth: 16,
  maxModelBytes: 2 ** 31 - 1,
  maxDecodedObjects: 2 ** 23,
});

/** Set only by withDefaultLimits, for the span of one CLI command. */
let processDefaults: Partial<Limits> = {};

/**
 * Runs `body` with `overrides` as the defaults every resolveLimits call starts from: how the CLI's `--limit NAME=N`
 * reaches every model a command loads without threading options through each command. The library API never sets
 * it; explicit `{ limits }` options still win.
 */
export async function withDefaultLimits<T>(overrides: Partial<Limits>, body: () => Promise<T>): Promise<T> {
  const previous = processDefaults;
  processDefaults = { ...previous, ...resolveLimits(overrides) };
  try {
    return await body();
  } finally {
    processDefaults = previous;
  }
}

/**
 * Defaults with the caller's overrides. An override that is not a positive integer is a usage error here, not a
 * limit that silently never trips (NaN compares false with everything).
 */
export function resolveLimits(overrides: Partial<Limits> = {}): Limits {
  const limits = { ...DEFAULT_LIMITS, ...processDefaults };
  for (const [name, value] of Object.entries(overrides) as [keyof Limits, unknown][]) {
    if (value === undefined) continue;
    if (!(name in DEFAULT_LIMITS)) {
      throw new TorchParityError('usage', `'${name}' is not a limit`, {}, `the limits are ${Object.keys(DEFAULT_LIMITS).join(', ')}`);
    }
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw new TorchParityError('usage', `limit ${name} is ${String(value)}, not a non-negative integer`);
    }
    limits[name] = value;
  }
  return limits;
}

export function limitExceeded(what: string, found: number, limit: number, context: ErrorContext, option: keyof Limits): never {
  const shown = Number.isSafeInteger(found) ? String(found) : found.toPrecision(3);
  throw new TorchParityError(
    'limit_exceeded',
    `${what} is ${shown}, over the limit of ${limit} (${option})`,
    context,
    `a corrupt or hostile file is the usual cause; if the model is genuine, raise the limit: --limit ${option}=N on the command line, { limits: { ${option}: N } } in loadModel`,
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
      throw new TorchParityError('shape', `dimension ${d} in [${dims.join(',')}] is not a non-negative integer`, context, 'dims count elements: 0 or more; the file is corrupt or was edited by hand');
    }
  }
  if (dims.includes(0)) return 0;
  let count = 1;
  for (const d of dims) {
    count *= d;
    if (count > limits.maxTensorElements) {
      // The whole product for the message (a float: it may be far past 2^53); the check itself stopped early.
      const total = dims.reduce((p, x) => p * x, 1);
      limitExceeded(`element count of [${dims.join(',')}]`, total, limits.maxTensorElements, context, 'maxTensorElements');
    }
  }
  if (count * bytesPerElement > limits.maxTensorBytes) {
    limitExceeded(`byte size of [${dims.join(',')}]`, count * bytesPerElement, limits.maxTensorBytes, context, 'maxTensorBytes');
  }
  return count;
}

/** Bytes one element takes in torchparity's storage (float16 lives in Float32Array, int64 in Float64Array). */
export function storageBytes(dtype: DType): number {
  return storageFor(dtype).BYTES_PER_ELEMENT;
}

/** What checkOutputSize needs of an op's context (structural, so this module stays below ops/ in the layering). */
export interface LimitedContext {
  readonly node: { readonly name: string; readonly opType: string };
  /** The run's limits; undefined (a context built by hand) means the defaults. */
  readonly limits?: Limits;
}

/**
 * For ops whose output size comes from tensor VALUES (Reshape, Expand, Tile, ConstantOfShape, Range, Resize, Pad …):
 * call with the output dims before allocating. Refuses non-integer or negative dims ('shape'), and a rank, element
 * count or byte size over the run's limits ('limit_exceeded'), naming the node; returns the element count.
 */
export function checkOutputSize(ctx: LimitedContext, dims: readonly number[], dtype: DType, what = 'output'): number {
  const context = { node: ctx.node.name, op: ctx.node.opType };
  const limits = ctx.limits ?? DEFAULT_LIMITS;
  try {
    return checkedElementCount(dims, limits, context, storageBytes(dtype));
  } catch (error) {
    if (error instanceof TorchParityError) {
      throw new TorchParityError(error.code, `${what}: ${error.message}`, context, error.hint);
    }
    throw error;
  }
}
