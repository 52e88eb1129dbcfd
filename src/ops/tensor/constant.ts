import { checkOutputSize } from '../../limits.js';
import { allocate, float32, int64, tensor, type Tensor } from '../../tensor.js';
import { defineOp, defineVersions, type OpContext, type ValueType } from '../declaration.js';
import { ALL, INT64, known, knownInts, vectorLength } from './common.js';

const VALUE_FORMS = ['value', 'value_float', 'value_floats', 'value_int', 'value_ints', 'value_string', 'value_strings'] as const;

/**
 * The one value a Constant node holds. value_float(s) are float32 and value_int(s) int64, as ONNX defines them.
 * sparse_value never gets here: the decoder refuses sparse-tensor attributes with a bad_attribute error.
 */
function constantValue(attrs: Record<string, unknown>, ctx: OpContext): Tensor {
  const given = VALUE_FORMS.filter((k) => attrs[k] !== undefined);
  if (given.length !== 1) {
    ctx.badAttribute(
      given[1] ?? 'value',
      given.length === 0 ? 'is missing: a Constant needs exactly one value attribute' : `is given together with ${given[0]}; a Constant takes exactly one value attribute`,
      `one of ${VALUE_FORMS.join(', ')}`,
    );
  }
  const form = given[0]!;
  const v = attrs[form];
  switch (form) {
    case 'value':
      return v as Tensor;
    case 'value_float':
      return tensor('float32', [], [v as number]);
    case 'value_floats':
      return float32([(v as number[]).length], v as number[]);
    case 'value_int':
      return tensor('int64', [], [v as number]);
    case 'value_ints':
      return int64([(v as number[]).length], v as number[]);
    default:
      return ctx.badAttribute(form, 'holds strings; torchparity computes numeric and bool tensors only', 'string constants do not occur in CNN exports');
  }
}

const constant = defineVersions(
  {
    opType: 'Constant',
    domain: '',
    summary: 'A constant tensor from its value attribute (value_float(s)/value_int(s) from opset 12); folded at import',
    inputs: [],
    outputs: [{ name: 'output', type: 'T' }],
    types: { T: ALL },
    shape(_inputs, attrs, ctx) {
      const t = constantValue(attrs, ctx);
      return [{ dtype: t.dtype, dims: t.dims, value: t }];
    },
    run(_inputs, attrs, ctx) {
      return [constantValue(attrs, ctx)];
    },
    fold(_inputs, attrs, ctx) {
      return [constantValue(attrs, ctx)];
    },
  },
  [
    { since: 1, attributes: { value: { type: 'tensor', required: true } } },
    {
      since: 12,
      attributes: {
        value: { type: 'tensor' },
        value_float: { type: 'float' },
        value_floats: { type: 'floats' },
        value_int: { type: 'int' },
        value_ints: { type: 'ints' },
        value_string: { type: 'string', doc: 'not supported: string tensors' },
        value_strings: { type: 'strings', doc: 'not supported: string tensors' },
      },
    },
  ],
);

/** Output dims from the shape input's values; each must be ≥ 0, and an empty shape gives a scalar. */
function constantOfShapeType(shape: ValueType | undefined, fill: Tensor, ctx: OpContext): ValueType {
  if (fill.data.length !== 1) {
    ctx.badAttribute('value', `has ${fill.data.length} elements [${fill.dims.join(',')}]; it must hold exactly one`);
  }
  const length = vectorLength(shape, 'shape input', ctx);
  const values = knownInts(shape);
  if (!values) return length === undefined ? { dtype: fill.dtype } : { dtype: fill.dtype, dims: new Array(length).fill('?') };
  if (values.some((d) => !Number.isSafeInteger(d) || d < 0)) ctx.shapeError(`shape [${values.join(',')}] has a negative or non-finite size`);
  return { dtype: fill.dtype, dims: values };
}

const DEFAULT_FILL = float32([1], [0]);

const constantOfShape = defineOp({
  opType: 'ConstantOfShape',
  domain: '',
  since: 9,
  summary: 'A tensor of the given shape filled with one value (default float32 0)',
  inputs: [{ name: 'input', type: 'I' }],
  outputs: [{ name: 'output', type: 'T' }],
  types: { I: INT64, T: ALL },
  attributes: { value: { type: 'tensor', default: DEFAULT_FILL, doc: 'one element; its type is the output type' } },
  shape([shape], attrs, ctx) {
    return [constantOfShapeType(shape, attrs.value, ctx)];
  },
  run([shape], attrs, ctx) {
    const dims = constantOfShapeType(known(shape), attrs.value, ctx).dims as number[];
    const data = allocate(attrs.value.dtype, checkOutputSize(ctx, dims, attrs.value.dtype));
    data.fill(attrs.value.data[0]!);
    return [{ dtype: attrs.value.dtype, dims, data }];
  },
});

export const constantOps = [...constant, constantOfShape];
