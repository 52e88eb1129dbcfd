import fc from 'fast-check';
import { effectiveKernel, poolOutputSize, samePads, windowOutputSize } from '../../kernels/geometry.js';
import type { AxisWindow } from '../boundary.js';

/**
 * Spatial axes of sliding-window ops (Conv, the pools), valid by construction: raw draws are mapped into range
 * (pads by modulo, input sizes computed so that at least one window fits), never filtered.
 */

export interface RawAxis {
  kernel: number;
  stride: number;
  dilation: number;
  padBegin: number;
  padEnd: number;
  /** Input cells beyond the least that fit one window. */
  extra: number;
}

/** Kernel 1–5, stride and dilation 1–4, each axis independently (the ranges of issue 3). */
export const rawAxisArb: fc.Arbitrary<RawAxis> = fc.record({
  kernel: fc.integer({ min: 1, max: 5 }),
  stride: fc.integer({ min: 1, max: 4 }),
  dilation: fc.integer({ min: 1, max: 4 }),
  padBegin: fc.nat({ max: 8 }),
  padEnd: fc.nat({ max: 8 }),
  extra: fc.nat({ max: 8 }),
});

/** Three raw axes; a case of rank r uses the first r, so the rank can change without a dependent draw. */
export const rawAxesArb = fc.tuple(rawAxisArb, rawAxisArb, rawAxisArb);

export interface WindowRules {
  /** Largest pad per side for this axis: kernel − 1 for Conv, half the effective kernel for pools. */
  maxPad: (a: RawAxis) => number;
  /** Pools: PyTorch's ceil_mode output rule; Conv: floor. */
  ceilMode?: boolean;
  /** Cap on `extra`, to keep 3-D cases small. */
  maxExtra: number;
  /** Dilation forced to 1 (versions without the attribute). */
  noDilation?: boolean;
}

/** Resolves a raw axis under an auto_pad mode into concrete geometry (input size, pads, output size). */
export function resolveAxis(raw: RawAxis, autoPad: string, rules: WindowRules): AxisWindow {
  const kernel = raw.kernel;
  const stride = raw.stride;
  const dilation = rules.noDilation ? 1 : raw.dilation;
  const eff = effectiveKernel(kernel, dilation);
  const extra = raw.extra % (rules.maxExtra + 1);
  const limit = rules.maxPad({ ...raw, dilation });
  let padBegin = 0;
  let padEnd = 0;
  let input: number;
  if (autoPad === 'NOTSET') {
    padBegin = raw.padBegin % (limit + 1);
    padEnd = raw.padEnd % (limit + 1);
    input = Math.max(1, eff - padBegin - padEnd) + extra;
  } else if (autoPad === 'VALID') {
    input = eff + extra;
  } else {
    input = 1 + extra;
    [padBegin, padEnd] = samePads(input, kernel, stride, dilation, autoPad === 'SAME_UPPER');
  }
  const output =
    rules.ceilMode !== undefined
      ? poolOutputSize(input, kernel, stride, dilation, padBegin, padEnd, rules.ceilMode)
      : windowOutputSize(input, kernel, stride, dilation, padBegin, padEnd);
  return { input, kernel, stride, dilation, padBegin, padEnd, output };
}

/** ONNX's pads attribute: all begins, then all ends. */
export function padsAttr(axes: readonly AxisWindow[]): number[] {
  return [...axes.map((a) => a.padBegin), ...axes.map((a) => a.padEnd)];
}

export function geometryText(axes: readonly AxisWindow[], autoPad: string): string {
  const list = (f: (a: AxisWindow) => number) => `[${axes.map(f).join(',')}]`;
  const pads = autoPad === 'NOTSET' ? ` p=[${padsAttr(axes).join(',')}]` : ` auto_pad=${autoPad}`;
  return `k=${list((a) => a.kernel)} s=${list((a) => a.stride)} d=${list((a) => a.dilation)}${pads}`;
}

/** Grouped channels of Conv and ConvTranspose: 3-D cases keep at most two groups of two channels each. */
export function groupedChannels(
  s: { group: number; inPerGroup: number; outPerGroup: number },
  small: boolean,
): { group: number; inPerGroup: number; outPerGroup: number; c: number; m: number } {
  const cap = (v: number) => (small ? Math.min(v, 2) : v);
  const group = cap(s.group);
  const inPerGroup = cap(s.inPerGroup);
  const outPerGroup = cap(s.outPerGroup);
  return { group, inPerGroup, outPerGroup, c: group * inPerGroup, m: group * outPerGroup };
}
