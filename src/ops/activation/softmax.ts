import { softmax } from '../../kernels/softmax.js';
import { emptyLike, sizeOf } from '../../tensor.js';
import { defineOp } from '../declaration.js';
import { FLOATS } from '../float-types.js';
import { normalizeAxis } from '../shape-utils.js';

/**
 * [outer, size, inner] for normalizing `dims` at `axis`. Before opset 13 the input is coerced to 2-D at axis and
 * the whole trailing block [axis, rank) is normalized together; from 13 only the one axis is.
 */
function layout(dims: readonly number[], axis: number, coerce2d: boolean): [number, number, number] {
  const outer = sizeOf(dims.slice(0, axis));
  if (coerce2d) return [outer, sizeOf(dims.slice(axis)), 1];
  return [outer, dims[axis]!, sizeOf(dims.slice(axis + 1))];
}

function softmaxFamily(opType: 'Softmax' | 'LogSoftmax', log: boolean) {
  return [1, 11, 13].map((since) => {
    const coerce2d = since < 13;
    return defineOp({
      opType,
      domain: '',
      since,
      summary: coerce2d
        ? `${opType} over the input coerced to 2-D at axis (default 1): the trailing block is normalized together`
        : `${opType} along one axis (default -1), max-subtracted for stability`,
      inputs: [{ name: 'input', type: 'T' }],
      outputs: [{ name: 'output', type: 'T' }],
      types: { T: FLOATS },
      attributes: { axis: { type: 'int', default: coerce2d ? 1 : -1 } },
      shape([x], attrs, ctx) {
        if (x!.dims) normalizeAxis(attrs.axis, x!.dims.length, ctx);
        return [{ dtype: x!.dtype, ...(x!.dims ? { dims: x!.dims } : {}) }];
      },
      run([x], attrs, ctx) {
        const axis = normalizeAxis(attrs.axis, x!.dims.length, ctx);
        const y = emptyLike(x!);
        const [outer, size, inner] = layout(x!.dims, axis, coerce2d);
        softmax(x!.data, y.data, outer, size, inner, log);
        return [y];
      },
    });
  });
}

export const softmaxOps = softmaxFamily('Softmax', false);
export const logSoftmaxOps = softmaxFamily('LogSoftmax', true);
