import { createRequire } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { TorchParityError } from '../errors.js';
import { runChunks, runTask, taskSchedule, type KernelTask } from '../kernels/tasks.js';
import type { ParallelRunner } from '../ops/engine-hooks.js';

/**
 * worker_threads for large layers: `threads − 1` workers plus the calling thread compute a kernel task's work units
 * (output tiles) into shared memory, claiming chunks of them from a shared counter, each a share of what is left
 * (kernels/tasks.ts taskSchedule, runChunks), so a worker the OS leaves waiting for a core, or one the host slows
 * (the machine is shared), costs little more than its share of the speed-up. The
 * call stays synchronous: the main thread posts the task, works through chunks itself, then blocks on Atomics.wait
 * until every chunk is finished — Node allows that on its main thread — so ops need no async plumbing.
 *
 * Arrays must live in SharedArrayBuffers to be seen by the workers: the Session's arena allocates there when
 * threads > 1, constants (`stable`) are copied once and cached, anything else (a fed input) is copied per call.
 *
 * Workers run the compiled worker.js next to this file; when this file is the TypeScript source (tsx, vitest), the
 * worker registers tsx first and loads worker.ts. A worker counts only once it has reported itself loaded: module
 * loading under a loader (tsx) goes through the main thread, so blocking that thread for a worker still loading
 * would deadlock. Until then the calling thread computes the whole task; `ready` resolves when every worker is up
 * (loadModel waits for it).
 */
export class WorkerPool implements ParallelRunner {
  readonly threads: number;
  private readonly workers: Worker[];
  private readonly failure = new Uint8Array(new SharedArrayBuffer(2048));
  private readonly constants = new WeakMap<Float32Array, Float32Array>();
  private readonly scratch: Float32Array[] = [];
  /** How long a task may take before the pool gives up on its workers. */
  private readonly timeoutMs: number;
  /** Tasks split over the threads so far. */
  splitTasks = 0;
  /** Resolves when every worker has loaded. */
  readonly ready: Promise<void>;
  private loaded: Worker[] = [];

  constructor(threads: number, timeoutMs = 600_000) {
    this.threads = threads;
    this.timeoutMs = timeoutMs;
    const workerData = { failure: this.failure.buffer };
    this.workers = Array.from({ length: threads - 1 }, () => {
      const worker = spawnWorker(workerData);
      worker.unref();
      return worker;
    });
    this.ready = Promise.all(
      this.workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            worker.once('message', () => {
              this.loaded.push(worker);
              resolve();
            });
            worker.once('error', reject);
          }),
      ),
    ).then(() => undefined);
    // A worker that fails to start leaves the pool to the threads that did; `ready` reports it to whoever waits.
    this.ready.catch(() => undefined);
  }

  run(task: KernelTask, stable: readonly Float32Array[]): void {
    const helpers = this.loaded;
    const schedule = taskSchedule(task, 1 + helpers.length);
    if (helpers.length === 0 || schedule.units <= 1) {
      runTask(task, 0, schedule.units);
      return;
    }
    let slot = 0;
    const share = (data: Float32Array): Float32Array => {
      if (data.buffer instanceof SharedArrayBuffer) return data;
      if (stable.includes(data)) {
        let copy = this.constants.get(data);
        if (!copy) {
          copy = new Float32Array(new SharedArrayBuffer(data.byteLength));
          copy.set(data);
          this.constants.set(data, copy);
        }
        return copy;
      }
      const copy = this.transient(slot++, data.length);
      copy.set(data);
      return copy;
    };
    const out = task.out;
    const sharedOut = out.buffer instanceof SharedArrayBuffer ? out : this.transient(slot++, out.length);
    const shared: KernelTask =
      task.kind === 'conv'
        ? { ...task, x: share(task.x), w: share(task.w), bias: task.bias && share(task.bias), out: sharedOut }
        : {
            ...task,
            a: { ...task.a, data: share(task.a.data) },
            w: { ...task.w, data: share(task.w.data) },
            c: task.c && { ...task.c, data: share(task.c.data as Float32Array) },
            out: sharedOut,
          };
    this.splitTasks++;
    const sync = new Int32Array(new SharedArrayBuffer(12));
    for (const worker of helpers) worker.postMessage({ task: shared, schedule, sync: sync.buffer });
    const mainError = runChunks(shared, schedule, sync);
    this.waitFor(sync, schedule.units);
    if (mainError !== undefined) throw mainError;
    if (Atomics.load(sync, 2) !== 0) {
      const text = new TextDecoder().decode(this.failure).replace(/\0+$/, '');
      this.failure.fill(0);
      throw new TorchParityError('internal', `a worker thread failed: ${text}`, {}, 'this is a torchparity bug; please report it with the model');
    }
    if (sharedOut !== out) out.set(sharedOut.subarray(0, out.length));
  }

  /** Stops the workers; the pool must not be used afterwards. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  /** Blocks until all `units` are finished (a worker may still be finishing the last chunk it claimed). */
  private waitFor(sync: Int32Array, units: number): void {
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const done = Atomics.load(sync, 1);
      if (done >= units) return;
      if (Date.now() > deadline) {
        throw new TorchParityError('internal', `worker threads did not finish within ${this.timeoutMs / 1000} s`, {}, 'load the model with threads: 1');
      }
      Atomics.wait(sync, 1, done, 1000);
    }
  }

  private transient(slot: number, length: number): Float32Array {
    let buffer = this.scratch[slot];
    if (!buffer || buffer.length < length) {
      buffer = new Float32Array(new SharedArrayBuffer(length * 4));
      this.scratch[slot] = buffer;
    }
    return buffer.subarray(0, length);
  }
}

function spawnWorker(workerData: unknown): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./worker.js', here), { workerData });
  // Running from sources (tsx, vitest): the worker registers tsx's hooks (its ESM API, as package.json's exports map
  // "tsx/esm/api" for import), then loads worker.ts.
  const tsxRoot = path.dirname(createRequire(here).resolve('tsx/package.json'));
  const api = pathToFileURL(path.join(tsxRoot, 'dist/esm/api/index.mjs')).href;
  const entry = new URL('./worker.ts', here).href;
  const code = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(code, { eval: true, workerData });
}
