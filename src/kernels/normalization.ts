import type { TensorData } from '../tensor.js';
import { reluStore } from './tile.js';

export interface BatchNormParams {
  batch: number;
  /** Parameters per sample: C (spatial) or C·D1·…·Dn (BatchNormalization-1..8 with spatial=0). */
  features: number;
  /** Elements sharing one parameter set: D1·…·Dn (spatial) or 1 (spatial=0). */
  inner: number;
  /** Apply relu before the store (a fused Relu; exact, see tile.ts reluStore). */
  relu?: boolean;
}

/**
 * Inference-mode batch normalization the way PyTorch folds it (aten/src/ATen/native/cpu/batch_norm_kernel.cpp,
 * batch_norm_cpu_collect_linear_and_constant_terms): alpha = scale / sqrt(var + eps), beta = B - mean · alpha, per
 * feature, then y = x · alpha + beta (applyBatchNorm). alpha and beta stay in double, so a float32 result is rounded
 * once on store.
 */
export function batchNormCoefficients(
  scale: TensorData,
  bias: TensorData,
  mean: TensorData,
  variance: TensorData,
  features: number,
  epsilon: number,
): { alpha: Float64Array; beta: Float64Array } {
  const alpha = new Float64Array(features);
  const beta = new Float64Array(features);
  for (let f = 0; f < features; f++) {
    alpha[f] = scale[f]! / Math.sqrt(variance[f]! + epsilon);
    beta[f] = bias[f]! - mean[f]! * alpha[f]!;
  }
  return { alpha, beta };
}

/**
 * y = x · alpha[f] + beta[f] over planes [firstPlane, endPlane) of `inner` elements, plane n·features + f (all planes
 * by default: a worker thread computes a range of them).
 */
export function applyBatchNorm(
  x: TensorData,
  alpha: Float64Array,
  beta: Float64Array,
  y: TensorData,
  p: BatchNormParams,
  firstPlane = 0,
  endPlane = p.batch * p.features,
): void {
  const inner = p.inner;
  for (let plane = firstPlane; plane < endPlane; plane++) {
    const f = plane % p.features;
    const a = alpha[f]!;
    const b = beta[f]!;
    let i = plane * inner;
    if (p.relu === true) for (const end = i + inner; i < end; i++) y[i] = reluStore(x[i]! * a + b);
    else for (const end = i + inner; i < end; i++) y[i] = x[i]! * a + b;
  }
}

export interface BlockNormParams {
  /** Independent blocks, each normalized by its own mean and variance. */
  blocks: number;
  /** Contiguous elements per block. */
  blockSize: number;
  epsilon: number;
  /**
   * Where element j of block b finds its scale and bias: index (b mod blocksPerSample) · paramsPerBlock +
   * floor(j / paramRun). InstanceNormalization: blocksPerSample = C, 1 param per block. GroupNormalization-18: G
   * groups, 1 param per block. GroupNormalization-21: G, C/G params per block, each covering a run of D1·…·Dn
   * elements. LayerNormalization: 1 block per sample row, blockSize params, runs of 1.
   */
  blocksPerSample: number;
  paramsPerBlock: number;
  paramRun: number;
}

/**
 * y = (x - mean) / sqrt(var + eps) · scale + bias over contiguous blocks, with the population variance. Mean and
 * variance are computed in two passes with double accumulation (the mean first, then Σ(x - mean)²), which does not
 * cancel catastrophically the way E[x²] - E[x]² does (ONNX's GroupNormalization-18 and LayerNormalization
 * function bodies use that form). PyTorch: instance_norm goes through batch_norm's statistics
 * (aten/src/ATen/native/cpu/batch_norm_kernel.cpp, batch_norm_cpu_collect_stats_contiguous_impl: the same two
 * passes); layer_norm and group_norm use a cascaded Welford in float (aten/src/ATen/native/cpu/moments_utils.h,
 * RowwiseMoments, then rstd = 1 / sqrt(max(var, 0) + eps)). Both agree with this to float32 rounding.
 * `mean` and `invStdDev`, when given, receive each block's statistics.
 */
export function normalizeBlocks(
  x: TensorData,
  scale: TensorData,
  bias: TensorData | undefined,
  y: TensorData,
  p: BlockNormParams,
  mean?: TensorData,
  invStdDev?: TensorData,
): void {
  const n = p.blockSize;
  for (let b = 0; b < p.blocks; b++) {
    const base = b * n;
    let sum = 0;
    for (let j = 0; j < n; j++) sum += x[base + j]!;
    const mu = sum / n;
    let squares = 0;
    for (let j = 0; j < n; j++) {
      const dev = x[base + j]! - mu;
      squares += dev * dev;
    }
    const inv = 1 / Math.sqrt(squares / n + p.epsilon);
    if (mean) mean[b] = mu;
    if (invStdDev) invStdDev[b] = inv;
    const paramBase = (b % p.blocksPerSample) * p.paramsPerBlock;
    for (let j = 0; j < n; j++) {
      const k = paramBase + Math.floor(j / p.paramRun);
      y[base + j] = (x[base + j]! - mu) * inv * scale[k]! + (bias ? bias[k]! : 0);
    }
  }
}
