import fc from 'fast-check';
import type { FuzzCase, InputSpec, ValueMode } from '../case.js';
import type { Family } from '../family.js';
import { declarationFor, dimsText, enumOf, hasAttr, opsetsOf, valueSeedArb } from './common.js';

/**
 * Pad, every declared version from opset 7: every mode the version declares (constant, reflect, edge, wrap),
 * rank 1–4, per-axis begin and end pads within what PyTorch's F.pad accepts for the mode — constant and edge
 * (replicate) may also crop with negative pads, reflect pads stay below the axis size, wrap (circular) pads at
 * most the axis size — the constant as attribute (Pad-2) or optional scalar input (11+), and from 18 the axes
 * input (a subset of the axes, in any order, negative indices too). Data movement only: bit-exact.
 */

const structureArb = fc.record({
  dims: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 }),
  begin: fc.array(fc.integer({ min: -4, max: 4 }), { minLength: 4, maxLength: 4 }),
  end: fc.array(fc.integer({ min: -4, max: 4 }), { minLength: 4, maxLength: 4 }),
  mode: fc.nat({ max: 3 }),
  constant: fc.option(fc.integer({ min: -20, max: 20 }), { nil: undefined }),
  /** Axes input: which axes get pads (bit mask), their order, negative spelling. */
  axesMask: fc.option(fc.integer({ min: 1, max: 15 }), { nil: undefined }),
  reverseAxes: fc.boolean(),
  negativeAxes: fc.boolean(),
  valueSeed: valueSeedArb,
});

type Structure = typeof structureArb extends fc.Arbitrary<infer T> ? T : never;

/** A pad for an axis of `size` in `mode`, mapped into what the mode allows. */
function fitPad(p: number, size: number, mode: string): number {
  if (mode === 'reflect') return Math.abs(p) % size;
  if (mode === 'wrap') return Math.abs(p) % (size + 1);
  // constant / edge: crop at most size − 1 cells from one side (the other side is fitted after).
  return p < 0 ? -(Math.abs(p) % size) : p;
}

function padCase(opset: number, s: Structure, mode: ValueMode): FuzzCase {
  const modes = enumOf<string>('Pad', opset, 'mode');
  const padMode = modes[s.mode % modes.length]!;
  const rank = s.dims.length;
  const withAxes = declarationFor('Pad', opset).inputs.some((p) => p.name === 'axes') && s.axesMask !== undefined;
  let axes = withAxes ? [0, 1, 2, 3].filter((a) => a < rank && (s.axesMask! >> a) & 1) : s.dims.map((_, i) => i);
  if (axes.length === 0) axes = [0];
  if (withAxes && s.reverseAxes) axes = [...axes].reverse();
  const begin = axes.map((a, k) => fitPad(s.begin[k]!, s.dims[a]!, padMode));
  // The end pad must leave at least one cell when both sides crop.
  const end = axes.map((a, k) => {
    const e = fitPad(s.end[k]!, s.dims[a]!, padMode);
    return s.dims[a]! + begin[k]! + e >= 1 ? e : 1 - s.dims[a]! - begin[k]!;
  });
  const pads = [...begin, ...end];
  const attributes: Record<string, number | string | number[]> = {};
  if (s.mode % modes.length !== 0 || s.constant !== undefined) attributes.mode = padMode;
  const inputs: InputSpec[] = [{ name: 'data', dims: s.dims, role: 'data' }];
  const names = ['data'];
  if (hasAttr('Pad', opset, 'pads')) {
    attributes.pads = pads;
    if (s.constant !== undefined) attributes.value = s.constant / 4;
  } else {
    inputs.push({ name: 'pads', dims: [pads.length], role: 'index', dtype: 'int64', fixed: pads, constant: true });
    names.push('pads');
    if (s.constant !== undefined) {
      inputs.push({ name: 'value', dims: [], role: 'index', fixed: [s.constant / 4], constant: true });
      names.push('value');
    }
    if (withAxes) {
      const written = axes.map((a) => (s.negativeAxes ? a - rank : a));
      if (s.constant === undefined) names.push('');
      inputs.push({ name: 'axes', dims: [written.length], role: 'index', dtype: 'int64', fixed: written, constant: true });
      names.push('axes');
    }
  }
  const classes = [`mode ${padMode}`, `rank ${rank}`];
  if (pads.some((p) => p < 0)) classes.push('negative pads (crop)');
  if (begin.some((b, k) => b !== end[k])) classes.push('asymmetric pads');
  if (padMode === 'wrap' && axes.some((a, k) => Math.max(begin[k]!, end[k]!) === s.dims[a])) classes.push('wrap pad = axis size');
  if (padMode === 'reflect' && axes.some((a, k) => Math.max(begin[k]!, end[k]!) === s.dims[a]! - 1)) classes.push('reflect pad = size − 1');
  if (withAxes) classes.push('axes input');
  if (s.constant !== undefined) classes.push('constant value');
  return {
    family: 'pad',
    op: 'Pad',
    title: `Pad ${padMode} x=${dimsText(s.dims)} pads=${dimsText(pads)}${withAxes ? ` axes=${dimsText(axes)}` : ''}${s.constant !== undefined ? ` value=${s.constant / 4}` : ''} opset ${opset}`,
    opset,
    nodes: [{ opType: 'Pad', inputs: names, outputs: ['Y'], attributes }],
    inputs,
    outputs: ['Y'],
    values: mode,
    valueSeed: s.valueSeed,
    classes,
    check: { kind: 'exact' },
  };
}

export function padArbitrary(mode: ValueMode): fc.Arbitrary<FuzzCase> {
  return fc.oneof(...opsetsOf('Pad').map((opset) => structureArb.map((s) => padCase(opset, s, mode))));
}

export const padFamily: Family = {
  name: 'pad',
  summary: 'Pad: constant, reflect, edge, wrap; negative pads; constant value; axes input',
  ops: ['Pad'],
  modes: ['normal', 'nonfinite'],
  arbitrary: padArbitrary,
};
