import type { Dim } from '../../onnx/records.js';
import { int64, sizeOf, tensor, type Tensor } from '../../tensor.js';
import { defineOp, defineVersions, type ValueType } from '../declaration.js';
import { allKnown } from '../shape-utils.js';
import { ALL, knownProduct } from './common.js';

/**
 * Shape-15's [start, end) of the dims: negatives count from the back, then both are clamped to [0, rank]
 * (not an error), and start ≥ end gives an empty shape.
 */
function shapeRange(rank: number, start: number, end: number | undefined): [number, number] {
  const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + rank : v, 0), rank);
  const s = clamp(start);
  const e = end === undefined ? rank : clamp(end);
  return [s, Math.max(s, e)];
}

function selected(x: ValueType | Tensor, attrs: { start?: number; end?: number }): readonly Dim[] | undefined {
  if (!x.dims) return undefined;
  const [s, e] = shapeRange(x.dims.length, attrs.start ?? 0, attrs.end);
  return x.dims.slice(s, e);
}

const shapeOp = defineVersions(
  {
    opType: 'Shape',
    domain: '',
    summary: "The input's dims as a 1-D int64 tensor (a [start, end) range of them from opset 15); folds when they are static",
    inputs: [{ name: 'data', type: 'T' }],
    outputs: [{ name: 'shape', type: 'I' }],
    types: { T: ALL, I: ['int64'] },
    shape([x], attrs) {
      const dims = selected(x!, attrs);
      return [{ dtype: 'int64', dims: [dims ? dims.length : '?'] }];
    },
    run([x], attrs) {
      const dims = selected(x!, attrs)!;
      return [int64([dims.length], dims as number[])];
    },
    // The point of Shape in exported graphs is x.view(x.size(0), -1): known dims make the whole chain constant.
    fold([x], attrs) {
      const dims = selected(x!, attrs);
      return dims && allKnown(dims) ? [int64([dims.length], dims)] : undefined;
    },
  },
  [
    { since: 1, attributes: {} },
    {
      since: 15,
      attributes: {
        start: { type: 'int', default: 0, doc: 'first dim; negative counts from the back; clamped to [0, rank]' },
        end: { type: 'int', doc: 'one past the last dim; default: rank; clamped to [0, rank]' },
      },
    },
  ],
);

const size = defineOp({
  opType: 'Size',
  domain: '',
  since: 1,
  summary: 'Number of elements, as an int64 scalar; folds when the dims are static',
  inputs: [{ name: 'data', type: 'T' }],
  outputs: [{ name: 'size', type: 'I' }],
  types: { T: ALL, I: ['int64'] },
  attributes: {},
  shape() {
    return [{ dtype: 'int64', dims: [] }];
  },
  run([x]) {
    return [tensor('int64', [], [sizeOf(x!.dims)])];
  },
  fold([x]) {
    const n = x?.dims ? knownProduct(x.dims) : undefined;
    return n === undefined ? undefined : [tensor('int64', [], [n])];
  },
});

export const shapeOps = [...shapeOp, size];
