import type { KernelTask, Schedule } from '../kernels/tasks.js';

/**
 * What a WorkerPool (engine/parallel.ts) and its workers (engine/worker.ts) exchange.
 *
 * Each worker has a port of its own for messages and all share one signal word: `sequence` counts the pool's
 * signals (messages posted, or a hint that tasks are coming), `stop` is set once the pool closes. A worker waits on
 * the word, then takes what its port holds synchronously.
 */
export const SIGNAL = { sequence: 0, stop: 1, length: 2 } as const;

/**
 * How long a waiting thread polls before it sleeps. An idle vCPU on this kind of (virtual) machine takes
 * 0.15–0.25 ms to wake, futex or message alike — 1% of a 20 ms layer, paid by every split task — while a thread still
 * polling sees the signal at once. Layers of one run follow each other within a millisecond or two (the ops between
 * them run on the calling thread), so polling this long keeps the workers awake through a run and lets them sleep
 * soon after it.
 */
const SPIN_MS = 2;

/** Polls `done` for up to SPIN_MS; whether it came true in that time. */
export function pollFor(done: () => boolean): boolean {
  const until = performance.now() + SPIN_MS;
  do if (done()) return true;
  while (performance.now() < until);
  return false;
}

/** Returns once the signal's sequence is no longer `seen` (polling for SPIN_MS, then sleeping), with its new value. */
export function awaitSignal(signal: Int32Array, seen: number): number {
  if (!pollFor(() => Atomics.load(signal, SIGNAL.sequence) !== seen)) Atomics.wait(signal, SIGNAL.sequence, seen);
  return Atomics.load(signal, SIGNAL.sequence);
}

/**
 * A session constant (weights, bias), sent once per worker as a copy in the worker's own memory: the calling thread
 * keeps reading the original, and neither reads weights from shared memory, which costs a 256-channel 3 × 3 layer
 * 4–7% (V8 copies out of a SharedArrayBuffer with relaxed atomic loads).
 */
export interface ConstantMessage {
  kind: 'constant';
  id: number;
  data: Float32Array;
}

/** A task to share: `constants[k]` names the constant that replaces the task's k-th array (tasks.ts taskArrays). */
export interface JobMessage {
  kind: 'job';
  task: KernelTask;
  constants: (number | undefined)[];
  schedule: Schedule;
  sync: SharedArrayBuffer;
}

export type PoolMessage = ConstantMessage | JobMessage;
