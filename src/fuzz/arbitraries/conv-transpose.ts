import fc from 'fast-check';
import { effectiveKernel } from '../../kernels/geometry.js';
import type { AxisWindow } from '../boundary.js';
import type { FuzzCase, InputSpec, ValueMode } from '../case.js';
import { mainAttributes, type Family } from '../family.js';
import { dimsText, enumOf, opsetsOf, product, valueSeedArb } from './common.js';
import { groupedChannels, rawAxesArb, type RawAxis } from './window.js';

/**
 * ConvTranspose, 1-D to 3-D: groups (depthwise included), kernel 1–5, stride and dilation 1–4 per axis, and each
 * way of fixing the output size: explicit pads (asymmetric, up to the dilated kernel − 1), output_padding (below
 * the stride or the dilation, which is what PyTorch allows), output_shape, and auto_pad SAME_UPPER / SAME_LOWER /
 * VALID.
 */

const SIZE_MODES = ['pads', 'output_shape'] as const;

const structureArb = fc.record({
  rank: fc.integer({ min: 1, max: 3 }),
  axes: rawAxesArb,
  outputPadding: fc.tuple(fc.nat({ max: 3 }), fc.nat({ max: 3 }), fc.nat({ max: 3 })),
  /** Output size below the full scatter for output_shape, as a fraction of the room there is. */
  crop: fc.tuple(fc.nat({ max: 16 }), fc.nat({ max: 16 }), fc.nat({ max: 16 })),
  batch: fc.integer({ min: 1, max: 2 }),
  group: fc.integer({ min: 1, max: 3 }),
  inPerGroup: fc.integer({ min: 1, max: 3 }),
  outPerGroup: fc.integer({ min: 1, max: 3 }),
  bias: fc.boolean(),
  upper: fc.boolean(),
  withOutputPadding: fc.boolean(),
  pastStride: fc.integer({ min: 0, max: 3 }).map((v) => v === 0),
  writeDefaults: fc.boolean(),
  valueSeed: valueSeedArb,
});

type Structure = typeof structureArb extends fc.Arbitrary<infer T> ? T : never;

interface Axis extends Omit<AxisWindow, 'output'> {
  outputPadding: number;
  output?: number;
}

function axisFor(raw: RawAxis, op: number, crop: number, how: string, maxExtra: number, pastStride: boolean): Axis {
  const { kernel, stride, dilation } = raw;
  const eff = effectiveKernel(kernel, dilation);
  // PyTorch allows output_padding < stride or < dilation (aten/src/ATen/native/ConvUtils.h check_input_shape...);
  // onnxruntime only < stride, so the second kind is drawn in one case of four and counted as a refusal.
  const outputPadding = op % (pastStride ? Math.max(stride, dilation) : stride);
  const extra = raw.extra % (maxExtra + 1);
  if (how === 'pads') {
    const padBegin = raw.padBegin % eff;
    const padEnd = raw.padEnd % eff;
    // Output (in − 1)·s + eff + op − pads must be ≥ 1.
    const need = padBegin + padEnd + 1 - eff - outputPadding;
    const input = 1 + extra + (need > 0 ? Math.ceil(need / stride) : 0);
    return { input, kernel, stride, dilation, padBegin, padEnd, outputPadding };
  }
  const input = 1 + extra;
  const span = (input - 1) * stride + eff + outputPadding;
  if (how === 'output_shape') {
    // Any size from the full scatter down, cropping at most 2·(eff − 1) cells as pads could.
    const room = Math.min(2 * (eff - 1), span - 1);
    return { input, kernel, stride, dilation, padBegin: 0, padEnd: 0, outputPadding, output: span - (crop % (room + 1)) };
  }
  return { input, kernel, stride, dilation, padBegin: 0, padEnd: 0, outputPadding };
}

function convTransposeCase(opset: number, how: string, s: Structure, mode: ValueMode): FuzzCase {
  const small = s.rank === 3;
  const axes = s.axes
    .slice(0, s.rank)
    .map((raw, i) => axisFor(raw, s.withOutputPadding ? s.outputPadding[i]! : 0, s.crop[i]!, how, small ? 2 : 5, s.pastStride));
  const { group, inPerGroup, outPerGroup, c, m } = groupedChannels(s, small);
  const kernel = axes.map((a) => a.kernel);
  const xDims = [s.batch, c, ...axes.map((a) => a.input)];
  const wDims = [c, outPerGroup, ...kernel];
  const attributes: Record<string, number | string | number[]> = {};
  const autoPad = how === 'pads' || how === 'output_shape' ? (how === 'output_shape' && s.upper ? 'SAME_UPPER' : 'NOTSET') : how;
  if (s.writeDefaults || autoPad !== 'NOTSET') attributes.auto_pad = autoPad;
  if (s.writeDefaults || group !== 1) attributes.group = group;
  if (s.writeDefaults) attributes.kernel_shape = kernel;
  if (s.writeDefaults || axes.some((a) => a.stride !== 1)) attributes.strides = axes.map((a) => a.stride);
  if (s.writeDefaults || axes.some((a) => a.dilation !== 1)) attributes.dilations = axes.map((a) => a.dilation);
  if (how === 'pads' && (s.writeDefaults || axes.some((a) => a.padBegin || a.padEnd))) {
    attributes.pads = [...axes.map((a) => a.padBegin), ...axes.map((a) => a.padEnd)];
  }
  if (s.writeDefaults || axes.some((a) => a.outputPadding)) attributes.output_padding = axes.map((a) => a.outputPadding);
  if (how === 'output_shape') attributes.output_shape = axes.map((a) => a.output!);
  const inputs: InputSpec[] = [
    { name: 'X', dims: xDims, role: 'data' },
    { name: 'W', dims: wDims, role: 'weight' },
  ];
  if (s.bias) inputs.push({ name: 'B', dims: [m], role: 'bias' });
  const classes = [`${s.rank}-D`, how === 'pads' ? 'explicit pads' : how === 'output_shape' ? 'output_shape' : `auto_pad ${how}`];
  if (axes.some((a) => a.outputPadding > 0)) classes.push('output_padding > 0');
  if (axes.some((a) => a.outputPadding >= a.stride)) classes.push('output_padding ≥ stride (allowed by dilation)');
  if (axes.some((a) => a.padBegin !== a.padEnd)) classes.push('asymmetric pads');
  if (axes.some((a) => a.stride > effectiveKernel(a.kernel, a.dilation))) classes.push('stride > effective kernel (gaps in the output)');
  if (axes.some((a) => a.stride > 1)) classes.push('stride > 1');
  if (axes.some((a) => a.dilation > 1)) classes.push('dilation > 1');
  if (group > 1) classes.push(inPerGroup === 1 ? 'depthwise' : 'grouped');
  if (s.bias) classes.push('bias');
  const list = (f: (a: Axis) => number) => `[${axes.map(f).join(',')}]`;
  const size =
    how === 'pads' ? `p=[${attributes.pads ? (attributes.pads as number[]).join(',') : axes.map(() => '0,0').join(',')}]` : how === 'output_shape' ? `output_shape=${list((a) => a.output!)}${s.upper ? ' SAME_UPPER' : ''}` : `auto_pad=${how}`;
  return {
    family: 'convtranspose',
    op: 'ConvTranspose',
    title: `ConvTranspose ${s.rank}-D x=${dimsText(xDims)} w=${dimsText(wDims)} g=${group} s=${list((a) => a.stride)} d=${list((a) => a.dilation)} op=${list((a) => a.outputPadding)} ${size}${s.bias ? ' bias' : ''} opset ${opset}`,
    opset,
    nodes: [{ opType: 'ConvTranspose', inputs: inputs.map((i) => i.name), outputs: ['Y'], attributes }],
    inputs,
    outputs: ['Y'],
    values: mode,
    valueSeed: s.valueSeed,
    classes,
    check: mode === 'exact' ? { kind: 'exact' } : { kind: 'reduction', terms: inPerGroup * product(kernel) + (s.bias ? 1 : 0) },
  };
}

export function convTransposeArbitrary(mode: ValueMode): fc.Arbitrary<FuzzCase> {
  return fc.oneof(
    ...opsetsOf('ConvTranspose').flatMap((opset) => {
      const modes = [...SIZE_MODES, ...enumOf<string>('ConvTranspose', opset, 'auto_pad').filter((p) => p !== 'NOTSET')];
      return modes.map((how) => ({ weight: how === 'pads' ? 4 : 1, arbitrary: structureArb.map((s) => convTransposeCase(opset, how, s, mode)) }));
    }),
  );
}

export const convTransposeFamily: Family = {
  name: 'convtranspose',
  summary: 'ConvTranspose 1-D to 3-D: groups, strides, dilations, pads, output_padding, output_shape, auto_pad',
  ops: ['ConvTranspose'],
  modes: ['normal', 'exact', 'cancel', 'zeros', 'nonfinite'],
  arbitrary: convTransposeArbitrary,
  expectedRefusal(c) {
    const a = mainAttributes(c);
    const strides = (a.strides as number[] | undefined) ?? [];
    const op = (a.output_padding as number[] | undefined) ?? [];
    if (op.some((p, i) => p >= (strides[i] ?? 1))) return 'onnxruntime requires output_padding < stride (PyTorch also accepts output_padding < dilation)';
    return undefined;
  },
  knownDivergence(c) {
    const a = mainAttributes(c);
    if (a.auto_pad !== 'SAME_UPPER' && a.auto_pad !== 'SAME_LOWER') return undefined;
    const kernel = c.inputs[1]!.dims.slice(2);
    const input = c.inputs[0]!.dims.slice(2);
    const strides = (a.strides as number[] | undefined) ?? kernel.map(() => 1);
    const dilations = (a.dilations as number[] | undefined) ?? kernel.map(() => 1);
    const op = (a.output_padding as number[] | undefined) ?? kernel.map(() => 0);
    const short = kernel.some((k, i) => (input[i]! - 1) * strides[i]! + effectiveKernel(k, dilations[i]!) + op[i]! < input[i]! * strides[i]!);
    // ONNX ConvTranspose-11: with SAME_*, "output_shape[i] = input_shape[i] * strides[i]" — beyond the scatter the
    // padding is negative, and torchparity adds the missing cells at the end (bias only). onnxruntime clamps the
    // padding at 0 and returns the shorter scatter. PyTorch has no SAME for transposed convolution.
    return short ? 'SAME with input·stride beyond the scatter: ONNX says input·stride outputs, onnxruntime returns the scatter' : undefined;
  },
};
