import { poolOutputSize } from '../../kernels/geometry.js';
import type { Dim } from '../../onnx/records.js';
import type { OpContext, ValueType } from '../declaration.js';
import { requireDims } from '../shape-utils.js';
import { resolveWindow, WINDOW_ATTRIBUTES } from './window.js';

/**
 * Pool geometry for MaxPool, AveragePool and LpPool, written once: the window attributes every version has, the
 * ones later versions add, and the resolution of all of them against the input shape with PyTorch's ceil_mode rule
 * (kernels/geometry.ts poolOutputSize).
 */

/** What every pool version declares (kernel_shape is required from the start, except in LpPool-1). */
export const POOL_ATTRIBUTES = {
  auto_pad: WINDOW_ATTRIBUTES.auto_pad,
  pads: WINDOW_ATTRIBUTES.pads,
  strides: WINDOW_ATTRIBUTES.strides,
  kernel_shape: { type: 'ints', required: true, min: 1 },
} as const;

/** MaxPool-10, LpPool-18, AveragePool-19. */
export const POOL_DILATIONS = { dilations: WINDOW_ATTRIBUTES.dilations } as const;

/** MaxPool-10, AveragePool-10, LpPool-18. */
export const CEIL_MODE = { ceil_mode: { type: 'int', default: 0, oneOf: [0, 1] } } as const;

/**
 * Resolved pool attributes of any version: the ones a version lacks are undefined and take ONNX's defaults. (A type
 * alias, not an interface, so that it fits the registry's erased attribute record.)
 */
export type PoolAttrs = {
  auto_pad: string;
  pads?: readonly number[];
  strides?: readonly number[];
  dilations?: readonly number[];
  kernel_shape?: readonly number[];
  ceil_mode?: number;
};

export interface PoolGeometry {
  n: Dim;
  c: Dim;
  window: ReturnType<typeof resolveWindow>;
}

/** Geometry from X [N, C, D1...] (1 to 3 spatial axes) and the pool attributes, with every check they need. */
export function poolGeometry(x: ValueType | undefined, attrs: PoolAttrs, ctx: OpContext): PoolGeometry {
  const xDims = requireDims(x, 'input X', ctx, { min: 3 });
  const spatial = xDims.length - 2;
  if (spatial > 3) ctx.shapeError(`${spatial}-D pooling is not supported (1-D to 3-D are, as in PyTorch)`);
  const kernel = attrs.kernel_shape;
  if (kernel === undefined) {
    return ctx.badAttribute('kernel_shape', 'is missing', 'LpPool-1 leaves it optional but defines no default; give the window size');
  }
  if (kernel.length !== spatial) {
    ctx.badAttribute('kernel_shape', `has ${kernel.length} values but the input has ${spatial} spatial axes`, 'give one value per spatial axis');
  }
  const ceil = attrs.ceil_mode === 1;
  const window = resolveWindow(attrs, xDims.slice(2), kernel, ctx, (i, size, g) =>
    poolOutputSize(size, g.kernel[i]!, g.strides[i]!, g.dilations[i]!, g.padBegin[i]!, g.padEnd[i]!, ceil),
  );
  return { n: xDims[0]!, c: xDims[1]!, window };
}

/** Output dims [N, C, ...pooled] for shape inference. */
export function pooledDims(g: PoolGeometry): Dim[] {
  return [g.n, g.c, ...g.window.symbolicOutput];
}
