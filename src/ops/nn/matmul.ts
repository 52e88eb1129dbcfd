import type { GemmData } from '../../kernels/gemm.js';
import { transposeWeights } from '../../kernels/gemm-fast.js';
import { batchedMatMul } from '../../kernels/matmul.js';
import type { Dim } from '../../onnx/records.js';
import { isInteger, tensor, type DType, type Tensor } from '../../tensor.js';
import { defineVersions, type OpContext, type RunContext, type ValueType } from '../declaration.js';
import { memoized, runKernelTask } from '../engine-hooks.js';
import { FLOATS } from '../float-types.js';
import { broadcastDims, requireDims, sameDim } from '../shape-utils.js';

/**
 * numpy.matmul semantics (torch.matmul agrees, aten/src/ATen/native/LinearAlgebra.cpp matmul): a 1-D A is a row
 * vector [1, K] and a 1-D B a column vector [K, 1], and the axis added for them is removed from the result; rank > 2
 * operands are stacks of matrices whose leading dims broadcast.
 */
function matmulGeometry(a: ValueType | undefined, b: ValueType | undefined, ctx: OpContext) {
  const aDims = requireDims(a, 'input A', ctx, { min: 1 });
  const bDims = requireDims(b, 'input B', ctx, { min: 1 });
  const aVector = aDims.length === 1;
  const bVector = bDims.length === 1;
  const m: Dim = aVector ? 1 : aDims[aDims.length - 2]!;
  const k = aDims[aDims.length - 1]!;
  const kB = bVector ? bDims[0]! : bDims[bDims.length - 2]!;
  const n: Dim = bVector ? 1 : bDims[bDims.length - 1]!;
  if (!sameDim(k, kB)) {
    ctx.shapeError(`A is [${aDims.join(',')}] and B is [${bDims.join(',')}]: A's last dim ${k} differs from B's ${bVector ? 'only' : 'second-to-last'} dim ${kB}`);
  }
  const aBatch = aDims.slice(0, Math.max(0, aDims.length - 2));
  const bBatch = bDims.slice(0, Math.max(0, bDims.length - 2));
  const batch = broadcastDims([aBatch, bBatch], ctx);
  const out: Dim[] = [...batch, ...(aVector ? [] : [m]), ...(bVector ? [] : [n])];
  return { m, n, k, aBatch, bBatch, batch, out };
}

const INT_TYPES: readonly DType[] = ['uint32', 'uint64', 'int32', 'int64'];

/**
 * x @ W with one float32 W [K, N] shared by every matrix of x (a linear layer exported as MatMul): all rows of x form
 * one tall [rows, K] matrix on the fast Gemm kernel, with W transposed to [N, K] once when it is a constant. The sums
 * are the reference's, in the same order (kernels/gemm-fast.ts). Other shapes and types take batchedMatMul.
 */
function sharedWeightFastPath(a: Tensor, b: Tensor, y: Tensor, n: number, k: number, ctx: RunContext): boolean {
  if (a.dtype !== 'float32' || b.dims.length !== 2 || a.dims.length < 2 || k === 0 || n === 0) return false;
  if (!(a.data instanceof Float32Array) || !(b.data instanceof Float32Array) || !(y.data instanceof Float32Array)) return false;
  const bData = b.data;
  const weights = memoized(ctx, 'b-transposed', [1], () => transposeWeights(bData, 0, k, n));
  const rows = a.data.length / k;
  runKernelTask(
    ctx,
    {
      kind: 'gemm',
      params: { M: rows, N: n, K: k, alpha: 1, beta: 0 },
      a: { data: a.data, offset: 0, rowStride: k, colStride: 1 },
      w: { data: weights, offset: 0 },
      c: undefined,
      out: y.data,
      outOffset: 0,
      relu: false,
    },
    ctx.engine?.constantInputs[1] ? [weights] : [],
  );
  return true;
}

const base = {
  opType: 'MatMul',
  domain: '',
  summary: 'numpy-style matrix product: 1-D operands promoted, leading (batch) dims broadcast',
  inputs: [
    { name: 'A', type: 'T' },
    { name: 'B', type: 'T' },
  ],
  outputs: [{ name: 'Y', type: 'T' }],
  types: { T: FLOATS },
  shape([a, b]: readonly (ValueType | undefined)[], _attrs: unknown, ctx: OpContext): ValueType[] {
    return [{ dtype: a!.dtype, dims: matmulGeometry(a, b, ctx).out }];
  },
  run([a, b]: readonly (Tensor | undefined)[], _attrs: unknown, ctx: RunContext): Tensor[] {
    const g = matmulGeometry(a, b, ctx);
    const y = tensor(a!.dtype, g.out as number[]);
    if (sharedWeightFastPath(a!, b!, y, g.n as number, g.k as number, ctx)) return [y];
    batchedMatMul(a!.data as GemmData, b!.data as GemmData, y.data as GemmData, {
      M: g.m as number,
      N: g.n as number,
      K: g.k as number,
      aBatch: g.aBatch as number[],
      bBatch: g.bBatch as number[],
      batch: g.batch as number[],
      integer: isInteger(a!.dtype),
    });
    return [y];
  },
} as const;

export const matmulOps = defineVersions(base, [
  { since: 1, attributes: {} },
  { since: 9, attributes: {}, types: { T: [...FLOATS, ...INT_TYPES] } },
  // MatMul-13 added bfloat16, which torchparity has no storage for.
  { since: 13, attributes: {}, types: { T: [...FLOATS, ...INT_TYPES] } },
]);
