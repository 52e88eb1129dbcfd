/**
 * Fuzz throughput for tiny convolutions, and where the time goes: case generation, tensor values, our shape
 * inference and ONNX encoding (buildModel), onnxruntime session creation and its run, our import and run, and the
 * float64 referee (with the magnitude model for the error bound). Runnable on its own
 * (`npx tsx scripts/bench-fuzz.ts [cases]`); `benchFuzz` is what a wider benchmark calls for its fuzz section.
 */
import fc from 'fast-check';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModel } from '../src/engine/session.js';
import { convFamily } from '../src/fuzz/arbitraries/conv.js';
import type { FuzzCase } from '../src/fuzz/case.js';
import { buildCase, runCase } from '../src/fuzz/run-case.js';
import { caseTensors } from '../src/fuzz/values.js';
import { encodeModel } from '../src/onnx/encode-model.js';
import { onnxruntimeVersion } from '../src/oracle/onnxruntime.js';

export interface BenchFuzzOptions {
  /** Tiny conv cases to time (default 300). */
  cases?: number;
  seed?: number;
}

export interface BenchFuzzRow {
  stage: string;
  /** Mean milliseconds per case. */
  ms: number;
  /** Share of the end-to-end time per case, 0–1. */
  share: number;
}

export interface BenchFuzzResult {
  /** End-to-end cases per second of the fuzz pipeline (runCase: every oracle, the comparison, the verdict). */
  casesPerSecond: number;
  cases: number;
  rows: BenchFuzzRow[];
  onnxruntime: string;
}

/** Conv cases of at most a few hundred input elements: the tiny models a fuzz campaign mostly runs. */
function tinyConvs(count: number, seed: number): FuzzCase[] {
  const out: FuzzCase[] = [];
  const size = (c: FuzzCase) => c.inputs.reduce((a, i) => a + i.dims.reduce((x, y) => x * y, 1), 0);
  for (let round = 0; out.length < count; round++) {
    for (const c of fc.sample(convFamily.arbitrary('normal'), { seed: seed + round, numRuns: count })) if (size(c) <= 400 && out.length < count) out.push(c);
  }
  return out;
}

type Ort = typeof import('onnxruntime-node');

export async function benchFuzz(options: BenchFuzzOptions = {}): Promise<BenchFuzzResult> {
  const count = options.cases ?? 300;
  const seed = options.seed ?? 1;
  const ort = createRequire(import.meta.url)('onnxruntime-node') as Ort;
  const sessionOptions = { graphOptimizationLevel: 'disabled', intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', logSeverityLevel: 4 } as const;
  const t = { generate: 0, values: 0, inference: 0, encode: 0, ortCreate: 0, ortRun: 0, ortRelease: 0, ourImport: 0, ourRun: 0, referee: 0 };
  const now = () => performance.now();

  // Warm up both engines so one-time loading is not charged to the first cases.
  const warm = tinyConvs(5, seed + 1000);
  for (const c of warm) await runCase(c, { family: convFamily });

  let s = now();
  const cases = tinyConvs(count, seed);
  t.generate = now() - s;
  for (const c of cases) {
    // The case model and its magnitude model, as runCase builds them; values and encoding re-timed alone.
    s = now();
    const { model, magnitude } = buildCase(c);
    const built = now() - s;
    s = now();
    caseTensors(c);
    const values = now() - s;
    s = now();
    encodeModel(model.record);
    if (magnitude) encodeModel(magnitude.record);
    const encode = now() - s;
    t.values += values;
    t.encode += encode;
    t.inference += Math.max(0, built - values - encode);

    s = now();
    let session: Awaited<ReturnType<Ort['InferenceSession']['create']>> | undefined;
    try {
      session = await ort.InferenceSession.create(model.bytes, sessionOptions);
    } catch {
      // A refusal (SAME with dilation) costs its attempt; there is no run.
    }
    t.ortCreate += now() - s;
    if (session) {
      const feeds = Object.fromEntries(Object.entries(model.feeds).map(([name, v]) => [name, new ort.Tensor('float32', v.data as Float32Array, [...v.dims])]));
      s = now();
      try {
        await session.run(feeds);
      } catch {
        // refused at run time, as above
      }
      t.ortRun += now() - s;
      s = now();
      await session.release();
      t.ortRelease += now() - s;
    }

    s = now();
    const ours = await loadModel(model.bytes);
    t.ourImport += now() - s;
    s = now();
    await ours.run(model.feeds);
    t.ourRun += now() - s;

    s = now();
    await (await loadModel(model.bytes, { precision: 'float64' })).run(model.feeds);
    if (magnitude) await (await loadModel(magnitude.bytes, { precision: 'float64' })).run(magnitude.feeds);
    t.referee += now() - s;
  }

  // End to end, as a campaign runs them.
  s = now();
  for (const c of cases) await runCase(c, { family: convFamily });
  const endToEnd = now() - s;

  const perCase = endToEnd / cases.length;
  const labels: [keyof typeof t, string][] = [
    ['generate', 'generate case (fast-check)'],
    ['values', 'tensor values'],
    ['inference', 'model build: shape inference (case + magnitude)'],
    ['encode', 'model build: ONNX encode (case + magnitude)'],
    ['ortCreate', 'onnxruntime session creation'],
    ['ortRun', 'onnxruntime run (first run of a fresh session)'],
    ['ortRelease', 'onnxruntime session release'],
    ['ourImport', 'ours: import (decode, validate, infer)'],
    ['ourRun', 'ours: run'],
    ['referee', 'float64 referee + magnitude model'],
  ];
  const rows = labels.map(([key, stage]) => ({ stage, ms: t[key] / cases.length, share: t[key] / cases.length / perCase }));
  return { casesPerSecond: 1000 / perCase, cases: cases.length, rows, onnxruntime: onnxruntimeVersion() };
}

export function formatBenchFuzz(r: BenchFuzzResult): string {
  const width = Math.max(...r.rows.map((row) => row.stage.length));
  return [
    `fuzz throughput, tiny convs: ${r.casesPerSecond.toFixed(1)} cases/s end to end (${r.cases} cases, onnxruntime ${r.onnxruntime})`,
    ...r.rows.map((row) => `  ${row.stage.padEnd(width)}  ${row.ms.toFixed(3).padStart(7)} ms/case  ${(100 * row.share).toFixed(0).padStart(3)}%`),
    '  (shares are of the end-to-end time per case; stages timed separately, so they need not sum to 100%)',
  ].join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const cases = process.argv[2] ? Number(process.argv[2]) : undefined;
  benchFuzz({ cases }).then((r) => console.log(formatBenchFuzz(r)));
}
