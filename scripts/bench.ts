/**
 * Engine speed against onnxruntime-node in the same process run (issue 6), plus memory and import time.
 *
 *   npm run bench                          every section, our engine on 1 thread
 *   npm run bench -- --threads 2           our engine on 2 threads (each row also timed on 1 for the speed-up, and
 *                                          as 2 independent 1-thread runs at once for what the host offers)
 *   npm run bench -- --json bench.json     rows as JSON: name, gflop, ours_ms, ort_ms, ratio (+ details)
 *   npm run bench -- --only conv3x3_64 --repeats 21 --no-fuzz --no-memory
 *
 * Each row is one model (a single layer, or a whole network) run by both engines, alternating, after warm-up;
 * times are medians of wall-clock milliseconds, GFLOP/s = 2 · multiply-adds / time, ratio = the median over runs of
 * ours / onnxruntime, each pair timed back to back (the machine's speed drifts by up to 2× over seconds; a pair sees
 * the same machine, so this ratio moves far less than either median does).
 * onnxruntime runs with 1 intra-op and 1 inter-op thread and its default graph optimizations. The machine is shared:
 * the load average is printed before and after, so a noisy run shows as one.
 *
 * Memory (a child process per measurement): peak RSS while loading and running a ResNet-18, against
 * 1.5 × (weights + largest live activation set) + the child's RSS before loading; and the import time of a
 * generated 50 MiB model. Speed and memory are measured here, never asserted by tests.
 *
 * `npm run bench` compiles the engine and these scripts with tsc and runs them on plain node, as the published package
 * runs. Under a module loader such as tsx, Node's loader thread hands modules over in transferred (detached)
 * ArrayBuffers; once any ArrayBuffer in a process has been detached, V8 checks a "was detached" bit on every typed-array
 * read in optimized code, which made the convolution loops a third slower (measured: 5.2 against 3.1–3.5 GFLOP/s).
 */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { loadModel, type Session } from '../src/engine/session.js';
import { decodeModel } from '../src/onnx/decode-model.js';
import { importGraph } from '../src/ir/import.js';
import { fileExternalData } from '../src/onnx/external-data.js';
import { decodeTensorProto } from '../src/onnx/tensor-file.js';
import { float32, sizeOf, type Tensor } from '../src/tensor.js';
import { convMacs, convModel, resnet18, seeded, type ConvLayer } from './bench-models.js';

type Ort = typeof import('onnxruntime-node');
const ROOT = repoRoot();
const here = fileURLToPath(import.meta.url);

/**
 * The repository: above scripts/ when run from source, or above node_modules/.cache/torchparity-bench/scripts/ when
 * `npm run bench` runs the compiled copy.
 */
function repoRoot(): string {
  const from = path.dirname(fileURLToPath(import.meta.url));
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'fixtures', 'seed'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`bench: no fixtures/seed in any folder above ${from}`);
  }
}

interface Options {
  threads: number;
  json?: string;
  repeats: number;
  only?: string[];
  fuzz: boolean;
  memory: boolean;
}

const USAGE = `usage: npm run bench -- [--threads N] [--json FILE] [--repeats N] [--only ROW,ROW] [--no-fuzz] [--no-memory]`;

/** Exits 2 with the problem and the usage line: a bad option is the user's to fix, not a stack trace. */
function usageError(problem: string): never {
  console.error(`bench: ${problem}\n\n${USAGE}`);
  process.exit(2);
}

function parseArgs(argv: string[]): Options {
  const o: Options = { threads: 1, repeats: 11, fuzz: true, memory: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) usageError(`${a} needs a value`);
      return v;
    };
    const count = () => {
      const v = value();
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) usageError(`${a} needs a positive integer, got '${v}'`);
      return n;
    };
    if (a === '--threads') o.threads = count();
    else if (a === '--json') o.json = value();
    else if (a === '--repeats') o.repeats = count();
    else if (a === '--only') o.only = value().split(',');
    else if (a === '--no-fuzz') o.fuzz = false;
    else if (a === '--no-memory') o.memory = false;
    else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else usageError(`unknown option ${a}`);
  }
  return o;
}

interface Case {
  name: string;
  what: string;
  /** Model bytes or a file (with external data beside it). */
  model: Uint8Array | string;
  feeds: Record<string, Tensor>;
  /** Multiply-adds; computed from the run when not given. */
  macs?: number;
  load?: { foldBatchNorm?: boolean; winograd?: boolean };
}

interface Row {
  name: string;
  what: string;
  gflop: number;
  ours_ms: number;
  ort_ms: number;
  /** ours_ms / ort_ms: how many times onnxruntime's time we take. */
  ratio: number;
  ours_gflops: number;
  ort_gflops: number;
  threads: number;
  /**
   * With threads > 1: our single-thread median and the speed-up over it (median of paired ratios), with the paired
   * ratios' quartiles: on a shared host either vCPU can slow down for seconds, so single pairs range widely.
   */
  ours_1t_ms?: number;
  speedup?: number;
  speedup_q1?: number;
  speedup_q3?: number;
  /**
   * What the host offers at the same moments: N independent single-thread runs of the row, one per thread, started
   * together, in runs per time against one run alone (Σ t_1t / t_i). A vCPU that the host slows shows here as less
   * than N, and no split of one run can do better. `of_capacity` is the median of speed-up / capacity per round.
   */
  capacity?: number;
  of_capacity?: number;
  /**
   * Medians of process CPU time per run (every thread of the process): on a shared machine wall time includes the
   * time other processes hold the cores, CPU time does not. With threads > 1 ours sums the threads.
   */
  ours_cpu_ms: number;
  ort_cpu_ms: number;
  cpu_ratio: number;
}

const quantile = (v: number[], q: number) => [...v].sort((a, b) => a - b)[Math.floor((v.length - 1) * q + 0.5)]!;
const median = (v: number[]) => quantile(v, 0.5);

function layer(name: string, what: string, l: ConvLayer): Case {
  const built = convModel(l);
  return { name, what, model: built.bytes, feeds: built.feeds, macs: convMacs(l) };
}

function seedFeeds(batch: number): Record<string, Tensor> {
  return { input: float32([batch, 1, 28, 28], seeded(batch * 784, 3, 1)) };
}

function cases(tmp: string): Case[] {
  const seedModel = path.join(ROOT, 'fixtures/seed/seed_torchscript/model.onnx');
  const resnetBasic = path.join(ROOT, 'fixtures/models/resnet_basic__dynamo_op20/model.onnx');
  const basicInput = decodeTensorProto(fs.readFileSync(path.join(ROOT, 'fixtures/models/resnet_basic__dynamo_op20/test_data_set_0/input_0.pb'))).tensor;
  const basic64 = float32([64, ...basicInput.dims.slice(1)], seeded(64 * sizeOf(basicInput.dims.slice(1)), 5));
  const r18 = resnet18(1);
  const r18File = path.join(tmp, 'resnet18.onnx');
  fs.writeFileSync(r18File, r18.bytes);
  const conv64: ConvLayer = { batch: 1, inChannels: 64, outChannels: 64, size: 56, kernel: 3, pad: 1 };
  const conv256: ConvLayer = { batch: 1, inChannels: 256, outChannels: 256, size: 14, kernel: 3, pad: 1 };
  return [
    layer('conv3x3_64@56', '3×3 s1 p1 64→64 @56², batch 1', conv64),
    layer('conv3x3_256@14', '3×3 s1 p1 256→256 @14², batch 1', conv256),
    layer('conv7x7_s2_3→64@224', '7×7 s2 p3 3→64 @224², batch 1', { batch: 1, inChannels: 3, outChannels: 64, size: 224, kernel: 7, stride: 2, pad: 3 }),
    layer('depthwise3x3_144@56', 'depthwise 3×3 s1 p1 C=144 @56², batch 1', { batch: 1, inChannels: 144, outChannels: 144, size: 56, kernel: 3, pad: 1, group: 144 }),
    layer('pointwise1x1_144→24@56', '1×1 144→24 @56², batch 1', { batch: 1, inChannels: 144, outChannels: 24, size: 56, kernel: 1 }),
    layer('dilated3x3_d2_64@56', '3×3 d=2 p2 64→64 @56², batch 1', { batch: 1, inChannels: 64, outChannels: 64, size: 56, kernel: 3, pad: 2, dilation: 2 }),
    layer('seed_conv1_b64', 'seed conv 1: 3×3 1→25 @28², batch 64', { batch: 64, inChannels: 1, outChannels: 25, size: 28, kernel: 3 }),
    layer('seed_conv2_b64', 'seed conv 2: 3×3 25→50 @13², batch 64', { batch: 64, inChannels: 25, outChannels: 50, size: 13, kernel: 3 }),
    { name: 'seed_cnn_b1', what: 'seed CNN (fixtures/seed/seed_torchscript), batch 1', model: seedModel, feeds: seedFeeds(1) },
    { name: 'seed_cnn_b64', what: 'seed CNN, batch 64', model: seedModel, feeds: seedFeeds(64) },
    { name: 'resnet_basic_b64', what: 'fixtures/models/resnet_basic__dynamo_op20, batch 64', model: resnetBasic, feeds: { [inputName(resnetBasic)]: basic64 } },
    { name: 'resnet18_b1', what: 'ResNet-18 (generated, BatchNormalization kept), batch 1 @224²', model: r18File, feeds: r18.feeds },
    { name: 'resnet18_b1_bnfold', what: 'the same, ours with foldBatchNorm (changes rounding)', model: r18File, feeds: r18.feeds, load: { foldBatchNorm: true } },
    // Opt-in rows: Winograd's F(2×2, 3×3) changes rounding (LoadOptions.winograd), so the default rows above do without.
    { ...layer('conv3x3_64@56_winograd', 'conv3x3_64@56, ours with winograd (changes rounding)', conv64), load: { winograd: true } },
    { ...layer('conv3x3_256@14_winograd', 'conv3x3_256@14, ours with winograd (changes rounding)', conv256), load: { winograd: true } },
    { name: 'seed_cnn_b64_winograd', what: 'seed CNN b64, ours with winograd (changes rounding)', model: seedModel, feeds: seedFeeds(64), load: { winograd: true } },
    { name: 'resnet18_b1_winograd', what: 'ResNet-18, ours with winograd (changes rounding)', model: r18File, feeds: r18.feeds, load: { winograd: true } },
  ];
}

/**
 * Worker threads that each load the row's model on one thread and run it when asked (--twin below): the host-capacity
 * measurement of timeCase.
 */
async function startTwins(c: Case, count: number): Promise<Worker[]> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const twin = new Worker(here, { argv: ['--twin'], workerData: { model: c.model, feeds: c.feeds, load: c.load ?? {} } });
      const [message] = (await once(twin, 'message')) as [unknown];
      if (message !== 'ready') throw new Error(`bench: a twin worker failed to load ${c.name}: ${String(message)}`);
      return twin;
    }),
  );
}

/** One run on a twin: its wall-clock milliseconds. */
async function twinRun(twin: Worker): Promise<number> {
  const reply = once(twin, 'message');
  twin.postMessage('run');
  return ((await reply) as [number])[0];
}

async function twinWorker(): Promise<void> {
  const { model, feeds, load } = workerData as { model: Uint8Array | string; feeds: Record<string, Tensor>; load: Case['load'] };
  const session = await loadModel(model, { threads: 1, ...load });
  parentPort!.on('message', async () => {
    const t = performance.now();
    await session.run(feeds);
    parentPort!.postMessage(performance.now() - t);
  });
  parentPort!.postMessage('ready');
}

function inputName(file: string): string {
  const record = decodeModel(fs.readFileSync(file), { externalData: fileExternalData(path.dirname(file)) });
  const init = new Set(record.graph.initializers.map((i) => i.name));
  return record.graph.inputs.find((i) => !init.has(i.name))!.name;
}

/** Multiply-adds of Conv, ConvTranspose-free graphs: Conv, Gemm and MatMul nodes, from one tapped run. */
async function countMacs(session: Session, feeds: Record<string, Tensor>): Promise<number> {
  let macs = 0;
  await session.run(feeds, {
    tap: ({ node, inputs, outputs }) => {
      const y = outputs[0]?.tensor;
      if (!y) return;
      const out = sizeOf(y.dims);
      if (node.opType === 'Conv') macs += out * sizeOf(inputs[1]!.dims.slice(1));
      else if (node.opType === 'Gemm') macs += out * (node.attrs.transA ? inputs[0]!.dims[0]! : inputs[0]!.dims[1]!);
      else if (node.opType === 'MatMul') macs += out * inputs[0]!.dims[inputs[0]!.dims.length - 1]!;
    },
  });
  return macs;
}

function ortTensors(ort: Ort, feeds: Record<string, Tensor>) {
  return Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, new ort.Tensor('float32', t.data as Float32Array, [...t.dims])]));
}

async function timeCase(c: Case, o: Options, ort: Ort): Promise<Row> {
  const ours = await loadModel(c.model, { threads: o.threads, ...c.load });
  const single = o.threads > 1 ? await loadModel(c.model, { threads: 1, ...c.load }) : undefined;
  const twins = single ? await startTwins(c, o.threads - 1) : [];
  const theirs = await ort.InferenceSession.create(c.model as string, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    logSeverityLevel: 3,
  });
  const feeds = ortTensors(ort, c.feeds);
  const macs = c.macs ?? (await countMacs(ours, c.feeds));
  const now = () => performance.now();
  const times = { ours: [] as number[], ort: [] as number[], ratio: [] as number[], single: [] as number[], oursCpu: [] as number[], ortCpu: [] as number[], capacity: [] as number[] };
  const cpu = (since: NodeJS.CpuUsage) => {
    const d = process.cpuUsage(since);
    return (d.user + d.system) / 1000;
  };
  const rounds = o.repeats + 2;
  for (let r = 0; r < rounds; r++) {
    let c0 = process.cpuUsage();
    let t = now();
    await ours.run(c.feeds);
    const a = now() - t;
    const aCpu = cpu(c0);
    c0 = process.cpuUsage();
    t = now();
    await theirs.run(feeds);
    const b = now() - t;
    const bCpu = cpu(c0);
    let s = 0;
    let capacity = 0;
    if (single) {
      t = now();
      await single.run(c.feeds);
      s = now() - t;
      const theirs = twins.map((twin) => twinRun(twin));
      t = now();
      await single.run(c.feeds);
      const mine = now() - t;
      capacity = s / mine + (await Promise.all(theirs)).reduce((sum, ms) => sum + s / ms, 0);
    }
    if (r < 2) continue; // warm-up
    times.ours.push(a);
    times.ort.push(b);
    times.ratio.push(a / b);
    times.oursCpu.push(aCpu);
    times.ortCpu.push(bCpu);
    times.single.push(s);
    times.capacity.push(capacity);
  }
  await Promise.all(twins.map((twin) => twin.terminate()));
  await ours.close();
  await theirs.release();
  const oursMs = median(times.ours);
  const ortMs = median(times.ort);
  const gflop = (2 * macs) / 1e9;
  const row: Row = {
    name: c.name,
    what: c.what,
    gflop,
    ours_ms: oursMs,
    ort_ms: ortMs,
    ratio: median(times.ratio),
    ours_gflops: gflop / (oursMs / 1000),
    ort_gflops: gflop / (ortMs / 1000),
    threads: o.threads,
    ours_cpu_ms: median(times.oursCpu),
    ort_cpu_ms: median(times.ortCpu),
    cpu_ratio: median(times.oursCpu) / median(times.ortCpu),
  };
  if (single) {
    row.ours_1t_ms = median(times.single);
    // Like the ratio: each 1-thread run against the 2-thread run just before it.
    const ratios = times.single.map((s, i) => s / times.ours[i]!);
    row.speedup = median(ratios);
    row.speedup_q1 = quantile(ratios, 0.25);
    row.speedup_q3 = quantile(ratios, 0.75);
    row.capacity = median(times.capacity);
    row.of_capacity = median(ratios.map((r, i) => r / times.capacity[i]!));
  }
  return row;
}

function table(rows: Row[], threads: number): string {
  const head = ['row', 'GFLOP', `ours ms (${threads}t)`, 'ours GFLOP/s', 'ort ms (1t)', 'ort GFLOP/s', 'ours/ort', 'cpu: ours GFLOP/s', 'cpu ours/ort'];
  if (threads > 1) head.push('ours 1t ms', 'speed-up', '(quartiles)', 'host capacity', 'of capacity');
  const cells = rows.map((r) => {
    const line = [
      r.name,
      r.gflop.toFixed(3),
      r.ours_ms.toFixed(2),
      r.ours_gflops.toFixed(2),
      r.ort_ms.toFixed(2),
      r.ort_gflops.toFixed(1),
      `${r.ratio.toFixed(1)}×`,
      (r.gflop / (r.ours_cpu_ms / 1000)).toFixed(2),
      `${r.cpu_ratio.toFixed(1)}×`,
    ];
    if (threads > 1) line.push(r.ours_1t_ms!.toFixed(2), `${r.speedup!.toFixed(2)}×`, `${r.speedup_q1!.toFixed(2)}–${r.speedup_q3!.toFixed(2)}`, `${r.capacity!.toFixed(2)}×`, `${(100 * r.of_capacity!).toFixed(0)}%`);
    return line;
  });
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const fmt = (c: string[]) => c.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ');
  return [fmt(head), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(fmt)].join('\n');
}

interface MemoryReport {
  model: string;
  weightBytes: number;
  largestLiveBytes: number;
  baselineRss: number;
  peakRss: number;
  budget: number;
  meets: boolean;
  loadMs: number;
  runMs: number;
  arenaAllocationsAfterWarmup: number;
  arenaHeldBytes: number;
}

interface ImportReport {
  fileBytes: number;
  /** loadModel(path) in a fresh process: read the file, decode, validate, infer shapes, fold, build the session. */
  loadModelMs: number;
  /** Decode + import of bytes already in memory, first call (after the one above) and median of five more. */
  firstMs: number;
  medianMs: number;
  /** Weight bytes loadModel(path) did not keep in the file's own buffer. */
  copiedBytes: number;
}

/** Runs this script again as a child that only does `mode`, and parses the JSON line it prints. */
function child<T>(mode: string, file: string): T {
  const run = spawnSync(process.execPath, [...process.execArgv, '--expose-gc', here, mode, file], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const line = run.stdout.trim().split('\n').pop() ?? '';
  if (run.status !== 0 || !line.startsWith('{')) throw new Error(`${mode} child failed: ${run.stderr || run.stdout}`);
  return JSON.parse(line) as T;
}

/**
 * This process's peak RSS. On Linux from /proc/self/status VmHWM, the high-water mark of this process's own memory:
 * getrusage's maxrss survives fork + exec, so a child spawned by a big parent would report the parent's RSS.
 */
function peakResidentBytes(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS * 1024;
}

/** Child: peak RSS of loading and running a model, then (after the peak is taken) its live-activation profile. */
async function memoryChild(file: string): Promise<void> {
  const feeds = { input: float32([1, 3, 224, 224], seeded(3 * 224 * 224, 7)) };
  global.gc?.();
  const baselineRss = process.memoryUsage().rss;
  let t = performance.now();
  const session = await loadModel(file);
  const loadMs = performance.now() - t;
  let runMs = 0;
  for (let i = 0; i < 3; i++) {
    t = performance.now();
    await session.run(feeds);
    runMs = performance.now() - t;
  }
  const before = session.arenaStats.allocations;
  await session.run(feeds);
  const allocationsAfterWarmup = session.arenaStats.allocations - before;
  const peakRss = peakResidentBytes();
  // Largest live set: the Session's own liveness (values dropped after their last reader), inputs included.
  const lastUse = new Map<string, number>();
  session.graph.nodes.forEach((node, step) => node.inputs.forEach((n) => n && lastUse.set(n, step)));
  const live = new Map<string, number>(Object.entries(feeds).map(([k, v]) => [k, v.data.byteLength]));
  let largest = 0;
  await session.run(feeds, {
    tap: ({ step, outputs }) => {
      for (const { name, tensor } of outputs) live.set(name, tensor.data.byteLength);
      largest = Math.max(largest, [...live.values()].reduce((a, b) => a + b, 0));
      for (const [name] of live) if ((lastUse.get(name) ?? -1) <= step) live.delete(name);
    },
  });
  let weights = 0;
  for (const t of session.graph.constants.values()) weights += t.data.byteLength;
  const budget = 1.5 * (weights + largest) + baselineRss;
  const report: MemoryReport = {
    model: 'ResNet-18, batch 1 @224²',
    weightBytes: weights,
    largestLiveBytes: largest,
    baselineRss,
    peakRss,
    budget,
    meets: peakRss <= budget,
    loadMs,
    runMs,
    arenaAllocationsAfterWarmup: allocationsAfterWarmup,
    arenaHeldBytes: session.arenaStats.heldBytes,
  };
  console.log(JSON.stringify(report));
}

/** Child: import time (decode + import, the file already in memory) of a model; first in a fresh process, then warm. */
async function importChild(file: string): Promise<void> {
  let t = performance.now();
  const session = await loadModel(file);
  const loadModelMs = performance.now() - t;
  const buffers = new Map<ArrayBufferLike, number>();
  for (const c of session.graph.constants.values()) buffers.set(c.data.buffer, (buffers.get(c.data.buffer) ?? 0) + c.data.byteLength);
  // Everything but the largest buffer (the file's) is a copy.
  const copied = [...buffers.values()].reduce((a, b) => a + b, 0) - Math.max(0, ...buffers.values());
  const bytes = fs.readFileSync(file);
  const times: number[] = [];
  for (let i = 0; i < 6; i++) {
    // Decoding with ownsBytes aligns weights in place, so every round decodes its own copy of the file.
    const copy = Buffer.from(bytes);
    t = performance.now();
    importGraph(decodeModel(copy, { ownsBytes: true }));
    times.push(performance.now() - t);
  }
  const report: ImportReport = { fileBytes: bytes.length, loadModelMs, firstMs: times[0]!, medianMs: median(times.slice(1)), copiedBytes: copied };
  console.log(JSON.stringify(report));
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const ort = createRequire(import.meta.url)('onnxruntime-node') as Ort;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'torchparity-bench-'));
  const load0 = os.loadavg();
  console.log(`torchparity bench: node ${process.version}, onnxruntime-node ${ort.env.versions.common ?? '?'}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}`);
  console.log(`our engine on ${o.threads} thread${o.threads > 1 ? 's' : ''}; onnxruntime on 1 thread, default graph optimizations; medians of ${o.repeats} runs`);
  console.log(`load average at start: ${load0.map((v) => v.toFixed(2)).join(' ')}\n`);
  const rows: Row[] = [];
  try {
    for (const c of cases(tmp)) {
      if (o.only && !o.only.some((n) => c.name.includes(n))) continue;
      const row = await timeCase(c, o, ort);
      rows.push(row);
      console.log(`  ${row.name}: ours ${row.ours_ms.toFixed(2)} ms (${row.ours_gflops.toFixed(2)} GFLOP/s), onnxruntime ${row.ort_ms.toFixed(2)} ms, ${row.ratio.toFixed(1)}×`);
    }
    console.log(`\n${table(rows, o.threads)}\n`);
    for (const r of rows) console.log(`  ${r.name.padEnd(24)} ${r.what}`);

    let memory: MemoryReport | undefined;
    let imported: ImportReport | undefined;
    if (o.memory) {
      const r18 = path.join(tmp, 'resnet18.onnx');
      if (!fs.existsSync(r18)) fs.writeFileSync(r18, resnet18(1).bytes);
      memory = child<MemoryReport>('--memory-child', r18);
      const mb = (b: number) => `${(b / 1048576).toFixed(1)} MiB`;
      console.log(`\nmemory, ${memory.model} (one thread, fresh process):`);
      console.log(`  weights ${mb(memory.weightBytes)}, largest live activation set ${mb(memory.largestLiveBytes)}, Node baseline ${mb(memory.baselineRss)}`);
      console.log(`  peak RSS ${mb(memory.peakRss)}; budget 1.5 × (weights + live) + baseline = ${mb(memory.budget)}: ${memory.meets ? 'met' : 'NOT met'}`);
      console.log(`  load ${memory.loadMs.toFixed(0)} ms, run ${memory.runMs.toFixed(0)} ms; arena: ${memory.arenaAllocationsAfterWarmup} new buffer(s) in a warm run (the returned output), ${mb(memory.arenaHeldBytes)} held`);
      // 50 MiB: ResNet-18 with a 3750-way classifier.
      const big = path.join(tmp, 'resnet18-50mib.onnx');
      fs.writeFileSync(big, resnet18(1, 3750).bytes);
      imported = child<ImportReport>('--import-child', big);
      console.log(`\nimport of a generated ${mb(imported.fileBytes)} model (ResNet-18 with a 3750-way classifier):`);
      console.log(`  loadModel(path) in a fresh process ${imported.loadModelMs.toFixed(0)} ms (read, decode, validate, infer); weight bytes copied: ${imported.copiedBytes}`);
      console.log(`  decode + import of bytes in memory: ${imported.firstMs.toFixed(0)} ms, then median ${imported.medianMs.toFixed(0)} ms`);
    }

    let fuzz: unknown;
    const fuzzScript = path.join(ROOT, 'scripts/bench-fuzz.ts');
    if (o.fuzz && fs.existsSync(fuzzScript)) {
      const mod = (await import('./bench-fuzz.js')) as {
        benchFuzz: (options?: { cases?: number }) => Promise<unknown>;
        formatBenchFuzz?: (r: never) => string;
      };
      fuzz = await mod.benchFuzz({ cases: 150 });
      console.log(`\n${mod.formatBenchFuzz ? mod.formatBenchFuzz(fuzz as never) : JSON.stringify(fuzz, null, 2)}`);
    }

    const load1 = os.loadavg();
    console.log(`\nload average at end: ${load1.map((v) => v.toFixed(2)).join(' ')}${load1[0]! > 1.5 ? ' — the machine was busy; compare ratios, not absolute times' : ''}`);
    if (o.json) {
      const doc = {
        date: new Date().toISOString(),
        node: process.version,
        onnxruntime: ort.env.versions.common,
        cpus: os.cpus().length,
        cpu: os.cpus()[0]?.model,
        threads: o.threads,
        repeats: o.repeats,
        loadAverage: { start: load0, end: load1 },
        rows,
        memory,
        import: imported,
        fuzz,
      };
      fs.writeFileSync(o.json, `${JSON.stringify(doc, null, 2)}\n`);
      console.log(`wrote ${o.json}`);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

const [mode, file] = process.argv.slice(2);
if (mode === '--memory-child') await memoryChild(file!);
else if (mode === '--import-child') await importChild(file!);
else if (mode === '--twin') await twinWorker();
else await main();

