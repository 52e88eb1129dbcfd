import fc from 'fast-check';
import type { ValueMode } from '../../src/fuzz/case.js';
import type { Family } from '../../src/fuzz/family.js';
import { runCase } from '../../src/fuzz/run-case.js';

/**
 * A differential property: every case the family generates in this value mode runs on our engine, onnxruntime and
 * the float64 referee, and must not fail; onnxruntime may refuse only for the documented reasons. Seeded and
 * bounded so `npm test` stays fast; `torchparity fuzz` runs the same properties for as long as asked.
 */
export async function checkFamily(family: Family, mode: ValueMode, numRuns: number, seed: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(family.arbitrary(mode), async (c) => {
      const r = await runCase(c, { family });
      if (r.verdict === 'fail') throw new Error(`${c.title}\n${r.reason}\ncase: ${JSON.stringify(c)}`);
      if (r.unexpectedRefusal) throw new Error(`${c.title}\nonnxruntime refused for an undocumented reason: ${r.oracle.message}`);
    }),
    { seed, numRuns, endOnFailure: false },
  );
}
