import { gemm, type GemmBias, type GemmData } from '../../kernels/gemm.js';
import { transposeWeights } from '../../kernels/gemm-fast.js';
import { reluInPlace } from '../../kernels/tile.js';
import type { Dim } from '../../onnx/records.js';
import { isInteger, tensor, type DType, type Tensor } from '../../tensor.js';
import { defineVersions, type OpContext, type RunContext, type ValueType } from '../declaration.js';
import { memoized, runKernelTask } from '../engine-hooks.js';
import { FLOATS } from '../float-types.js';
import { requireDims, sameDim } from '../shape-utils.js';

/** ONNX: "A will be transposed before doing the computation if attribute transA is non-zero, same for B". */
const SCALES = {
  alpha: { type: 'float', default: 1, doc: 'multiplies A·B' },
  beta: { type: 'float', default: 1, doc: 'multiplies C' },
  transA: { type: 'int', default: 0, doc: 'non-zero: A is stored [K, M]' },
  transB: { type: 'int', default: 0, doc: 'non-zero: B is stored [N, K]' },
} as const;

/** Gemm-1 and Gemm-6: C is [M, N] unless `broadcast` is non-zero. */
const LEGACY = { ...SCALES, broadcast: { type: 'int', default: 0, doc: 'non-zero: C is broadcast to [M, N]' } } as const;

const INT_TYPES: readonly DType[] = ['uint32', 'uint64', 'int32', 'int64'];

interface GemmAttrs {
  alpha: number;
  beta: number;
  transA: number;
  transB: number;
  broadcast?: number;
}

/**
 * M, N, K from A and B, and how C broadcasts to [M, N]. From opset 7 C is unidirectionally broadcast (numpy rules,
 * C's axes are 1 or equal to the output's). Before, C had to be exactly [M, N] unless `broadcast` was set; for the
 * legacy broadcast we accept the same numpy rule, a superset of the old suffix-matching one (scalar, [N], [M, N]).
 */
function gemmGeometry(a: ValueType | undefined, b: ValueType | undefined, c: ValueType | undefined, attrs: GemmAttrs, ctx: OpContext) {
  const aDims = requireDims(a, 'input A', ctx, 2);
  const bDims = requireDims(b, 'input B', ctx, 2);
  const transA = attrs.transA !== 0;
  const transB = attrs.transB !== 0;
  const m = aDims[transA ? 1 : 0]!;
  const k = aDims[transA ? 0 : 1]!;
  const kB = bDims[transB ? 1 : 0]!;
  const n = bDims[transB ? 0 : 1]!;
  if (!sameDim(k, kB)) {
    ctx.shapeError(
      `A${transA ? 'ᵀ' : ''} is [${m},${k}] but B${transB ? 'ᵀ' : ''} is [${kB},${n}]: the inner dims differ`,
      'check transA / transB against the stored layouts of A and B',
    );
  }
  const out: Dim[] = [m, n];
  if (c) {
    const cDims = requireDims(c, 'input C', ctx);
    const legacyExact = attrs.broadcast === 0;
    const fits = legacyExact
      ? cDims.length === 2 && sameDim(cDims[0]!, m) && sameDim(cDims[1]!, n)
      : cDims.length <= 2 && cDims.every((d, i) => d === 1 || sameDim(d, out[2 - cDims.length + i]!));
    if (!fits) {
      ctx.shapeError(
        `C is [${cDims.join(',')}], which does not ${legacyExact ? 'equal' : 'broadcast to'} the output [${m},${n}]`,
        legacyExact ? `before opset 7 C must be [M, N] unless broadcast=1` : 'C may be a scalar, [N], [1,N], [M,1] or [M,N]',
      );
    }
  }
  return { m, n, k, transA, transB };
}

/** Strides that read C (rank ≤ 2, already checked to broadcast) as an [M, N] matrix. */
function biasView(c: Tensor): GemmBias {
  const rows = c.dims.length === 2 ? c.dims[0]! : 1;
  const cols = c.dims.length >= 1 ? c.dims[c.dims.length - 1]! : 1;
  return { data: c.data as GemmData, rowStride: rows === 1 ? 0 : cols, colStride: cols === 1 ? 0 : 1 };
}

function runGemm([a, b, c]: readonly (Tensor | undefined)[], attrs: GemmAttrs, ctx: RunContext): Tensor[] {
  const { transA, transB } = gemmGeometry(a, b, c, attrs, ctx);
  const [m, k] = (transA ? [a!.dims[1], a!.dims[0]] : a!.dims) as [number, number];
  const n = b!.dims[transB ? 0 : 1]!;
  const y = tensor(a!.dtype, [m, n]);
  const relu = ctx.engine?.relu === true;
  if (gemmFastPath(a!, b!, c, y, { M: m, N: n, K: k, alpha: attrs.alpha, beta: attrs.beta }, transA, transB, relu, ctx)) return [y];
  gemm(
    { M: m, N: n, K: k, transA, transB, alpha: attrs.alpha, beta: attrs.beta, integer: isInteger(a!.dtype) },
    { data: a!.data as GemmData, offset: 0 },
    { data: b!.data as GemmData, offset: 0 },
    c ? biasView(c) : undefined,
    { data: y.data as GemmData, offset: 0 },
  );
  if (relu) reluInPlace(y.data as Float32Array | Float64Array);
  return [y];
}

/**
 * float32 Gemm on the register-tiled kernel (kernels/gemm-fast.ts): the same float64 sums in the same k order as
 * the reference, so the same bits. B is needed as [N, K]: in place when transB, else transposed once for a constant B.
 */
function gemmFastPath(
  a: Tensor,
  b: Tensor,
  c: Tensor | undefined,
  y: Tensor,
  params: { M: number; N: number; K: number; alpha: number; beta: number },
  transA: boolean,
  transB: boolean,
  relu: boolean,
  ctx: RunContext,
): boolean {
  if (a.dtype !== 'float32' || !(a.data instanceof Float32Array) || !(b.data instanceof Float32Array) || !(y.data instanceof Float32Array)) {
    return false;
  }
  if (c && !(c.data instanceof Float32Array)) return false;
  const bData = b.data;
  const weights = transB ? bData : memoized(ctx, 'b-transposed', [1], () => transposeWeights(bData, 0, params.K, params.N));
  const bias = c ? biasView(c) : undefined;
  const hooks = ctx.engine;
  const stable: Float32Array[] = [];
  if (hooks?.constantInputs[1]) stable.push(weights);
  if (bias && hooks?.constantInputs[2]) stable.push(bias.data as Float32Array);
  runKernelTask(
    ctx,
    {
      kind: 'gemm',
      params,
      a: { data: a.data, offset: 0, rowStride: transA ? 1 : params.K, colStride: transA ? params.M : 1 },
      w: { data: weights, offset: 0 },
      c: bias,
      out: y.data,
      outOffset: 0,
      relu,
    },
    stable,
  );
  return true;
}

const base = {
  opType: 'Gemm',
  domain: '',
  summary: 'Y = alpha · op(A) · op(B) + beta · C, op = optional transpose; C broadcast to [M, N]',
  inputs: [
    { name: 'A', type: 'T' },
    { name: 'B', type: 'T' },
    { name: 'C', type: 'T' },
  ],
  outputs: [{ name: 'Y', type: 'T' }],
  types: { T: FLOATS },
  shape([a, b, c]: readonly (ValueType | undefined)[], attrs: GemmAttrs, ctx: OpContext): ValueType[] {
    const { m, n } = gemmGeometry(a, b, c, attrs, ctx);
    return [{ dtype: a!.dtype, dims: [m, n] }];
  },
  run: runGemm,
} as const;

export const gemmOps = defineVersions<typeof SCALES>(base, [
  { since: 1, attributes: LEGACY },
  // Gemm-6 only added shape inference.
  { since: 6, attributes: LEGACY },
  { since: 7, attributes: SCALES },
  { since: 9, attributes: SCALES, types: { T: [...FLOATS, ...INT_TYPES] } },
  {
    since: 11,
    attributes: SCALES,
    types: { T: [...FLOATS, ...INT_TYPES] },
    inputs: [base.inputs[0], base.inputs[1], { name: 'C', type: 'T', optional: true }],
  },
  // Gemm-13 added bfloat16, which torchparity has no storage for.
  {
    since: 13,
    attributes: SCALES,
    types: { T: [...FLOATS, ...INT_TYPES] },
    inputs: [base.inputs[0], base.inputs[1], { name: 'C', type: 'T', optional: true }],
  },
]);
