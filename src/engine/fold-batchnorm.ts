import type { Graph, IrNode } from '../ir/graph.js';
import type { Tensor } from '../tensor.js';

/**
 * BatchNormalization folded into the Conv before it — an optimization the user must ask for (LoadOptions
 * .foldBatchNorm), because it changes rounding: with alpha = scale / √(var + ε) per output channel, the folded Conv
 * computes Σ (w·alpha)·x + (b − mean)·alpha + B, rounding w·alpha to float32 once per weight, where the graph
 * computes the Conv in float32, then (y·alpha + beta). The results agree to a few float32 ulps, not bit for bit
 * (PyTorch's torch.nn.utils.fusion.fuse_conv_bn_eval makes the same trade). The default run computes the graph as
 * written.
 *
 * A pair folds when the Conv's output is read by that BatchNormalization only and is not a graph output, every
 * Conv weight and bias and every BatchNormalization parameter is a constant, and the BatchNormalization is in its
 * per-channel inference form with Y as its only output (the declarations refuse the rest anyway). Returns how many
 * pairs were folded.
 */
export function foldBatchNorm(graph: Graph): number {
  const outputs = new Set(graph.outputs.map((o) => o.name));
  const readers = new Map<string, number>();
  for (const node of graph.nodes) for (const name of node.inputs) if (name !== '') readers.set(name, (readers.get(name) ?? 0) + 1);
  const producer = new Map<string, number>();
  graph.nodes.forEach((node, step) => node.outputs.forEach((name) => name !== '' && producer.set(name, step)));
  const constant = (name: string | undefined): Tensor | undefined => (name ? graph.constants.get(name) : undefined);

  const replaced = new Map<number, IrNode>();
  const removed = new Set<number>();
  graph.nodes.forEach((bn, step) => {
    if (bn.opType !== 'BatchNormalization' || bn.domain !== '') return;
    if (bn.outputs.slice(1).some((o) => o !== '') || bn.attrs.spatial === 0) return;
    const [x, scaleName, biasName, meanName, varName] = bn.inputs;
    if (!x || readers.get(x) !== 1 || outputs.has(x)) return;
    const convStep = producer.get(x);
    if (convStep === undefined || replaced.has(convStep)) return;
    const conv = graph.nodes[convStep]!;
    if (conv.opType !== 'Conv' || conv.domain !== '') return;
    const w = constant(conv.inputs[1]);
    const b = conv.inputs[2] ? constant(conv.inputs[2]) : undefined;
    if (!w || (conv.inputs[2] && !b)) return;
    const [scale, beta, mean, variance] = [scaleName, biasName, meanName, varName].map(constant);
    if (!scale || !beta || !mean || !variance) return;
    const m = w.dims[0]!;
    if ([scale, beta, mean, variance].some((t) => t.data.length !== m) || (b && b.data.length !== m)) return;
    if (w.dtype !== graph.types.get(x)?.dtype || w.dtype !== scale.dtype) return;

    const epsilon = bn.attrs.epsilon as number;
    const perChannel = w.data.length / m;
    const Ctor = w.data.constructor as new (n: number) => Float32Array | Float64Array;
    const wFolded = new Ctor(w.data.length);
    const bFolded = new Ctor(m);
    for (let oc = 0; oc < m; oc++) {
      const alpha = scale.data[oc]! / Math.sqrt(variance.data[oc]! + epsilon);
      for (let i = oc * perChannel; i < (oc + 1) * perChannel; i++) wFolded[i] = w.data[i]! * alpha;
      bFolded[oc] = ((b ? b.data[oc]! : 0) - mean.data[oc]!) * alpha + beta.data[oc]!;
    }
    const wName = freshName(graph, `${conv.inputs[1]}__bn_folded`);
    graph.constants.set(wName, { dtype: w.dtype, dims: w.dims, data: wFolded });
    graph.types.set(wName, { dtype: w.dtype, dims: w.dims });
    const bName = freshName(graph, `${bn.outputs[0]}__bn_folded_bias`);
    graph.constants.set(bName, { dtype: w.dtype, dims: [m], data: bFolded });
    graph.types.set(bName, { dtype: w.dtype, dims: [m] });
    replaced.set(convStep, { ...conv, inputs: [conv.inputs[0]!, wName, bName], outputs: [bn.outputs[0]!] });
    removed.add(step);
  });
  if (removed.size === 0) return 0;
  graph.nodes = graph.nodes.flatMap((node, step) => (removed.has(step) ? [] : [replaced.get(step) ?? node]));
  // Constants no node reads any more (the unfolded weights, the statistics) are dropped.
  const needed = new Set(graph.outputs.map((o) => o.name));
  for (const node of graph.nodes) for (const name of node.inputs) needed.add(name);
  for (const name of [...graph.constants.keys()]) if (!needed.has(name)) graph.constants.delete(name);
  return removed.size;
}

function freshName(graph: Graph, base: string): string {
  let name = base;
  for (let i = 1; graph.constants.has(name) || graph.types.has(name); i++) name = `${base}_${i}`;
  return name;
}
