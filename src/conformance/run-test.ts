import * as path from 'node:path';
import { compareTensors, describeComparison, type Comparison } from '../compare/compare.js';
import type { Tolerance } from '../compare/tolerance.js';
import { loadModel } from '../engine/session.js';
import { isTorchParityError } from '../errors.js';
import { readDataSets } from '../oracle/test-dir.js';

export type ConformanceStatus = 'pass' | 'fail' | 'unsupported' | 'error';

export interface ConformanceResult {
  name: string;
  dir: string;
  status: ConformanceStatus;
  /** For fail / unsupported / error: what went wrong, in one line. */
  message?: string;
  errorCode?: string;
  outputs: { dataSet: string; output: string; comparison: Comparison; dtypeMismatch?: string }[];
  milliseconds: number;
}

/**
 * Runs one ONNX backend-test directory: every data set's inputs through torchparity, every output compared with
 * the stored expectation (dtype must match too). Unsupported ops and element types are their own status, so a
 * coverage gap is never mistaken for a wrong answer.
 */
export async function runConformanceTest(dir: string, tolerance: Tolerance): Promise<ConformanceResult> {
  const started = performance.now();
  const name = path.basename(dir);
  const outputs: ConformanceResult['outputs'] = [];
  const done = (status: ConformanceStatus, message?: string, errorCode?: string): ConformanceResult => ({
    name,
    dir,
    status,
    ...(message !== undefined ? { message } : {}),
    ...(errorCode !== undefined ? { errorCode } : {}),
    outputs,
    milliseconds: performance.now() - started,
  });
  try {
    const session = await loadModel(path.join(dir, 'model.onnx'));
    const inputNames = session.inputs.filter((i) => !i.defaultValue).map((i) => i.name);
    const outputNames = session.outputs.map((o) => o.name);
    const sets = readDataSets(dir, inputNames, outputNames);
    const failures: string[] = [];
    for (const set of sets) {
      const actual = await session.run(set.inputs);
      for (const [output, expected] of Object.entries(set.outputs)) {
        const got = actual[output]!;
        const comparison = compareTensors(got, expected, tolerance);
        const dtypeMismatch = got.dtype !== expected.dtype ? `dtype ${got.dtype}, expected ${expected.dtype}` : undefined;
        outputs.push({ dataSet: set.name, output, comparison, ...(dtypeMismatch ? { dtypeMismatch } : {}) });
        if (dtypeMismatch) failures.push(`${set.name}/${output}: ${dtypeMismatch}`);
        else if (comparison.verdict === 'fail') failures.push(`${set.name}/${output}: ${describeComparison(comparison)}`);
      }
    }
    return failures.length ? done('fail', failures.join('; ')) : done('pass');
  } catch (error) {
    if (isTorchParityError(error)) {
      const unsupported = error.code === 'unsupported_op' || error.code === 'unsupported_type';
      return done(unsupported ? 'unsupported' : 'error', error.describe().replace(/\n\s*/g, ' '), error.code);
    }
    return done('error', `internal error: ${error instanceof Error ? error.message : String(error)}`, 'internal');
  }
}
