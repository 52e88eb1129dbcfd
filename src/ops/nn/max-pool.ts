import { maxPool } from '../../kernels/pool.js';
import { runKernelTask } from '../engine-hooks.js';
import { sizeOf, tensor, type DType, type Tensor } from '../../tensor.js';
import type { AnyOpDeclaration, AttrMap, PortSpec } from '../declaration.js';
import { FLOATS } from '../float-types.js';
import { CEIL_MODE, POOL_ATTRIBUTES, POOL_DILATIONS, poolGeometry, pooledDims, type PoolAttrs } from './pool-window.js';

type MaxPoolAttrs = PoolAttrs & { storage_order?: number };

const STORAGE_ORDER = {
  storage_order: { type: 'int', default: 0, oneOf: [0, 1], doc: 'Indices layout over the spatial axes: 0 row-major, 1 column-major' },
} as const;

/** What a window with no cell inside the input yields: the lowest value of the type (-Infinity for floats). */
const EMPTY_WINDOW: Partial<Record<DType, number>> = { int8: -128, uint8: 0 };

const Y: PortSpec = { name: 'Y', type: 'T' };
const INDICES: PortSpec = { name: 'Indices', type: 'I', optional: true };

function maxPoolVersion(since: number, attributes: AttrMap, types: readonly DType[], withIndices: boolean): AnyOpDeclaration {
  return {
    opType: 'MaxPool',
    domain: '',
    since,
    summary: 'Max pooling over 1-D to 3-D windows; NaN propagates as in PyTorch; optional int64 flat Indices',
    inputs: [{ name: 'X', type: 'T' }],
    outputs: withIndices ? [Y, INDICES] : [Y],
    types: { T: types, I: ['int64'] },
    attributes,
    shape([x], attrs: MaxPoolAttrs, ctx) {
      const dims = pooledDims(poolGeometry(x, attrs, ctx));
      return withIndices ? [{ dtype: x!.dtype, dims }, { dtype: 'int64', dims }] : [{ dtype: x!.dtype, dims }];
    },
    run([x], attrs: MaxPoolAttrs, ctx): Tensor[] {
      const { window } = poolGeometry(x, attrs, ctx);
      const dims = [x!.dims[0]!, x!.dims[1]!, ...window.output];
      const y = tensor(x!.dtype, dims);
      const indices = withIndices && ctx.outputsUsed[1] ? tensor('int64', dims) : undefined;
      if (sizeOf(dims) > 0 && !indices && x!.dtype === 'float32' && x!.data instanceof Float32Array && y.data instanceof Float32Array) {
        // Same values as maxPool, bounds work hoisted out of the tap loops (kernels/pool-fast.ts).
        runKernelTask(ctx, { kind: 'maxpool', x: x!.data, out: y.data, params: { planes: dims[0]! * dims[1]!, geometry: window, emptyValue: -Infinity } }, []);
      } else if (sizeOf(dims) > 0) {
        maxPool(x!.data, y.data, indices?.data as Float64Array | undefined, {
          planes: dims[0]! * dims[1]!,
          geometry: window,
          emptyValue: EMPTY_WINDOW[x!.dtype] ?? -Infinity,
          storageOrder: attrs.storage_order === 1 ? 1 : 0,
        });
      }
      return indices ? [y, indices] : [y];
    },
  };
}

const V1 = POOL_ATTRIBUTES;
const V8 = { ...V1, ...STORAGE_ORDER };
const V10 = { ...V8, ...CEIL_MODE, ...POOL_DILATIONS };

/**
 * MaxPool-1: the window. 8: storage_order and the Indices output. 10: ceil_mode and dilations. 11: same attributes
 * (ONNX reworded pads and defaults). 12: int8 and uint8. Later versions add only bfloat16, which torchparity does
 * not hold, so 12 serves every newer opset.
 */
export const maxPoolVersions: AnyOpDeclaration[] = [
  maxPoolVersion(1, V1, FLOATS, false),
  maxPoolVersion(8, V8, FLOATS, true),
  maxPoolVersion(10, V10, FLOATS, true),
  maxPoolVersion(11, V10, FLOATS, true),
  maxPoolVersion(12, V10, [...FLOATS, 'int8', 'uint8'], true),
];
