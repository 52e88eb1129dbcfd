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

/**
 * A task split into `chunks` ranges of its units, claimed one at a time from a shared counter by every thread that
 * takes part (sync[0]: next chunk, sync[1]: chunks finished, sync[2]: set once a chunk failed). A thread that starts
 * late finds fewer chunks, or none, so a starved worker never holds the others up; each task has its own counters,
 * so a worker that wakes after its task is over touches nothing of the next one. Returns the first error caught.
 */
export function runChunks(task: KernelTask, chunks: number, sync: Int32Array): unknown {
  const units = taskUnits(task);
  let failure: unknown;
  for (;;) {
    const chunk = Atomics.add(sync, 0, 1);
    if (chunk >= chunks) return failure;
    try {
      runTask(task, Math.floor((chunk * units) / chunks), Math.floor(((chunk + 1) * units) / chunks));
    } catch (error) {
      if (Atomics.compareExchange(sync, 2, 0, 1) === 0) failure = error;
    }
    Atomics.add(sync, 1, 1);
    Atomics.notify(sync, 1);
  }
}
