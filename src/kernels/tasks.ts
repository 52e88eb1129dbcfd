import { convFast, fastConvUnits, type ConvShape, type FastConvPath } from './conv-fast.js';
import type { GemmBias } from './gemm.js';
import { fastGemmUnits, gemmFast, type ActivationView, type FastGemmParams, type WeightView } from './gemm-fast.js';

/**
 * A fast kernel call as plain data, so that it can be split into ranges of work units and posted to worker threads
 * (engine/parallel.ts). Every array is read-only except `out`.
 */
export type KernelTask =
  | {
      kind: 'conv';
      x: Float32Array;
      w: Float32Array;
      bias: Float32Array | undefined;
      out: Float32Array;
      shape: ConvShape;
      path: FastConvPath;
      relu: boolean;
    }
  | {
      kind: 'gemm';
      params: FastGemmParams;
      a: ActivationView;
      w: WeightView;
      c: GemmBias | undefined;
      out: Float32Array;
      outOffset: number;
      relu: boolean;
    };

export function taskUnits(task: KernelTask): number {
  return task.kind === 'conv' ? fastConvUnits(task.shape, task.path) : fastGemmUnits(task.params);
}

/** Multiply-adds of the whole task, to decide whether splitting it is worth a round trip to the workers. */
export function taskMacs(task: KernelTask): number {
  if (task.kind === 'gemm') return task.params.M * task.params.N * task.params.K;
  const s = task.shape;
  return s.batch * s.M * s.outPlane * s.K;
}

/** Runs units [start, end) of the task. */
export function runTask(task: KernelTask, start: number, end: number): void {
  if (task.kind === 'conv') convFast(task.x, task.w, task.bias, task.out, task.shape, task.path, task.relu, start, end);
  else gemmFast(task.params, task.a, task.w, task.c, task.out, task.outOffset, task.relu, start, end);
}
