import { activationOps } from './activation/index.js';
import type { AnyOpDeclaration } from './declaration.js';
import { elementwiseOps } from './elementwise/index.js';
import { nnOps } from './nn/index.js';
import { reduceOps } from './reduce/index.js';
import { tensorOps } from './tensor/index.js';

/** Every op declaration torchparity has, grouped by (domain, op type), oldest version first. */
const byKey = new Map<string, AnyOpDeclaration[]>();

function key(domain: string, opType: string): string {
  return `${domain}::${opType}`;
}

for (const decl of [...nnOps, ...elementwiseOps, ...activationOps, ...reduceOps, ...tensorOps]) {
  const list = byKey.get(key(decl.domain, decl.opType)) ?? [];
  if (list.some((d) => d.since === decl.since)) {
    throw new Error(`duplicate declaration of ${decl.opType} since opset ${decl.since}`);
  }
  list.push(decl);
  list.sort((a, b) => a.since - b.since);
  byKey.set(key(decl.domain, decl.opType), list);
}

/** The newest declaration whose start opset is ≤ `opset` (and that was not removed before it). */
export function findOp(opType: string, domain: string, opset: number): AnyOpDeclaration | undefined {
  const versions = byKey.get(key(domain, opType));
  if (!versions) return undefined;
  let found: AnyOpDeclaration | undefined;
  for (const decl of versions) if (decl.since <= opset) found = decl;
  if (found?.until !== undefined && opset > found.until) return undefined;
  return found;
}

export function versionsOf(opType: string, domain = ''): readonly AnyOpDeclaration[] {
  return byKey.get(key(domain, opType)) ?? [];
}

export function allOpTypes(): { domain: string; opType: string; versions: readonly AnyOpDeclaration[] }[] {
  return [...byKey.values()]
    .map((versions) => ({ domain: versions[0]!.domain, opType: versions[0]!.opType, versions }))
    .sort((a, b) => a.opType.localeCompare(b.opType));
}
