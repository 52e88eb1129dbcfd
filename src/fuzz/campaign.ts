import fc from 'fast-check';
import { onnxruntimeVersion } from '../oracle/onnxruntime.js';
import { TORCHPARITY_VERSION } from '../version.js';
import type { FuzzCase } from './case.js';
import { mixedArbitrary, type Family } from './family.js';
import { deriveSeed } from './random.js';
import { writeRepro } from './repro.js';
import { runCase, type CaseResult } from './run-case.js';
import { mergeStats, recordCase, type OpStats } from './stats.js';

/**
 * A fuzz campaign: cases k = 0, 1, 2, ... each generated from its own seed deriveSeed(seed, k), so case k is the same
 * whatever machine runs it. Shard i of n runs the cases with k mod n = i: shards are disjoint, and together with the
 * same seed and --runs they are exactly the unsharded campaign. A failing case is shrunk by fast-check (its seed
 * and shrink path are printed) and written as a reproducer folder.
 */

export interface Shard {
  index: number;
  count: number;
}

export interface CampaignOptions {
  families: readonly Family[];
  seed: number;
  /** Case indices 0..runs−1 (this shard runs its share); or, without it, until `timeMs` is up. */
  runs?: number;
  timeMs?: number;
  shard?: Shard;
  /** Where reproducer folders go; none written when undefined. */
  outDir?: string;
  /** Shrink failures with fast-check (default true). */
  shrink?: boolean;
  /** Explicit atol/rtol instead of each case's bound (exact cases stay exact). */
  allclose?: { rtol: number; atol: number };
  onProgress?: (p: Progress) => void;
  onFailure?: (f: FailureRecord) => void;
}

export interface Progress {
  cases: number;
  failures: number;
  refused: number;
  diverged: number;
  elapsedMs: number;
  /** Of the time budget or, with --runs, estimated from the rate so far. */
  remainingMs?: number;
}

export interface FailureRecord {
  index: number;
  family: string;
  op: string;
  /** fast-check seed of the case (deriveSeed(campaign seed, index)) and the shrink path to the minimal case. */
  seed: number;
  path?: string;
  title: string;
  reason: string;
  /** The reproducer folder, when written. */
  dir?: string;
}

export interface CampaignResult {
  format: 'torchparity-fuzz/1';
  versions: { torchparity: string; onnxruntime: string };
  seed: number;
  /** The comparison policy: each case's own bound (reduction, exact, pointwise) or explicit rtol/atol. */
  tolerance: string;
  shards: Shard[];
  families: string[];
  cases: number;
  elapsedMs: number;
  /** Milliseconds spent per stage, summed over cases. */
  timings: { build: number; ours: number; referee: number; oracle: number };
  perOp: Record<string, OpStats>;
  failures: FailureRecord[];
}

class CaseFailure extends Error {}

/** The family of case k: from its seed, so the mix does not depend on the shard layout. */
export function familyOf(families: readonly Family[], caseSeed: number): Family {
  return families[caseSeed % families.length]!;
}

function check(family: Family, seed: number, onFirst: (c: FuzzCase, r: CaseResult) => void, path: string | undefined, options: CaseOptions) {
  let first = true;
  const property = fc.asyncProperty(mixedArbitrary(family), async (c) => {
    const r = await runCase(c, { family, allclose: options.allclose });
    if (first) {
      first = false;
      onFirst(c, r);
    }
    if (r.verdict === 'fail') throw new CaseFailure(r.reason);
  });
  return fc.check(property, { seed, numRuns: 1, ...(path ? { path } : {}), interruptAfterTimeLimit: 120_000 });
}

/** One case: run it, and when it fails shrink it and write its reproducer. */
interface CaseOptions {
  outDir?: string;
  shrink?: boolean;
  path?: string;
  allclose?: { rtol: number; atol: number };
}

export async function runIndexedCase(
  family: Family,
  seed: number,
  options: CaseOptions,
): Promise<{ c: FuzzCase; result: CaseResult; failure?: Omit<FailureRecord, 'index'> }> {
  let c!: FuzzCase;
  let result!: CaseResult;
  if (options.shrink === false) {
    c = fc.sample(mixedArbitrary(family), { seed, numRuns: 1 })[0]!;
    result = await runCase(c, { family, allclose: options.allclose });
  }
  const details =
    options.shrink === false
      ? undefined
      : await check(
          family,
          seed,
          (first, r) => {
            c = first;
            result = r;
          },
          options.path,
          options,
        );
  if (result.verdict !== 'fail') return { c, result };
  let minimal = c;
  let minimalResult = result;
  let path: string | undefined;
  if (details?.failed && details.counterexample) {
    minimal = details.counterexample[0];
    path = details.counterexamplePath ?? undefined;
    minimalResult = await runCase(minimal, { family, allclose: options.allclose });
    if (minimalResult.verdict !== 'fail') {
      minimal = c;
      minimalResult = result;
    }
  }
  const dir = options.outDir ? writeRepro(options.outDir, minimal, minimalResult, { seed, path }) : undefined;
  return {
    c,
    result,
    failure: { family: family.name, op: minimal.op, seed, path, title: minimal.title, reason: minimalResult.reason, dir },
  };
}

export async function runCampaign(options: CampaignOptions): Promise<CampaignResult> {
  const shard = options.shard ?? { index: 0, count: 1 };
  if (options.runs === undefined && options.timeMs === undefined) throw new Error('a campaign needs runs or a time budget');
  const start = performance.now();
  const perOp: Record<string, OpStats> = {};
  const timings = { build: 0, ours: 0, referee: 0, oracle: 0 };
  const failures: FailureRecord[] = [];
  let cases = 0;
  let refused = 0;
  let diverged = 0;
  const myTotal = options.runs === undefined ? undefined : Math.max(0, Math.ceil((options.runs - shard.index) / shard.count));
  for (let k = shard.index; ; k += shard.count) {
    const elapsed = performance.now() - start;
    if (options.runs !== undefined && k >= options.runs) break;
    if (options.timeMs !== undefined && elapsed >= options.timeMs) break;
    const caseSeed = deriveSeed(options.seed, k);
    const family = familyOf(options.families, caseSeed);
    const { c, result, failure } = await runIndexedCase(family, caseSeed, { outDir: options.outDir, shrink: options.shrink, allclose: options.allclose });
    cases++;
    recordCase(perOp, c, result);
    for (const key of Object.keys(timings) as (keyof typeof timings)[]) timings[key] += result.timings[key];
    if (result.verdict === 'refused') refused++;
    if (result.verdict === 'diverged') diverged++;
    if (failure) {
      const record = { index: k, ...failure };
      failures.push(record);
      options.onFailure?.(record);
    }
    if (options.onProgress) {
      const now = performance.now() - start;
      const remainingMs =
        options.timeMs !== undefined ? Math.max(0, options.timeMs - now) : myTotal !== undefined ? (now / cases) * (myTotal - cases) : undefined;
      options.onProgress({ cases, failures: failures.length, refused, diverged, elapsedMs: now, remainingMs });
    }
  }
  return {
    format: 'torchparity-fuzz/1',
    versions: { torchparity: TORCHPARITY_VERSION, onnxruntime: onnxruntimeVersion() },
    seed: options.seed,
    tolerance: options.allclose ? `rtol ${options.allclose.rtol}, atol ${options.allclose.atol} (exact cases bit-exact)` : 'per-case bounds (compare/bound.ts)',
    shards: [shard],
    families: options.families.map((f) => f.name),
    cases,
    elapsedMs: performance.now() - start,
    timings,
    perOp,
    failures,
  };
}

/** Merges the JSON results of shards of one campaign (same seed and families). */
export function mergeCampaigns(results: readonly CampaignResult[]): CampaignResult {
  if (results.length === 0) throw new Error('nothing to merge');
  const seeds = new Set(results.map((r) => r.seed));
  const policies = new Set(results.map((r) => r.tolerance));
  if (policies.size > 1) throw new Error(`results use different tolerances (${[...policies].join('; ')})`);
  if (seeds.size > 1) throw new Error(`results come from different seeds (${[...seeds].join(', ')}); shards of one campaign share its seed`);
  const merged: CampaignResult = {
    ...results[0]!,
    shards: results.flatMap((r) => r.shards),
    families: [...new Set(results.flatMap((r) => r.families))],
    cases: 0,
    elapsedMs: 0,
    timings: { build: 0, ours: 0, referee: 0, oracle: 0 },
    perOp: {},
    failures: [],
  };
  for (const r of results) {
    merged.cases += r.cases;
    merged.elapsedMs = Math.max(merged.elapsedMs, r.elapsedMs);
    for (const key of Object.keys(merged.timings) as (keyof CampaignResult['timings'])[]) merged.timings[key] += r.timings[key];
    mergeStats(merged.perOp, r.perOp);
    merged.failures.push(...r.failures);
  }
  merged.failures.sort((a, b) => a.index - b.index);
  return merged;
}
