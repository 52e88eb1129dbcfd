import { lpPool } from '../../kernels/pool.js';
import { sizeOf, tensor, type Tensor } from '../../tensor.js';
import type { AnyOpDeclaration, AttrMap } from '../declaration.js';
import { FLOATS } from '../float-types.js';
import { CEIL_MODE, POOL_ATTRIBUTES, POOL_DILATIONS, poolGeometry, pooledDims, type PoolAttrs } from './pool-window.js';

type LpPoolAttrs = PoolAttrs & { p: number };

function lpPoolVersion(since: number, attributes: AttrMap): AnyOpDeclaration {
  return {
    opType: 'LpPool',
    domain: '',
    since,
    summary: 'Lp-norm pooling (Σ|x|^p)^(1/p) over 1-D to 3-D windows; padding contributes nothing',
    inputs: [{ name: 'X', type: 'T' }],
    outputs: [{ name: 'Y', type: 'T' }],
    types: { T: FLOATS },
    attributes,
    shape([x], attrs: LpPoolAttrs, ctx) {
      if (!(attrs.p > 0)) ctx.badAttribute('p', `is ${attrs.p}; the Lp norm needs p > 0`);
      return [{ dtype: x!.dtype, dims: pooledDims(poolGeometry(x, attrs, ctx)) }];
    },
    run([x], attrs: LpPoolAttrs, ctx): Tensor[] {
      const { window } = poolGeometry(x, attrs, ctx);
      const dims = [x!.dims[0]!, x!.dims[1]!, ...window.output];
      const y = tensor(x!.dtype, dims);
      if (sizeOf(dims) > 0) lpPool(x!.data, y.data, { planes: dims[0]! * dims[1]!, geometry: window, p: attrs.p });
      return [y];
    },
  };
}

const V1 = {
  ...POOL_ATTRIBUTES,
  kernel_shape: { type: 'ints', min: 1, doc: 'optional in LpPool-1, but ONNX defines no default, so a model must give it' },
  p: { type: 'float', default: 2 },
} as const;
const V2 = { ...POOL_ATTRIBUTES, p: { type: 'int', default: 2, min: 1 } } as const;
const V18 = { ...V2, ...CEIL_MODE, ...POOL_DILATIONS };

/**
 * LpPool-1: float p. 2: integer p, kernel_shape required. 11: same attributes (ONNX reworded auto_pad). 18:
 * ceil_mode and dilations. 22 adds only bfloat16.
 */
export const lpPoolVersions: AnyOpDeclaration[] = [lpPoolVersion(1, V1), lpPoolVersion(2, V2), lpPoolVersion(11, V2), lpPoolVersion(18, V18)];
