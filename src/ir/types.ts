import { TorchParityError, type ErrorContext } from '../errors.js';
import type { ValueType } from '../ops/declaration.js';
import type { DType } from '../tensor.js';
import type { IrNode, Precision } from './graph.js';

/**
 * Checks a node's inputs against its declaration's ports: required inputs present, no surplus inputs, element
 * types allowed by each port's constraint, and ports sharing a constraint letter agreeing on one type.
 */
export function checkPortTypes(node: IrNode, inputs: readonly (ValueType | undefined)[], context: ErrorContext, precision: Precision = 'float32'): void {
  const ports = node.decl.inputs;
  const variadic = ports.length > 0 && ports[ports.length - 1]!.variadic;
  if (!variadic && node.inputs.length > ports.length) {
    throw new TorchParityError('invalid_graph', `has ${node.inputs.length} inputs but ${node.opType} takes at most ${ports.length}`, context);
  }
  const last = ports[ports.length - 1];
  if (last?.variadic && !last.optional && node.inputs.length < ports.length) {
    throw new TorchParityError('invalid_graph', `has no ${last.name} inputs; ${node.opType} needs at least one`, context);
  }
  const bound = new Map<string, { dtype: DType; port: string }>();
  for (let k = 0; k < node.inputs.length || k < ports.length; k++) {
    const port = k < ports.length ? ports[k]! : last!;
    const name = node.inputs[k] ?? '';
    const type = inputs[k];
    if (name === '' || !type) {
      if (!port.optional) {
        // A variadic port (Concat's inputs, Sum's data_0) takes values, not omissions: '' there is a missing input.
        const message = port.variadic
          ? `leaves input ${k} empty (''), but every ${port.name} input of ${node.opType} needs a value`
          : `is missing its required input ${port.name}`;
        throw new TorchParityError('invalid_graph', message, context, 'only optional inputs may be left out with an empty name');
      }
      continue;
    }
    const allowed = node.decl.types[port.type];
    // A float64 (referee) run holds float32 values as float64: a port that takes float32 takes them there.
    const promoted = precision === 'float64' && type.dtype === 'float64' && allowed?.includes('float32');
    if (allowed && !allowed.includes(type.dtype) && !promoted) {
      throw new TorchParityError(
        'shape',
        `input ${port.name} ('${name}') is ${type.dtype}, but ${node.opType} accepts ${allowed.join(', ')} there`,
        context,
      );
    }
    const previous = bound.get(port.type);
    if (previous && previous.dtype !== type.dtype) {
      throw new TorchParityError(
        'shape',
        `input ${port.name} ('${name}') is ${type.dtype} but ${previous.port} is ${previous.dtype}; they must match`,
        context,
      );
    }
    bound.set(port.type, { dtype: type.dtype, port: port.name });
  }
}
