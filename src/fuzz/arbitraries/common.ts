import fc from 'fast-check';
import type { AnyOpDeclaration, AttrSpec } from '../../ops/declaration.js';
import { findOp, versionsOf } from '../../ops/registry.js';

/**
 * Reading the op declarations, so arbitraries follow what the engine declares: which opsets have which attributes,
 * the values an enum attribute takes, an int attribute's range.
 */

/** The oldest opset fuzz models use: onnxruntime's CPU provider implements ops from opset 7 on. */
export const MIN_FUZZ_OPSET = 7;

export function declarationFor(opType: string, opset: number): AnyOpDeclaration {
  const decl = findOp(opType, '', opset);
  if (!decl) throw new Error(`torchparity has no ${opType} for opset ${opset}; the fuzz arbitraries expect one`);
  return decl;
}

export function attrSpecOf(opType: string, opset: number, name: string): AttrSpec | undefined {
  return (declarationFor(opType, opset).attributes as Record<string, AttrSpec>)[name];
}

export function hasAttr(opType: string, opset: number, name: string): boolean {
  return attrSpecOf(opType, opset, name) !== undefined;
}

/** The values an enum attribute (one with `oneOf`) takes in that opset. */
export function enumOf<T extends string | number>(opType: string, opset: number, name: string): readonly T[] {
  const spec = attrSpecOf(opType, opset, name);
  if (!spec || !('oneOf' in spec) || !spec.oneOf) throw new Error(`${opType}-${opset} declares no value list for '${name}'`);
  return spec.oneOf as readonly T[];
}

/**
 * One opset per declared version (its first, raised to MIN_FUZZ_OPSET when the version still holds there), so
 * every version of the op gets models. `onlyWith` keeps versions that declare all the named attributes.
 */
export function opsetsOf(opType: string, onlyWith: readonly string[] = []): number[] {
  const versions = versionsOf(opType);
  const opsets: number[] = [];
  versions.forEach((v, i) => {
    const next = versions[i + 1]?.since ?? Infinity;
    const opset = Math.max(v.since, MIN_FUZZ_OPSET);
    if (opset >= next) return;
    if (onlyWith.every((a) => (v.attributes as Record<string, AttrSpec>)[a] !== undefined)) opsets.push(opset);
  });
  if (opsets.length === 0) throw new Error(`no version of ${opType} fits the fuzzer (needs ${onlyWith.join(', ') || 'nothing'})`);
  return opsets;
}

export function opsetArb(opType: string, onlyWith: readonly string[] = []): fc.Arbitrary<number> {
  return fc.constantFrom(...opsetsOf(opType, onlyWith));
}

/** A seed for the case's tensor values. */
export const valueSeedArb = fc.integer({ min: 0, max: 0x7fffffff });

export function dimsText(dims: readonly number[]): string {
  return `[${dims.join(',')}]`;
}

export function product(values: readonly number[]): number {
  return values.reduce((a, b) => a * b, 1);
}
