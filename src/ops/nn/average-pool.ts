import { averagePool } from '../../kernels/pool.js';
import { sizeOf, tensor, type Tensor } from '../../tensor.js';
import type { AnyOpDeclaration, AttrMap } from '../declaration.js';
import { FLOATS } from '../float-types.js';
import { CEIL_MODE, POOL_ATTRIBUTES, POOL_DILATIONS, poolGeometry, pooledDims, type PoolAttrs } from './pool-window.js';

type AveragePoolAttrs = PoolAttrs & { count_include_pad?: number };

const COUNT_INCLUDE_PAD = {
  count_include_pad: { type: 'int', default: 0, oneOf: [0, 1], doc: 'divide by the window clipped to the padded extent (1) or to the input (0)' },
} as const;

function averagePoolVersion(since: number, attributes: AttrMap): AnyOpDeclaration {
  return {
    opType: 'AveragePool',
    domain: '',
    since,
    summary: "Average pooling over 1-D to 3-D windows with PyTorch's divisor for count_include_pad and ceil_mode",
    inputs: [{ name: 'X', type: 'T' }],
    outputs: [{ name: 'Y', type: 'T' }],
    types: { T: FLOATS },
    attributes,
    shape([x], attrs: AveragePoolAttrs, ctx) {
      return [{ dtype: x!.dtype, dims: pooledDims(poolGeometry(x, attrs, ctx)) }];
    },
    run([x], attrs: AveragePoolAttrs, ctx): Tensor[] {
      const { window } = poolGeometry(x, attrs, ctx);
      const dims = [x!.dims[0]!, x!.dims[1]!, ...window.output];
      const y = tensor(x!.dtype, dims);
      if (sizeOf(dims) > 0) {
        // AveragePool-1 divides by the cells inside the input, as count_include_pad=0 does later.
        averagePool(x!.data, y.data, { planes: dims[0]! * dims[1]!, geometry: window, countIncludePad: attrs.count_include_pad === 1 });
      }
      return [y];
    },
  };
}

const V1 = POOL_ATTRIBUTES;
const V7 = { ...V1, ...COUNT_INCLUDE_PAD };
const V10 = { ...V7, ...CEIL_MODE };
const V19 = { ...V10, ...POOL_DILATIONS };

/**
 * AveragePool-1: the window. 7: count_include_pad. 10: ceil_mode. 11: same attributes (ONNX reworded auto_pad).
 * 19: dilations (PyTorch's avg_pool has none; the TorchScript and dynamo exporters never set them). 22 adds only
 * bfloat16, so 19 serves every newer opset.
 */
export const averagePoolVersions: AnyOpDeclaration[] = [
  averagePoolVersion(1, V1),
  averagePoolVersion(7, V7),
  averagePoolVersion(10, V10),
  averagePoolVersion(11, V10),
  averagePoolVersion(19, V19),
];
