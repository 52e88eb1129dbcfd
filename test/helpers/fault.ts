import { loadModel } from '../../src/engine/session.js';
import type { Tensor } from '../../src/tensor.js';
import type { NodeOverride } from '../../src/verify/node-check.js';

/**
 * Test-only kernel faults, injected through Session's `override` hook: the named node's first output is changed
 * after it is computed, as a wrong kernel would change it. Everything else runs untouched.
 */
export function faultAt(victim: string, change: (data: Float32Array, dims: readonly number[]) => void): NodeOverride {
  return (node, _inputs, computed) => {
    if (node.name !== victim) return computed;
    const [first, ...rest] = computed as [Tensor, ...Tensor[]];
    const data = Float32Array.from(first.data as Float32Array);
    change(data, first.dims);
    return [{ dtype: first.dtype, dims: first.dims, data }, ...rest];
  };
}

/** Scales the outermost ring of every H×W plane by `factor`: what dropping or doubling padding taps looks like. */
export function borderFault(victim: string, factor = 1.01): NodeOverride {
  return faultAt(victim, (data, dims) => {
    const [h, w] = [dims[dims.length - 2]!, dims[dims.length - 1]!];
    for (let i = 0; i < data.length; i++) {
      const y = Math.floor(i / w) % h;
      const x = i % w;
      if (y === 0 || x === 0 || y === h - 1 || x === w - 1) data[i]! *= factor;
    }
  });
}

/** Adds `delta` to every element. */
export function offsetFault(victim: string, delta: number): NodeOverride {
  return faultAt(victim, (data) => {
    for (let i = 0; i < data.length; i++) data[i]! += delta;
  });
}

/** The Conv in the middle of a model's run-time Conv nodes (never the first or last node of the graph). */
export async function middleConv(model: string): Promise<{ name: string; step: number; nodes: number }> {
  const session = await loadModel(model);
  const convs = session.graph.nodes.map((n, step) => ({ name: n.name, step, op: n.opType })).filter((n) => n.op === 'Conv');
  const middle = convs[Math.floor(convs.length / 2)]!;
  return { name: middle.name, step: middle.step, nodes: session.graph.nodes.length };
}
