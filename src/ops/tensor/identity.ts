import { tensor, type Tensor } from '../../tensor.js';
import { defineOp, defineVersions, type OpContext, type RunContext, type ValueType } from '../declaration.js';
import { FLOATS } from '../float-types.js';
import { ALL } from './common.js';

const identity = defineOp({
  opType: 'Identity',
  domain: '',
  since: 1,
  summary: 'Passes its input through',
  inputs: [{ name: 'input', type: 'T' }],
  outputs: [{ name: 'output', type: 'T' }],
  types: { T: ALL },
  attributes: {},
  shape([x]) {
    return [x!];
  },
  run([x]) {
    return [x!];
  },
});

/**
 * Dropout as torchparity runs it: inference, where output = input and the mask keeps everything. Training-mode
 * dropout draws random numbers, so no two implementations can agree on it; torchparity refuses it (unless the ratio
 * is 0, which keeps everything even in training). The mode comes from is_test (opsets 1 and 6, default 0 = training),
 * from the runtime (7 to 11: always inference here), or from the training_mode input (12+, default false).
 */
interface DropoutMode {
  /** undefined: only known at run time. */
  training: boolean | undefined;
  ratio: number | undefined;
  /** Opsets before 12 give ratio and is_test as attributes, so errors name them. */
  fromAttributes: boolean;
}

function refuseTraining(mode: DropoutMode, ctx: OpContext): void {
  if (mode.ratio !== undefined && !(mode.ratio >= 0 && mode.ratio < 1)) {
    const message = `ratio is ${mode.ratio}; it must lie in [0, 1)`;
    if (mode.fromAttributes) ctx.badAttribute('ratio', message);
    ctx.shapeError(message);
  }
  if (mode.training && mode.ratio !== undefined && mode.ratio > 0) {
    ctx.fail(
      'unsupported_op',
      `runs in training mode (${mode.fromAttributes ? 'is_test=0' : 'training_mode input is true'}) with ratio ${mode.ratio}, ` +
        'which drops random elements; torchparity verifies inference',
      'export the model after model.eval() (or with training=torch.onnx.TrainingMode.EVAL)',
      mode.fromAttributes ? 'is_test' : undefined,
    );
  }
}

function maskType(x: ValueType, ctx: OpContext): ValueType {
  // Opsets before 10 typed the mask like the data; 10 made it bool.
  return { dtype: ctx.opset >= 10 ? 'bool' : x.dtype, ...(x.dims ? { dims: x.dims } : {}) };
}

function dropoutRun(x: Tensor, mode: DropoutMode, ctx: RunContext): Tensor[] {
  refuseTraining(mode, ctx);
  if (!ctx.outputsUsed[1]) return [x];
  const mask = tensor(maskType(x, ctx).dtype, x.dims);
  mask.data.fill(1);
  return [x, mask];
}

function attributeMode(attrs: Record<string, unknown>): DropoutMode {
  const isTest = attrs.is_test as number | undefined;
  return { training: isTest === 0, ratio: attrs.ratio as number, fromAttributes: true };
}

/** Opset 12+: ratio (default 0.5) and training_mode (default false) are inputs, known at import when constant. */
function inputMode(ratio: ValueType | Tensor | undefined, training: ValueType | Tensor | undefined): DropoutMode {
  const value = (v: ValueType | Tensor | undefined): Tensor | undefined => (v && 'data' in v ? v : v?.value);
  const r = value(ratio);
  const t = value(training);
  return {
    ratio: ratio === undefined ? 0.5 : r ? r.data[0] : undefined,
    training: training === undefined ? false : t ? t.data[0] !== 0 : undefined,
    fromAttributes: false,
  };
}

const dropout = defineVersions(
  {
    opType: 'Dropout',
    domain: '',
    summary: 'Inference dropout: output = input, mask all true; training mode with ratio > 0 is refused',
    inputs: [{ name: 'data', type: 'T' }],
    outputs: [
      { name: 'output', type: 'T' },
      { name: 'mask', type: 'T', optional: true },
    ],
    types: { T: FLOATS },
    shape([x], attrs, ctx) {
      refuseTraining(attributeMode(attrs), ctx);
      return [x!, maskType(x!, ctx)];
    },
    run([x], attrs, ctx) {
      return dropoutRun(x!, attributeMode(attrs), ctx);
    },
  },
  [
    {
      since: 1,
      attributes: {
        consumed_inputs: { type: 'ints', doc: 'legacy optimization hint; ignored' },
        is_test: { type: 'int', default: 0, oneOf: [0, 1], doc: '0 = training (refused unless ratio is 0)' },
        ratio: { type: 'float', default: 0.5 },
      },
    },
    {
      since: 6,
      attributes: {
        is_test: { type: 'int', default: 0, oneOf: [0, 1], doc: '0 = training (refused unless ratio is 0)' },
        ratio: { type: 'float', default: 0.5 },
      },
    },
    { since: 7, attributes: { ratio: { type: 'float', default: 0.5, doc: 'unused at inference' } } },
    {
      since: 10,
      attributes: { ratio: { type: 'float', default: 0.5, doc: 'unused at inference' } },
      outputs: [
        { name: 'output', type: 'T' },
        { name: 'mask', type: 'T2', optional: true },
      ],
      types: { T: FLOATS, T2: ['bool'] },
    },
    {
      since: 12,
      attributes: { seed: { type: 'int', doc: 'random seed; unused at inference' } },
      inputs: [
        { name: 'data', type: 'T' },
        { name: 'ratio', type: 'T1', optional: true },
        { name: 'training_mode', type: 'T2', optional: true },
      ],
      outputs: [
        { name: 'output', type: 'T' },
        { name: 'mask', type: 'T2', optional: true },
      ],
      types: { T: FLOATS, T1: FLOATS, T2: ['bool'] },
      shape([x, ratio, training], _attrs, ctx) {
        refuseTraining(inputMode(ratio, training), ctx);
        return [x!, maskType(x!, ctx)];
      },
      run([x, ratio, training], _attrs, ctx) {
        return dropoutRun(x!, inputMode(ratio, training), ctx);
      },
    },
  ],
);

export const identityOps = [identity, ...dropout];
