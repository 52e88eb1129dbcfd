import { runTask, taskUnits, taskWork, type KernelTask } from '../kernels/tasks.js';
import type { RunContext } from './declaration.js';

/**
 * What the engine offers ops beyond their inputs (RunContext.engine). Absent when an op runs at import (constant
 * folding), so every use must have a plain fallback.
 */
export interface EngineHooks {
  /**
   * A per-node store that lives as long as the Session: data derived from constant inputs only (weights transposed
   * for the fast Gemm, a weight's finiteness). Use it through memoized(), which checks constantInputs.
   */
  readonly memo: Map<string, unknown>;
  /** Which inputs are constants of the graph (initializers or values folded at import), fixed for every run. */
  readonly constantInputs: readonly boolean[];
  /**
   * Output 0 is read only by a Relu that the engine then skips: the op must return relu(Y). Only Conv, Gemm and
   * BatchNormalization are asked (engine/plan.ts); fusing is exact (kernels/tile.ts reluStore).
   */
  readonly relu: boolean;
  /** The session allows Winograd's F(2×2, 3×3) for eligible convolutions (LoadOptions.winograd). */
  readonly winograd?: boolean;
  /** Worker threads for large layers, when the session was loaded with threads > 1. */
  readonly parallel?: ParallelRunner;
}

export interface ParallelRunner {
  readonly threads: number;
  /**
   * Runs every unit of the task, split over the threads, and returns when all are done, so ops stay synchronous.
   * Arrays not in shared memory are copied there (`stable` ones — constants — once per session); `out` is copied
   * back if it had to be replaced.
   */
  run(task: KernelTask, stable: readonly Float32Array[]): void;
}

/**
 * Splitting a task costs a message to each worker and their first touch of its data (~0.1 ms); below this much work
 * (multiply-adds, or their time's worth: kernels/tasks.ts taskWork) it does not pay. Measured on ResNet-18: splitting
 * from 1.5 M instead (its 200 k-element BatchNormalizations too) ran 2% slower.
 */
export const PARALLEL_MIN_WORK = 4_000_000;

/**
 * `compute()` once per session when every input in `from` is a constant of the graph, else on every call. The key
 * names the derived value within the node.
 */
export function memoized<T>(ctx: RunContext, key: string, from: readonly number[], compute: () => T): T {
  const hooks = ctx.engine;
  if (!hooks || !from.every((i) => hooks.constantInputs[i] === true)) return compute();
  if (hooks.memo.has(key)) return hooks.memo.get(key) as T;
  const value = compute();
  hooks.memo.set(key, value);
  return value;
}

/** Runs the whole task: on the engine's threads when there are some and it is large enough, else here. */
export function runKernelTask(ctx: RunContext, task: KernelTask, stable: readonly Float32Array[]): void {
  const parallel = ctx.engine?.parallel;
  if (parallel && parallel.threads > 1 && taskWork(task) >= PARALLEL_MIN_WORK) parallel.run(task, stable);
  else runTask(task, 0, taskUnits(task));
}
