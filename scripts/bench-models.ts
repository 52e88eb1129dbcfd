/**
 * Models the benchmark builds instead of storing: single layers (one Conv or Gemm with its weights as initializers
 * and a fed input) and a ResNet-18 (He et al. 2015: 7×7 stem, four stages of two basic blocks, 64–512 channels,
 * global average pool, fully-connected classifier) with BatchNormalization kept as the dynamo exporter keeps it.
 * Weights are seeded random values scaled like a trained network (He initialization), so activations stay finite.
 */
import { buildModel, type BuiltModel, type NodeSpec } from '../src/fuzz/model-builder.js';
import { float32, type Tensor } from '../src/tensor.js';

/** mulberry32 in [-1, 1). */
export function seeded(count: number, seed: number, scale = 1): Float32Array {
  let state = seed >>> 0;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1) * scale;
  }
  return out;
}

export interface ConvLayer {
  batch: number;
  inChannels: number;
  outChannels: number;
  size: number;
  kernel: number;
  stride?: number;
  pad?: number;
  dilation?: number;
  group?: number;
}

export function convOutputSize(l: ConvLayer): number {
  const d = l.dilation ?? 1;
  return Math.floor((l.size + 2 * (l.pad ?? 0) - d * (l.kernel - 1) - 1) / (l.stride ?? 1)) + 1;
}

/** Multiply-adds of one Conv layer. */
export function convMacs(l: ConvLayer): number {
  const o = convOutputSize(l);
  return l.batch * l.outChannels * o * o * (l.inChannels / (l.group ?? 1)) * l.kernel * l.kernel;
}

/** One Conv node: X fed, W and B stored. */
export function convModel(l: ConvLayer, seed = 1): BuiltModel {
  const cPerGroup = l.inChannels / (l.group ?? 1);
  const fanIn = cPerGroup * l.kernel * l.kernel;
  return buildModel({
    opset: 17,
    nodes: [
      {
        opType: 'Conv',
        inputs: ['X', 'W', 'B'],
        outputs: ['Y'],
        attributes: {
          kernel_shape: [l.kernel, l.kernel],
          strides: [l.stride ?? 1, l.stride ?? 1],
          pads: Array(4).fill(l.pad ?? 0),
          dilations: [l.dilation ?? 1, l.dilation ?? 1],
          group: l.group ?? 1,
        },
      },
    ],
    inputs: { X: float32([l.batch, l.inChannels, l.size, l.size], seeded(l.batch * l.inChannels * l.size * l.size, seed)) },
    initializers: {
      W: float32([l.outChannels, cPerGroup, l.kernel, l.kernel], seeded(l.outChannels * fanIn, seed + 1, Math.sqrt(6 / fanIn))),
      B: float32([l.outChannels], seeded(l.outChannels, seed + 2, 0.1)),
    },
    outputs: ['Y'],
  });
}

interface Builder {
  nodes: NodeSpec[];
  initializers: Record<string, Tensor>;
  seed: number;
  count: number;
}

function param(b: Builder, name: string, dims: number[], values: Float32Array): string {
  b.initializers[name] = float32(dims, values);
  return name;
}

function conv(b: Builder, x: string, cin: number, cout: number, k: number, stride: number, pad: number): string {
  const id = `conv${b.count++}`;
  const fanIn = cin * k * k;
  const w = param(b, `${id}.weight`, [cout, cin, k, k], seeded(cout * fanIn, b.seed++, Math.sqrt(6 / fanIn)));
  b.nodes.push({ opType: 'Conv', name: id, inputs: [x, w], outputs: [id], attributes: { kernel_shape: [k, k], strides: [stride, stride], pads: [pad, pad, pad, pad] } });
  return id;
}

function batchNorm(b: Builder, x: string, c: number): string {
  const id = `bn${b.count++}`;
  const scale = param(b, `${id}.weight`, [c], seeded(c, b.seed++, 0.2).map((v) => 1 + v));
  const bias = param(b, `${id}.bias`, [c], seeded(c, b.seed++, 0.1));
  const mean = param(b, `${id}.running_mean`, [c], seeded(c, b.seed++, 0.1));
  const variance = param(b, `${id}.running_var`, [c], seeded(c, b.seed++, 0.3).map((v) => 1 + v));
  b.nodes.push({ opType: 'BatchNormalization', name: id, inputs: [x, scale, bias, mean, variance], outputs: [id], attributes: { epsilon: 1e-5 } });
  return id;
}

function op(b: Builder, opType: string, inputs: string[], attributes?: NodeSpec['attributes']): string {
  const id = `${opType.toLowerCase()}${b.count++}`;
  b.nodes.push({ opType, name: id, inputs, outputs: [id], ...(attributes ? { attributes } : {}) });
  return id;
}

function basicBlock(b: Builder, x: string, cin: number, cout: number, stride: number): string {
  let y = op(b, 'Relu', [batchNorm(b, conv(b, x, cin, cout, 3, stride, 1), cout)]);
  y = batchNorm(b, conv(b, y, cout, cout, 3, 1, 1), cout);
  const shortcut = stride !== 1 || cin !== cout ? batchNorm(b, conv(b, x, cin, cout, 1, stride, 0), cout) : x;
  return op(b, 'Relu', [op(b, 'Add', [y, shortcut])]);
}

/** ResNet-18 on [batch, 3, size, size] with `classes` outputs; about 11.2 M + 513 · classes parameters. */
export function resnet18(batch: number, classes = 1000, size = 224): BuiltModel {
  const b: Builder = { nodes: [], initializers: {}, seed: 100, count: 0 };
  let x = op(b, 'Relu', [batchNorm(b, conv(b, 'input', 3, 64, 7, 2, 3), 64)]);
  x = op(b, 'MaxPool', [x], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] });
  let channels = 64;
  for (const [cout, stride] of [[64, 1], [128, 2], [256, 2], [512, 2]] as const) {
    x = basicBlock(b, x, channels, cout, stride);
    x = basicBlock(b, x, cout, cout, 1);
    channels = cout;
  }
  x = op(b, 'Flatten', [op(b, 'GlobalAveragePool', [x])]);
  const w = param(b, 'fc.weight', [classes, 512], seeded(classes * 512, b.seed++, Math.sqrt(6 / 512)));
  const bias = param(b, 'fc.bias', [classes], seeded(classes, b.seed++, 0.1));
  b.nodes.push({ opType: 'Gemm', name: 'fc', inputs: [x, w, bias], outputs: ['logits'], attributes: { transB: 1 } });
  return buildModel({
    opset: 17,
    nodes: b.nodes,
    inputs: { input: float32([batch, 3, size, size], seeded(batch * 3 * size * size, 7)) },
    inputDims: { input: ['batch', 3, size, size] },
    initializers: b.initializers,
    outputs: ['logits'],
  });
}

/** Bytes of every initializer of a built model. */
export function weightBytes(model: BuiltModel): number {
  return model.record.graph.initializers.reduce((sum, i) => sum + i.tensor.data.byteLength, 0);
}
