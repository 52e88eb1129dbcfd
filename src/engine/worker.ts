import { parentPort, workerData } from 'node:worker_threads';
import { runChunks, type KernelTask, type Schedule } from '../kernels/tasks.js';

/**
 * A worker of engine/parallel.ts: claims chunks of kernel tasks whose arrays live in shared memory (runChunks) and
 * records the first failure of a task where the main thread reads it.
 */
const failure = new Uint8Array(workerData.failure as SharedArrayBuffer);

parentPort!.on('message', (job: { task: KernelTask; schedule: Schedule; sync: SharedArrayBuffer }) => {
  const error = runChunks(job.task, job.schedule, new Int32Array(job.sync));
  if (error !== undefined) {
    const text = new TextEncoder().encode(error instanceof Error ? (error.stack ?? error.message) : String(error));
    failure.fill(0);
    failure.set(text.subarray(0, failure.length));
  }
});

// Loaded: from here on the worker needs nothing from the main thread (whose event loop a running task blocks).
parentPort!.postMessage('ready');
