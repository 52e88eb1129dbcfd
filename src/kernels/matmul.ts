import { broadcastStrides } from './broadcast.js';
import { gemm, type GemmData } from './gemm.js';

export interface MatMulParams {
  /** Rows of each A matrix (1 for a promoted 1-D A). */
  M: number;
  /** Columns of each B matrix (1 for a promoted 1-D B). */
  N: number;
  K: number;
  /** Leading (batch) dims of A and of B, each broadcast to `batch`; A holds [...aBatch, M, K], B [...bBatch, K, N]. */
  aBatch: readonly number[];
  bBatch: readonly number[];
  /** The broadcast batch dims of the output, which holds [...batch, M, N]. */
  batch: readonly number[];
  /** The element type is an integer type (see GemmParams.integer). */
  integer: boolean;
}

/** Batched matrix product with numpy broadcasting of the batch dims: one GEMM per output matrix. */
export function batchedMatMul(a: GemmData, b: GemmData, out: GemmData, p: MatMulParams): void {
  const { M, N, K } = p;
  const rank = p.batch.length;
  const aStrides = broadcastStrides(p.aBatch, p.batch);
  const bStrides = broadcastStrides(p.bBatch, p.batch);
  let count = 1;
  for (const d of p.batch) count *= d;
  const gemmParams = { M, N, K, transA: false, transB: false, alpha: 1, beta: 0, integer: p.integer };
  if (aStrides.every((s, axis) => s !== 0 || p.batch[axis] === 1) && bStrides.every((s) => s === 0)) {
    // One shared B (x @ W with x [..., M, K]): the batch of A matrices is one tall [count·M, K] matrix.
    gemm({ ...gemmParams, M: count * M }, { data: a, offset: 0 }, { data: b, offset: 0 }, undefined, { data: out, offset: 0 });
    return;
  }
  const counter = new Array<number>(rank).fill(0);
  let aMatrix = 0;
  let bMatrix = 0;
  for (let index = 0; index < count; index++) {
    gemm(gemmParams, { data: a, offset: aMatrix * M * K }, { data: b, offset: bMatrix * K * N }, undefined, { data: out, offset: index * M * N });
    for (let axis = rank - 1; axis >= 0; axis--) {
      counter[axis]!++;
      aMatrix += aStrides[axis]!;
      bMatrix += bStrides[axis]!;
      if (counter[axis]! < p.batch[axis]!) break;
      aMatrix -= aStrides[axis]! * p.batch[axis]!;
      bMatrix -= bStrides[axis]! * p.batch[axis]!;
      counter[axis] = 0;
    }
  }
}
