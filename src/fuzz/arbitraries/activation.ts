import fc from 'fast-check';
import type { AttrSpec } from '../../ops/declaration.js';
import { versionsOf } from '../../ops/registry.js';
import type { CheckSpec, FuzzCase, InputSpec, ValueMode } from '../case.js';
import type { Family } from '../family.js';
import { operandArb, operandDims } from './broadcast.js';
import { declarationFor, dimsText, opsetsOf, valueSeedArb } from './common.js';

/**
 * Activations, every declared version from opset 7, attributes drawn from the declarations: float attributes
 * (alpha, beta, gamma, Clip's bounds) either left at their default or drawn from [0.05, 3], string enums (Gelu's
 * approximate) from their value list, Softmax/LogSoftmax's axis over the whole rank (negative too). PRelu's slope is
 * broadcast from a suffix of X's shape; Clip from opset 11 takes optional scalar min and max inputs. Data are
 * normal with scale 3, so saturating regions (sigmoid, tanh, softplus) are reached.
 */

/**
 * How close two libraries' results must be. Selection and single-rounding ops are bit-exact: Relu, LeakyRelu and
 * PRelu (one float32 product, and rounding x·α in double first then to float32 is the same: double rounding is
 * innocuous for ×), Clip. The others are transcendental, and onnxruntime's MLAS kernels evaluate them with
 * polynomial approximations, not correctly rounded: the budgets are ulps of the expected value plus an absolute
 * floor for outputs near 0 (where a relative budget means nothing for a function computed as 1 − something or
 * x − something, e.g. MLAS's sigmoid is off by up to 7e-8 absolutely at 0.01, 2000 ulps there). They were set from
 * the largest differences measured against onnxruntime 1.30 over about 2000 cases, with headroom of about 2×, and
 * stay far below what a wrong formula or attribute produces (≥ 1e-3).
 */
export const ACTIVATION_CHECKS: Record<string, CheckSpec> = {
  Relu: { kind: 'exact' },
  LeakyRelu: { kind: 'exact' },
  PRelu: { kind: 'exact' },
  Clip: { kind: 'exact' },
  // α·x + β rounds relative to |α·x| + |β| ≤ ~40 for these data and attributes, not to the clamped output.
  HardSigmoid: { kind: 'pointwise', ulps: 2, atol: 2 ** -17 },
  HardSwish: { kind: 'pointwise', ulps: 4, atol: 2 ** -20 },
  Softsign: { kind: 'pointwise', ulps: 4, atol: 0 },
  // α·(eˣ − 1) (Selu: γ·α·(eˣ − 1)) computed as exp minus 1 loses up to an ulp of 1 (2^-23) to cancellation near
  // x = 0, scaled by α·γ ≤ 9 for these attributes: ~1.1e-6 (a 5-minute campaign met 2.9e-7 with γ·α = 7.1).
  Elu: { kind: 'pointwise', ulps: 8, atol: 2 ** -19 },
  Selu: { kind: 'pointwise', ulps: 8, atol: 2 ** -19 },
  Celu: { kind: 'pointwise', ulps: 8, atol: 2 ** -19 },
  Sigmoid: { kind: 'pointwise', ulps: 8, atol: 2 ** -22 },
  Tanh: { kind: 'pointwise', ulps: 8, atol: 2 ** -24 },
  Softplus: { kind: 'pointwise', ulps: 8, atol: 2 ** -24 },
  // x · Φ(x) and x · tanh(softplus(x)): the absolute error of the approximated factor (~1e-7 in MLAS) is multiplied
  // by |x|, up to ~12 for these data; a 5-minute campaign met 2.5e-7 at x ≈ −2.6 (Gelu, approximate=tanh).
  Gelu: { kind: 'pointwise', ulps: 16, atol: 2 ** -19 },
  Mish: { kind: 'pointwise', ulps: 16, atol: 2 ** -19 },
  Softmax: { kind: 'pointwise', ulps: 16, atol: 2 ** -30 },
  LogSoftmax: { kind: 'pointwise', ulps: 16, atol: 2 ** -20 },
};

export const ACTIVATIONS = Object.keys(ACTIVATION_CHECKS).filter((op) => versionsOf(op).length > 0);

const structureArb = fc.record({
  dims: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 }),
  /** Per attribute, in declaration order: leave at the default, or a draw in [0, 1) mapped into range. */
  attrs: fc.array(fc.option(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { nil: undefined }), { minLength: 4, maxLength: 4 }),
  slope: operandArb,
  clipMin: fc.option(fc.double({ min: -3, max: 0, noNaN: true }), { nil: undefined }),
  clipSpan: fc.option(fc.double({ min: 0, max: 4, noNaN: true }), { nil: undefined }),
  valueSeed: valueSeedArb,
});

type Structure = typeof structureArb extends fc.Arbitrary<infer T> ? T : never;

function activationCase(op: string, opset: number, s: Structure, mode: ValueMode): FuzzCase {
  const decl = declarationFor(op, opset);
  const rank = s.dims.length;
  const attributes: Record<string, number | string> = {};
  Object.entries(decl.attributes as Record<string, AttrSpec>).forEach(([name, spec], i) => {
    const u = s.attrs[i % s.attrs.length];
    if (u === undefined || name === 'consumed_inputs') return;
    if (spec.type === 'float') attributes[name] = Math.fround(name === 'min' ? -3 * u : name === 'max' ? 3 * u : 0.05 + 2.95 * u);
    else if (spec.type === 'string' && spec.oneOf) attributes[name] = spec.oneOf[Math.floor(u * spec.oneOf.length)]!;
    else if (spec.type === 'int' && name === 'axis') attributes[name] = Math.floor(u * 2 * rank) - rank;
  });
  const inputs: InputSpec[] = [{ name: 'X', dims: s.dims, role: 'data', dist: { kind: 'normal', scale: 3 } }];
  const classes = [`rank ${rank}`];
  if (op === 'PRelu') {
    const slope = operandDims(s.dims, s.slope);
    inputs.push({ name: 'slope', dims: slope, role: 'weight' });
    classes.push(slope.length < rank || slope.some((d, i) => d !== s.dims[rank - slope.length + i]) ? 'slope broadcast' : 'slope full');
  }
  const inputNames = inputs.map((i) => i.name);
  if (op === 'Clip' && decl.inputs.length > 1) {
    // Bounds as scalar inputs, each optional; min ≤ max so the result does not depend on which bound wins.
    if (s.clipMin !== undefined) inputs.push({ name: 'min', dims: [], role: 'bias', dist: { kind: 'uniform', min: s.clipMin, max: s.clipMin }, constant: true });
    if (s.clipSpan !== undefined) {
      const lo = s.clipMin ?? -3;
      inputs.push({ name: 'max', dims: [], role: 'bias', dist: { kind: 'uniform', min: lo + s.clipSpan, max: lo + s.clipSpan }, constant: true });
    }
    inputNames.push(s.clipMin !== undefined ? 'min' : '', s.clipSpan !== undefined ? 'max' : '');
    while (inputNames[inputNames.length - 1] === '') inputNames.pop();
    classes.push(`bounds: ${s.clipMin !== undefined ? 'min' : '-'}${s.clipSpan !== undefined ? ' max' : ' -'}`);
  }
  // Softmax before opset 13 defaults to axis 1, which a rank-1 input does not have: name the axis there.
  const axisSpec = (decl.attributes as Record<string, AttrSpec>).axis;
  if (axisSpec?.type === 'int' && attributes.axis === undefined && (axisSpec.default ?? 0) >= rank) attributes.axis = -1;
  if (op === 'Clip' && typeof attributes.min === 'number' && typeof attributes.max === 'number' && attributes.min > attributes.max) {
    [attributes.min, attributes.max] = [attributes.max, attributes.min];
  }
  for (const k of Object.keys(attributes)) classes.push(`${k} set`);
  const attrText = Object.entries(attributes).map(([k, v]) => `${k}=${v}`).join(' ');
  return {
    family: 'activation',
    op,
    title: `${op} x=${dimsText(s.dims)}${inputs.length > 1 ? ` ${inputs.slice(1).map((i) => `${i.name}=${dimsText(i.dims)}`).join(' ')}` : ''}${attrText ? ' ' + attrText : ''} opset ${opset}`,
    opset,
    nodes: [{ opType: op, inputs: inputNames, outputs: ['Y'], attributes }],
    inputs,
    outputs: ['Y'],
    values: mode,
    valueSeed: s.valueSeed,
    classes,
    check: ACTIVATION_CHECKS[op]!,
  };
}

export function activationArbitrary(mode: ValueMode): fc.Arbitrary<FuzzCase> {
  return fc.oneof(...ACTIVATIONS.flatMap((op) => opsetsOf(op).map((opset) => structureArb.map((s) => activationCase(op, opset, s, mode)))));
}

export const activationFamily: Family = {
  name: 'activation',
  summary: `activations: ${ACTIVATIONS.join(', ')}`,
  ops: ACTIVATIONS,
  modes: ['normal', 'zeros', 'subnormal', 'nonfinite'],
  arbitrary: activationArbitrary,
  knownDivergence(c, run) {
    if (c.op !== 'Clip') return undefined;
    // A missing bound is ∓FLT_MAX for onnxruntime (ONNX's attribute defaults in Clip-1/6; the type's lowest/max
    // for an absent input from 11), so ±∞ becomes ±3.4e38; torchparity keeps ±∞ as torch.clamp does with no bound
    // on that side (aten/src/ATen/native/TensorCompare.cpp, clamp).
    const ours = run.ours.Y!;
    const theirs = run.oracle.Y!;
    if (ours.data.length !== theirs.data.length) return undefined;
    let differs = false;
    for (let i = 0; i < ours.data.length; i++) {
      const a = ours.data[i]!;
      const b = theirs.data[i]!;
      if (a === b || (Number.isNaN(a) && Number.isNaN(b))) continue;
      if (!(Math.abs(a) === Infinity && Math.abs(b) === FLT_MAX && Math.sign(a) === Math.sign(b))) return undefined;
      differs = true;
    }
    return differs ? "a missing Clip bound is ±FLT_MAX in onnxruntime, turning ±∞ into ±3.4e38; torch.clamp keeps ±∞" : undefined;
  },
};

const FLT_MAX = 3.4028234663852886e38;
