import { TorchParityError, asTorchParityError, type ErrorContext } from '../errors.js';
import { checkedElementCount, limitExceeded, resolveLimits, storageBytes, type Limits } from '../limits.js';
import type { Dim, ModelRecord, NodeRecord } from '../onnx/records.js';
import { OpContext, type AnyOpDeclaration, type RunContext, type ValueType } from '../ops/declaration.js';
import { findOp, versionsOf } from '../ops/registry.js';
import { roundArrayToHalf, type DType, type Tensor } from '../tensor.js';
import { resolveAttributes } from './attributes.js';
import type { Graph, GraphInput, GraphOutput, IrNode, Precision } from './graph.js';
import { promote, promoteDtype } from './precision.js';
import { inlineFunctions } from './inline-functions.js';
import { orderNodes } from './topology.js';
import { checkPortTypes } from './types.js';

export interface ImportOptions {
  file?: string;
  /** 'float64' holds every float32 value as float64: the referee run. */
  precision?: Precision;
  /** Evaluate nodes whose inputs are all known at import (default true). */
  fold?: boolean;
  /** Checked against every inferred shape, and given to ops folded at import (their RunContext.limits). */
  limits?: Partial<Limits>;
}

export function displayName(node: NodeRecord, index: number): string {
  return node.name || `${node.opType}_${index}`;
}

interface Unsupported {
  opType: string;
  domain: string;
  opset: number | undefined;
  nodes: string[];
}

function describeUnsupported(list: Unsupported[]): string {
  return list
    .map((u) => {
      const domain = u.domain || 'ai.onnx';
      const where = u.opset === undefined ? `domain '${domain}' (not imported by the model)` : `domain '${domain}', opset ${u.opset}`;
      const versions = versionsOf(u.opType, u.domain);
      const known = versions.length
        ? `; torchparity has it for opsets ${versions.map((v) => (v.until ? `${v.since}–${v.until}` : `${v.since}+`)).join(', ')}`
        : '';
      const shown = u.nodes.slice(0, 5).map((n) => `'${n}'`).join(', ') + (u.nodes.length > 5 ? `, … (${u.nodes.length} nodes)` : '');
      return `${u.opType} (${where}${known}) at ${shown}`;
    })
    .join('; ');
}

/** Resolves every node's op declaration, failing once with the full list of what is missing. */
function resolveDeclarations(model: ModelRecord, names: string[], where: ErrorContext): { decl: AnyOpDeclaration; opset: number }[] {
  const unsupported = new Map<string, Unsupported>();
  const resolved = model.graph.nodes.map((node, i) => {
    const opset = model.opsetImports.get(node.domain);
    const decl = opset === undefined ? undefined : findOp(node.opType, node.domain, opset);
    if (!decl) {
      const k = `${node.domain}::${node.opType}::${opset}`;
      const entry = unsupported.get(k) ?? { opType: node.opType, domain: node.domain, opset, nodes: [] };
      entry.nodes.push(names[i]!);
      unsupported.set(k, entry);
    }
    return { decl: decl!, opset: opset ?? 0 };
  });
  if (unsupported.size) {
    const list = [...unsupported.values()];
    throw new TorchParityError(
      'unsupported_op',
      `${list.length} op${list.length > 1 ? 's are' : ' is'} not supported: ${describeUnsupported(list)}`,
      where,
      'run `torchparity inspect MODEL` for the op histogram; supported ops and versions are listed in the op table of the README',
    );
  }
  return resolved;
}

/**
 * A shape the file declares or inference derives: rank within limits and, once every dim is known, an element count
 * and byte size within limits. Checked before anything of that shape is allocated (folding, random inputs).
 */
function checkDeclaredSize(dims: readonly Dim[] | undefined, dtype: DType, limits: Limits, context: ErrorContext): void {
  if (!dims) return;
  if (dims.length > limits.maxRank) limitExceeded('rank', dims.length, limits.maxRank, context, 'maxRank');
  if (dims.every((d): d is number => typeof d === 'number')) checkedElementCount(dims, limits, context, storageBytes(dtype));
}

function graphInputs(model: ModelRecord, initializers: Map<string, Tensor>, precision: Precision, where: ErrorContext): GraphInput[] {
  const seen = new Set<string>();
  return model.graph.inputs.map((v) => {
    if (!v.name) throw new TorchParityError('invalid_graph', 'a graph input has no name', where);
    if (seen.has(v.name)) throw new TorchParityError('invalid_graph', `graph input '${v.name}' is listed twice`, where);
    seen.add(v.name);
    const init = initializers.get(v.name);
    const dtype = v.dtype ?? init?.dtype;
    if (!dtype) {
      throw new TorchParityError('invalid_graph', 'the graph input declares no element type', { ...where, tensor: v.name });
    }
    if (init && init.dtype !== dtype) {
      throw new TorchParityError('invalid_graph', `is declared ${dtype} but its initializer is ${init.dtype}`, { ...where, tensor: v.name });
    }
    return {
      name: v.name,
      dtype: promoteDtype(dtype, precision),
      dims: v.dims ?? init?.dims,
      ...(init ? { defaultValue: init } : {}),
    };
  });
}

/** Validates a decoded model against the op declarations, infers types and shapes, and folds constants. */
export function importGraph(file: ModelRecord, options: ImportOptions = {}): Graph {
  const precision = options.precision ?? 'float32';
  const fold = options.fold ?? true;
  const limits = resolveLimits(options.limits);
  const where: ErrorContext = options.file ? { file: options.file } : {};
  // The graph's source is the flat model, so tools that re-emit it (verify --intermediates) name the same values.
  const model = inlineFunctions(file, limits, where);
  const records = model.graph.nodes;
  const names = records.map(displayName);

  const initializers = new Map<string, Tensor>();
  for (const { name, tensor } of model.graph.initializers) {
    if (!name) throw new TorchParityError('invalid_graph', 'an initializer has no name', where);
    if (initializers.has(name)) throw new TorchParityError('invalid_graph', `initializer '${name}' is defined twice`, where);
    initializers.set(name, promote(tensor, precision));
  }
  const inputs = graphInputs(model, initializers, precision, where);
  for (const input of inputs) checkDeclaredSize(input.dims, input.dtype, limits, { ...where, tensor: input.name });
  const inputNames = new Set(inputs.map((i) => i.name));
  const outputNames = model.graph.outputs.map((o) => o.name);
  if (outputNames.length === 0) {
    throw new TorchParityError('invalid_graph', 'the graph declares no outputs', where, 'an exported model lists its outputs; the file is incomplete');
  }

  const decls = resolveDeclarations(model, names, where);
  const order = orderNodes({
    nodes: records,
    names,
    available: new Set([...inputNames, ...initializers.keys()]),
    outputs: outputNames,
    where,
  });

  const types = new Map<string, ValueType>();
  const constants = new Map<string, Tensor>();
  for (const [name, t] of initializers) {
    if (inputNames.has(name)) continue;
    constants.set(name, t);
    types.set(name, { dtype: t.dtype, dims: t.dims, value: t });
  }
  for (const input of inputs) types.set(input.name, { dtype: input.dtype, ...(input.dims ? { dims: input.dims } : {}) });

  const runtime: IrNode[] = [];
  const folded: IrNode[] = [];
  for (const i of order) {
    const record = records[i]!;
    const { decl, opset } = decls[i]!;
    const node: IrNode = {
      index: i,
      name: names[i]!,
      opType: record.opType,
      domain: record.domain,
      opset,
      decl,
      attrs: resolveAttributes(record, decl, names[i]!),
      inputs: record.inputs,
      outputs: record.outputs,
      record,
    };
    const context = { ...where, node: node.name, op: node.opType };
    const ctx = new OpContext({ name: node.name, opType: node.opType, outputCount: node.outputs.length }, opset);
    const inputTypes = node.inputs.map((name) => (name === '' ? undefined : types.get(name)));
    checkPortTypes(node, inputTypes, context, precision);
    let outputTypes: ValueType[];
    try {
      outputTypes = decl.shape(inputTypes, node.attrs, ctx).map((t) => ({ ...t, dtype: promoteDtype(t.dtype, precision) }));
    } catch (error) {
      throw asTorchParityError(error, 'internal', context);
    }
    if (node.outputs.length > Math.max(outputTypes.length, decl.outputs.length)) {
      throw new TorchParityError('invalid_graph', `lists ${node.outputs.length} outputs but ${node.opType} has ${decl.outputs.length}`, context);
    }
    let values: Tensor[] | undefined;
    outputTypes.forEach((t, k) => checkDeclaredSize(t.dims, t.dtype, limits, { ...context, tensor: node.outputs[k] ?? `output ${k}` }));
    if (fold) values = foldNode(node, inputTypes, ctx, precision, limits, context);
    node.outputs.forEach((name, k) => {
      if (name === '') return;
      const type = outputTypes[k];
      if (!type) return;
      const value = values?.[k];
      types.set(name, value ? { dtype: value.dtype, dims: value.dims, value } : type);
      if (value) constants.set(name, value);
    });
    (values ? folded : runtime).push(node);
  }

  const outputs: GraphOutput[] = model.graph.outputs.map((o) => {
    const inferred = types.get(o.name);
    const dtype = inferred?.dtype ?? (o.dtype ? promoteDtype(o.dtype, precision) : undefined);
    if (!dtype) throw new TorchParityError('invalid_graph', `graph output '${o.name}' has no known type`, where);
    return { name: o.name, dtype, dims: inferred?.dims ?? o.dims };
  });

  pruneConstants(constants, runtime, outputNames);
  return { file: options.file, source: model, precision, inputs, outputs, constants, nodes: runtime, folded, types };
}

/** Runs a node at import when every input it has is known, or when its declaration can answer from types alone. */
function foldNode(
  node: IrNode,
  inputTypes: (ValueType | undefined)[],
  ctx: OpContext,
  precision: Precision,
  limits: Limits,
  context: ErrorContext,
): Tensor[] | undefined {
  const present = node.inputs.map((name, k) => (name === '' ? undefined : inputTypes[k]));
  try {
    if (present.every((t) => t === undefined || t.value !== undefined) && node.inputs.some((n) => n !== '')) {
      const runCtx = Object.assign(Object.create(ctx) as RunContext, {
        outputsUsed: node.outputs.map((o) => o !== ''),
        floatType: precision,
        limits,
      });
      const outs = node.decl.run(present.map((t) => t?.value), node.attrs, runCtx);
      return outs.map((t) => finishOutput(t, precision));
    }
    if (node.decl.fold) {
      const outs = node.decl.fold(inputTypes, node.attrs, ctx);
      return outs?.map((t) => finishOutput(t, precision));
    }
  } catch (error) {
    throw asTorchParityError(error, 'internal', context);
  }
  return undefined;
}

/** What every op output goes through: float16 values rounded to half precision, float32 promoted in float64 runs. */
export function finishOutput(t: Tensor, precision: Precision): Tensor {
  if (t.dtype === 'float16') roundArrayToHalf(t.data as Float32Array);
  return promote(t, precision);
}

/** Keeps only the constants that some runtime node or graph output still reads. */
function pruneConstants(constants: Map<string, Tensor>, runtime: IrNode[], outputs: string[]): void {
  const needed = new Set(outputs);
  for (const node of runtime) for (const name of node.inputs) needed.add(name);
  for (const name of constants.keys()) if (!needed.has(name)) constants.delete(name);
}
