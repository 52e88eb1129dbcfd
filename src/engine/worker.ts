import { parentPort, workerData } from 'node:worker_threads';
import { runTask, type KernelTask } from '../kernels/tasks.js';

/**
 * A worker of engine/parallel.ts: runs ranges of kernel tasks whose arrays live in shared memory, then counts itself
 * done in the control block (and records the first failure) so the waiting main thread wakes.
 */
const control = new Int32Array(workerData.control as SharedArrayBuffer);
const failure = new Uint8Array(workerData.failure as SharedArrayBuffer);

parentPort!.on('message', (job: { task: KernelTask; start: number; end: number }) => {
  try {
    runTask(job.task, job.start, job.end);
  } catch (error) {
    if (Atomics.compareExchange(control, 1, 0, 1) === 0) {
      const text = new TextEncoder().encode(error instanceof Error ? (error.stack ?? error.message) : String(error));
      failure.set(text.subarray(0, failure.length));
    }
  } finally {
    Atomics.add(control, 0, 1);
    Atomics.notify(control, 0);
  }
});

// Loaded: from here on the worker needs nothing from the main thread (whose event loop a running task blocks).
parentPort!.postMessage('ready');
