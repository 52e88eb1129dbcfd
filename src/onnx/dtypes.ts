import { TorchParityError, type ErrorContext } from '../errors.js';
import type { DType } from '../tensor.js';

/** TensorProto.DataType codes, as the ONNX spec numbers them. */
const CODE_TO_DTYPE: Record<number, DType> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
};

const UNSUPPORTED_NAMES: Record<number, string> = {
  0: 'UNDEFINED',
  8: 'STRING',
  14: 'COMPLEX64',
  15: 'COMPLEX128',
  16: 'BFLOAT16',
  17: 'FLOAT8E4M3FN',
  18: 'FLOAT8E4M3FNUZ',
  19: 'FLOAT8E5M2',
  20: 'FLOAT8E5M2FNUZ',
  21: 'UINT4',
  22: 'INT4',
  23: 'FLOAT4E2M1',
  24: 'FLOAT8E8M0',
  25: 'UINT2',
  26: 'INT2',
};

export const DTYPE_TO_CODE: Record<DType, number> = Object.fromEntries(
  Object.entries(CODE_TO_DTYPE).map(([code, dtype]) => [dtype, Number(code)]),
) as Record<DType, number>;

/** Bytes per element in raw_data, which differs from our storage for float16, int64 and uint64. */
export const RAW_ELEMENT_BYTES: Record<DType, number> = {
  float32: 4,
  float64: 8,
  float16: 2,
  int64: 8,
  int32: 4,
  int16: 2,
  int8: 1,
  uint64: 8,
  uint32: 4,
  uint16: 2,
  uint8: 1,
  bool: 1,
};

export function dtypeFromCode(code: number, context: ErrorContext): DType {
  const dtype = CODE_TO_DTYPE[code];
  if (dtype) return dtype;
  const name = UNSUPPORTED_NAMES[code] ?? `unknown code ${code}`;
  throw new TorchParityError(
    code in UNSUPPORTED_NAMES && code !== 0 ? 'unsupported_type' : 'decode',
    `element type ${name} is not supported`,
    context,
    'torchparity computes float32/float64/float16, the integer types and bool, which cover CNN exports',
  );
}

export function onnxTypeName(dtype: DType): string {
  return dtype === 'float32' ? 'FLOAT' : dtype === 'float64' ? 'DOUBLE' : dtype.toUpperCase();
}
