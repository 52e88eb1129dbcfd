import { binaryBroadcast } from '../../kernels/broadcast.js';
import { wrappingMultiply } from '../../kernels/integer.js';
import type { Dim } from '../../onnx/records.js';
import { emptyLike, formatDims, type DType } from '../../tensor.js';
import { defineOp, type OpContext } from '../declaration.js';
import { CONSUMED_INPUTS, integerFormat } from '../elementwise/common.js';
import { FLOATS } from '../float-types.js';
import { sameDim } from '../shape-utils.js';

/**
 * The slope broadcasts to X in one direction only (ONNX's unidirectional broadcasting): its dims, aligned with
 * X's trailing dims, must each be 1 or X's. PyTorch's exporter reshapes a per-channel weight to [C, 1, 1] for
 * [N, C, H, W] inputs; opsets 1 and 6 (a size-1 slope, or one of X's shape) are the special cases of this rule.
 */
function checkSlope(x: readonly Dim[], slope: readonly Dim[], ctx: OpContext): void {
  const offset = x.length - slope.length;
  if (offset < 0 || slope.some((d, i) => d !== 1 && !sameDim(d, x[offset + i]!))) {
    ctx.shapeError(
      `slope ${formatDims(slope)} does not broadcast to X ${formatDims(x)}`,
      'the slope must broadcast to X one way; for per-channel slopes on [N, C, ...] use shape [C, 1, ...]',
    );
  }
}

const INTEGER_TYPES: readonly DType[] = ['int32', 'int64', 'uint32', 'uint64'];

const VERSIONS: { since: number; types: readonly DType[] }[] = [
  { since: 1, types: FLOATS },
  { since: 6, types: FLOATS },
  { since: 7, types: FLOATS },
  { since: 9, types: [...FLOATS, ...INTEGER_TYPES] },
  { since: 16, types: [...FLOATS, ...INTEGER_TYPES] },
];

export const preluOps = VERSIONS.map((v) =>
  defineOp({
    opType: 'PRelu',
    domain: '',
    since: v.since,
    summary: 'X if X > 0 else slope·X, the slope broadcast to X (e.g. [C,1,1] against [N,C,H,W])',
    inputs: [
      { name: 'X', type: 'T' },
      { name: 'slope', type: 'T' },
    ],
    outputs: [{ name: 'Y', type: 'T' }],
    types: { T: v.types },
    attributes: v.since === 1 ? CONSUMED_INPUTS : {},
    shape([x, slope], _attrs, ctx) {
      if (x!.dims && slope!.dims) checkSlope(x!.dims, slope!.dims, ctx);
      return [{ dtype: x!.dtype, ...(x!.dims ? { dims: x!.dims } : {}) }];
    },
    run([x, slope], _attrs, ctx) {
      checkSlope(x!.dims, slope!.dims, ctx);
      const y = emptyLike(x!);
      const format = integerFormat(x!.dtype);
      const multiply = format ? wrappingMultiply(format) : (a: number, b: number) => a * b;
      // aten/src/ATen/native/cpu/Activation.cpp (prelu_kernel): x > 0 ? x : w * x, so NaN stays NaN.
      binaryBroadcast(x!.data, x!.dims, slope!.data, slope!.dims, y.data, x!.dims, (a, w) => (a > 0 ? a : multiply(w, a)));
      return [y];
    },
  }),
);
