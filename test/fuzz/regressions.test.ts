import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { boundTolerance, pointwiseBound, reductionBound } from '../../src/compare/bound.js';
import { compareTensors, describeComparison } from '../../src/compare/compare.js';
import { EXACT } from '../../src/compare/tolerance.js';
import { loadModel } from '../../src/engine/session.js';
import { findFamily } from '../../src/fuzz/families.js';
import { readReproCase } from '../../src/fuzz/repro.js';
import { buildCase, runCase } from '../../src/fuzz/run-case.js';
import { readDataSets } from '../../src/oracle/test-dir.js';

// Pinned fuzz cases (fixtures/regressions/<case-key>/, the reproducer layout). Each case.json names the mechanism
// of the bug or of the onnxruntime/PyTorch difference it pins. Two checks: our engine reproduces the stored expected
// outputs (onnxruntime's, or the float64 referee's where onnxruntime refuses or differs from PyTorch) within the
// case's own tolerance, and rerunning the case through every oracle does not fail.

const ROOT = path.resolve(import.meta.dirname, '../../fixtures/regressions');
const dirs = fs.existsSync(ROOT) ? fs.readdirSync(ROOT).filter((d) => fs.existsSync(path.join(ROOT, d, 'case.json'))).sort() : [];

describe('pinned fuzz regressions', () => {
  it('there are pinned cases', () => expect(dirs.length).toBeGreaterThan(0));

  for (const dir of dirs) {
    const folder = path.join(ROOT, dir);
    const record = readReproCase(folder);
    it(`${dir}: ${record.case.title}`, async () => {
      expect(record.mechanism, 'case.json needs a one-line "mechanism"').toMatch(/^[^\n]{20,}$/);
      const c = record.case;
      const session = await loadModel(path.join(folder, 'model.onnx'));
      const [set] = readDataSets(folder, session.inputs.map((i) => i.name), session.outputs.map((o) => o.name));
      const ours = await session.run(set!.inputs);
      const magnitude = c.check.kind === 'reduction' ? await (await loadModel(buildCase(c).magnitude!.bytes, { precision: 'float64' })).run(buildCase(c).magnitude!.feeds) : undefined;
      for (const [name, expected] of Object.entries(set!.outputs)) {
        const tolerance =
          c.check.kind === 'exact'
            ? EXACT
            : c.check.kind === 'pointwise'
              ? boundTolerance('pointwise', pointwiseBound(expected.data, c.check.ulps, c.check.atol))
              : boundTolerance('reduction', reductionBound(expected.data, magnitude![name]!.data, c.check.terms, 'float32'));
        const result = compareTensors(ours[name]!, expected, tolerance);
        expect(result.verdict, `${name}: ${describeComparison(result)}`).toBe('pass');
      }
      const rerun = await runCase(c, { family: findFamily(c.family) });
      expect(rerun.verdict, rerun.reason).not.toBe('fail');
      expect(rerun.unexpectedRefusal ?? false, rerun.reason).toBe(false);
    });
  }
});
