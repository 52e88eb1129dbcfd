import { TorchParityError, type ErrorContext } from '../errors.js';
import type { GraphInput } from '../ir/graph.js';
import { promote } from '../ir/precision.js';
import type { Precision } from '../ir/graph.js';
import { formatDims, sizeOf, type Tensor } from '../tensor.js';

/**
 * Checks feeds against the graph's declared inputs — missing, extra, dtype, rank, fixed dims, and symbolic dims
 * bound consistently across inputs — and returns the values a run starts from.
 */
export function checkFeeds(
  inputs: readonly GraphInput[],
  feeds: Readonly<Record<string, Tensor>>,
  precision: Precision,
  where: ErrorContext,
): Map<string, Tensor> {
  const fail = (message: string, tensor?: string, hint?: string) =>
    new TorchParityError('input_mismatch', message, { ...where, ...(tensor !== undefined ? { tensor } : {}) }, hint);
  const byName = new Map(inputs.map((i) => [i.name, i]));
  for (const name of Object.keys(feeds)) {
    if (!byName.has(name)) {
      const expected = inputs.filter((i) => !i.defaultValue).map((i) => `'${i.name}'`);
      throw fail(`is fed but the model has no such input`, name, `the model's inputs are ${expected.join(', ') || '(none)'}`);
    }
  }
  const symbols = new Map<string, { size: number; input: string }>();
  const values = new Map<string, Tensor>();
  for (const input of inputs) {
    const fed = feeds[input.name];
    if (!fed) {
      if (input.defaultValue) {
        values.set(input.name, input.defaultValue);
        continue;
      }
      throw fail('is not fed', input.name, `give a ${input.dtype} tensor of shape ${formatDims(input.dims)}`);
    }
    const acceptable = fed.dtype === input.dtype || (precision === 'float64' && input.dtype === 'float64' && fed.dtype === 'float32');
    if (!acceptable) throw fail(`is ${fed.dtype} but the model declares ${input.dtype}`, input.name);
    if (fed.data.length !== sizeOf(fed.dims)) {
      throw fail(`has ${fed.data.length} values for dims ${formatDims(fed.dims)}`, input.name);
    }
    if (input.dims) {
      if (fed.dims.length !== input.dims.length) {
        throw fail(`has rank ${fed.dims.length} ${formatDims(fed.dims)} but the model declares ${formatDims(input.dims)}`, input.name);
      }
      input.dims.forEach((declared, axis) => {
        const actual = fed.dims[axis]!;
        if (typeof declared === 'number') {
          if (declared !== actual) {
            throw fail(`has dims ${formatDims(fed.dims)} but the model declares ${formatDims(input.dims)} (axis ${axis})`, input.name);
          }
        } else if (declared !== '?') {
          const bound = symbols.get(declared);
          if (bound && bound.size !== actual) {
            throw fail(
              `binds '${declared}' to ${actual} on axis ${axis}, but input '${bound.input}' bound it to ${bound.size}`,
              input.name,
              'inputs sharing a symbolic dim must agree on its size',
            );
          }
          symbols.set(declared, { size: actual, input: input.name });
        }
      });
    }
    values.set(input.name, promote(fed, precision));
  }
  return values;
}
