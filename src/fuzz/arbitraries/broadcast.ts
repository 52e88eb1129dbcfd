import fc from 'fast-check';

/**
 * Shapes for numpy-style broadcasting, valid by construction: an output shape, and per input a suffix of it
 * (trailing alignment) whose dims are either the output's or 1.
 */

export const outputShapeArb = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 4 });

/** One input's draw: how many trailing axes it keeps, and which of them it collapses to 1. */
export const operandArb = fc.record({ drop: fc.nat({ max: 4 }), ones: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }) });

export type OperandDraw = typeof operandArb extends fc.Arbitrary<infer T> ? T : never;

export function operandDims(out: readonly number[], draw: OperandDraw, full = false): number[] {
  const rank = full ? out.length : out.length - (draw.drop % (out.length + 1));
  return out.slice(out.length - rank).map((d, i) => (draw.ones[i] ? 1 : d));
}

/** The broadcast result of some operand shapes (for titles and classes). */
export function broadcastOf(shapes: readonly (readonly number[])[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  return Array.from({ length: rank }, (_, i) => Math.max(1, ...shapes.map((s) => s[s.length - rank + i] ?? 1)));
}
