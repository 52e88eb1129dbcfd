import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findOp } from '../ops/registry.js';
import { float32, int64, tensor } from '../tensor.js';
import type { SeedModel } from './import-fuzz-mutate.js';
import { buildModel, type ModelSpec } from './model-builder.js';

/** The repository's fixtures/ folder, from src/fuzz or dist/fuzz alike. */
export const DEFAULT_FIXTURES_DIR = fileURLToPath(new URL('../../fixtures/', import.meta.url));

/** File contents as a plain Uint8Array: Buffer#slice shares memory, and the mutators copy with slice(). */
function readPlain(file: string): Uint8Array {
  return new Uint8Array(fs.readFileSync(file));
}

/**
 * Every model.onnx under `dir` (fixtures/malformed excluded: those are bad on purpose), with the files beside it as
 * its external data, keyed by file name the way `location` names them.
 */
export function fixtureSeeds(dir: string = DEFAULT_FIXTURES_DIR, max = 400): SeedModel[] {
  const seeds: SeedModel[] = [];
  const walk = (d: string) => {
    if (seeds.length >= max || !fs.existsSync(d)) return;
    const entries = fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    const model = entries.find((e) => e.isFile() && e.name === 'model.onnx');
    if (model) {
      const externalData: Record<string, Uint8Array> = {};
      for (const e of entries) {
        if (e.isFile() && e.name !== 'model.onnx' && !e.name.endsWith('.json')) externalData[e.name] = readPlain(path.join(d, e.name));
      }
      seeds.push({ name: path.relative(dir, path.join(d, 'model.onnx')), bytes: readPlain(path.join(d, 'model.onnx')), externalData });
    }
    for (const e of entries) {
      if (e.isDirectory() && e.name !== 'malformed' && !e.name.startsWith('test_data_set')) walk(path.join(d, e.name));
    }
  };
  walk(dir);
  return seeds;
}

const seq = (n: number, scale = 0.1) => Array.from({ length: n }, (_, i) => ((i * 7919) % 23) * scale - 1);
const x4 = float32([1, 2, 5, 5], seq(50));

/**
 * Small models over many ops and attribute forms, built with model-builder from the ops' own declarations, so the
 * fuzzer mutates attributes the fixtures never use. An op not (yet) declared is skipped.
 */
const BUILT: { name: string; spec: ModelSpec }[] = [
  {
    name: 'conv-pads-strides-group',
    spec: {
      opset: 13,
      nodes: [{ opType: 'Conv', inputs: ['x', 'w', 'b'], outputs: ['y'], attributes: { pads: [1, 0, 1, 2], strides: [2, 1], dilations: [1, 2], group: 2 } }],
      inputs: { x: x4 },
      initializers: { w: float32([4, 1, 3, 2], seq(24)), b: float32([4], [1, 2, 3, 4]) },
      outputs: ['y'],
    },
  },
  {
    name: 'maxpool-ceil',
    spec: {
      opset: 12,
      nodes: [{ opType: 'MaxPool', inputs: ['x'], outputs: ['y', 'i'], attributes: { kernel_shape: [3, 2], strides: [2, 2], pads: [1, 0, 1, 1], ceil_mode: 1, dilations: [1, 2] } }],
      inputs: { x: x4 },
      outputs: ['y', 'i'],
    },
  },
  {
    name: 'avgpool-same',
    spec: {
      opset: 19,
      nodes: [{ opType: 'AveragePool', inputs: ['x'], outputs: ['y'], attributes: { kernel_shape: [2, 3], auto_pad: 'SAME_UPPER', count_include_pad: 1 } }],
      inputs: { x: x4 },
      outputs: ['y'],
    },
  },
  {
    name: 'gemm-trans',
    spec: {
      opset: 13,
      nodes: [{ opType: 'Gemm', inputs: ['a', 'b', 'c'], outputs: ['y'], attributes: { transB: 1, alpha: 0.5, beta: 2 } }],
      inputs: { a: float32([2, 3], seq(6)) },
      initializers: { b: float32([4, 3], seq(12)), c: float32([4], [1, 0, -1, 2]) },
      outputs: ['y'],
    },
  },
  {
    name: 'shape-subgraph-reshape',
    spec: {
      opset: 13,
      nodes: [
        { opType: 'Shape', inputs: ['x'], outputs: ['s'] },
        { opType: 'Gather', inputs: ['s', 'zero'], outputs: ['n'], attributes: { axis: 0 } },
        { opType: 'Unsqueeze', inputs: ['n', 'axes'], outputs: ['n1'] },
        { opType: 'Concat', inputs: ['n1', 'minus1'], outputs: ['target'], attributes: { axis: 0 } },
        { opType: 'Reshape', inputs: ['x', 'target'], outputs: ['y'] },
        { opType: 'Softmax', inputs: ['y'], outputs: ['z'], attributes: { axis: -1 } },
      ],
      inputs: { x: x4 },
      inputDims: { x: ['N', 2, 5, 5] },
      initializers: { zero: int64([], [0]), axes: int64([1], [0]), minus1: int64([1], [-1]) },
      outputs: ['z'],
    },
  },
  {
    name: 'expand-tile',
    spec: {
      opset: 13,
      nodes: [
        { opType: 'Expand', inputs: ['x', 'shape'], outputs: ['e'] },
        { opType: 'Tile', inputs: ['e', 'reps'], outputs: ['y'] },
      ],
      inputs: { x: float32([3, 1], [1, 2, 3]) },
      initializers: { shape: int64([2], [3, 4]), reps: int64([2], [2, 1]) },
      outputs: ['y'],
    },
  },
  {
    name: 'slice-steps',
    spec: {
      opset: 13,
      nodes: [{ opType: 'Slice', inputs: ['x', 'starts', 'ends', 'axes', 'steps'], outputs: ['y'] }],
      inputs: { x: x4 },
      initializers: { starts: int64([2], [4, 0]), ends: int64([2], [-100, 9e15]), axes: int64([2], [2, -1]), steps: int64([2], [-2, 2]) },
      outputs: ['y'],
    },
  },
  {
    name: 'split-transpose-concat',
    spec: {
      opset: 13,
      nodes: [
        { opType: 'Split', inputs: ['x', 'split'], outputs: ['a', 'b'], attributes: { axis: 2 } },
        { opType: 'Transpose', inputs: ['a'], outputs: ['at'], attributes: { perm: [0, 1, 3, 2] } },
        { opType: 'Concat', inputs: ['at', 'b'], outputs: ['y'], attributes: { axis: 2 } },
      ],
      inputs: { x: float32([1, 2, 5, 2], seq(20)) },
      initializers: { split: int64([2], [2, 3]) },
      outputs: ['y'],
    },
  },
  {
    name: 'clip-batchnorm-cast',
    spec: {
      opset: 15,
      nodes: [
        { opType: 'BatchNormalization', inputs: ['x', 'g', 'b', 'm', 'v'], outputs: ['n'], attributes: { epsilon: 1e-3, momentum: 0.8 } },
        { opType: 'Clip', inputs: ['n', 'lo', 'hi'], outputs: ['c'] },
        { opType: 'Cast', inputs: ['c'], outputs: ['y'], attributes: { to: 10 } },
      ],
      inputs: { x: x4 },
      initializers: {
        g: float32([2], [1, 2]),
        b: float32([2], [0, 1]),
        m: float32([2], [0.5, -0.5]),
        v: float32([2], [1, 4]),
        lo: float32([], [-0.5]),
        hi: float32([], [0.75]),
      },
      outputs: ['y'],
    },
  },
  {
    name: 'range-constant-of-shape',
    spec: {
      opset: 13,
      nodes: [
        { opType: 'Range', inputs: ['start', 'limit', 'delta'], outputs: ['r'] },
        { opType: 'Shape', inputs: ['r'], outputs: ['shape'] },
        { opType: 'ConstantOfShape', inputs: ['shape'], outputs: ['z'], attributes: { value: float32([1], [2.5]) } },
        { opType: 'Cast', inputs: ['r'], outputs: ['rf'], attributes: { to: 1 } },
        { opType: 'Add', inputs: ['rf', 'z'], outputs: ['y'] },
      ],
      inputs: { start: int64([], [0]) },
      initializers: { limit: int64([], [12]), delta: int64([], [2]) },
      outputs: ['y'],
    },
  },
  {
    name: 'pad-resize',
    spec: {
      opset: 13,
      nodes: [
        { opType: 'Pad', inputs: ['x', 'pads'], outputs: ['p'], attributes: { mode: 'reflect' } },
        { opType: 'Resize', inputs: ['p', '', 'scales'], outputs: ['y'], attributes: { mode: 'nearest' } },
      ],
      inputs: { x: x4 },
      initializers: { pads: int64([8], [0, 0, 1, 2, 0, 0, 2, 1]), scales: float32([4], [1, 1, 2, 1.5]) },
      outputs: ['y'],
    },
  },
  {
    name: 'reduce-squeeze-matmul',
    spec: {
      opset: 13,
      nodes: [
        { opType: 'ReduceMean', inputs: ['x'], outputs: ['m'], attributes: { axes: [2], keepdims: 1 } },
        { opType: 'Squeeze', inputs: ['m', 'axes'], outputs: ['s'] },
        { opType: 'MatMul', inputs: ['s', 'w'], outputs: ['y'] },
      ],
      inputs: { x: x4 },
      initializers: { axes: int64([1], [2]), w: float32([5, 3], seq(15)) },
      outputs: ['y'],
    },
  },
  {
    name: 'conv-transpose-output-padding',
    spec: {
      opset: 11,
      nodes: [{ opType: 'ConvTranspose', inputs: ['x', 'w'], outputs: ['y'], attributes: { strides: [2, 2], output_padding: [1, 0], pads: [0, 1, 0, 1] } }],
      inputs: { x: x4 },
      initializers: { w: float32([2, 3, 3, 2], seq(36)) },
      outputs: ['y'],
    },
  },
  {
    name: 'int-elementwise-where',
    spec: {
      opset: 13,
      nodes: [
        { opType: 'Greater', inputs: ['a', 'b'], outputs: ['c'] },
        { opType: 'Where', inputs: ['c', 'a', 'b'], outputs: ['w'] },
        { opType: 'Div', inputs: ['w', 'b'], outputs: ['y'] },
      ],
      inputs: { a: tensor('int32', [2, 3], [1, -2, 3, 4, 5, -6]) },
      initializers: { b: tensor('int32', [3], [2, 3, -1]) },
      outputs: ['y'],
    },
  },
];

function usesOnlyKnownOps(spec: ModelSpec): boolean {
  return spec.nodes.every((n) => findOp(n.opType, n.domain ?? '', spec.opset) !== undefined);
}

/** The built models whose ops torchparity declares today. */
export function builtSeeds(): SeedModel[] {
  const seeds: SeedModel[] = [];
  for (const { name, spec } of BUILT) {
    if (!usesOnlyKnownOps(spec)) continue;
    try {
      seeds.push({ name: `built:${name}`, bytes: buildModel(spec).bytes, externalData: {} });
    } catch {
      // A spec the builder cannot encode today contributes nothing; the fixtures still cover the importer.
    }
  }
  return seeds;
}

export function defaultSeeds(fixturesDir?: string): SeedModel[] {
  return [...fixtureSeeds(fixturesDir), ...builtSeeds()];
}
