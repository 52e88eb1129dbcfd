import { effectiveKernel, resolvePads, type AutoPad, type WindowGeometry } from '../../kernels/geometry.js';
import type { Dim } from '../../onnx/records.js';
import type { OpContext } from '../declaration.js';

/** The attributes every sliding-window op (Conv, ConvTranspose, the pools) shares, as declared in ONNX. */
export const WINDOW_ATTRIBUTES = {
  auto_pad: { type: 'string', default: 'NOTSET', oneOf: ['NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID'] },
  pads: { type: 'ints', min: 0, doc: '[begin per axis..., end per axis...]; default 0' },
  strides: { type: 'ints', min: 1, doc: 'default 1 per axis' },
  dilations: { type: 'ints', min: 1, doc: 'default 1 per axis' },
} as const;

export interface WindowAttrs {
  auto_pad: string;
  pads?: readonly number[];
  strides?: readonly number[];
  dilations?: readonly number[];
}

function perAxis(values: readonly number[] | undefined, rank: number, name: string, fallback: number, ctx: OpContext): number[] {
  if (values === undefined) return new Array<number>(rank).fill(fallback);
  if (values.length !== rank) {
    ctx.badAttribute(name, `has ${values.length} values but the input has ${rank} spatial axes`, `give one value per spatial axis`);
  }
  return [...values];
}

/**
 * Resolves window attributes for the given spatial input sizes and kernel into explicit geometry; checks lengths
 * and that at least one window fits. `outputSize` computes the per-axis output (Conv's floor rule or the pools'
 * ceil_mode rule). Symbolic input sizes give symbolic outputs ('?') and skip the fit check.
 */
export function resolveWindow(
  attrs: WindowAttrs,
  input: readonly Dim[],
  kernel: readonly number[],
  ctx: OpContext,
  outputSize: (axis: number, input: number, g: Omit<WindowGeometry, 'output' | 'input'>) => number,
): WindowGeometry & { symbolicOutput: Dim[] } {
  const rank = input.length;
  if (kernel.length !== rank) ctx.shapeError(`kernel has ${kernel.length} spatial axes but the input has ${rank}`);
  const strides = perAxis(attrs.strides, rank, 'strides', 1, ctx);
  const dilations = perAxis(attrs.dilations, rank, 'dilations', 1, ctx);
  if (attrs.pads !== undefined && attrs.pads.length !== 2 * rank) {
    ctx.badAttribute('pads', `has ${attrs.pads.length} values but ${rank} spatial axes need ${2 * rank} (begins then ends)`);
  }
  const autoPad = attrs.auto_pad as AutoPad;
  if (autoPad !== 'NOTSET' && attrs.pads !== undefined && attrs.pads.some((p) => p !== 0)) {
    ctx.badAttribute('pads', `is set together with auto_pad=${autoPad}`, 'ONNX allows explicit pads only with auto_pad=NOTSET');
  }
  const known = input.map((d) => (typeof d === 'number' ? d : 0));
  const { begin, end } = resolvePads(autoPad, attrs.pads, known, kernel, strides, dilations);
  const output: number[] = [];
  const symbolicOutput: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    const size = input[i]!;
    if (typeof size !== 'number') {
      output.push(0);
      symbolicOutput.push('?');
      continue;
    }
    const o = outputSize(i, size, { kernel: [...kernel], strides, dilations, padBegin: begin, padEnd: end });
    if (o < 1) {
      ctx.shapeError(
        `spatial axis ${i}: input ${size} with pads ${begin[i]}+${end[i]} is smaller than the dilated kernel ` +
          `${effectiveKernel(kernel[i]!, dilations[i]!)}, so no window fits`,
      );
    }
    output.push(o);
    symbolicOutput.push(o);
  }
  return { input: known, kernel: [...kernel], strides, dilations, padBegin: begin, padEnd: end, output, symbolicOutput };
}
