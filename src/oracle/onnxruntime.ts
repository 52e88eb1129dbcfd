import { createRequire } from 'node:module';
import { TorchParityError, type ErrorContext } from '../errors.js';
import { halfBitsToNumber, numberToHalfBits } from '../float16.js';
import { numberToBigInt } from '../onnx/int64.js';
import { tensor, type DType, type Tensor } from '../tensor.js';

// onnxruntime-node is CommonJS with a native binding; loading it lazily keeps `import 'torchparity'` cheap for
// users who never ask for the oracle.
type Ort = typeof import('onnxruntime-node');
type OrtTensor = import('onnxruntime-node').Tensor;
let ort: Ort | undefined;
function loadOrt(): Ort {
  ort ??= createRequire(import.meta.url)('onnxruntime-node') as Ort;
  return ort;
}

export function onnxruntimeVersion(): string {
  const versions = loadOrt().env.versions as Record<string, string>;
  return versions.node ?? versions.common ?? 'unknown';
}

export interface OracleOptions {
  /** onnxruntime's graph optimizations; off by default so it computes the graph as written. */
  optimize?: boolean;
  /** Names to fetch (default: every graph output). */
  outputs?: readonly string[];
  file?: string;
  /** Log only fatal errors: for callers that expect refusals and report them themselves (the fuzzer). */
  quiet?: boolean;
}

export interface OracleResult {
  outputs: Record<string, Tensor>;
  version: string;
}

function toOrt(t: Tensor): OrtTensor {
  const { Tensor: OrtTensorClass } = loadOrt();
  const dims = [...t.dims];
  switch (t.dtype) {
    case 'float16': {
      const bits = new Uint16Array(t.data.length);
      for (let i = 0; i < bits.length; i++) bits[i] = numberToHalfBits(t.data[i]!);
      return new OrtTensorClass('float16', bits, dims);
    }
    case 'int64':
      return new OrtTensorClass('int64', BigInt64Array.from(t.data as Float64Array, numberToBigInt), dims);
    case 'uint64':
      return new OrtTensorClass('uint64', BigUint64Array.from(t.data as Float64Array, (v) => BigInt.asUintN(64, numberToBigInt(v))), dims);
    case 'bool':
      return new OrtTensorClass('bool', Uint8Array.from(t.data), dims);
    default:
      return new OrtTensorClass(t.dtype, t.data as Float32Array, dims);
  }
}

function fromOrt(value: OrtTensor, name: string): Tensor {
  const dims = value.dims.map(Number);
  const data = value.data;
  switch (value.type) {
    case 'float16': {
      const bits = data as Uint16Array;
      return tensor('float16', dims, Float32Array.from(bits, halfBitsToNumber));
    }
    case 'int64':
    case 'uint64':
      return tensor(value.type, dims, Float64Array.from(data as BigInt64Array, (v) => Number(v)));
    case 'bool':
      return tensor('bool', dims, Uint8Array.from(data as Uint8Array));
    case 'float32':
    case 'float64':
    case 'int32':
    case 'int16':
    case 'int8':
    case 'uint32':
    case 'uint16':
    case 'uint8':
      return tensor(value.type as DType, dims, (data as Float32Array).slice());
    default:
      throw new TorchParityError('oracle_failure', `onnxruntime returned type ${value.type}, which torchparity does not compare`, { tensor: name });
  }
}

/** An onnxruntime session kept open across runs, e.g. to fetch a model's intermediates a chunk at a time. */
export interface OracleSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly version: string;
  /** Runs on the feeds and returns the named values (default: every graph output). */
  run(feeds: Readonly<Record<string, Tensor>>, outputs?: readonly string[]): Promise<Record<string, Tensor>>;
  release(): Promise<void>;
}

/**
 * Opens a model on onnxruntime-node on one thread, sequentially, graph optimizations off: the runtime computing the
 * graph as written, not a rewritten one. Any refusal or crash becomes an `oracle_failure` error carrying
 * onnxruntime's own message.
 */
export async function openOnnxruntime(model: string | Uint8Array, options: Omit<OracleOptions, 'outputs'> = {}): Promise<OracleSession> {
  const runtime = loadOrt();
  const where: ErrorContext = options.file ? { file: options.file } : typeof model === 'string' ? { file: model } : {};
  let session: import('onnxruntime-node').InferenceSession;
  try {
    const sessionOptions = {
      graphOptimizationLevel: options.optimize ? 'all' : 'disabled',
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      logSeverityLevel: options.quiet ? 4 : 3,
    } as const;
    session =
      typeof model === 'string'
        ? await runtime.InferenceSession.create(model, sessionOptions)
        : await runtime.InferenceSession.create(model, sessionOptions);
  } catch (error) {
    throw oracleError('refused to load the model', error, where);
  }
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    version: onnxruntimeVersion(),
    async run(feeds, outputs) {
      const ortFeeds: Record<string, OrtTensor> = {};
      for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = toOrt(t);
      const names = outputs ?? session.outputNames;
      let results: Record<string, OrtTensor>;
      try {
        results = (await session.run(ortFeeds, [...names])) as Record<string, OrtTensor>;
      } catch (error) {
        throw oracleError('failed while running the model', error, where);
      }
      const converted: Record<string, Tensor> = {};
      for (const name of names) {
        const value = results[name]!;
        converted[name] = fromOrt(value, name);
        // Copied out above; dropping onnxruntime's buffer now keeps only one copy alive per fetched value.
        value.dispose();
      }
      return converted;
    },
    release: () => session.release(),
  };
}

/** Opens the model, runs it once, and releases it. */
export async function runOnnxruntime(
  model: string | Uint8Array,
  feeds: Readonly<Record<string, Tensor>>,
  options: OracleOptions = {},
): Promise<OracleResult> {
  const session = await openOnnxruntime(model, options);
  try {
    return { outputs: await session.run(feeds, options.outputs), version: session.version };
  } finally {
    await session.release();
  }
}

function oracleError(what: string, error: unknown, where: ErrorContext): TorchParityError {
  const message = error instanceof Error ? error.message : String(error);
  return new TorchParityError('oracle_failure', `onnxruntime ${onnxruntimeVersion()} ${what}: ${message.trim()}`, where);
}
