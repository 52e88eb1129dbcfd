import * as fs from 'node:fs';
import * as path from 'node:path';
import { asTorchParityError, TorchParityError, type ErrorContext } from '../errors.js';
import type { Graph, GraphInput, GraphOutput, IrNode, Precision } from '../ir/graph.js';
import { finishOutput, importGraph } from '../ir/import.js';
import { checkedElementCount, limitExceeded, resolveLimits, storageBytes, type Limits } from '../limits.js';
import { decodeModel } from '../onnx/decode-model.js';
import { fileExternalData, memoryExternalData, NO_EXTERNAL_DATA, type ExternalDataSource } from '../onnx/external-data.js';
import { OpContext, type RunContext, type ValueType } from '../ops/declaration.js';
import type { Tensor } from '../tensor.js';
import type { ArenaStats } from './arena.js';
import { checkFeeds } from './feeds.js';
import { foldBatchNorm } from './fold-batchnorm.js';
import { EnginePlan, type EngineOptions } from './plan.js';

/** Inputs this small reach the run-time shape check with their values (shape, pads, scales, Range bounds). */
const SMALL_VALUE = 64;

export interface LoadOptions {
  /** 'float64' runs every float32 computation in float64: the referee for float32 disagreements. */
  precision?: Precision;
  limits?: Partial<Limits>;
  /** External data for models given as bytes: location -> bytes. Paths resolve files beside the model. */
  externalData?: ReadonlyMap<string, Uint8Array> | Record<string, Uint8Array>;
  /** Name shown in errors for models given as bytes. */
  file?: string;
  fold?: boolean;
  /**
   * Threads for large Conv/Gemm/MatMul, BatchNormalization and MaxPool layers, the calling one included (default 1).
   * More than 1 starts worker_threads; call Session.close() to stop them (they do not keep the process alive).
   */
  threads?: number;
  /**
   * Fold each BatchNormalization into the Conv before it (default false): faster, but it changes rounding, so
   * results differ from the graph as written by a few float32 ulps (engine/fold-batchnorm.ts).
   */
  foldBatchNorm?: boolean;
  /**
   * Run 3 × 3 stride-1 convolutions with 16+ channels by Winograd's F(2×2, 3×3) (default false): 1.2–1.9× faster on
   * them, but it changes rounding. Each output's error is then bounded by float64 rounding of its whole 4 × 4 input
   * tile rather than of its own window, so an output whose exact value is 0 can come out as ~1e-16 and −0 as +0
   * (kernels/conv-winograd.ts).
   */
  winograd?: boolean;
}

export interface TapEvent {
  node: IrNode;
  /** Position in the execution order. */
  step: number;
  inputs: (Tensor | undefined)[];
  outputs: { name: string; tensor: Tensor }[];
}

export interface RunOptions {
  /** Sees every node's inputs and outputs as it runs; tensors must not be modified. */
  tap?: (event: TapEvent) => void | Promise<void>;
  /** Values to return (default: the graph outputs). Any intermediate name is allowed. */
  outputs?: readonly string[];
  /** Replaces one node's computation; for fault-injection tests of the tools built on top. */
  override?: (node: IrNode, inputs: (Tensor | undefined)[], computed: Tensor[]) => Tensor[];
}

/** A loaded model ready to run on torchparity's own engine. */
export class Session {
  readonly graph: Graph;
  private readonly limits: Limits;
  /** For each step, the values whose last reader it is. */
  private readonly releaseAfter: string[][];
  private readonly consumed: Set<string>;
  /** Per step: some output's size was not fully known at import, so it is checked against the limits at run time. */
  private readonly dynamicSize: boolean[];
  /** Fast-run machinery: Relu fusion, buffer arena, per-node memo, worker threads (engine/plan.ts). */
  private readonly plan: EnginePlan;

  constructor(graph: Graph, limits: Limits, engine: EngineOptions = {}) {
    this.graph = graph;
    this.limits = limits;
    this.plan = new EnginePlan(graph, engine);
    const outputs = new Set(graph.outputs.map((o) => o.name));
    const lastUse = new Map<string, number>();
    graph.nodes.forEach((node, step) => {
      for (const name of node.inputs) if (name !== '') lastUse.set(name, step);
    });
    this.consumed = new Set(lastUse.keys());
    this.releaseAfter = graph.nodes.map(() => []);
    for (const [name, step] of lastUse) {
      if (!outputs.has(name) && !graph.constants.has(name)) this.releaseAfter[step]!.push(name);
    }
    // Static sizes were checked at import (ir/import.ts); the rest depend on fed dims or computed values.
    this.dynamicSize = graph.nodes.map((node) =>
      node.outputs.some((o) => {
        const dims = o === '' ? [] : graph.types.get(o)?.dims;
        return dims === undefined || dims.some((d) => typeof d !== 'number');
      }),
    );
  }

  /**
   * A node's output sizes from its own shape rule, given the actual input dims (and the values of small inputs:
   * shapes, pads, scales), checked against the limits before its kernel allocates. A hostile attribute (pads of
   * 2^31 on a model with a symbolic batch) or a computed shape then fails as limit_exceeded, not inside a kernel.
   */
  private checkOutputSizes(node: IrNode, inputs: readonly (Tensor | undefined)[], ctx: RunContext, context: ErrorContext): void {
    const types: (ValueType | undefined)[] = inputs.map((t) =>
      t === undefined ? undefined : { dtype: t.dtype, dims: t.dims, ...(t.data.length <= SMALL_VALUE ? { value: t } : {}) },
    );
    node.decl.shape(types, node.attrs, ctx).forEach((type, k) => {
      const name = node.outputs[k];
      if (!name || !type.dims || !type.dims.every((d): d is number => typeof d === 'number')) return;
      checkedElementCount(type.dims, this.limits, { ...context, tensor: name }, storageBytes(type.dtype));
    });
  }

  get inputs(): readonly GraphInput[] {
    return this.graph.inputs;
  }

  get outputs(): readonly GraphOutput[] {
    return this.graph.outputs;
  }

  get precision(): Precision {
    return this.graph.precision;
  }

  /** Storage the buffer arena has created and reused so far (no new allocations after the first run). */
  get arenaStats(): Readonly<ArenaStats> {
    return this.plan.arena.stats;
  }

  /** Resolves once the worker threads of a session loaded with threads > 1 are up (loadModel waits for it). */
  async ready(): Promise<void> {
    await this.plan.ready();
  }

  /** Stops the worker threads of a session loaded with threads > 1. */
  async close(): Promise<void> {
    await this.plan.close();
  }

  async run(feeds: Readonly<Record<string, Tensor>>, options: RunOptions = {}): Promise<Record<string, Tensor>> {
    const graph = this.graph;
    const where: ErrorContext = graph.file ? { file: graph.file } : {};
    const values = checkFeeds(graph.inputs, feeds, graph.precision, where);
    for (const [name, t] of graph.constants) values.set(name, t);
    const wanted = options.outputs ?? graph.outputs.map((o) => o.name);
    const keep = new Set(wanted);
    let liveBytes = 0;
    // Fusion and buffer reuse only when nobody outside can see (and keep) intermediates.
    const plan = this.plan.begin(!options.tap && !options.override, keep, graph);
    const result: Record<string, Tensor> = {};
    try {
      for (let step = 0; step < graph.nodes.length; step++) {
        if (plan.skips(step)) continue;
        const node = graph.nodes[step]!;
        const outputNames = plan.outputNames(step, graph);
        const inputs = node.inputs.map((name) => (name === '' ? undefined : values.get(name)));
        const context = { ...where, node: node.name, op: node.opType };
        const ctx = Object.assign(new OpContext({ name: node.name, opType: node.opType, outputCount: node.outputs.length }, node.opset), {
          outputsUsed: node.outputs.map((o) => o !== '' && (this.consumed.has(o) || keep.has(o) || options.tap !== undefined)),
          floatType: graph.precision,
          limits: this.limits,
          engine: plan.hooks(step),
        }) as RunContext;
        let outputs: Tensor[];
        try {
          if (this.dynamicSize[step]) this.checkOutputSizes(node, inputs, ctx, context);
          outputs = node.decl.run(inputs, node.attrs, ctx).map((t) => finishOutput(t, graph.precision));
        } catch (error) {
          throw asTorchParityError(error, 'internal', context, 'this is a torchparity bug; please report it with the model');
        }
        if (options.override) outputs = options.override(node, inputs, outputs);
        const named: { name: string; tensor: Tensor }[] = [];
        outputNames.forEach((name, k) => {
          if (name === '') return;
          const t = outputs[k];
          if (!t) {
            if (this.consumed.has(name) || keep.has(name)) {
              throw new TorchParityError('internal', `produced no value for output '${name}'`, context);
            }
            return;
          }
          // Ops with value-dependent sizes check before allocating (checkOutputSize); this catches the rest.
          if (t.data.length > this.limits.maxTensorElements) {
            limitExceeded('element count', t.data.length, this.limits.maxTensorElements, { ...context, tensor: name }, 'maxTensorElements');
          }
          if (t.data.byteLength > this.limits.maxTensorBytes) {
            limitExceeded('byte size', t.data.byteLength, this.limits.maxTensorBytes, { ...context, tensor: name }, 'maxTensorBytes');
          }
          values.set(name, t);
          plan.retain(t);
          liveBytes += t.data.byteLength;
          named.push({ name, tensor: t });
        });
        if (liveBytes > this.limits.maxRunBytes) {
          throw new TorchParityError(
            'limit_exceeded',
            `live tensors reach ${liveBytes} bytes, over the limit of ${this.limits.maxRunBytes}`,
            context,
            'if the model is genuine, raise limits.maxRunBytes',
          );
        }
        if (options.tap) await options.tap({ node, step, inputs, outputs: named });
        for (const name of this.releaseAfter[step]!) {
          if (keep.has(name)) continue;
          const t = values.get(name);
          if (t) {
            liveBytes -= t.data.byteLength;
            plan.release(t);
          }
          values.delete(name);
        }
        // Outputs nobody reads (an unused optional output) go at once.
        for (const { name, tensor } of named) {
          if (!this.consumed.has(name) && !keep.has(name)) {
            liveBytes -= tensor.data.byteLength;
            plan.release(tensor);
            values.delete(name);
          }
        }
        plan.endNode();
      }

      for (const name of wanted) {
        const t = values.get(name);
        if (!t) throw new TorchParityError('usage', `'${name}' is not a value of this model`, where);
        result[name] = t;
      }
    } finally {
      plan.finish(Object.values(result));
    }
    return result;
  }
}

function externalSource(source: string | Uint8Array, options: LoadOptions): ExternalDataSource {
  if (options.externalData) return memoryExternalData(options.externalData);
  if (typeof source === 'string') return fileExternalData(path.dirname(path.resolve(source)));
  return NO_EXTERNAL_DATA;
}

/** Reads a model file (with its external data) or bytes, validates it, and prepares it to run. */
export async function loadModel(source: string | Uint8Array, options: LoadOptions = {}): Promise<Session> {
  const file = typeof source === 'string' ? source : options.file;
  const where: ErrorContext = file ? { file } : {};
  let bytes: Uint8Array;
  if (typeof source === 'string') {
    const limits = resolveLimits(options.limits);
    let size: number;
    try {
      const stat = await fs.promises.stat(source);
      if (!stat.isFile()) throw new TorchParityError('usage', 'is not a file', where, 'give the path to the .onnx file');
      size = stat.size;
    } catch (error) {
      throw asTorchParityError(error, 'usage', where, 'check the path to the .onnx file');
    }
    // Checked before reading, so a huge file is never pulled into memory.
    if (size > limits.maxModelBytes) limitExceeded('file size', size, limits.maxModelBytes, where, 'maxModelBytes');
    try {
      bytes = await fs.promises.readFile(source);
    } catch (error) {
      throw asTorchParityError(error, 'usage', where, 'check the path to the .onnx file');
    }
  } else {
    bytes = source;
  }
  const externalData = externalSource(source, options);
  try {
    // Bytes read from the file here are ours: unaligned weights are aligned in place, not copied.
    const record = decodeModel(bytes, { file, externalData, limits: options.limits, ownsBytes: typeof source === 'string' });
    const graph = importGraph(record, { file, precision: options.precision, fold: options.fold, limits: options.limits });
    if (options.foldBatchNorm) foldBatchNorm(graph);
    const session = new Session(graph, resolveLimits(options.limits), { threads: options.threads, winograd: options.winograd });
    await session.ready();
    return session;
  } catch (error) {
    throw asTorchParityError(error, 'internal', where);
  } finally {
    externalData.close();
  }
}
