import type { Graph } from '../ir/graph.js';
import type { EngineHooks } from '../ops/engine-hooks.js';
import { setAllocator, type Tensor } from '../tensor.js';
import { BufferArena } from './arena.js';
import { WorkerPool } from './parallel.js';

export interface EngineOptions {
  /** Threads for large layers, the calling one included (default 1: no workers; LoadOptions.threads). */
  threads?: number;
  /** Let eligible 3 × 3 convolutions run by Winograd's F(2×2, 3×3) (kernels/conv-winograd.ts; changes rounding). */
  winograd?: boolean;
}

/** Ops whose run honours EngineHooks.relu (ops/nn/conv.ts, ops/nn/gemm.ts, ops/nn/batch-normalization.ts). */
const FUSES_RELU = new Set(['Conv', 'Gemm', 'BatchNormalization']);

/**
 * What a Session prepares once for fast runs: per-node hooks (a memo for data derived from constants, which inputs
 * are constants), Conv/Gemm/BatchNormalization → Relu pairs to fuse, the buffer arena, and the worker pool.
 *
 * A pair fuses when the Relu is the only reader of the first node's output and that output is not a graph output: the
 * node then writes relu(Y) under the Relu's output name and the Relu node is skipped (exact: tile.ts reluStore).
 * Fusion and the arena are both off for a run with a tap or an override (they see, and may keep, every
 * intermediate) and a pair stays unfused when the run asks for its intermediate by name.
 */
export class EnginePlan {
  readonly arena: BufferArena;
  readonly pool?: WorkerPool;
  private readonly memos: Map<string, unknown>[];
  private readonly constantInputs: boolean[][];
  /** Step of a fusable Conv/Gemm → step of its Relu. */
  private readonly fuseWith = new Map<number, number>();
  private readonly fusedRelu = new Set<number>();

  private readonly winograd: boolean;

  constructor(graph: Graph, options: EngineOptions = {}) {
    this.winograd = options.winograd === true;
    const threads = Math.max(1, Math.floor(options.threads ?? 1));
    this.pool = threads > 1 ? new WorkerPool(threads) : undefined;
    this.arena = new BufferArena(threads > 1);
    this.memos = graph.nodes.map(() => new Map());
    this.constantInputs = graph.nodes.map((node) => node.inputs.map((name) => name !== '' && graph.constants.has(name)));
    const outputs = new Set(graph.outputs.map((o) => o.name));
    const readers = new Map<string, number[]>();
    graph.nodes.forEach((node, step) => {
      for (const name of node.inputs) if (name !== '') readers.set(name, [...(readers.get(name) ?? []), step]);
    });
    graph.nodes.forEach((node, step) => {
      const y = node.outputs[0];
      if (node.domain !== '' || !FUSES_RELU.has(node.opType) || !y || outputs.has(y)) return;
      const users = readers.get(y) ?? [];
      const relu = users.length === 1 ? graph.nodes[users[0]!]! : undefined;
      if (!relu || relu.opType !== 'Relu' || relu.domain !== '' || relu.inputs.length !== 1 || !relu.outputs[0]) return;
      this.fuseWith.set(step, users[0]!);
    });
  }

  /** Starts a run: which pairs fuse, and the arena installed as allocator when the run allows it. */
  begin(fast: boolean, keep: ReadonlySet<string>, graph: Graph): RunPlan {
    this.pool?.runStarts();
    return new RunPlan(this, fast, keep, graph);
  }

  hooks(step: number, relu: boolean): EngineHooks {
    return { memo: this.memos[step]!, constantInputs: this.constantInputs[step]!, relu, winograd: this.winograd, ...(this.pool ? { parallel: this.pool } : {}) };
  }

  fusionOf(step: number): number | undefined {
    return this.fuseWith.get(step);
  }

  /** Resolves once the worker threads (if any) have loaded. */
  async ready(): Promise<void> {
    await this.pool?.ready;
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }
}

/** One run's view of the plan. */
export class RunPlan {
  /** Conv/Gemm step → the Relu step whose output it writes. */
  private readonly fused = new Map<number, number>();
  private readonly skipped = new Set<number>();
  private readonly arena?: BufferArena;
  private previous: ReturnType<typeof setAllocator>;

  constructor(
    private readonly plan: EnginePlan,
    fast: boolean,
    keep: ReadonlySet<string>,
    graph: Graph,
  ) {
    if (fast) {
      graph.nodes.forEach((node, step) => {
        const reluStep = plan.fusionOf(step);
        if (reluStep === undefined || keep.has(node.outputs[0]!)) return;
        this.fused.set(step, reluStep);
        this.skipped.add(reluStep);
      });
      this.arena = plan.arena;
      // A fast run never awaits (no tap), so installing and restoring the allocator nests properly.
      this.previous = setAllocator(this.arena);
    }
  }

  /** A Relu whose work its producer did. */
  skips(step: number): boolean {
    return this.skipped.has(step);
  }

  hooks(step: number): EngineHooks {
    return this.plan.hooks(step, this.fused.has(step));
  }

  /** The names a node's outputs are stored under: a fused producer's Y is the Relu's output. */
  outputNames(step: number, graph: Graph): readonly string[] {
    const node = graph.nodes[step]!;
    const reluStep = this.fused.get(step);
    if (reluStep === undefined) return node.outputs;
    return [graph.nodes[reluStep]!.outputs[0]!, ...node.outputs.slice(1)];
  }

  retain(t: Tensor): void {
    this.arena?.retain(t.data);
  }

  release(t: Tensor): void {
    this.arena?.release(t.data);
  }

  endNode(): void {
    this.arena?.endNode();
  }

  /** Ends the run (also after a failure): results leave the arena, the previous allocator comes back. */
  finish(results: readonly Tensor[]): void {
    if (!this.arena) return;
    for (const t of results) this.arena.disown(t.data);
    this.arena.endRun();
    setAllocator(this.previous);
  }
}
