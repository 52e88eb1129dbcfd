import { castValues, type CastKind } from '../../kernels/cast.js';
import { allocate, isFloat, type DType, type Tensor } from '../../tensor.js';
import { defineVersions, type OpContext, type RunContext, type ValueType } from '../declaration.js';
import { ALL } from './common.js';

/** TensorProto.DataType: the codes Cast-6+ takes, and the names Cast-1 took. */
const DATA_TYPES: readonly [number, string, DType | undefined][] = [
  [1, 'FLOAT', 'float32'],
  [2, 'UINT8', 'uint8'],
  [3, 'INT8', 'int8'],
  [4, 'UINT16', 'uint16'],
  [5, 'INT16', 'int16'],
  [6, 'INT32', 'int32'],
  [7, 'INT64', 'int64'],
  [8, 'STRING', undefined],
  [9, 'BOOL', 'bool'],
  [10, 'FLOAT16', 'float16'],
  [11, 'DOUBLE', 'float64'],
  [12, 'UINT32', 'uint32'],
  [13, 'UINT64', 'uint64'],
  [14, 'COMPLEX64', undefined],
  [15, 'COMPLEX128', undefined],
  [16, 'BFLOAT16', undefined],
  [17, 'FLOAT8E4M3FN', undefined],
  [18, 'FLOAT8E4M3FNUZ', undefined],
  [19, 'FLOAT8E5M2', undefined],
  [20, 'FLOAT8E5M2FNUZ', undefined],
  [21, 'UINT4', undefined],
  [22, 'INT4', undefined],
  [23, 'FLOAT4E2M1', undefined],
  [24, 'FLOAT8E8M0', undefined],
  [25, 'UINT2', undefined],
  [26, 'INT2', undefined],
];

function targetDtype(to: number | string, ctx: OpContext): DType {
  const entry = DATA_TYPES.find(([code, name]) => code === to || name === to);
  if (!entry) ctx.badAttribute('to', `${JSON.stringify(to)} is not an ONNX data type`);
  if (!entry[2]) {
    ctx.badAttribute('to', `casts to ${entry[1]}, which torchparity does not compute`, 'supported: float32/64/16, int8..int64, uint8..uint64, bool');
  }
  return entry[2];
}

function kindOf(dtype: DType): CastKind {
  if (isFloat(dtype)) return { kind: 'float' };
  if (dtype === 'bool') return { kind: 'bool' };
  const bits = Number(dtype.replace(/\D/g, '')) as 8 | 16 | 32 | 64;
  return { kind: dtype.startsWith('uint') ? 'unsigned' : 'signed', bits };
}

/**
 * float32 is the precision under test, so a cast *to* float32 in a float64 referee run yields float64: the referee
 * holds every float32 value unrounded, and rounding here would reintroduce the error it exists to measure.
 */
function castTensor(x: Tensor, to: DType, ctx: RunContext): Tensor {
  const dtype = to === 'float32' ? ctx.floatType : to;
  const data = allocate(dtype, x.data.length);
  castValues(x.data, { float: isFloat(x.dtype), unsigned: x.dtype.startsWith('uint') }, data, kindOf(dtype));
  return { dtype, dims: x.dims, data };
}

function castType(x: ValueType, to: DType): ValueType {
  return { dtype: to, ...(x.dims ? { dims: x.dims } : {}) };
}

const SATURATE = { type: 'int', default: 1, oneOf: [0, 1], doc: 'float8 targets only; no effect on supported types' } as const;
const ROUND_MODE = { type: 'string', default: 'up', oneOf: ['up', 'down', 'nearest'], doc: 'float8e8m0 targets only; no effect on supported types' } as const;

const cast = defineVersions(
  {
    opType: 'Cast',
    domain: '',
    summary: 'Element type conversion (float→int truncates toward zero; NaN/overflow as on x86: see kernels/cast.ts)',
    inputs: [{ name: 'input', type: 'T1' }],
    outputs: [{ name: 'output', type: 'T2' }],
    types: { T1: ALL, T2: ALL },
    shape([x], attrs, ctx) {
      return [castType(x!, targetDtype(attrs.to as number | string, ctx))];
    },
    run([x], attrs, ctx) {
      return [castTensor(x!, targetDtype(attrs.to as number | string, ctx), ctx)];
    },
  },
  [
    { since: 1, attributes: { to: { type: 'string', required: true, doc: "type name, e.g. 'FLOAT'" } } },
    { since: 6, attributes: { to: { type: 'int', required: true, doc: 'TensorProto.DataType code' } } },
    { since: 19, attributes: { to: { type: 'int', required: true, doc: 'TensorProto.DataType code' }, saturate: SATURATE } },
    { since: 25, attributes: { to: { type: 'int', required: true, doc: 'TensorProto.DataType code' }, saturate: SATURATE, round_mode: ROUND_MODE } },
  ],
);

const castLike = defineVersions(
  {
    opType: 'CastLike',
    domain: '',
    summary: "Cast to the element type of a second tensor (whose values are not read)",
    inputs: [
      { name: 'input', type: 'T1' },
      { name: 'target_type', type: 'T2' },
    ],
    outputs: [{ name: 'output', type: 'T2' }],
    types: { T1: ALL, T2: ALL },
    // In a float64 run a float32 target already arrives as float64, so the output follows it unrounded.
    shape([x, target]) {
      return [castType(x!, target!.dtype)];
    },
    run([x, target], _attrs, ctx) {
      return [castTensor(x!, target!.dtype, ctx)];
    },
  },
  [
    { since: 15, attributes: {} },
    { since: 19, attributes: { saturate: SATURATE } },
    { since: 25, attributes: { saturate: SATURATE, round_mode: ROUND_MODE } },
  ],
);

export const castOps = [...cast, ...castLike];
