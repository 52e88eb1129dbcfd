import { applyBatchNorm, batchNormCoefficients } from '../../kernels/normalization.js';
import { runKernelTask } from '../engine-hooks.js';
import type { Dim } from '../../onnx/records.js';
import { sizeOf, tensor, type DType, type Tensor } from '../../tensor.js';
import type { AnyOpDeclaration, AttrMap, OpContext, PortSpec, ValueType } from '../declaration.js';
import { FLOATS } from '../float-types.js';
import { requireDims, sameDim } from '../shape-utils.js';

/**
 * BatchNormalization, inference only: y = (x - mean) / sqrt(var + epsilon) · scale + B with the given (running)
 * statistics, folded the way PyTorch folds it (kernels/normalization.ts). Training mode — batch statistics and
 * running-average outputs — is what a model exported with model.train() computes; torchparity checks inference, so
 * every form of it is refused with an error that says so: is_test=0 (versions 1 and 6), extra outputs listed
 * (versions 1-9, where they mean training mode), training_mode=1 (14, 15).
 */

type BatchNormAttrs = {
  epsilon: number;
  spatial?: number;
  is_test?: number;
  training_mode?: number;
};

const EPSILON_MOMENTUM = {
  epsilon: { type: 'float', default: 1e-5 },
  momentum: { type: 'float', default: 0.9, doc: 'running-average factor; used only in training mode' },
} as const;
const SPATIAL = {
  spatial: { type: 'int', default: 1, oneOf: [0, 1], doc: '0: one parameter per feature C·D1·…·Dn instead of per channel' },
} as const;
const IS_TEST = { is_test: { type: 'int', default: 0, doc: 'nonzero: inference; 0 (the default) is training mode' } } as const;
const TRAINING_MODE = { training_mode: { type: 'int', default: 0, oneOf: [0, 1], doc: 'only 0 (inference) is supported' } } as const;

const INFERENCE_HINT = 'torchparity checks inference: export the model after model.eval() (the exporter then emits inference mode)';

interface Layout {
  /** Type letters of scale and B, and of mean and var (with the extra outputs). */
  scaleType: string;
  statType: string;
  types: Readonly<Record<string, readonly DType[]>>;
  extraOutputs: readonly string[];
  /** Lowest input rank: 2 (N, C) before version 9, 1 from 9 on ("C is assumed to be 1"). */
  minRank: number;
  /** Why extra outputs cannot be served. */
  extraOutputsError: (count: number, ctx: OpContext) => never;
}

/** Channels and the dims each parameter must have; spatial=0 wants one parameter per feature. */
function checkParams(inputs: readonly (ValueType | undefined)[], attrs: BatchNormAttrs, minRank: number, ctx: OpContext) {
  const x = requireDims(inputs[0], 'input X', ctx, { min: minRank });
  const channels: Dim = x.length >= 2 ? x[1]! : 1;
  const spatial = attrs.spatial !== 0;
  const paramDims: readonly Dim[] = spatial ? [channels] : x.slice(1);
  ['scale', 'B', 'mean', 'var'].forEach((name, k) => {
    const dims = requireDims(inputs[k + 1], `input ${name}`, ctx, paramDims.length);
    if (!dims.every((d, i) => sameDim(d, paramDims[i]!))) {
      ctx.shapeError(
        `input ${name} has dims [${dims.join(',')}] but ${spatial ? `X has ${channels} channels` : 'spatial=0 needs one value per feature'}, ` +
          `so it must be [${paramDims.join(',')}]`,
      );
    }
  });
  return { x, paramDims };
}

function checkInferenceMode(attrs: BatchNormAttrs, ctx: OpContext): void {
  if (attrs.is_test === 0) {
    ctx.badAttribute('is_test', 'is 0, which is training mode (normalize with the batch statistics)', INFERENCE_HINT);
  }
  if (attrs.training_mode === 1) {
    ctx.badAttribute('training_mode', 'is 1, which is training mode (normalize with the batch statistics, update the running ones)', INFERENCE_HINT);
  }
}

function batchNormVersion(since: number, attributes: AttrMap, layout: Layout): AnyOpDeclaration {
  const extraPorts: PortSpec[] = layout.extraOutputs.map((name) => ({ name, type: layout.statType, optional: true }));
  return {
    opType: 'BatchNormalization',
    domain: '',
    since,
    summary: 'Batch normalization with given statistics (inference only), input rank ≥ 1 (≥ 2 before opset 9), as PyTorch folds it',
    inputs: [
      { name: 'X', type: 'T' },
      { name: 'scale', type: layout.scaleType },
      { name: 'B', type: layout.scaleType },
      { name: 'mean', type: layout.statType },
      { name: 'var', type: layout.statType },
    ],
    outputs: [{ name: 'Y', type: 'T' }, ...extraPorts],
    types: layout.types,
    attributes,
    shape(inputs, attrs: BatchNormAttrs, ctx) {
      checkInferenceMode(attrs, ctx);
      const { x, paramDims } = checkParams(inputs, attrs, layout.minRank, ctx);
      // The extra outputs get types so a graph listing them imports; running it then explains why they cannot be served.
      return [{ dtype: inputs[0]!.dtype, dims: x }, ...layout.extraOutputs.map(() => ({ dtype: inputs[3]!.dtype, dims: paramDims }))];
    },
    run(inputs, attrs: BatchNormAttrs, ctx): Tensor[] {
      // outputsUsed has one entry per output the node lists; beyond Y they exist only in training mode.
      if (ctx.outputsUsed.length > 1) layout.extraOutputsError(ctx.outputsUsed.length, ctx);
      checkParams(inputs, attrs, layout.minRank, ctx);
      const [x, scale, bias, mean, variance] = inputs as Tensor[];
      const y = tensor(x!.dtype, x!.dims);
      const batch = x!.dims[0]!;
      const channels = x!.dims.length >= 2 ? x!.dims[1]! : 1;
      const inner = sizeOf(x!.dims.slice(2));
      const spatial = attrs.spatial !== 0;
      const params = {
        batch,
        features: spatial ? channels : channels * inner,
        inner: spatial ? inner : 1,
        relu: ctx.engine?.relu === true,
      };
      const { alpha, beta } = batchNormCoefficients(scale!.data, bias!.data, mean!.data, variance!.data, params.features, attrs.epsilon);
      // float32 activations may be split over the engine's threads, by planes.
      if (x!.data instanceof Float32Array && y.data instanceof Float32Array) {
        runKernelTask(ctx, { kind: 'batchnorm', x: x!.data, out: y.data, alpha, beta, params }, []);
      } else {
        applyBatchNorm(x!.data, alpha, beta, y.data, params);
      }
      return [y];
    },
  };
}

const OLD_OUTPUTS = ['mean', 'var', 'saved_mean', 'saved_var'];

function trainingByOutputs(count: number, ctx: OpContext): never {
  return ctx.fail(
    'unsupported_op',
    `lists ${count} outputs; before opset 14 the outputs beyond Y (running and saved statistics) belong to training mode, which torchparity does not run`,
    INFERENCE_HINT,
  );
}

function extraOutputsInvalid(count: number, ctx: OpContext): never {
  return ctx.fail(
    'invalid_graph',
    `lists ${count} outputs, but with training_mode=0 BatchNormalization has only Y (ONNX: "extra outputs are invalid")`,
    'drop running_mean and running_var from the node, or export after model.eval()',
  );
}

const OLD_LAYOUT = { scaleType: 'T', statType: 'T', types: { T: FLOATS }, extraOutputs: OLD_OUTPUTS, extraOutputsError: trainingByOutputs };

const V1 = {
  ...SPATIAL,
  ...IS_TEST,
  ...EPSILON_MOMENTUM,
  consumed_inputs: { type: 'ints', required: true, doc: 'legacy in-place hint; no effect on the result' },
} as const;
const V6 = { ...SPATIAL, ...IS_TEST, ...EPSILON_MOMENTUM } as const;
const V7 = { ...SPATIAL, ...EPSILON_MOMENTUM } as const;
const V9 = EPSILON_MOMENTUM;
const V14 = { ...EPSILON_MOMENTUM, ...TRAINING_MODE } as const;

/**
 * 1: spatial, is_test, consumed_inputs. 6: consumed_inputs gone. 7: is_test gone (outputs decide the mode). 9:
 * spatial gone, rank-1 input allowed. 14: training_mode, three outputs, statistics typed separately (U). 15: scale
 * and B typed separately too (T1, T2).
 */
export const batchNormalizationVersions: AnyOpDeclaration[] = [
  batchNormVersion(1, V1, { ...OLD_LAYOUT, minRank: 2 }),
  batchNormVersion(6, V6, { ...OLD_LAYOUT, minRank: 2 }),
  batchNormVersion(7, V7, { ...OLD_LAYOUT, minRank: 2 }),
  batchNormVersion(9, V9, { ...OLD_LAYOUT, minRank: 1 }),
  batchNormVersion(14, V14, {
    scaleType: 'T',
    statType: 'U',
    types: { T: FLOATS, U: FLOATS },
    extraOutputs: ['running_mean', 'running_var'],
    minRank: 1,
    extraOutputsError: extraOutputsInvalid,
  }),
  batchNormVersion(15, V14, {
    scaleType: 'T1',
    statType: 'T2',
    types: { T: FLOATS, T1: FLOATS, T2: FLOATS },
    extraOutputs: ['running_mean', 'running_var'],
    minRank: 1,
    extraOutputsError: extraOutputsInvalid,
  }),
];
