import fc from 'fast-check';
import { windowClasses, writtenAxes } from '../boundary.js';
import type { FuzzCase, InputSpec, ValueMode } from '../case.js';
import { mainAttributes, type Family } from '../family.js';
import { dimsText, enumOf, opsetsOf, product, valueSeedArb } from './common.js';
import { geometryText, groupedChannels, padsAttr, rawAxesArb, resolveAxis } from './window.js';

/**
 * Conv, 1-D to 3-D: batch 1–3; channels as group × per-group (depthwise when one channel per group, channel
 * multipliers when a group has several outputs); kernel 1–5, stride and dilation 1–4 per axis independently; pads
 * 0..k−1 per side, asymmetric; every auto_pad mode the declaration lists; bias on or off; spatial sizes chosen so
 * that at least one window fits. Attribute spellings vary too: defaults omitted or written out, kernel_shape given
 * or left to the weight, weights fed or stored as initializers. One case in 25 is wide instead: 2-D 3 × 3 at stride 1
 * with 16–22 channels in and out and outputs of 9 × 9 and up, where reductions are long and panels many (the shapes
 * a session with LoadOptions.winograd would compute by Winograd, kernels/conv-winograd.ts).
 */

const structureArb = fc.record({
  rank: fc.integer({ min: 1, max: 3 }),
  axes: rawAxesArb,
  batch: fc.integer({ min: 1, max: 3 }),
  group: fc.integer({ min: 1, max: 4 }),
  inPerGroup: fc.integer({ min: 1, max: 3 }),
  outPerGroup: fc.integer({ min: 1, max: 3 }),
  bias: fc.boolean(),
  writeDefaults: fc.boolean(),
  kernelShapeAttr: fc.boolean(),
  constantWeights: fc.boolean(),
  /** SAME with dilation is a case onnxruntime refuses; keep it to one SAME case in four so the rest are checked. */
  sameDilated: fc.integer({ min: 0, max: 3 }).map((v) => v === 0),
  /** The top value, not 0, so that shrinking moves a failing case toward the small shapes. */
  wide: fc.integer({ min: 0, max: 24 }).map((v) => v === 24),
  valueSeed: valueSeedArb,
});

type Structure = typeof structureArb extends fc.Arbitrary<infer T> ? T : never;

function convCase(opset: number, autoPad: string, s: Structure, mode: ValueMode): FuzzCase {
  // 3-D cases stay small: fewer input cells per axis, at most two groups of two channels.
  const wide = s.wide;
  const rank = wide ? 2 : s.rank;
  const small = rank === 3;
  const noDilation = autoPad.startsWith('SAME') && !s.sameDilated;
  const axes = s.axes
    .slice(0, rank)
    .map((raw) => (wide ? { ...raw, kernel: 3, stride: 1, dilation: 1, extra: 8 + (raw.extra % 8) } : raw))
    .map((raw) => resolveAxis(raw, autoPad, { maxPad: (a) => a.kernel - 1, maxExtra: small ? 3 : wide ? 15 : 8, noDilation }));
  const { group, inPerGroup, outPerGroup, c, m } = wide
    ? { group: 1, inPerGroup: 14 + 2 * s.inPerGroup, outPerGroup: 14 + 2 * s.outPerGroup, c: 14 + 2 * s.inPerGroup, m: 14 + 2 * s.outPerGroup }
    : groupedChannels(s, small);
  const kernel = axes.map((a) => a.kernel);
  const xDims = [s.batch, c, ...axes.map((a) => a.input)];
  const wDims = [m, inPerGroup, ...kernel];
  const attributes: Record<string, number | string | number[]> = {};
  if (s.writeDefaults || autoPad !== 'NOTSET') attributes.auto_pad = autoPad;
  if (s.writeDefaults || group !== 1) attributes.group = group;
  if (s.kernelShapeAttr) attributes.kernel_shape = kernel;
  if (s.writeDefaults || axes.some((a) => a.stride !== 1)) attributes.strides = axes.map((a) => a.stride);
  if (s.writeDefaults || axes.some((a) => a.dilation !== 1)) attributes.dilations = axes.map((a) => a.dilation);
  const pads = padsAttr(axes);
  if (autoPad === 'NOTSET' && (s.writeDefaults || pads.some((p) => p !== 0))) attributes.pads = pads;
  const inputs: InputSpec[] = [
    { name: 'X', dims: xDims, role: 'data' },
    { name: 'W', dims: wDims, role: 'weight', constant: s.constantWeights || undefined },
  ];
  if (s.bias) inputs.push({ name: 'B', dims: [m], role: 'bias', constant: s.constantWeights || undefined });
  const classes = windowClasses(axes, autoPad);
  classes.push(`${rank}-D`);
  if (wide) classes.push('wide (Winograd-sized)');
  if (group > 1) classes.push(inPerGroup === 1 ? 'depthwise' : 'grouped');
  if (outPerGroup > 1 && group > 1) classes.push('channel multiplier > 1');
  if (s.bias) classes.push('bias');
  if (s.batch > 1) classes.push('batch > 1');
  if (!s.writeDefaults) classes.push('defaults omitted');
  const terms = inPerGroup * product(kernel) + (s.bias ? 1 : 0);
  return {
    family: 'conv',
    op: 'Conv',
    title: `Conv ${rank}-D x=${dimsText(xDims)} w=${dimsText(wDims)} g=${group} ${geometryText(axes, autoPad)}${s.bias ? ' bias' : ''} opset ${opset}`,
    opset,
    nodes: [{ opType: 'Conv', inputs: inputs.map((i) => i.name), outputs: ['Y'], attributes }],
    inputs,
    outputs: ['Y'],
    values: mode,
    valueSeed: s.valueSeed,
    classes,
    check: mode === 'exact' ? { kind: 'exact' } : { kind: 'reduction', terms },
  };
}

export function convArbitrary(mode: ValueMode): fc.Arbitrary<FuzzCase> {
  return fc.oneof(
    ...opsetsOf('Conv').flatMap((opset) =>
      enumOf<string>('Conv', opset, 'auto_pad').map((autoPad) => ({
        // Explicit pads are what exporters write almost always; the auto_pad modes still get a fair share.
        weight: autoPad === 'NOTSET' ? 4 : 1,
        arbitrary: structureArb.map((s) => convCase(opset, autoPad, s, mode)),
      })),
    ),
  );
}

/** onnxruntime's Conv refuses auto_pad=SAME_* with any dilation > 1 ("Dilation not supported for AutoPadType::SAME_UPPER or AutoPadType::SAME_LOWER"). */
export function sameWithDilation(c: FuzzCase): string | undefined {
  const a = mainAttributes(c);
  const same = a.auto_pad === 'SAME_UPPER' || a.auto_pad === 'SAME_LOWER';
  const dilations = (a.dilations as number[] | undefined) ?? [];
  return same && dilations.some((d) => d > 1) ? 'onnxruntime does not support auto_pad SAME_* with dilation > 1' : undefined;
}

export const convFamily: Family = {
  name: 'conv',
  summary: 'Conv 1-D to 3-D: groups, depthwise, strides, dilations, asymmetric pads, auto_pad, bias',
  ops: ['Conv'],
  modes: ['normal', 'exact', 'cancel', 'zeros', 'subnormal', 'nonfinite'],
  arbitrary: convArbitrary,
  expectedRefusal: sameWithDilation,
  knownDivergence(c) {
    const a = mainAttributes(c);
    const w = c.inputs[1]!.dims;
    if (writtenAxes(a, c.inputs[0]!.dims, w.slice(2)).negativeSame) {
      // onnxruntime's conv_attributes.h computes pad_needed = (ceil(in/s) − 1)·s + k − in without a clamp, so with a
      // stride beyond the kernel its first window starts inside the input (negative padding crops); torchparity
      // clamps at 0 as TensorFlow's SAME does. PyTorch's padding='same' needs stride 1, where this cannot happen.
      return 'negative SAME padding: onnxruntime crops the input, torchparity pads nothing (TensorFlow SAME)';
    }
    return undefined;
  },
};
