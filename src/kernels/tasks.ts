import { convFast, fastConvGrain, fastConvUnits, type ConvShape, type FastConvPath } from './conv-fast.js';
import type { GemmBias } from './gemm.js';
import { fastGemmUnits, gemmFast, type ActivationView, type FastGemmParams, type WeightView } from './gemm-fast.js';
import { applyBatchNorm, type BatchNormParams } from './normalization.js';
import { maxPoolFast, type FastMaxPoolParams } from './pool-fast.js';

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
    }
  | {
      kind: 'batchnorm';
      x: Float32Array;
      out: Float32Array;
      /** Per feature, from batchNormCoefficients: small, so they travel with the task. */
      alpha: Float64Array;
      beta: Float64Array;
      params: BatchNormParams;
    }
  | {
      kind: 'maxpool';
      x: Float32Array;
      out: Float32Array;
      params: FastMaxPoolParams;
    };

export function taskUnits(task: KernelTask): number {
  switch (task.kind) {
    case 'conv':
      return fastConvUnits(task.shape, task.path);
    case 'gemm':
      return fastGemmUnits(task.params);
    case 'batchnorm':
      return task.params.batch * task.params.features;
    case 'maxpool':
      return task.params.planes;
  }
}

/**
 * What one element of batch normalization (with its relu) and one max-pooling tap cost, in multiply-adds of the
 * convolution kernels: measured here at 3–11 ns an element (a relu branch the data mispredicts is most of it) and
 * 1–3 ns a tap, against 0.17–0.33 ns a multiply-add.
 */
const BATCHNORM_ELEMENT_WORK = 16;
const POOL_TAP_WORK = 6;

/** The whole task's work in multiply-adds (or their time's worth), to decide whether splitting it pays. */
export function taskWork(task: KernelTask): number {
  switch (task.kind) {
    case 'gemm':
      return task.params.M * task.params.N * task.params.K;
    case 'conv': {
      const s = task.shape;
      return s.batch * s.M * s.outPlane * s.K;
    }
    case 'batchnorm':
      return task.out.length * BATCHNORM_ELEMENT_WORK;
    case 'maxpool': {
      const taps = task.params.geometry.kernel.reduce((a, b) => a * b, 1);
      return task.out.length * taps * POOL_TAP_WORK;
    }
  }
}

/** The task's arrays in a fixed order — conv: x, w, bias, out; gemm: a, w, c, out; others: x, –, –, out. */
export function taskArrays(task: KernelTask): (Float32Array | undefined)[] {
  switch (task.kind) {
    case 'conv':
      return [task.x, task.w, task.bias, task.out];
    case 'gemm':
      return [task.a.data, task.w.data, task.c?.data as Float32Array | undefined, task.out];
    default:
      return [task.x, undefined, undefined, task.out];
  }
}

/** The task with its arrays replaced by `arrays`, in taskArrays' order. */
export function withTaskArrays(task: KernelTask, arrays: readonly (Float32Array | undefined)[]): KernelTask {
  const [input, weights, bias, out] = arrays as [Float32Array, Float32Array, Float32Array | undefined, Float32Array];
  switch (task.kind) {
    case 'conv':
      return { ...task, x: input, w: weights, bias, out };
    case 'gemm':
      return { ...task, a: { ...task.a, data: input }, w: { ...task.w, data: weights }, c: task.c && { ...task.c, data: bias! }, out };
    default:
      return { ...task, x: input, out };
  }
}

/** Runs units [start, end) of the task. */
export function runTask(task: KernelTask, start: number, end: number): void {
  switch (task.kind) {
    case 'conv':
      return convFast(task.x, task.w, task.bias, task.out, task.shape, task.path, task.relu, start, end);
    case 'gemm':
      return gemmFast(task.params, task.a, task.w, task.c, task.out, task.outOffset, task.relu, start, end);
    case 'batchnorm':
      return applyBatchNorm(task.x, task.alpha, task.beta, task.out, task.params, start, end);
    case 'maxpool':
      return maxPoolFast(task.x, task.out, task.params, start, end);
  }
}

/**
 * How threads share a task's units: guided self-scheduling. Each claim takes 1/(2·threads) of the units still
 * unclaimed, no fewer than `smallest`: big chunks while much is left, small ones at the end, so a thread slowed by
 * the machine (on a shared host one vCPU can run at half speed for seconds) holds the others up by a small chunk at
 * most, and the threads that are on time take over its share. Chunks of at least `grain` units end on a multiple of
 * it, smaller ones split what is left of one into equal pieces: a grain is work that shares packed operands (a
 * 'gemm' convolution's panel block, fastConvGrain), which every chunk touching it packs again.
 */
export interface Schedule {
  units: number;
  threads: number;
  grain: number;
  smallest: number;
}

/** At most this many of the smallest chunks per thread: each costs a packing and a claim. */
const SMALLEST_PER_THREAD = 16;
/**
 * No chunk takes fewer units of a grain than this (or than the whole grain): packing a 'gemm' panel block and padding
 * its input rows cost about as much as computing 4–5 of its row pairs (measured: a 256-channel 3 × 3 layer at 14 × 14
 * cut into 16-pair chunks ran 1.3× as long), so a thinner piece is mostly overhead.
 */
const SMALLEST_PIECE = 16;

export function taskSchedule(task: KernelTask, threads: number): Schedule {
  const units = taskUnits(task);
  const grain = task.kind === 'conv' ? fastConvGrain(task.shape, task.path) : 1;
  const smallest = Math.max(Math.ceil(units / (SMALLEST_PER_THREAD * threads)), Math.min(grain, SMALLEST_PIECE));
  return { units, threads, grain, smallest };
}

/** The end of the chunk that starts at unit `next`. */
export function chunkEnd(schedule: Schedule, next: number): number {
  const { units, threads, grain, smallest } = schedule;
  const size = Math.max(smallest, Math.ceil((units - next) / (2 * threads)));
  const grainEnd = Math.min(units, (Math.floor(next / grain) + 1) * grain);
  if (size >= grain) return Math.min(units, Math.max(grainEnd, Math.floor((next + size) / grain) * grain));
  // The rest of the grain in equal pieces of at most `size` (not a full piece and a sliver that packs it all again).
  const left = grainEnd - next;
  return next + Math.ceil(left / Math.ceil(left / size));
}

/**
 * Claims chunks of the task from a shared counter and runs them, with every other thread that takes part (sync[0]:
 * the next unclaimed unit, sync[1]: units finished, sync[2]: set once a chunk failed). A thread that starts late
 * finds less to claim, or nothing, so a starved worker never holds the others up; each task has its own counters,
 * so a worker that wakes after its task is over touches nothing of the next one. Returns the first error caught.
 */
export function runChunks(task: KernelTask, schedule: Schedule, sync: Int32Array): unknown {
  let failure: unknown;
  for (;;) {
    const next = Atomics.load(sync, 0);
    if (next >= schedule.units) return failure;
    const stop = chunkEnd(schedule, next);
    if (Atomics.compareExchange(sync, 0, next, stop) !== next) continue;
    try {
      runTask(task, next, stop);
    } catch (error) {
      if (Atomics.compareExchange(sync, 2, 0, 1) === 0) failure = error;
    }
    Atomics.add(sync, 1, stop - next);
    Atomics.notify(sync, 1);
  }
}
