import { TorchParityError, type ErrorContext } from '../errors.js';
import type { NodeRecord } from '../onnx/records.js';

export interface TopologyInput {
  nodes: readonly NodeRecord[];
  /** Display names, index-aligned with nodes. */
  names: readonly string[];
  /** Values available before any node runs (graph inputs and initializers). */
  available: ReadonlySet<string>;
  outputs: readonly string[];
  where: ErrorContext;
}

/**
 * Checks that every value has one producer, that every input is available, and that there are no cycles; returns
 * node indices in an execution order (the file's own order whenever it is already valid).
 */
export function orderNodes(t: TopologyInput): number[] {
  const invalid = (message: string, extra: ErrorContext = {}, hint?: string) =>
    new TorchParityError('invalid_graph', message, { ...t.where, ...extra }, hint);
  const producer = new Map<string, number>();
  t.nodes.forEach((node, i) => {
    for (const out of node.outputs) {
      if (out === '') continue;
      if (t.available.has(out)) {
        throw invalid(`writes '${out}', which is already a graph input or initializer`, { node: t.names[i], op: node.opType });
      }
      const previous = producer.get(out);
      if (previous !== undefined) {
        throw invalid(`writes '${out}', which node '${t.names[previous]}' also writes`, { node: t.names[i], op: node.opType }, 'every value must be produced exactly once');
      }
      producer.set(out, i);
    }
  });
  const dependents = t.nodes.map(() => [] as number[]);
  const pending = t.nodes.map(() => 0);
  t.nodes.forEach((node, i) => {
    const seen = new Set<number>();
    for (const input of node.inputs) {
      if (input === '' || t.available.has(input)) continue;
      const from = producer.get(input);
      if (from === undefined) {
        throw invalid(`reads '${input}', which no node, graph input or initializer provides`, { node: t.names[i], op: node.opType }, 'the graph is incomplete or a name is misspelt');
      }
      if (from === i) throw invalid(`reads its own output '${input}'`, { node: t.names[i], op: node.opType });
      if (!seen.has(from)) {
        seen.add(from);
        dependents[from]!.push(i);
        pending[i]!++;
      }
    }
  });
  for (const out of t.outputs) {
    if (!t.available.has(out) && !producer.has(out)) {
      throw invalid(`graph output '${out}' is produced by nothing`, {}, 'the graph is incomplete');
    }
  }
  // Kahn's algorithm, always taking the lowest ready index so a sorted file keeps its order.
  const ready = new MinHeap();
  pending.forEach((p, i) => p === 0 && ready.push(i));
  const order: number[] = [];
  while (ready.size > 0) {
    const i = ready.pop();
    order.push(i);
    for (const d of dependents[i]!) if (--pending[d]! === 0) ready.push(d);
  }
  if (order.length < t.nodes.length) {
    const stuck = t.nodes.map((_, i) => i).filter((i) => pending[i]! > 0).map((i) => `'${t.names[i]}'`);
    throw invalid(`the graph has a cycle through nodes ${stuck.slice(0, 10).join(', ')}${stuck.length > 10 ? ', …' : ''}`);
  }
  return order;
}

class MinHeap {
  private items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  push(value: number): void {
    const items = this.items;
    items.push(value);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent]! <= value) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = value;
  }

  pop(): number {
    const items = this.items;
    const top = items[0]!;
    const last = items.pop()!;
    if (items.length > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= items.length) break;
        const child = left + 1 < items.length && items[left + 1]! < items[left]! ? left + 1 : left;
        if (items[child]! >= last) break;
        items[i] = items[child]!;
        i = child;
      }
      items[i] = last;
    }
    return top;
  }
}
