import fc from 'fast-check';
import type { Tensor } from '../tensor.js';
import type { FuzzCase, ValueMode } from './case.js';

/** What a divergence rule may look at: our float32 outputs and onnxruntime's. */
export interface RunOutputs {
  ours: Record<string, Tensor>;
  oracle: Record<string, Tensor>;
}

/**
 * A fuzz family: the `--ops` name, the arbitraries of its cases per value mode, and what is known about the oracle
 * for it. Arbitraries live in arbitraries/<family>.ts; the list of families in families.ts.
 */
export interface Family {
  name: string;
  summary: string;
  /** Op types whose declarations the family reads and whose cases it builds. */
  ops: readonly string[];
  /** Value modes that make sense for it (the first is the default). */
  modes: readonly ValueMode[];
  arbitrary(mode: ValueMode): fc.Arbitrary<FuzzCase>;
  /**
   * Why onnxruntime is expected to refuse this (valid) case, if it is: a documented oracle limitation. Refusals
   * outside these are still counted as refusals, but reported as unexpected.
   */
  expectedRefusal?(c: FuzzCase): string | undefined;
  /**
   * Why onnxruntime is expected to compute something other than PyTorch here, if it is: a documented semantic
   * difference, where our float32 result is judged against the float64 referee instead.
   */
  knownDivergence?(c: FuzzCase, run: RunOutputs): string | undefined;
}

/** Campaign mix: mostly standard normal data, a good share of exact (bit-for-bit) cases, each adversarial mode. */
export function mixedArbitrary(family: Family): fc.Arbitrary<FuzzCase> {
  return fc.oneof(
    ...family.modes.map((mode) => ({
      weight: mode === 'normal' ? 6 : mode === 'exact' ? 3 : 1,
      arbitrary: family.arbitrary(mode),
    })),
  );
}

/** The first node's attributes, for families' refusal and divergence rules. */
export function mainAttributes(c: FuzzCase): Record<string, unknown> {
  return (c.nodes[0]?.attributes ?? {}) as Record<string, unknown>;
}
