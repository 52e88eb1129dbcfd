import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Limits } from '../limits.js';
import { executeImportCase, type ImportCaseInput, type ImportCaseOutcome } from './import-fuzz-case.js';
import { caseRandom, mutateCase, type SeedModel } from './import-fuzz-mutate.js';
import { defaultSeeds } from './import-fuzz-seeds.js';

/**
 * The importer mutation fuzzer (issue 7). Each case mutates a valid model (fixtures and built ones) and loads it,
 * then runs it on seeded random inputs when it loads. Every case must end in success or a typed TorchParityError
 * within the time limit. Findings: an untyped exception (or one the engine wrapped as 'internal'), a hang (the
 * worker is terminated and replaced), or a crashed worker (out of memory under its resourceLimits cap).
 *
 * Cases run in a worker thread: a hang cannot be interrupted from inside, and a memory blow-up must not take the
 * fuzzer down with it. Tensors live in ArrayBuffers outside the V8 heap that resourceLimits caps, so the cases
 * also run with small torchparity Limits (FUZZ_LIMITS): a mutated dim must meet a limit_exceeded, not a 4 GiB
 * allocation.
 */

export const FUZZ_LIMITS: Readonly<Partial<Limits>> = Object.freeze({
  maxTensorElements: 2 ** 22,
  maxTensorBytes: 2 ** 25,
  maxRunBytes: 2 ** 27,
});

export interface ImportFuzzOptions {
  runs: number;
  seed?: number;
  /** Per-case time limit (default 10 s; the machine may be shared, and a hang is anything this slow). */
  timeoutMs?: number;
  /** The worker's V8 heap cap (resourceLimits.maxOldGenerationSizeMb), default 512. */
  memoryMb?: number;
  /** Limits the cases load and run under (default FUZZ_LIMITS). */
  limits?: Partial<Limits>;
  /** Models to mutate (default: every fixture model plus the built ones). */
  seeds?: readonly SeedModel[];
  fixturesDir?: string;
  /** Folder for reproducers of findings (created when there is one). */
  out?: string;
  /** Reproducers written per distinct finding (default 3). */
  reproducersPerSignature?: number;
  /** Run models that load (default true). */
  runModels?: boolean;
  /** Stop early once this much time has passed (the report counts the cases that ran). */
  timeBudgetMs?: number;
  /** A fresh worker after this many cases, so slow leaks cannot pile up (default 5000). */
  recycleEvery?: number;
  onProgress?: (report: ImportFuzzReport) => void;
  progressEvery?: number;
}

export type FindingKind = 'untyped' | 'hang' | 'crash';

export interface ImportFuzzFinding {
  kind: FindingKind;
  /** Groups findings with one cause: error name, message with numbers blanked, top frame. */
  signature: string;
  index: number;
  base: string;
  mutations: string[];
  phase?: string;
  message: string;
  stack?: string;
  ms: number;
  /** The .json reproducer (beside it the .onnx), when --out was given. */
  reproducer?: string;
}

export interface SlowestCase {
  index: number;
  base: string;
  mutations: string[];
  ms: number;
  outcome: string;
}

export interface ImportFuzzReport {
  seed: number;
  runs: number;
  timeoutMs: number;
  memoryMb: number;
  seedModels: number;
  /** Cases that loaded (and ran, when runModels) without error. */
  successes: number;
  /** Of those, how many also ran. */
  ran: number;
  typedErrors: Record<string, number>;
  untypedCount: number;
  hangCount: number;
  crashCount: number;
  /** Every distinct finding with its count; `findings` keeps a few examples of each. */
  signatures: { kind: FindingKind; signature: string; count: number }[];
  findings: ImportFuzzFinding[];
  slowest?: SlowestCase;
  elapsedMs: number;
}

/** Per-case settings besides the bytes, drawn from their own stream so they do not shift the mutations. */
function caseSettings(seed: number, index: number, options: ImportFuzzOptions): Omit<ImportCaseInput, 'bytes' | 'externalData'> {
  const r = caseRandom(seed ^ 0x5bd1e995, index);
  return {
    limits: options.limits ?? FUZZ_LIMITS,
    precision: r() < 0.1 ? 'float64' : 'float32',
    fold: r() >= 0.2,
    run: options.runModels ?? true,
    inputSeed: Math.floor(r() * 2 ** 31),
    fromFile: r() < 0.1,
  };
}

export type WorkerResult =
  | ({ kind: 'result'; ms: number } & ImportCaseOutcome)
  | { kind: 'hang'; ms: number }
  | { kind: 'crash'; ms: number; message: string };

/** One worker thread at a time; replaced after a hang or a crash. Exported for the fuzzer's own tests. */
export class ImportCaseRunner {
  private worker?: Worker;
  private ready?: Promise<void>;
  private nextId = 0;
  casesSinceStart = 0;

  constructor(private readonly memoryMb: number) {}

  private spawn(): void {
    const own = import.meta.url;
    const resourceLimits = { maxOldGenerationSizeMb: this.memoryMb, maxYoungGenerationSizeMb: 64, stackSizeMb: 4 };
    let worker: Worker;
    if (own.endsWith('.ts')) {
      // Running from source (tsx, vitest): the worker registers tsx before importing the TypeScript entry.
      // tsx's ESM API, beside its main entry (dist/loader.mjs): the package's exports give `require` the CJS build.
      const tsxApi = new URL('./esm/api/index.mjs', pathToFileURL(createRequire(own).resolve('tsx'))).href;
      const entry = new URL('./import-fuzz-worker.ts', own).href;
      const code = `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); });`;
      worker = new Worker(code, { eval: true, resourceLimits });
    } else {
      worker = new Worker(new URL('./import-fuzz-worker.js', own), { resourceLimits });
    }
    this.worker = worker;
    this.casesSinceStart = 0;
    this.ready = new Promise((resolve, reject) => {
      const onMessage = (m: { ready?: boolean }) => {
        if (!m.ready) return;
        worker.off('message', onMessage);
        worker.off('error', reject);
        resolve();
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
    });
  }

  async stop(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }

  async run(input: ImportCaseInput, timeoutMs: number): Promise<WorkerResult> {
    if (!this.worker) this.spawn();
    await this.ready;
    const worker = this.worker!;
    const id = this.nextId++;
    this.casesSinceStart++;
    return new Promise<WorkerResult>((resolve) => {
      const started = performance.now();
      const finish = (result: WorkerResult, kill: boolean) => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        if (kill) {
          if (this.worker === worker) this.worker = undefined;
          void worker.terminate();
        }
        resolve(result);
      };
      const onMessage = (m: { id: number; ms: number } & ImportCaseOutcome) => {
        if (m.id === id) finish({ kind: 'result', ...m }, false);
      };
      const onError = (error: Error & { code?: string }) =>
        finish({ kind: 'crash', ms: performance.now() - started, message: `${error.code ?? error.name}: ${error.message}` }, true);
      const onExit = (code: number) => finish({ kind: 'crash', ms: performance.now() - started, message: `worker exited with code ${code}` }, true);
      const timer = setTimeout(() => finish({ kind: 'hang', ms: performance.now() - started }, true), timeoutMs);
      worker.on('message', onMessage);
      worker.once('error', onError);
      worker.once('exit', onExit);
      worker.postMessage({ id, ...input });
    });
  }
}

function signatureOf(kind: FindingKind, name: string, message: string, stack?: string): string {
  if (kind === 'hang') return 'hang';
  const frame = stack
    ?.split('\n')
    .map((l) => l.trim())
    .find((l) => l.startsWith('at ') && /src[\\/]/.test(l))
    ?.replace(/^at /, '')
    .replace(/\(?(?:file:\/\/)?[^()]*?(src[\\/][^:()]+):\d+:\d+\)?/, '$1');
  const shape = message.split('\n')[0]!.replace(/\d+/g, 'N').slice(0, 160);
  return `${kind} ${name}: ${shape}${frame ? ` @ ${frame}` : ''}`;
}

export interface ImportReproducer {
  kind: FindingKind;
  seed: number;
  index: number;
  base: string;
  mutations: string[];
  message: string;
  stack?: string;
  settings: Omit<ImportCaseInput, 'bytes' | 'externalData'>;
  /** location -> base64; locations may be hostile paths, so they are never used as file names. */
  externalData: Record<string, string>;
  model: string;
}

function writeReproducer(out: string, seed: number, finding: ImportFuzzFinding, input: ImportCaseInput): string {
  fs.mkdirSync(out, { recursive: true });
  const hash = crypto.createHash('sha1').update(finding.signature).digest('hex').slice(0, 8);
  const stem = `${finding.kind}-${hash}-seed${seed}-case${finding.index}`;
  fs.writeFileSync(path.join(out, `${stem}.onnx`), input.bytes);
  const { bytes: _bytes, externalData, ...settings } = input;
  const repro: ImportReproducer = {
    kind: finding.kind,
    seed,
    index: finding.index,
    base: finding.base,
    mutations: finding.mutations,
    message: finding.message,
    stack: finding.stack,
    settings,
    externalData: Object.fromEntries(Object.entries(externalData).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
    model: `${stem}.onnx`,
  };
  const file = path.join(out, `${stem}.json`);
  fs.writeFileSync(file, `${JSON.stringify(repro, null, 1)}\n`);
  return file;
}

/** Reruns a reproducer in this process (for debugging a finding; a hang will hang here). */
export async function replayImportCase(reproducerFile: string): Promise<ImportCaseOutcome> {
  const repro = JSON.parse(fs.readFileSync(reproducerFile, 'utf8')) as ImportReproducer;
  const bytes = fs.readFileSync(path.join(path.dirname(reproducerFile), repro.model));
  const externalData = Object.fromEntries(Object.entries(repro.externalData).map(([k, v]) => [k, Buffer.from(v, 'base64')]));
  return executeImportCase({ ...repro.settings, bytes, externalData });
}

/** Case `index` of a run with `seed`, regenerated alone (the same bytes and settings the fuzzer used). */
export function importFuzzCase(seeds: readonly SeedModel[], seed: number, index: number, options: Partial<ImportFuzzOptions> = {}) {
  const mutated = mutateCase(seeds, seed, index);
  const input: ImportCaseInput = { ...caseSettings(seed, index, { runs: 0, ...options }), bytes: mutated.bytes, externalData: mutated.externalData };
  return { mutated, input };
}

export async function runImportFuzz(options: ImportFuzzOptions): Promise<ImportFuzzReport> {
  const seed = options.seed ?? 0;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const memoryMb = options.memoryMb ?? 512;
  const seeds = options.seeds ?? defaultSeeds(options.fixturesDir);
  if (seeds.length === 0) throw new Error('the import fuzzer has no seed models');
  const perSignature = options.reproducersPerSignature ?? 3;
  const recycleEvery = options.recycleEvery ?? 5000;
  const started = performance.now();
  const report: ImportFuzzReport = {
    seed,
    runs: 0,
    timeoutMs,
    memoryMb,
    seedModels: seeds.length,
    successes: 0,
    ran: 0,
    typedErrors: {},
    untypedCount: 0,
    hangCount: 0,
    crashCount: 0,
    signatures: [],
    findings: [],
    elapsedMs: 0,
  };
  const bySignature = new Map<string, { kind: FindingKind; signature: string; count: number }>();
  const runner = new ImportCaseRunner(memoryMb);
  try {
    for (let index = 0; index < options.runs; index++) {
      if (options.timeBudgetMs !== undefined && performance.now() - started > options.timeBudgetMs) break;
      const { mutated, input } = importFuzzCase(seeds, seed, index, options);
      if (runner.casesSinceStart >= recycleEvery) await runner.stop();
      // The worker takes the bytes; keep a copy for the reproducer.
      const result = await runner.run({ ...input, bytes: new Uint8Array(input.bytes) }, timeoutMs);
      report.runs++;
      let finding: Omit<ImportFuzzFinding, 'signature'> & { name: string } | undefined;
      const common = { index, base: mutated.base, mutations: mutated.mutations, ms: result.ms };
      let outcome: string;
      if (result.kind === 'hang') {
        report.hangCount++;
        outcome = 'hang';
        finding = { kind: 'hang', name: 'hang', message: `no result within ${timeoutMs} ms`, ...common };
      } else if (result.kind === 'crash') {
        report.crashCount++;
        outcome = 'crash';
        finding = { kind: 'crash', name: 'crash', message: result.message, ...common };
      } else if (result.outcome === 'ok') {
        report.successes++;
        if (result.ran) report.ran++;
        outcome = result.ran ? 'ok (ran)' : 'ok';
      } else if (result.outcome === 'typed') {
        report.typedErrors[result.code] = (report.typedErrors[result.code] ?? 0) + 1;
        outcome = `${result.code} (${result.phase})`;
      } else {
        report.untypedCount++;
        outcome = `untyped ${result.name}`;
        finding = { kind: 'untyped', name: result.name, message: result.message, stack: result.stack, phase: result.phase, ...common };
      }
      if (!report.slowest || result.ms > report.slowest.ms) {
        report.slowest = { index, base: mutated.base, mutations: mutated.mutations, ms: result.ms, outcome };
      }
      if (finding) {
        const { name, ...rest } = finding;
        const signature = signatureOf(finding.kind, name, finding.message, finding.stack);
        const entry = bySignature.get(signature) ?? { kind: finding.kind, signature, count: 0 };
        entry.count++;
        bySignature.set(signature, entry);
        if (entry.count <= perSignature) {
          const full: ImportFuzzFinding = { ...rest, signature };
          if (options.out) full.reproducer = writeReproducer(options.out, seed, full, input);
          report.findings.push(full);
        }
      }
      if (options.onProgress && options.progressEvery && report.runs % options.progressEvery === 0) {
        report.signatures = [...bySignature.values()];
        report.elapsedMs = performance.now() - started;
        options.onProgress(report);
      }
    }
  } finally {
    await runner.stop();
  }
  report.signatures = [...bySignature.values()].sort((a, b) => b.count - a.count);
  report.elapsedMs = performance.now() - started;
  return report;
}
