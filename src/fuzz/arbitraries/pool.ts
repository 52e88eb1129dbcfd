import fc from 'fast-check';
import { effectiveKernel, poolOutputSize } from '../../kernels/geometry.js';
import { CLASS, windowClasses, writtenAxes, type AxisWindow } from '../boundary.js';
import type { FuzzCase, ValueMode } from '../case.js';
import { mainAttributes, type Family, type RunOutputs } from '../family.js';
import { dimsText, enumOf, hasAttr, opsetsOf, product, valueSeedArb } from './common.js';
import { geometryText, padsAttr, rawAxesArb, resolveAxis } from './window.js';

/**
 * MaxPool and AveragePool, 1-D to 3-D, every declared version: kernel 1–5, stride 1–4 and (where the version has
 * them) dilations 1–4 per axis; pads up to half the effective kernel per side (PyTorch's limit,
 * aten/src/ATen/native/Pool.h pool2d_shape_check: "pad should be at most half of effective kernel size"),
 * asymmetric; every auto_pad mode; ceil_mode and count_include_pad where declared; MaxPool's Indices output with
 * both storage orders.
 */

const structureArb = fc.record({
  rank: fc.integer({ min: 1, max: 3 }),
  axes: rawAxesArb,
  batch: fc.integer({ min: 1, max: 3 }),
  channels: fc.integer({ min: 1, max: 4 }),
  ceilMode: fc.boolean(),
  countIncludePad: fc.boolean(),
  withIndices: fc.boolean(),
  storageOrder: fc.boolean(),
  writeDefaults: fc.boolean(),
  sameDilated: fc.integer({ min: 0, max: 3 }).map((v) => v === 0),
  valueSeed: valueSeedArb,
});

type Structure = typeof structureArb extends fc.Arbitrary<infer T> ? T : never;

function poolCase(op: 'MaxPool' | 'AveragePool', opset: number, autoPad: string, s: Structure, mode: ValueMode): FuzzCase {
  const has = (name: string) => hasAttr(op, opset, name);
  const ceil = has('ceil_mode') && s.ceilMode;
  const noDilation = !has('dilations') || (autoPad.startsWith('SAME') && !s.sameDilated);
  const small = s.rank === 3;
  const axes: AxisWindow[] = s.axes.slice(0, s.rank).map((raw) =>
    resolveAxis(raw, autoPad, {
      maxPad: (a) => Math.floor(effectiveKernel(a.kernel, a.dilation) / 2),
      ceilMode: ceil,
      maxExtra: small ? 3 : 8,
      noDilation,
    }),
  );
  const channels = small ? Math.min(s.channels, 2) : s.channels;
  const xDims = [s.batch, channels, ...axes.map((a) => a.input)];
  const attributes: Record<string, number | string | number[]> = { kernel_shape: axes.map((a) => a.kernel) };
  if (s.writeDefaults || autoPad !== 'NOTSET') attributes.auto_pad = autoPad;
  if (s.writeDefaults || axes.some((a) => a.stride !== 1)) attributes.strides = axes.map((a) => a.stride);
  if (has('dilations') && (s.writeDefaults || axes.some((a) => a.dilation !== 1))) attributes.dilations = axes.map((a) => a.dilation);
  const pads = padsAttr(axes);
  if (autoPad === 'NOTSET' && (s.writeDefaults || pads.some((p) => p !== 0))) attributes.pads = pads;
  if (has('ceil_mode') && (s.writeDefaults || ceil)) attributes.ceil_mode = ceil ? 1 : 0;
  const countIncludePad = op === 'AveragePool' && has('count_include_pad') && s.countIncludePad;
  if (op === 'AveragePool' && has('count_include_pad') && (s.writeDefaults || countIncludePad)) attributes.count_include_pad = countIncludePad ? 1 : 0;
  const withIndices = op === 'MaxPool' && has('storage_order') && s.withIndices;
  if (withIndices && (s.writeDefaults || s.storageOrder)) attributes.storage_order = s.storageOrder ? 1 : 0;

  const classes = windowClasses(axes, autoPad);
  classes.push(`${s.rank}-D`);
  if (ceil) {
    classes.push('ceil_mode');
    for (const a of axes) {
      const floor = poolOutputSize(a.input, a.kernel, a.stride, a.dilation, a.padBegin, a.padEnd, false);
      const rawCeil = Math.ceil((a.input + a.padBegin + a.padEnd - effectiveKernel(a.kernel, a.dilation)) / a.stride) + 1;
      if (a.output > floor) classes.push(CLASS.ceilAddsWindow);
      if (rawCeil > a.output) classes.push(CLASS.ceilDropsWindow);
    }
  }
  if (countIncludePad) classes.push('count_include_pad');
  if (withIndices) classes.push(s.storageOrder ? 'Indices, storage_order=1' : 'Indices');
  if (s.batch > 1) classes.push('batch > 1');
  const outputs = withIndices ? ['Y', 'Indices'] : ['Y'];
  // Max pooling selects a value: bit-exact in every mode. Average pooling sums the window (one term per tap) and
  // divides (one more rounding); with integer data the sum is exact and the division rounds once, so exact mode
  // is bit-exact too.
  const terms = product(axes.map((a) => a.kernel)) + 1;
  const check = op === 'MaxPool' || mode === 'exact' ? ({ kind: 'exact' } as const) : ({ kind: 'reduction', terms } as const);
  const flags = [ceil && 'ceil', countIncludePad && 'count_include_pad', withIndices && `indices(order ${s.storageOrder ? 1 : 0})`].filter(Boolean);
  return {
    family: 'pool',
    op,
    title: `${op} ${s.rank}-D x=${dimsText(xDims)} ${geometryText(axes, autoPad)}${flags.length ? ' ' + flags.join(' ') : ''} opset ${opset}`,
    opset,
    nodes: [{ opType: op, inputs: ['X'], outputs, attributes }],
    inputs: [{ name: 'X', dims: xDims, role: 'data' }],
    outputs,
    values: mode,
    valueSeed: s.valueSeed,
    classes,
    check,
  };
}

function opArbitrary(op: 'MaxPool' | 'AveragePool', mode: ValueMode): fc.Arbitrary<FuzzCase> {
  return fc.oneof(
    ...opsetsOf(op).flatMap((opset) =>
      enumOf<string>(op, opset, 'auto_pad').map((autoPad) => ({
        weight: autoPad === 'NOTSET' ? 4 : 1,
        arbitrary: structureArb.map((s) => poolCase(op, opset, autoPad, s, mode)),
      })),
    ),
  );
}

export function poolArbitrary(mode: ValueMode): fc.Arbitrary<FuzzCase> {
  // Cancellation stresses sums; max pooling has none.
  if (mode === 'cancel') return opArbitrary('AveragePool', mode);
  return fc.oneof(opArbitrary('MaxPool', mode), opArbitrary('AveragePool', mode));
}

/** std::numeric_limits<float>::lowest(). */
const LOWEST_FLOAT32 = -3.4028234663852886e38;

/**
 * Every difference between ours and onnxruntime is a window where ours is NaN and theirs is not, or ours is −∞ and
 * theirs is the lowest finite float32 (and, for Indices, those same windows or windows where both are NaN):
 * onnxruntime's handling of non-finite windows, nothing else.
 */
function nonFiniteWindowsOnly(run: RunOutputs): boolean {
  const ours = run.ours.Y;
  const theirs = run.oracle.Y;
  if (!ours || !theirs || ours.data.length !== theirs.data.length) return false;
  const windows = new Set<number>();
  for (let i = 0; i < ours.data.length; i++) {
    const a = ours.data[i]!;
    const b = theirs.data[i]!;
    // Both NaN: PyTorch's Indices point at the window's last NaN, onnxruntime's at the first.
    if (Number.isNaN(a) && Number.isNaN(b)) windows.add(i);
    if (a === b || (Number.isNaN(a) && Number.isNaN(b))) continue;
    if (!Number.isNaN(a) && !(a === -Infinity && b === LOWEST_FLOAT32)) return false;
    windows.add(i);
  }
  const oursIdx = run.ours.Indices;
  const theirIdx = run.oracle.Indices;
  if (oursIdx && theirIdx) {
    for (let i = 0; i < oursIdx.data.length; i++) if (oursIdx.data[i] !== theirIdx.data[i] && !windows.has(i)) return false;
  }
  return windows.size > 0;
}

/** The case's spatial geometry as written. */
function caseAxes(c: FuzzCase) {
  const a = mainAttributes(c);
  return writtenAxes(a, c.inputs[0]!.dims, a.kernel_shape as number[]);
}

export const poolFamily: Family = {
  name: 'pool',
  summary: 'MaxPool (with Indices) and AveragePool 1-D to 3-D: ceil_mode, count_include_pad, dilations, pads, auto_pad',
  ops: ['MaxPool', 'AveragePool'],
  modes: ['normal', 'exact', 'negative', 'cancel', 'zeros', 'subnormal', 'nonfinite'],
  arbitrary: poolArbitrary,
  expectedRefusal(c) {
    const g = caseAxes(c);
    if (g.pads.some((p, i) => p >= g.kernel[i % g.kernel.length]!)) {
      // onnxruntime/core/providers/cpu/nn/pool_attributes.h: "pads[dim] < kernel_shape[dim]"; PyTorch's limit is
      // half the dilated kernel, which exceeds the kernel when dilation > 1.
      return 'onnxruntime pools require every pad < kernel_shape (PyTorch allows up to half the dilated kernel)';
    }
    if (g.same && g.dilations.some((d) => d > 1)) {
      return "onnxruntime's pools leave the dilation out of SAME padding, and then find that no window fits";
    }
    if (caseAxes(c).negativeSame) {
      return "ONNX's SAME formula gives a negative total padding here (stride larger than the dilated kernel's reach); onnxruntime refuses";
    }
    return undefined;
  },
  knownDivergence(c, run) {
    const g = caseAxes(c);
    if (c.op === 'MaxPool' && nonFiniteWindowsOnly(run)) {
      // PyTorch (aten/src/ATen/native/cpu/MaxPoolKernel.cpp, cpu_max_pool) starts each window at −∞ and takes
      // `val > maxval || std::isnan(val)`: NaN propagates and a window of −∞ gives −∞. onnxruntime starts at the
      // lowest finite float and compares with `>` alone: NaN is skipped and a window of −∞ gives −3.4e38.
      return "onnxruntime's MaxPool skips NaN and turns all −∞ windows into the lowest finite float; PyTorch propagates both";
    }
    if (g.same && g.dilations.some((d) => d > 1)) {
      // pool_attributes.h computes SAME pads from kernel_shape without the dilation, so its output size and
      // windows differ from ONNX's formula (which uses the dilated kernel) and from ours.
      return "onnxruntime's pools leave the dilation out of SAME padding, contrary to the ONNX formula";
    }
    if (caseAxes(c).negativeSame) {
      // MaxPool with the Indices output applies the negative pads as a crop instead of refusing. torchparity
      // clamps the total at 0 as TensorFlow, where SAME comes from, does (tensorflow/core/framework/
      // kernel_shape_util.cc, GetWindowedOutputSizeVerbose: padding_needed = max(0, ...)).
      return 'negative SAME padding: onnxruntime crops the input, torchparity pads nothing (TensorFlow SAME)';
    }
    return undefined;
  },
};
