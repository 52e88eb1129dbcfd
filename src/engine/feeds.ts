import { TorchParityError, type ErrorContext } from '../errors.js';
import type { GraphInput } from '../ir/graph.js';
import { promote } from '../ir/precision.js';
import type { Precision } from '../ir/graph.js';
import { ALL_DTYPES, formatDims, sizeOf, storageFor, type Tensor } from '../tensor.js';

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
    checkTensor(fed, input.name, fail);
    const acceptable = fed.dtype === input.dtype || (precision === 'float64' && input.dtype === 'float64' && fed.dtype === 'float32');
    if (!acceptable) {
      throw fail(`is ${fed.dtype} but the model declares ${input.dtype}`, input.name, `convert the input to ${input.dtype} before feeding it (numpy: x.astype(...))`);
    }
    if (input.dims) {
      const expected = `the model declares ${formatDims(input.dims)}`;
      if (fed.dims.length !== input.dims.length) {
        throw fail(`has rank ${fed.dims.length} ${formatDims(fed.dims)} but ${expected}`, input.name, `feed a tensor of rank ${input.dims.length} (add or drop unit axes, e.g. the batch axis)`);
      }
      input.dims.forEach((declared, axis) => {
        const actual = fed.dims[axis]!;
        if (typeof declared === 'number') {
          if (declared !== actual) {
            throw fail(
              `has dims ${formatDims(fed.dims)} but ${expected} (axis ${axis})`,
              input.name,
              `axis ${axis} must be ${declared}: only symbolic dims may vary (re-export with dynamic axes to change it)`,
            );
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

/** What a caller hands over is a well-formed tensor: a known dtype, its storage type, sane dims that fit the data. */
function checkTensor(t: Tensor, name: string, fail: (message: string, tensor?: string, hint?: string) => TorchParityError): void {
  if (typeof t !== 'object' || t === null || !Array.isArray(t.dims) || !ArrayBuffer.isView(t.data)) {
    throw fail('is not a tensor ({ dtype, dims, data })', name, 'build feeds with tensor(), float32() or readTensorFile()');
  }
  if (!ALL_DTYPES.includes(t.dtype)) throw fail(`has dtype '${String(t.dtype)}', which is not one of ${ALL_DTYPES.join(', ')}`, name);
  for (const d of t.dims) {
    if (!Number.isSafeInteger(d) || d < 0) throw fail(`has dims ${formatDims(t.dims)}; dims must be non-negative integers`, name);
  }
  const Storage = storageFor(t.dtype);
  if (!(t.data instanceof Storage)) {
    throw fail(`is ${t.dtype} but holds a ${t.data.constructor.name}; torchparity stores ${t.dtype} in ${Storage.name}`, name, 'build feeds with tensor(dtype, dims, values), which converts');
  }
  if (t.data.length !== sizeOf(t.dims)) throw fail(`has ${t.data.length} values for dims ${formatDims(t.dims)}`, name, `dims ${formatDims(t.dims)} need ${sizeOf(t.dims)}`);
}
