import type { CaseResult } from './run-case.js';
import type { FuzzCase } from './case.js';

/**
 * Campaign counters per op, plain JSON so that shards can be merged by adding: verdicts, boundary-class coverage
 * (fast-check's statistics, kept by hand so the fuzz command can print them), refusal and divergence reasons.
 */
export interface OpStats {
  cases: number;
  pass: number;
  fail: number;
  refused: number;
  diverged: number;
  /** Refusals no documented onnxruntime limitation explains. */
  unexpectedRefusals: number;
  classes: Record<string, number>;
  modes: Record<string, number>;
  reasons: Record<string, number>;
}

export function emptyStats(): OpStats {
  return { cases: 0, pass: 0, fail: 0, refused: 0, diverged: 0, unexpectedRefusals: 0, classes: {}, modes: {}, reasons: {} };
}

function bump(map: Record<string, number>, key: string, by = 1): void {
  map[key] = (map[key] ?? 0) + by;
}

export function recordCase(stats: Record<string, OpStats>, c: FuzzCase, r: CaseResult): void {
  const s = (stats[c.op] ??= emptyStats());
  s.cases++;
  s[r.verdict]++;
  if (r.unexpectedRefusal) s.unexpectedRefusals++;
  for (const k of c.classes) bump(s.classes, k);
  bump(s.modes, c.values);
  if (r.verdict === 'refused' || r.verdict === 'diverged') bump(s.reasons, `${r.verdict}: ${r.unexpectedRefusal ? 'unexpected' : r.reason}`);
}

export function mergeStats(into: Record<string, OpStats>, from: Record<string, OpStats>): void {
  for (const [op, s] of Object.entries(from)) {
    const t = (into[op] ??= emptyStats());
    t.cases += s.cases;
    t.pass += s.pass;
    t.fail += s.fail;
    t.refused += s.refused;
    t.diverged += s.diverged;
    t.unexpectedRefusals += s.unexpectedRefusals;
    for (const [k, v] of Object.entries(s.classes)) bump(t.classes, k, v);
    for (const [k, v] of Object.entries(s.modes)) bump(t.modes, k, v);
    for (const [k, v] of Object.entries(s.reasons)) bump(t.reasons, k, v);
  }
}
