import { createRequire } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { TorchParityError } from '../errors.js';
import { runChunks, runTask, taskArrays, taskSchedule, withTaskArrays, type KernelTask } from '../kernels/tasks.js';
import type { ParallelRunner } from '../ops/engine-hooks.js';
import { pollFor, SIGNAL, type ConstantMessage, type JobMessage } from './pool-protocol.js';

/**
 * worker_threads for large layers: `threads − 1` workers plus the calling thread compute a kernel task's work units
 * (output tiles) into shared memory, claiming chunks of them from a shared counter, each a share of what is left
 * (kernels/tasks.ts taskSchedule, runChunks), so a worker the OS leaves waiting for a core, or one the host slows
 * (the machine is shared), costs little more than its share of the speed-up. The call stays synchronous: the main
 * thread posts the task, works through chunks itself, then polls and blocks on Atomics.wait until every chunk is
 * finished — Node allows that on its main thread — so ops need no async plumbing. Workers wait on a shared signal
 * word rather than their event loops (pool-protocol.ts).
 *
 * Outputs, and the activations workers read, must live in SharedArrayBuffers: the Session's arena allocates there
 * when threads > 1, anything else (a fed input) is copied per call. Constants (`stable`: weights, bias) reach each
 * worker once, as a copy in its own memory (pool-protocol.ts ConstantMessage).
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
  /** Each worker's job port, in `workers` order. */
  private readonly ports: MessagePort[] = [];
  private readonly signal = new Int32Array(new SharedArrayBuffer(SIGNAL.length * 4));
  private readonly failure = new Uint8Array(new SharedArrayBuffer(2048));
  private readonly constantIds = new WeakMap<Float32Array, number>();
  private readonly scratch: Float32Array[] = [];
  /** How long a task may take before the pool gives up on its workers. */
  private readonly timeoutMs: number;
  /** Tasks split over the threads so far. */
  splitTasks = 0;
  /** Constants sent to the workers so far (each once, to every worker). */
  sentConstants = 0;
  /** splitTasks when the last run started (none yet: the first run wakes the workers). */
  private splitAtRunStart = -1;
  /** Resolves when every worker has loaded. */
  readonly ready: Promise<void>;
  /** The job ports of the workers that have loaded. */
  private loaded: MessagePort[] = [];

  constructor(threads: number, timeoutMs = 600_000) {
    this.threads = threads;
    this.timeoutMs = timeoutMs;
    this.workers = Array.from({ length: threads - 1 }, () => {
      const { port1, port2 } = new MessageChannel();
      this.ports.push(port1);
      const worker = spawnWorker({ failure: this.failure.buffer, signal: this.signal.buffer, port: port2 }, [port2]);
      worker.unref();
      return worker;
    });
    this.ready = Promise.all(
      this.workers.map(
        (worker, k) =>
          new Promise<void>((resolve, reject) => {
            worker.once('message', () => {
              this.loaded.push(this.ports[k]!);
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
    const out = task.out;
    const sharedOut = out.buffer instanceof SharedArrayBuffer ? out : this.transient(slot++, out.length);
    // The calling thread reads the arrays it was given; workers get shared copies of the rest, constants in their own
    // memory once per session (pool-protocol.ts ConstantMessage).
    const arrays = taskArrays(task);
    const constants = arrays.map((data) => (data && data !== out && stable.includes(data) ? this.constantId(data) : undefined));
    const posted = arrays.map((data, k) => {
      if (data === out) return sharedOut;
      if (!data) return undefined;
      if (constants[k] !== undefined) return EMPTY;
      if (data.buffer instanceof SharedArrayBuffer) return data;
      const copy = this.transient(slot++, data.length);
      copy.set(data);
      return copy;
    });
    this.splitTasks++;
    const sync = new Int32Array(new SharedArrayBuffer(12));
    const job: JobMessage = { kind: 'job', task: withTaskArrays(task, posted), constants, schedule, sync: sync.buffer };
    for (const port of helpers) port.postMessage(job);
    this.wake();
    const mainError = runChunks({ ...task, out: sharedOut }, schedule, sync);
    this.waitFor(sync, schedule.units);
    if (mainError !== undefined) throw mainError;
    if (Atomics.load(sync, 2) !== 0) {
      const text = new TextDecoder().decode(this.failure).replace(/\0+$/, '');
      this.failure.fill(0);
      throw new TorchParityError('internal', `a worker thread failed: ${text}`, {}, 'this is a torchparity bug; please report it with the model');
    }
    if (sharedOut !== out) out.set(sharedOut.subarray(0, out.length));
  }

  /** The id a constant array goes by in the workers, sent to every worker (loaded or not) the first time. */
  private constantId(data: Float32Array): number {
    let id = this.constantIds.get(data);
    if (id === undefined) {
      id = this.sentConstants++;
      this.constantIds.set(data, id);
      // Cloned, not transferred: detaching any ArrayBuffer makes V8 check every typed-array read in this thread from
      // then on (README, Speed). A view of a larger buffer (weights viewed in the model file) is cut out first, or the
      // clone would copy the whole file.
      const whole = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? data : data.slice();
      const message: ConstantMessage = { kind: 'constant', id, data: whole };
      for (const port of this.ports) port.postMessage(message);
    }
    return id;
  }

  /**
   * A run starts: wakes the workers, since a sleeping worker takes as long to wake as a few hundred microseconds of
   * work, better spent while the calling thread is still on the ops before the first large layer — unless the last
   * run split nothing (a model too small to split would only have them spin beside it).
   */
  runStarts(): void {
    if (this.splitTasks !== this.splitAtRunStart) this.wake();
    this.splitAtRunStart = this.splitTasks;
  }

  private wake(): void {
    Atomics.add(this.signal, SIGNAL.sequence, 1);
    Atomics.notify(this.signal, SIGNAL.sequence);
  }

  /** Stops the workers; the pool must not be used afterwards. */
  async close(): Promise<void> {
    Atomics.store(this.signal, SIGNAL.stop, 1);
    this.wake();
    await Promise.all(this.workers.map((w) => w.terminate()));
    for (const port of this.ports) port.close();
  }

  /** Blocks until all `units` are finished (a worker may still be finishing the last chunk it claimed). */
  private waitFor(sync: Int32Array, units: number): void {
    // The calling thread has nothing else to do: polling first spares it a sleeping vCPU's wake-up (pool-protocol.ts).
    if (pollFor(() => Atomics.load(sync, 1) >= units)) return;
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

/** Stands in for a constant in a posted task: the worker holds its own copy. */
const EMPTY = new Float32Array(0);

function spawnWorker(workerData: unknown, transferList: MessagePort[]): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./worker.js', here), { workerData, transferList });
  // Running from sources (tsx, vitest): the worker registers tsx's hooks (its ESM API, as package.json's exports map
  // "tsx/esm/api" for import), then loads worker.ts.
  const tsxRoot = path.dirname(createRequire(here).resolve('tsx/package.json'));
  const api = pathToFileURL(path.join(tsxRoot, 'dist/esm/api/index.mjs')).href;
  const entry = new URL('./worker.ts', here).href;
  const code = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(code, { eval: true, workerData, transferList });
}
