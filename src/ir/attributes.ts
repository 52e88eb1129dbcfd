import { TorchParityError } from '../errors.js';
import type { AttributeRecord, NodeRecord } from '../onnx/records.js';
import type { AnyOpDeclaration, AttrSpec } from '../ops/declaration.js';
import type { Tensor } from '../tensor.js';

/**
 * Checks a node's attributes against its op declaration and fills in defaults. An attribute the declaration does
 * not know, of the wrong type, or out of range is an error naming node, op and attribute: silently ignoring one
 * is exactly the kind of bug torchparity exists to catch.
 */
export function resolveAttributes(record: NodeRecord, decl: AnyOpDeclaration, nodeName: string): Record<string, unknown> {
  const context = (attribute: string) => ({ node: nodeName, op: record.opType, attribute });
  const invalid = (attribute: string, message: string, hint?: string) =>
    new TorchParityError('bad_attribute', message, context(attribute), hint);
  const specs = decl.attributes as Record<string, AttrSpec>;
  const given = new Map<string, AttributeRecord>();
  for (const a of record.attributes) {
    if (given.has(a.name)) throw invalid(a.name, 'is given twice');
    given.set(a.name, a);
  }
  const resolved: Record<string, unknown> = {};
  for (const [name, a] of given) {
    const spec = specs[name];
    if (!spec) {
      const known = Object.keys(specs);
      throw invalid(
        name,
        `is not an attribute of ${record.opType} (opset ${decl.since}${decl.until ? `–${decl.until}` : '+'})`,
        known.length ? `known attributes: ${known.join(', ')}` : `${record.opType} takes no attributes`,
      );
    }
    resolved[name] = checkValue(a, spec, (message, hint) => {
      throw invalid(name, message, hint);
    });
  }
  for (const [name, spec] of Object.entries(specs)) {
    if (name in resolved) continue;
    if (spec.required) throw invalid(name, 'is required but missing');
    if (spec.default !== undefined) resolved[name] = spec.default;
  }
  return resolved;
}

function checkValue(a: AttributeRecord, spec: AttrSpec, fail: (message: string, hint?: string) => never): unknown {
  if (a.kind !== spec.type) fail(`has type ${a.kind}, expected ${spec.type}`);
  const inRange = (v: number) => {
    if ('min' in spec && spec.min !== undefined && v < spec.min) fail(`value ${v} is below the minimum ${spec.min}`);
    if ('max' in spec && spec.max !== undefined && v > spec.max) fail(`value ${v} is above the maximum ${spec.max}`);
  };
  switch (spec.type) {
    case 'int': {
      const v = a.value as number;
      if (!Number.isFinite(v)) fail(`value ${v} is not a finite integer`);
      if (spec.oneOf && !spec.oneOf.includes(v)) fail(`value ${v} is not one of ${spec.oneOf.join(', ')}`);
      inRange(v);
      return v;
    }
    case 'ints': {
      const v = a.value as number[];
      // ±Infinity stands for the int64 extremes, which list attributes such as Slice-1 `ends` use for "unbounded".
      for (const x of v) inRange(x);
      return v;
    }
    case 'float': {
      const v = a.value as number;
      inRange(v);
      return v;
    }
    case 'string': {
      const v = a.value as string;
      if (spec.oneOf && !spec.oneOf.includes(v)) fail(`value '${v}' is not one of ${spec.oneOf.join(', ')}`);
      return v;
    }
    case 'floats':
    case 'strings':
      return a.value;
    case 'tensor':
      return a.value as Tensor;
  }
}
