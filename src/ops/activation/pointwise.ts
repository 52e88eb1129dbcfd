import {
  elu,
  gelu,
  geluTanh,
  hardSigmoid,
  hardSwish,
  leakyRelu,
  mish,
  relu,
  reluArray,
  sigmoid,
  softplus,
  softsign,
} from '../../kernels/activation.js';
import { FLOATS } from '../float-types.js';
import { SIGNED_NUMERIC } from '../elementwise/common.js';
import { floatMathVersions, unaryOp } from '../elementwise/unary.js';

// Float attribute defaults are ONNX's float32 constants (0.01f, 0.2f): what a model without the attribute means.
const f32 = Math.fround;

export const reluOps = unaryOp({
  opType: 'Relu',
  summary: 'max(X, 0); NaN stays NaN as in torch.relu',
  versions: [...floatMathVersions(), { since: 14, types: SIGNED_NUMERIC }],
  attributes: {},
  scalar: () => relu,
  map: reluArray,
});

export const leakyReluOps = unaryOp({
  opType: 'LeakyRelu',
  summary: 'X if X > 0 else alpha·X',
  versions: [
    { since: 1, types: FLOATS, consumedInputs: true },
    { since: 6, types: FLOATS },
    { since: 16, types: FLOATS },
  ],
  attributes: { alpha: { type: 'float', default: f32(0.01) } },
  scalar: (_t, attrs) => leakyRelu(attrs.alpha),
});

export const eluOps = unaryOp({
  opType: 'Elu',
  summary: 'X if X > 0 else alpha·(e^X − 1)',
  versions: [
    { since: 1, types: FLOATS, consumedInputs: true },
    { since: 6, types: FLOATS },
    { since: 22, types: FLOATS },
  ],
  attributes: { alpha: { type: 'float', default: 1 } },
  scalar: (_t, attrs) => elu(attrs.alpha),
});

export const seluOps = unaryOp({
  opType: 'Selu',
  summary: 'gamma·(X if X > 0 else alpha·(e^X − 1))',
  versions: [
    // Selu-1 documented shorter defaults (1.6732, 1.0507) than opset 6's float32-exact constants.
    {
      since: 1,
      types: FLOATS,
      consumedInputs: true,
      attributes: { alpha: { type: 'float', default: f32(1.6732) }, gamma: { type: 'float', default: f32(1.0507) } },
    },
    { since: 6, types: FLOATS },
    { since: 22, types: FLOATS },
  ],
  attributes: {
    alpha: { type: 'float', default: 1.67326319217681884765625 },
    gamma: { type: 'float', default: 1.05070102214813232421875 },
  },
  scalar: (_t, attrs) => elu(attrs.alpha, attrs.gamma),
});

export const celuOps = unaryOp({
  opType: 'Celu',
  summary: 'max(0, X) + min(0, alpha·(e^(X/alpha) − 1))',
  versions: [
    { since: 12, types: ['float32'] },
    { since: 28, types: FLOATS },
  ],
  attributes: { alpha: { type: 'float', default: 1 } },
  check(attrs, ctx) {
    // aten/src/ATen/native/Activation.cpp (celu): "ZeroDivisionError: alpha cannot be 0 for CELU".
    if (attrs.alpha === 0) ctx.badAttribute('alpha', 'is 0, which divides X by zero', 'PyTorch refuses alpha = 0 for CELU');
  },
  scalar: (_t, attrs) => elu(attrs.alpha, 1, 1 / attrs.alpha),
});

export const sigmoidOps = unaryOp({
  opType: 'Sigmoid',
  summary: '1 / (1 + e^−X), without overflow for large |X|',
  versions: floatMathVersions(),
  attributes: {},
  scalar: () => sigmoid,
});

export const hardSigmoidOps = unaryOp({
  opType: 'HardSigmoid',
  summary: 'max(0, min(1, alpha·X + beta))',
  versions: [
    { since: 1, types: FLOATS, consumedInputs: true },
    { since: 6, types: FLOATS },
    { since: 22, types: FLOATS },
  ],
  attributes: { alpha: { type: 'float', default: f32(0.2) }, beta: { type: 'float', default: 0.5 } },
  scalar: (_t, attrs) => hardSigmoid(attrs.alpha, attrs.beta),
});

export const hardSwishOps = unaryOp({
  opType: 'HardSwish',
  summary: 'X · min(max(X + 3, 0), 6) / 6',
  versions: [
    { since: 14, types: FLOATS },
    { since: 22, types: FLOATS },
  ],
  attributes: {},
  scalar: () => hardSwish,
});

export const tanhOps = unaryOp({
  opType: 'Tanh',
  summary: 'tanh(X)',
  inputName: 'input',
  outputName: 'output',
  versions: floatMathVersions(),
  attributes: {},
  scalar: () => Math.tanh,
});

export const softplusOps = unaryOp({
  opType: 'Softplus',
  summary: 'log(1 + e^X), X itself above 20 as torch.nn.functional.softplus',
  versions: [
    { since: 1, types: FLOATS },
    { since: 22, types: FLOATS },
  ],
  attributes: {},
  scalar: () => softplus,
});

export const softsignOps = unaryOp({
  opType: 'Softsign',
  summary: 'X / (1 + |X|)',
  inputName: 'input',
  outputName: 'output',
  versions: [
    { since: 1, types: FLOATS },
    { since: 22, types: FLOATS },
  ],
  attributes: {},
  scalar: () => softsign,
});

export const geluOps = unaryOp({
  opType: 'Gelu',
  summary: 'X·Φ(X), exact (erf) or with the tanh approximation',
  versions: [{ since: 20, types: FLOATS }],
  attributes: { approximate: { type: 'string', default: 'none', oneOf: ['none', 'tanh'] } },
  scalar: (_t, attrs) => (attrs.approximate === 'tanh' ? geluTanh : gelu),
});

export const mishOps = unaryOp({
  opType: 'Mish',
  summary: 'X · tanh(softplus(X))',
  versions: [
    { since: 18, types: FLOATS },
    { since: 22, types: FLOATS },
  ],
  attributes: {},
  scalar: () => mish,
});
