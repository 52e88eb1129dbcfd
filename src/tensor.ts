import { TorchParityError } from './errors.js';
import { roundToHalf } from './float16.js';

/**
 * Element types the engine computes with. Storage: float16 lives in Float32Array (values rounded to half precision);
 * int64 and uint64 live in Float64Array, exact up to 2^53 — the importer refuses larger magnitudes, except the two
 * int64 extremes exporters use as "unbounded" (Slice ends), which become ±Infinity.
 */
export type DType =
  | 'float32'
  | 'float64'
  | 'float16'
  | 'int64'
  | 'int32'
  | 'int16'
  | 'int8'
  | 'uint64'
  | 'uint32'
  | 'uint16'
  | 'uint8'
  | 'bool';

export type TensorData =
  | Float32Array
  | Float64Array
  | Int32Array
  | Int16Array
  | Int8Array
  | Uint32Array
  | Uint16Array
  | Uint8Array;

export type FloatData = Float32Array | Float64Array;

export interface Tensor {
  readonly dtype: DType;
  readonly dims: readonly number[];
  readonly data: TensorData;
}

export const ALL_DTYPES: readonly DType[] = [
  'float32', 'float64', 'float16', 'int64', 'int32', 'int16', 'int8', 'uint64', 'uint32', 'uint16', 'uint8', 'bool',
];
export const FLOAT_DTYPES: readonly DType[] = ['float32', 'float64', 'float16'];
export const INTEGER_DTYPES: readonly DType[] = ['int64', 'int32', 'int16', 'int8', 'uint64', 'uint32', 'uint16', 'uint8'];
export const NUMERIC_DTYPES: readonly DType[] = [...FLOAT_DTYPES, ...INTEGER_DTYPES];

type TypedArrayConstructor = {
  new (length: number): TensorData;
  new (buffer: ArrayBufferLike, offset?: number, length?: number): TensorData;
  readonly BYTES_PER_ELEMENT: number;
};

const STORAGE: Record<DType, TypedArrayConstructor> = {
  float32: Float32Array,
  float64: Float64Array,
  float16: Float32Array,
  int64: Float64Array,
  int32: Int32Array,
  int16: Int16Array,
  int8: Int8Array,
  uint64: Float64Array,
  uint32: Uint32Array,
  uint16: Uint16Array,
  uint8: Uint8Array,
  bool: Uint8Array,
};

export function isFloat(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64' || dtype === 'float16';
}

export function isInteger(dtype: DType): boolean {
  return INTEGER_DTYPES.includes(dtype);
}

export function storageFor(dtype: DType): TypedArrayConstructor {
  return STORAGE[dtype];
}

/** Where allocate() takes storage from: a Session installs its buffer arena (engine/arena.ts) while it runs. */
export interface Allocator {
  allocate(dtype: DType, length: number): TensorData;
}

let activeAllocator: Allocator | undefined;

/** Makes `allocator` (or plain `new`, for undefined) serve allocate(); returns the one replaced, to restore. */
export function setAllocator(allocator: Allocator | undefined): Allocator | undefined {
  const previous = activeAllocator;
  activeAllocator = allocator;
  return previous;
}

/** Zero-filled storage for `length` elements of `dtype`. */
export function allocate(dtype: DType, length: number): TensorData {
  return activeAllocator ? activeAllocator.allocate(dtype, length) : new STORAGE[dtype](length);
}

/** Product of dims. Callers that take dims from files validate them first (ir/limits), so this cannot overflow. */
export function sizeOf(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

/** Row-major strides in elements. */
export function stridesOf(dims: readonly number[]): number[] {
  const strides = new Array<number>(dims.length);
  let s = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= dims[i]!;
  }
  return strides;
}

export function tensor(dtype: DType, dims: readonly number[], data?: TensorData | ArrayLike<number>): Tensor {
  const n = sizeOf(dims);
  let stored: TensorData;
  if (data === undefined) stored = allocate(dtype, n);
  else if (data instanceof STORAGE[dtype]) stored = data as TensorData;
  else {
    stored = allocate(dtype, n);
    if (data.length !== n) {
      throw new TorchParityError('shape', `data has ${data.length} elements but dims [${dims.join(',')}] need ${n}`);
    }
    for (let i = 0; i < n; i++) stored[i] = data[i]!;
  }
  if (stored.length !== n) {
    throw new TorchParityError('shape', `data has ${stored.length} elements but dims [${dims.join(',')}] need ${n}`);
  }
  if (dtype === 'float16') roundArrayToHalf(stored as Float32Array);
  return { dtype, dims: [...dims], data: stored };
}

export function scalar(dtype: DType, value: number): Tensor {
  return tensor(dtype, [], [value]);
}

export function float32(dims: readonly number[], data?: ArrayLike<number>): Tensor {
  return tensor('float32', dims, data === undefined ? undefined : Float32Array.from(data));
}

export function int64(dims: readonly number[], data: ArrayLike<number>): Tensor {
  return tensor('int64', dims, Float64Array.from(data));
}

export function roundArrayToHalf(values: Float32Array): void {
  for (let i = 0; i < values.length; i++) values[i] = roundToHalf(values[i]!);
}

/** Values as plain numbers, e.g. for shape inputs and printing. */
export function toNumbers(t: Tensor): number[] {
  return Array.from(t.data as ArrayLike<number>);
}

export function formatDims(dims: readonly (number | string)[] | undefined): string {
  return dims === undefined ? '[?]' : `[${dims.join(',')}]`;
}

/** Same dtype and dims, new storage. */
export function emptyLike(t: Tensor, dtype: DType = t.dtype, dims: readonly number[] = t.dims): Tensor {
  return { dtype, dims: [...dims], data: allocate(dtype, sizeOf(dims)) };
}

export function reshapeView(t: Tensor, dims: readonly number[]): Tensor {
  return { dtype: t.dtype, dims: [...dims], data: t.data };
}
