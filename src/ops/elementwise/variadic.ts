import { foldBroadcast } from '../../kernels/elementwise.js';
import { tensor, type DType, type Tensor } from '../../tensor.js';
import { defineOp, type AnyOpDeclaration, type OpContext, type ValueType } from '../declaration.js';
import { FLOATS } from '../float-types.js';
import { broadcastResultDims, CONSUMED_INPUTS, NUMERIC, requireSameDims, runBroadcastDims } from './common.js';

interface VariadicVersion {
  since: number;
  types: readonly DType[];
}

interface VariadicSpec {
  opType: string;
  summary: string;
  output: string;
  versions: readonly VariadicVersion[];
  /** The pairwise step of the left-to-right fold. */
  step: (acc: number, x: number) => number;
  /** Applied to each folded element with the input count (Mean divides). */
  finish?: (v: number, count: number) => number;
}

/** Before opset 8 the inputs must agree in shape; from 8 on they broadcast numpy-style. */
function variadicOp(spec: VariadicSpec): AnyOpDeclaration[] {
  return spec.versions.map((v) => {
    const broadcasts = v.since >= 8;
    const outputDims = (inputs: readonly (ValueType | undefined)[], ctx: OpContext) => {
      if (broadcasts) return broadcastResultDims(inputs, ctx);
      requireSameDims(inputs, ctx);
      return inputs.find((x) => x?.dims)?.dims;
    };
    return defineOp({
      opType: spec.opType,
      domain: '',
      since: v.since,
      summary: spec.summary,
      inputs: [{ name: 'data_0', type: 'T', variadic: true }],
      outputs: [{ name: spec.output, type: 'T' }],
      types: { T: v.types },
      attributes: v.since === 1 ? CONSUMED_INPUTS : {},
      shape(inputs, _attrs, ctx) {
        const dims = outputDims(inputs, ctx);
        return [{ dtype: inputs[0]!.dtype, ...(dims ? { dims: [...dims] } : {}) }];
      },
      run(inputs, _attrs, ctx) {
        const present = inputs.filter((t): t is Tensor => t !== undefined);
        let dims: readonly number[];
        if (broadcasts) dims = runBroadcastDims(present.map((t) => t.dims), ctx);
        else {
          requireSameDims(present, ctx);
          dims = present[0]!.dims;
        }
        const out = tensor(present[0]!.dtype, dims);
        foldBroadcast(present, out.data, dims, spec.step);
        const finish = spec.finish;
        if (finish) {
          const data = out.data;
          for (let i = 0; i < data.length; i++) data[i] = finish(data[i]!, present.length);
        }
        return [out];
      },
    });
  });
}

const FLOAT_VERSIONS: VariadicVersion[] = [
  { since: 1, types: FLOATS },
  { since: 6, types: FLOATS },
  { since: 8, types: FLOATS },
  { since: 13, types: FLOATS },
];

const MINMAX_VERSIONS: VariadicVersion[] = [...FLOAT_VERSIONS.slice(0, 3), { since: 12, types: NUMERIC }, { since: 13, types: NUMERIC }];

export const sumOps = variadicOp({
  opType: 'Sum',
  summary: 'element-wise sum of any number of inputs, broadcasting from opset 8',
  output: 'sum',
  versions: FLOAT_VERSIONS,
  step: (acc, x) => acc + x,
});

export const meanOps = variadicOp({
  opType: 'Mean',
  summary: 'element-wise mean of any number of inputs, broadcasting from opset 8',
  output: 'mean',
  versions: FLOAT_VERSIONS,
  step: (acc, x) => acc + x,
  finish: (v, count) => v / count,
});

// torch.maximum / torch.minimum propagate NaN (aten/src/ATen/native/cpu/BinaryOpsKernel.cpp, maximum_kernel), so a
// NaN in any input wins; onnxruntime 1.30's Max/Min do the same.
export const maxOps = variadicOp({
  opType: 'Max',
  summary: 'element-wise maximum of any number of inputs (NaN wins, as torch.maximum)',
  output: 'max',
  versions: MINMAX_VERSIONS,
  step: (acc, x) => (acc !== acc || acc > x ? acc : x),
});

export const minOps = variadicOp({
  opType: 'Min',
  summary: 'element-wise minimum of any number of inputs (NaN wins, as torch.minimum)',
  output: 'min',
  versions: MINMAX_VERSIONS,
  step: (acc, x) => (acc !== acc || acc < x ? acc : x),
});
