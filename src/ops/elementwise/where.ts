import { whereBroadcast } from '../../kernels/elementwise.js';
import { tensor, type DType } from '../../tensor.js';
import { defineOp } from '../declaration.js';
import { BOOL, broadcastResultDims, NUMERIC, runBroadcastDims } from './common.js';

const ALL: readonly DType[] = [...BOOL, ...NUMERIC];

export const whereOps = [9, 16].map((since) =>
  defineOp({
    opType: 'Where',
    domain: '',
    since,
    summary: 'condition ? X : Y element-wise, the three inputs broadcast together',
    inputs: [
      { name: 'condition', type: 'B' },
      { name: 'X', type: 'T' },
      { name: 'Y', type: 'T' },
    ],
    outputs: [{ name: 'output', type: 'T' }],
    types: { B: BOOL, T: ALL },
    attributes: {},
    shape([c, x, y], _attrs, ctx) {
      const dims = broadcastResultDims([c, x, y], ctx);
      return [{ dtype: x!.dtype, ...(dims ? { dims } : {}) }];
    },
    run([c, x, y], _attrs, ctx) {
      const dims = runBroadcastDims([c!.dims, x!.dims, y!.dims], ctx);
      const out = tensor(x!.dtype, dims);
      whereBroadcast(c!, x!, y!, out.data, dims);
      return [out];
    },
  }),
);
