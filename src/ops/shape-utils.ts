import type { Dim } from '../onnx/records.js';
import type { OpContext, ValueType } from './declaration.js';

/** The dims of a required input, failing with the node's name when its rank is unknown or wrong. */
export function requireDims(v: ValueType | undefined, what: string, ctx: OpContext, rank?: number | { min: number }): readonly Dim[] {
  if (!v) return ctx.shapeError(`${what} is missing`);
  if (!v.dims) return ctx.shapeError(`${what} has unknown rank`, 'declare the shape of the graph input it comes from');
  if (typeof rank === 'number' && v.dims.length !== rank) {
    ctx.shapeError(`${what} has rank ${v.dims.length} ([${v.dims.join(',')}]), expected ${rank}`);
  }
  if (typeof rank === 'object' && v.dims.length < rank.min) {
    ctx.shapeError(`${what} has rank ${v.dims.length} ([${v.dims.join(',')}]), expected at least ${rank.min}`);
  }
  return v.dims;
}

export function isKnown(d: Dim | undefined): d is number {
  return typeof d === 'number';
}

export function allKnown(dims: readonly Dim[]): dims is number[] {
  return dims.every(isKnown);
}

/** Two dims that must be equal; symbols are trusted to match at run time, where the engine checks them. */
export function sameDim(a: Dim, b: Dim): boolean {
  return typeof a !== 'number' || typeof b !== 'number' || a === b;
}

/** numpy-style broadcasting of dims, for shape inference. */
export function broadcastDims(shapes: readonly (readonly Dim[])[], ctx: OpContext): Dim[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    let result: Dim = 1;
    for (const s of shapes) {
      const d = s[s.length - rank + i] ?? 1;
      if (d === 1) continue;
      if (result === 1) result = d;
      else if (typeof result === 'number' && typeof d === 'number' && result !== d) {
        ctx.shapeError(`shapes ${shapes.map((x) => `[${x.join(',')}]`).join(' and ')} do not broadcast`);
      } else if (typeof result === 'string' && typeof d === 'number') result = d;
    }
    out.push(result);
  }
  return out;
}

/** Normalizes a possibly negative axis against a rank, failing with a clear message. */
export function normalizeAxis(axis: number, rank: number, ctx: OpContext, attribute = 'axis'): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= Math.max(rank, 1)) {
    ctx.badAttribute(attribute, `axis ${axis} is out of range for rank ${rank}`, `use a value in [${-rank}, ${rank - 1}]`);
  }
  return axis < 0 ? axis + rank : axis;
}
