import fc from 'fast-check';
import { transposedOutputSize } from '../../kernels/conv-transpose.js';
import { poolOutputSize, windowOutputSize } from '../../kernels/geometry.js';
import type { CaseNode, FuzzCase, InputSpec, ValueMode } from '../case.js';
import type { Family } from '../family.js';
import { dimsText, valueSeedArb } from './common.js';

/**
 * Small multi-op models, the layer patterns exporters emit: Conv → BatchNormalization → Relu → MaxPool → Flatten →
 * Gemm (a classifier), depthwise + pointwise convolution, a residual block (two convolutions and an Add of the
 * input), and a ConvTranspose decoder. Weights are initializers, as in exported models. The bound is the chain's
 * (compare/bound.ts): the whole model run on magnitudes, with the terms of every layer summed.
 */

const CHAIN_OPSETS = [11, 13, 17] as const;

const structureArb = fc.record({
  kind: fc.constantFrom('classifier', 'separable', 'residual', 'decoder'),
  opset: fc.constantFrom(...CHAIN_OPSETS),
  batch: fc.integer({ min: 1, max: 2 }),
  channels: fc.integer({ min: 1, max: 4 }),
  width: fc.integer({ min: 1, max: 4 }),
  height: fc.integer({ min: 4, max: 9 }),
  breadth: fc.integer({ min: 4, max: 9 }),
  kernel: fc.integer({ min: 1, max: 3 }),
  stride: fc.integer({ min: 1, max: 2 }),
  pad: fc.nat({ max: 2 }),
  ceil: fc.boolean(),
  classes: fc.integer({ min: 1, max: 5 }),
  multiplier: fc.integer({ min: 1, max: 2 }),
  valueSeed: valueSeedArb,
});

type Structure = typeof structureArb extends fc.Arbitrary<infer T> ? T : never;

class Builder {
  nodes: CaseNode[] = [];
  inputs: InputSpec[] = [];
  terms = 0;
  private count = 0;

  param(prefix: string, dims: number[], role: InputSpec['role'], dist?: InputSpec['dist']): string {
    const name = `${prefix}${this.count++}`;
    this.inputs.push({ name, dims, role, constant: true, ...(dist ? { dist } : {}) });
    return name;
  }

  node(opType: string, inputs: string[], attributes: CaseNode['attributes'] = {}, terms = 0): string {
    const out = `${opType.toLowerCase()}${this.count++}`;
    this.nodes.push({ opType, inputs, outputs: [out], attributes });
    this.terms += terms;
    return out;
  }

  /** A Conv with a bias, He-scaled weights so activations stay of order 1 through the chain. */
  conv(x: string, cIn: number, cOut: number, k: number, attrs: { stride?: number; pad?: number; group?: number }): string {
    const group = attrs.group ?? 1;
    const w = this.param('w', [cOut, cIn / group, k, k], 'weight', { kind: 'normal', scale: Math.sqrt(2 / ((cIn / group) * k * k)) });
    const b = this.param('b', [cOut], 'bias');
    const p = attrs.pad ?? 0;
    return this.node('Conv', [x, w, b], { strides: [attrs.stride ?? 1, attrs.stride ?? 1], pads: [p, p, p, p], group }, (cIn / group) * k * k + 1);
  }
}

function chainCase(s: Structure, mode: ValueMode): FuzzCase {
  const b = new Builder();
  const c = s.channels;
  const xDims = [s.batch, c, s.height, s.breadth];
  b.inputs.push({ name: 'X', dims: xDims, role: 'data' });
  const k = s.kernel;
  const pad = Math.min(s.pad, k - 1);
  let out: string;
  let title: string;
  const classes: string[] = [s.kind];
  if (s.kind === 'classifier') {
    const m = s.width + 1;
    let y = b.conv('X', c, m, k, { stride: s.stride, pad });
    const [h, w] = [s.height, s.breadth].map((d) => windowOutputSize(d, k, s.stride, 1, pad, pad));
    const bn = ['scale', 'bias', 'mean', 'variance'] as const;
    const params = bn.map((role) => b.param(role[0]!, [m], role === 'scale' ? 'scale' : role === 'bias' ? 'bias' : role, role === 'variance' ? { kind: 'uniform', min: 0.2, max: 2 } : undefined));
    y = b.node('BatchNormalization', [y, ...params], { epsilon: 1e-5 }, 8);
    y = b.node('Relu', [y]);
    const poolK = Math.min(2, h!, w!);
    y = b.node('MaxPool', [y], { kernel_shape: [poolK, poolK], strides: [2, 2], ceil_mode: s.ceil ? 1 : 0 });
    const [ph, pw] = [h!, w!].map((d) => poolOutputSize(d, poolK, 2, 1, 0, 0, s.ceil));
    y = b.node('Flatten', [y], { axis: 1 });
    const features = m * ph! * pw!;
    const gw = b.param('fc', [s.classes, features], 'weight', { kind: 'normal', scale: Math.sqrt(1 / features) });
    const gb = b.param('fcb', [s.classes], 'bias');
    out = b.node('Gemm', [y, gw, gb], { transB: 1 }, features + 3);
    title = `Conv(k${k} s${s.stride} p${pad})→BN→Relu→MaxPool(2${s.ceil ? ' ceil' : ''})→Flatten→Gemm(${s.classes}) x=${dimsText(xDims)}`;
    if (s.ceil) classes.push('ceil_mode');
  } else if (s.kind === 'separable') {
    const dk = 2 * Math.floor(k / 2) + 1;
    let y = b.conv('X', c, c * s.multiplier, dk, { group: c, pad: (dk - 1) / 2, stride: s.stride });
    y = b.node('Relu', [y]);
    out = b.conv(y, c * s.multiplier, s.width + 1, 1, {});
    title = `depthwise Conv(k${dk} ×${s.multiplier} s${s.stride})→Relu→pointwise Conv(${s.width + 1}) x=${dimsText(xDims)}`;
    if (s.multiplier > 1) classes.push('channel multiplier > 1');
  } else if (s.kind === 'residual') {
    const rk = 2 * Math.floor(k / 2) + 1;
    let y = b.conv('X', c, c, rk, { pad: (rk - 1) / 2 });
    y = b.node('Relu', [y]);
    y = b.conv(y, c, c, rk, { pad: (rk - 1) / 2 });
    y = b.node('Add', [y, 'X'], {}, 1);
    out = b.node('Relu', [y]);
    title = `residual Conv(k${rk})→Relu→Conv(k${rk})→Add(X)→Relu x=${dimsText(xDims)}`;
  } else {
    const stride = s.stride + 1;
    const tk = k + 1;
    const tp = Math.min(s.pad, tk - 1);
    const op = s.ceil ? stride - 1 : 0;
    const m = s.width + 1;
    const w = b.param('tw', [c, m, tk, tk], 'weight', { kind: 'normal', scale: Math.sqrt(1 / (c * tk)) });
    const tb = b.param('tb', [m], 'bias');
    const small = [Math.ceil(s.height / 2), Math.ceil(s.breadth / 2)];
    xDims[2] = small[0]!;
    xDims[3] = small[1]!;
    b.inputs[0]!.dims = xDims;
    let y = b.node('ConvTranspose', ['X', w, tb], { strides: [stride, stride], pads: [tp, tp, tp, tp], output_padding: [op, op] }, c * tk * tk + 1);
    const size = small.map((d) => transposedOutputSize(d, tk, stride, 1, tp, tp, op));
    y = b.node('Relu', [y]);
    const ck = Math.min(3, ...size);
    out = b.conv(y, m, 1 + (s.multiplier % 2), ck, { pad: Math.floor((ck - 1) / 2) });
    title = `ConvTranspose(k${tk} s${stride} p${tp} op${op})→Relu→Conv(k${ck}) x=${dimsText(xDims)}`;
    if (op > 0) classes.push('output_padding > 0');
  }
  if (s.batch > 1) classes.push('batch > 1');
  return {
    family: 'chain',
    op: `chain:${s.kind}`,
    title: `${title} opset ${s.opset}`,
    opset: s.opset,
    nodes: b.nodes,
    inputs: b.inputs,
    outputs: [out],
    values: mode,
    valueSeed: s.valueSeed,
    classes,
    check: { kind: 'reduction', terms: b.terms },
  };
}

export function chainArbitrary(mode: ValueMode): fc.Arbitrary<FuzzCase> {
  return structureArb.map((s) => chainCase(s, mode));
}

export const chainFamily: Family = {
  name: 'chain',
  summary: 'small models: Conv→BN→Relu→MaxPool→Flatten→Gemm, depthwise+pointwise, residual Add, ConvTranspose decoder',
  ops: ['Conv', 'BatchNormalization', 'Relu', 'MaxPool', 'Flatten', 'Gemm', 'Add', 'ConvTranspose'],
  modes: ['normal', 'cancel', 'zeros'],
  arbitrary: chainArbitrary,
  expectedRefusal(c) {
    if (c.op !== 'chain:classifier') return undefined;
    const pool = c.nodes.find((n) => n.opType === 'MaxPool')!;
    if (pool.attributes?.ceil_mode !== 1) return undefined;
    const conv = c.nodes[0]!;
    const k = c.inputs.find((i) => i.name === conv.inputs[1])!.dims[2]!;
    const stride = (conv.attributes!.strides as number[])[0]!;
    const pad = (conv.attributes!.pads as number[])[0]!;
    const poolK = (pool.attributes.kernel_shape as number[])[0]!;
    const dropped = c.inputs[0]!.dims.slice(2).some((d) => {
      const h = windowOutputSize(d, k, stride, 1, pad, pad);
      return Math.ceil((h - poolK) / 2) + 1 > poolOutputSize(h, poolK, 2, 1, 0, 0, true);
    });
    // ONNX's shape inference (run by onnxruntime at load) sizes ceil_mode pools without PyTorch's rule that drops
    // a last window starting past the input; the Gemm after Flatten, sized by PyTorch's rule, then fails its check.
    return dropped ? "ONNX shape inference keeps the ceil_mode window PyTorch drops; the Gemm's weight no longer fits" : undefined;
  },
};
