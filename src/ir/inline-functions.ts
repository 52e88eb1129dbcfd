import { TorchParityError, type ErrorContext } from '../errors.js';
import type { Limits } from '../limits.js';
import type { AttributeRecord, FunctionRecord, ModelRecord, NodeRecord } from '../onnx/records.js';

/**
 * Replaces calls to the model's local functions (ONNX FunctionProto, what the TorchScript exporter writes with
 * `export_modules_as_functions`) by their bodies, so the rest of the importer sees one flat graph. Values inside a
 * body are renamed under the calling node's name, formal inputs and outputs become the call's actual ones, and
 * attributes a body takes by reference (ref_attr_name) get the calling node's values; a reference the call does
 * not set is left out, so the op's own default applies. Calls nested in bodies are inlined in turn.
 */
export function inlineFunctions(model: ModelRecord, limits: Limits, where: ErrorContext): ModelRecord {
  if (model.functions.length === 0) return model;
  const functions = new Map<string, FunctionRecord>();
  for (const f of model.functions) functions.set(`${f.domain}::${f.name}`, f);
  if (!model.graph.nodes.some((n) => functions.has(`${n.domain}::${n.opType}`))) return model;

  const opsetImports = new Map(model.opsetImports);
  // Each call's values live under its node name; two calls named alike (ONNX allows it) get distinct prefixes.
  const usedNames = new Set<string>();
  const unique = (base: string) => {
    let name = base;
    for (let k = 1; usedNames.has(name); k++) name = `${base}_${k}`;
    usedNames.add(name);
    return name;
  };

  // Counted as nodes are emitted: functions calling functions can multiply a small file into a huge graph.
  let emitted = 0;
  const expand = (nodes: readonly NodeRecord[], stack: readonly string[]): NodeRecord[] =>
    nodes.flatMap((node, index) => {
      const key = `${node.domain}::${node.opType}`;
      const fn = functions.get(key);
      if (!fn) {
        if (++emitted > limits.maxNodes) {
          throw new TorchParityError('limit_exceeded', `inlining functions gives more than ${limits.maxNodes} nodes`, where, 'raise limits.maxNodes if the model is genuine');
        }
        return [node];
      }
      const context = { ...where, node: node.name || `${node.opType}_${index}`, op: node.opType };
      if (stack.includes(key)) {
        throw new TorchParityError('invalid_graph', `calls function ${node.opType} from inside itself`, context, 'ONNX functions cannot recurse');
      }
      if (stack.length >= limits.maxGraphDepth) {
        throw new TorchParityError('limit_exceeded', `functions nest ${stack.length + 1} deep, over the limit of ${limits.maxGraphDepth}`, context);
      }
      if (node.inputs.length > fn.inputs.length || node.outputs.length > fn.outputs.length) {
        throw new TorchParityError(
          'invalid_graph',
          `passes ${node.inputs.length} inputs and ${node.outputs.length} outputs to function ${fn.name}, which takes ${fn.inputs.length} and gives ${fn.outputs.length}`,
          context,
        );
      }
      mergeOpsets(opsetImports, fn, context);
      const call = unique(node.name || `${fn.name}_${index}`);
      const rename = new Map<string, string>();
      fn.inputs.forEach((formal, i) => rename.set(formal, node.inputs[i] ?? ''));
      fn.outputs.forEach((formal, i) => rename.set(formal, node.outputs[i] || `${call}/${formal}`));
      const local = (name: string) => (name === '' ? '' : (rename.get(name) ?? `${call}/${name}`));
      const callAttributes = new Map(node.attributes.map((a) => [a.name, a]));
      const body = fn.nodes.map((inner, k): NodeRecord => {
        const attributes: AttributeRecord[] = [...inner.attributes];
        for (const { name, ref } of inner.attributeRefs ?? []) {
          const value = callAttributes.get(ref);
          if (value) attributes.push({ ...value, name });
        }
        return {
          name: `${call}/${inner.name || `${inner.opType}_${k}`}`,
          opType: inner.opType,
          domain: inner.domain,
          inputs: inner.inputs.map(local),
          outputs: inner.outputs.map(local),
          attributes,
        };
      });
      return expand(body, [...stack, key]);
    });

  const nodes = expand(model.graph.nodes, []);
  return { ...model, opsetImports, graph: { ...model.graph, nodes }, functions: [] };
}

/** A body's ops run at the function's opsets; one flat graph can only honour them when they agree with the model's. */
function mergeOpsets(into: Map<string, number>, fn: FunctionRecord, context: ErrorContext): void {
  for (const [domain, version] of fn.opsetImports) {
    const existing = into.get(domain);
    if (existing === undefined) into.set(domain, version);
    else if (existing !== version) {
      throw new TorchParityError(
        'unsupported_op',
        `function ${fn.name} imports opset ${version} of domain '${domain || 'ai.onnx'}' but the model imports ${existing}`,
        context,
        'torchparity inlines functions into the main graph, which needs one opset per domain; re-export with one opset',
      );
    }
  }
}
