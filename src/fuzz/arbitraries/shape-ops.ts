import fc from 'fast-check';
import { versionsOf } from '../../ops/registry.js';
import type { CaseNode, FuzzCase, InputSpec, ValueMode } from '../case.js';
import type { Family } from '../family.js';
import { declarationFor, dimsText, enumOf, hasAttr, opsetsOf, product, valueSeedArb } from './common.js';

/**
 * Data-movement ops, every declared version from opset 7, in each form the version has (attributes before 13,
 * inputs after; negative axes from 11): Transpose (explicit and default perm), Reshape (−1, copied 0, allowzero),
 * Flatten, Squeeze (explicit and default axes), Unsqueeze, Concat (1–3 inputs), Slice (negative and clamped
 * starts/ends, steps ±1–3, axes subsets), Split (sizes, equal parts, num_outputs), Expand, Tile, Gather (negative
 * indices, index ranks 0–2), DepthToSpace (DCR/CRD) and SpaceToDepth. Results move values without arithmetic:
 * bit-exact.
 */

const OPS = ['Transpose', 'Reshape', 'Flatten', 'Squeeze', 'Unsqueeze', 'Concat', 'Slice', 'Split', 'Expand', 'Tile', 'Gather', 'DepthToSpace', 'SpaceToDepth'].filter(
  (op) => versionsOf(op).length > 0,
);

const structureArb = fc.record({
  dims: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }),
  keys: fc.array(fc.nat({ max: 99 }), { minLength: 6, maxLength: 6 }),
  ints: fc.array(fc.integer({ min: -6, max: 6 }), { minLength: 8, maxLength: 8 }),
  flags: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
  count: fc.integer({ min: 1, max: 3 }),
  valueSeed: valueSeedArb,
});

type Structure = typeof structureArb extends fc.Arbitrary<infer T> ? T : never;

const mod = (a: number, n: number) => ((a % n) + n) % n;

interface Built {
  dims: number[];
  node: Omit<CaseNode, 'opType'>;
  inputs: InputSpec[];
  classes: string[];
  text: string;
}

function ints(name: string, values: number[]): InputSpec {
  return { name, dims: [values.length], role: 'index', dtype: 'int64', fixed: values, constant: true };
}

/** An axis of `rank` in [0, rank), spelled negatively when the flag says so and the version allows it. */
function axisSpelling(axis: number, rank: number, negative: boolean, opset: number): number {
  return negative && opset >= 11 ? axis - rank : axis;
}

function build(op: string, opset: number, s: Structure): Built {
  const dims = [...s.dims];
  const rank = dims.length;
  const f = s.flags;
  const X = (d: number[]): InputSpec => ({ name: 'X', dims: d, role: 'data' });
  switch (op) {
    case 'Transpose': {
      const perm = dims.map((_, i) => i).sort((a, b) => s.keys[a]! - s.keys[b]! || a - b);
      const attributes: Record<string, number[]> = f[0] ? {} : { perm };
      return { dims, node: { inputs: ['X'], outputs: ['Y'], attributes }, inputs: [X(dims)], classes: [f[0] ? 'default perm' : 'perm'], text: f[0] ? '' : `perm=${dimsText(perm)}` };
    }
    case 'Reshape': {
      // Same elements, regrouped: a shuffled copy of the dims, two neighbours merged, one written as −1 or 0.
      let target = dims.map((_, i) => i).sort((a, b) => s.keys[a]! - s.keys[b]!).map((i) => dims[i]!);
      if (f[0] && target.length > 1) target = [target[0]! * target[1]!, ...target.slice(2)];
      const shape = [...target];
      const allowzero = hasAttr('Reshape', opset, 'allowzero') && f[3] ? 1 : 0;
      if (f[1]) shape[mod(s.ints[0]!, shape.length)] = -1;
      const copyAt = shape.findIndex((d, i) => d !== -1 && d === dims[i]);
      if (f[2] && !allowzero && copyAt >= 0) shape[copyAt] = 0;
      const classes = [shape.includes(-1) ? 'shape −1' : 'explicit shape', ...(shape.includes(0) ? ['shape 0 copies'] : []), ...(allowzero ? ['allowzero'] : [])];
      return { dims, node: { inputs: ['X', 'shape'], outputs: ['Y'], attributes: allowzero ? { allowzero } : {} }, inputs: [X(dims), ints('shape', shape)], classes, text: `shape=${dimsText(shape)}` };
    }
    case 'Flatten': {
      const axis = mod(s.ints[0]!, rank + 1);
      const written = f[0] && opset >= 11 ? axis - rank : axis;
      return { dims, node: { inputs: ['X'], outputs: ['Y'], attributes: { axis: written } }, inputs: [X(dims)], classes: [`axis ${axis === 0 ? '0' : axis === rank ? 'r' : 'inner'}`], text: `axis=${written}` };
    }
    case 'Squeeze': {
      const squeezed = dims.map((d, i) => (f[i] ? 1 : d));
      const ones = squeezed.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0);
      const chosen = ones.filter((_, k) => s.keys[k]! % 3 !== 0);
      const axes = (chosen.length ? chosen : ones.slice(0, 1)).map((a) => axisSpelling(a, rank, f[5]!, opset));
      const byInput = declarationFor('Squeeze', opset).inputs.length > 1;
      const useDefault = f[4] || axes.length === 0;
      const inputs = [X(squeezed)];
      const node: Built['node'] = { inputs: ['X'], outputs: ['Y'], attributes: {} };
      if (!useDefault) {
        if (byInput) {
          inputs.push(ints('axes', axes));
          node.inputs.push('axes');
        } else node.attributes = { axes };
      }
      return { dims: squeezed, node, inputs, classes: [useDefault ? 'default axes (all 1s)' : byInput ? 'axes input' : 'axes attribute'], text: useDefault ? '' : `axes=${dimsText(axes)}` };
    }
    case 'Unsqueeze': {
      const outRank = rank + (f[0] ? 2 : 1);
      const first = mod(s.ints[0]!, outRank);
      const axes = f[0] ? [first, mod(first + 1 + mod(s.ints[1]!, outRank - 1), outRank)] : [first];
      const written = axes.map((a) => axisSpelling(a, outRank, f[5]!, opset));
      const byInput = declarationFor('Unsqueeze', opset).inputs.length > 1;
      const node: Built['node'] = { inputs: byInput ? ['X', 'axes'] : ['X'], outputs: ['Y'], attributes: byInput ? {} : { axes: written } };
      return { dims, node, inputs: byInput ? [X(dims), ints('axes', written)] : [X(dims)], classes: [byInput ? 'axes input' : 'axes attribute', `${axes.length} new axes`], text: `axes=${dimsText(written)}` };
    }
    case 'Concat': {
      const axis = mod(s.ints[0]!, rank);
      const parts = Array.from({ length: s.count }, (_, k) => dims.map((d, i) => (i === axis ? 1 + mod(s.ints[k + 1]!, 3) : d)));
      const inputs = parts.map((d, k): InputSpec => ({ name: `X${k}`, dims: d, role: 'data' }));
      const written = axisSpelling(axis, rank, f[0]!, opset);
      return { dims, node: { inputs: inputs.map((i) => i.name), outputs: ['Y'], attributes: { axis: written } }, inputs, classes: [`${s.count} inputs`], text: `axis=${written} inputs=${parts.map(dimsText).join(' ')}` };
    }
    case 'Slice': {
      const axes = dims.map((_, i) => i).filter((i) => f[i] || i === 0);
      const starts: number[] = [];
      const ends: number[] = [];
      const steps: number[] = [];
      const classes = new Set<string>();
      axes.forEach((a, k) => {
        const d = dims[a]!;
        const lo = mod(s.keys[k]!, d);
        const hi = lo + 1 + mod(s.keys[k + 1]!, d - lo);
        const step = 1 + mod(s.ints[k]!, 3);
        if (s.ints[k + 4]! < 0) {
          // Backwards from hi − 1 down to lo; an end of −d−1 or below clamps to "before index 0".
          starts.push(f[7] ? hi - 1 - d : hi - 1);
          ends.push(lo === 0 ? -d - 1 - mod(s.keys[k]!, 3) : lo - 1);
          steps.push(-step);
          classes.add('negative step');
        } else {
          starts.push(f[6] ? lo - d : lo);
          ends.push(hi === d && f[7] ? d + 1000 : hi);
          steps.push(step);
          if (hi === d && f[7]) classes.add('end past the axis (clamped)');
        }
        if (step > 1) classes.add('step > 1');
      });
      if (f[6]) classes.add('negative starts');
      const inputs = [X(dims), ints('starts', starts), ints('ends', ends), ints('axes', axes.map((a) => axisSpelling(a, rank, f[5]!, opset))), ints('steps', steps)];
      return { dims, node: { inputs: inputs.map((i) => i.name), outputs: ['Y'], attributes: {} }, inputs, classes: [...classes], text: `starts=${dimsText(starts)} ends=${dimsText(ends)} axes=${dimsText(axes)} steps=${dimsText(steps)}` };
    }
    case 'Split': {
      const axis = mod(s.ints[0]!, rank);
      const d = dims[axis]!;
      const count = Math.min(s.count, d);
      // Sizes: count parts summing to d.
      const sizes = Array.from({ length: count }, () => 1);
      for (let r = d - count, k = 0; r > 0; r--, k++) sizes[mod(s.keys[k % s.keys.length]! + k, count)]!++;
      const written = axisSpelling(axis, rank, f[0]!, opset);
      const outputs = sizes.map((_, k) => `Y${k}`);
      const node: Built['node'] = { inputs: ['X'], outputs, attributes: { axis: written } };
      const inputs = [X(dims)];
      let how: string;
      if (hasAttr('Split', opset, 'num_outputs') && f[1]) {
        // num_outputs: ceil-sized parts, the last one smaller (ONNX Split-18).
        const n = Math.min(s.count, d);
        const part = Math.ceil(d / n);
        node.outputs = Array.from({ length: Math.ceil(d / part) }, (_, k) => `Y${k}`);
        node.attributes = { axis: written, num_outputs: node.outputs.length };
        how = 'num_outputs';
      } else if (f[2] && d % count === 0 && !hasAttr('Split', opset, 'num_outputs')) {
        // Split-18 requires the split input or num_outputs ("Either input 'split' or the attribute 'num_outputs'
        // should be specified"); before, equal parts by output count is the default.
        how = 'equal parts';
      } else if (hasAttr('Split', opset, 'split')) {
        node.attributes = { axis: written, split: sizes };
        how = 'split attribute';
      } else {
        inputs.push(ints('split', sizes));
        node.inputs.push('split');
        how = 'split input';
      }
      return { dims, node, inputs, classes: [how, `${node.outputs.length} outputs`], text: `axis=${written} ${how}${how.startsWith('split') ? ` ${dimsText(sizes)}` : ''}` };
    }
    case 'Expand': {
      const target = dims.map((d, i) => (f[i] ? d : 1));
      const shape = [...(f[4] ? [1 + mod(s.ints[0]!, 3)] : []), ...dims.map((d, i) => (f[i] ? (s.keys[i]! % 2 ? 1 : d) : d))];
      const out = [...(f[4] ? [shape[0]!] : []), ...dims];
      const inputs = [X(target), ints('shape', shape)];
      return { dims: out, node: { inputs: ['X', 'shape'], outputs: ['Y'], attributes: {} }, inputs, classes: [f[4] ? 'new leading axis' : 'same rank', ...(shape.some((v, i) => v === 1 && (out[i] ?? 1) > 1) ? ['shape 1 keeps input dim'] : [])], text: `x=${dimsText(target)} shape=${dimsText(shape)}` };
    }
    case 'Tile': {
      const repeats = dims.map((_, i) => 1 + mod(s.ints[i]!, 3));
      return { dims, node: { inputs: ['X', 'repeats'], outputs: ['Y'], attributes: {} }, inputs: [X(dims), ints('repeats', repeats)], classes: [repeats.every((r) => r === 1) ? 'repeats 1' : 'repeats > 1'], text: `repeats=${dimsText(repeats)}` };
    }
    case 'Gather': {
      const axis = mod(s.ints[0]!, rank);
      const d = dims[axis]!;
      const indexRank = mod(s.ints[1]!, 3);
      const indexDims = Array.from({ length: indexRank }, (_, k) => 1 + mod(s.keys[k]!, 3));
      const values = Array.from({ length: product(indexDims) }, (_, k) => mod(s.keys[k % 6]! + 7 * k, 2 * d) - d);
      const indices: InputSpec = { name: 'indices', dims: indexDims, role: 'index', dtype: 'int64', fixed: values, constant: true };
      const written = axisSpelling(axis, rank, f[0]!, opset);
      return { dims, node: { inputs: ['X', 'indices'], outputs: ['Y'], attributes: { axis: written } }, inputs: [X(dims), indices], classes: [`indices rank ${indexRank}`, ...(values.some((v) => v < 0) ? ['negative indices'] : [])], text: `axis=${written} indices=${dimsText(indexDims)}:${dimsText(values)}` };
    }
    case 'DepthToSpace':
    case 'SpaceToDepth': {
      const b = 1 + mod(s.ints[0]!, 3);
      const [n, c, h, w] = [dims[0]!, dims[1] ?? 1, dims[2] ?? 2, dims[3] ?? 2];
      const x = op === 'DepthToSpace' ? [n, c * b * b, h, w] : [n, c, h * b, w * b];
      const modes = hasAttr(op, opset, 'mode') ? enumOf<string>(op, opset, 'mode') : [];
      const attributes: Record<string, number | string> = { blocksize: b };
      if (modes.length && f[0]) attributes.mode = modes[mod(s.ints[1]!, modes.length)]!;
      return { dims: x, node: { inputs: ['X'], outputs: ['Y'], attributes }, inputs: [X(x)], classes: [`blocksize ${b}`, ...(attributes.mode ? [`mode ${attributes.mode}`] : [])], text: `blocksize=${b}${attributes.mode ? ` mode=${attributes.mode}` : ''}` };
    }
    default:
      throw new Error(`no shape-op builder for ${op}`);
  }
}

function shapeOpCase(op: string, opset: number, s: Structure, mode: ValueMode): FuzzCase {
  const b = build(op, opset, s);
  return {
    family: 'shape',
    op,
    title: `${op} x=${dimsText(b.inputs[0]!.dims)}${b.text ? ' ' + b.text : ''} opset ${opset}`,
    opset,
    nodes: [{ opType: op, ...b.node }],
    inputs: b.inputs,
    outputs: b.node.outputs,
    values: mode,
    valueSeed: s.valueSeed,
    classes: [`rank ${b.inputs[0]!.dims.length}`, ...b.classes],
    check: { kind: 'exact' },
  };
}

/** Versions from 7 whose data input takes float32 (every one here); Slice from 10 (inputs form). */
function shapeOpsets(op: string): number[] {
  return opsetsOf(op).filter((opset) => op !== 'Slice' || opset >= 10);
}

export function shapeOpsArbitrary(mode: ValueMode): fc.Arbitrary<FuzzCase> {
  return fc.oneof(...OPS.flatMap((op) => shapeOpsets(op).map((opset) => structureArb.map((s) => shapeOpCase(op, opset, s, mode)))));
}

export const shapeOpsFamily: Family = {
  name: 'shape',
  summary: `data movement: ${OPS.join(', ')}`,
  ops: OPS,
  modes: ['normal', 'nonfinite'],
  arbitrary: shapeOpsArbitrary,
};
