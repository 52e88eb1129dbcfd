import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { runChunks, taskArrays, withTaskArrays } from '../kernels/tasks.js';
import { SIGNAL, awaitSignal, type JobMessage, type PoolMessage } from './pool-protocol.js';

/**
 * A worker of engine/parallel.ts: claims chunks of kernel tasks (runChunks) whose outputs live in shared memory and
 * records the first failure of a task where the main thread reads it.
 *
 * Once loaded it never returns to its event loop: it waits on the pool's signal word (polling a while first, see
 * pool-protocol.ts awaitSignal) and takes its messages from its port synchronously.
 */
const failure = new Uint8Array(workerData.failure as SharedArrayBuffer);
const signal = new Int32Array(workerData.signal as SharedArrayBuffer);
const port = workerData.port as MessagePort;
const constants = new Map<number, Float32Array>();

function run(job: JobMessage): void {
  const arrays = taskArrays(job.task).map((array, k) => {
    const id = job.constants[k];
    return id === undefined ? array : constants.get(id);
  });
  const error = runChunks(withTaskArrays(job.task, arrays), job.schedule, new Int32Array(job.sync));
  if (error !== undefined) {
    const text = new TextEncoder().encode(error instanceof Error ? (error.stack ?? error.message) : String(error));
    failure.fill(0);
    failure.set(text.subarray(0, failure.length));
  }
}

function serve(): void {
  let seen = Atomics.load(signal, SIGNAL.sequence);
  for (;;) {
    seen = awaitSignal(signal, seen);
    if (Atomics.load(signal, SIGNAL.stop) !== 0) return;
    for (let received = receiveMessageOnPort(port); received; received = receiveMessageOnPort(port)) {
      const message = received.message as PoolMessage;
      if (message.kind === 'constant') constants.set(message.id, message.data);
      else run(message);
    }
  }
}

// Loaded: from here on the worker needs nothing from the main thread (whose event loop a running task blocks).
parentPort!.postMessage('ready');
setImmediate(serve);
