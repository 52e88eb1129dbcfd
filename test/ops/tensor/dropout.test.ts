import { describe, expect, it } from 'vitest';
import { buildSingleOp } from '../../../src/fuzz/model-builder.js';
import { tensor } from '../../../src/tensor.js';
import { expectMatchesOnnxruntime, runOurs } from '../../helpers/differential.js';
import { expectFailure, iota, randomTensor, values } from './helpers.js';

describe('Identity', () => {
  it('float32 [2,3] and int64 [4] pass through unchanged', async () => {
    const x = randomTensor([2, 3], 1);
    const out = await expectMatchesOnnxruntime(buildSingleOp({ opType: 'Identity', opset: 13, inputs: [x] }));
    expect(values(out.out0)).toEqual(values(x));
    await expectMatchesOnnxruntime(buildSingleOp({ opType: 'Identity', opset: 1, inputs: [iota([4], 'int64')] }));
  });
});

describe('Dropout at inference', () => {
  const x = randomTensor([2, 3, 4], 5);
  it('opset 13 x=[2,3,4] with mask: output = x, mask all true (bool)', async () => {
    const out = await expectMatchesOnnxruntime(buildSingleOp({ opType: 'Dropout', opset: 13, inputs: [x], outputCount: 2 }));
    expect(values(out.out0)).toEqual(values(x));
    expect(out.out1!.dtype).toBe('bool');
    expect(values(out.out1).every((v) => v === 1)).toBe(true);
  });
  it('opset 12 ratio=0.3 input, training_mode=false input, seed attribute', async () => {
    await expectMatchesOnnxruntime(
      buildSingleOp({
        opType: 'Dropout', opset: 12, inputs: [x, tensor('float32', [], [0.3]), tensor('bool', [], [0])], attributes: { seed: 3 }, outputCount: 2,
      }),
    );
  });
  it('opset 13 training_mode=true with ratio=0 keeps everything (onnxruntime agrees)', async () => {
    const out = await expectMatchesOnnxruntime(
      buildSingleOp({ opType: 'Dropout', opset: 13, inputs: [x, tensor('float32', [], [0]), tensor('bool', [], [1])], outputCount: 2 }),
    );
    expect(values(out.out0)).toEqual(values(x));
  });
  // onnxruntime's Dropout kernels for opsets 7 to 11 return an all-false (zero) mask at inference, while the ONNX
  // reference (onnx/reference/ops/op_dropout.py) returns all true, as opset 12+ onnxruntime does too: nothing is
  // dropped, so the mask keeps everything. PyTorch's eval-mode export asks for no mask at all. We follow the
  // reference, so for these opsets only the output is compared with onnxruntime and the mask is checked by hand.
  it('opset 10 ratio=0.2 attribute: output = x, bool mask all true', async () => {
    await expectMatchesOnnxruntime(buildSingleOp({ opType: 'Dropout', opset: 10, inputs: [x], attributes: { ratio: 0.2 } }));
    const out = await runOurs(buildSingleOp({ opType: 'Dropout', opset: 10, inputs: [x], attributes: { ratio: 0.2 }, outputCount: 2 }));
    expect(out.out1!.dtype).toBe('bool');
    expect(values(out.out1).every((v) => v === 1)).toBe(true);
  });
  it('opset 7: output = x, mask has the data type (float ones)', async () => {
    await expectMatchesOnnxruntime(buildSingleOp({ opType: 'Dropout', opset: 7, inputs: [x] }));
    const out = await runOurs(buildSingleOp({ opType: 'Dropout', opset: 7, inputs: [x], outputCount: 2 }));
    expect(out.out1!.dtype).toBe('float32');
    expect(values(out.out1).every((v) => v === 1)).toBe(true);
  });
  it('opsets 1 and 6 with is_test=1 are inference (onnxruntime has no kernel before 7: checked by hand)', async () => {
    for (const opset of [1, 6]) {
      const out = await runOurs(buildSingleOp({ opType: 'Dropout', opset, inputs: [x], attributes: { is_test: 1, ratio: 0.4 }, outputCount: 2 }));
      expect(values(out.out0)).toEqual(values(x));
      expect(values(out.out1).every((v) => v === 1)).toBe(true);
    }
    const legacy = await runOurs(buildSingleOp({ opType: 'Dropout', opset: 1, inputs: [x], attributes: { is_test: 1, consumed_inputs: [0] } }));
    expect(values(legacy.out0)).toEqual(values(x));
  });
  it('opset 6 is_test=0 (training) with ratio=0 is still the identity', async () => {
    const out = await runOurs(buildSingleOp({ opType: 'Dropout', opset: 6, inputs: [x], attributes: { is_test: 0, ratio: 0 } }));
    expect(values(out.out0)).toEqual(values(x));
  });
});

describe('Dropout refuses training mode', () => {
  const x = randomTensor([4], 1);
  it('opset 6 default is_test=0 with ratio 0.5 → unsupported_op naming is_test', () =>
    expectFailure(() => buildSingleOp({ opType: 'Dropout', opset: 6, inputs: [x] }), 'unsupported_op', /is_test.*training mode.*verifies inference/s));
  it('opset 13 constant training_mode=true ratio=0.1 → unsupported_op at import', () =>
    expectFailure(
      () => buildSingleOp({ opType: 'Dropout', opset: 13, inputs: [x, tensor('float32', [], [0.1]), tensor('bool', [], [1])], constantInputs: [1, 2] }),
      'unsupported_op',
      /training_mode input is true\) with ratio 0\.1/,
    ));
  it('opset 13 training_mode fed true, default ratio 0.5 → unsupported_op at run time', () =>
    expectFailure(() => buildSingleOp({ opType: 'Dropout', opset: 13, inputs: [x, undefined, tensor('bool', [], [1])] }), 'unsupported_op', /ratio 0\.5/));
  it('ratio attribute 1 → bad_attribute; ratio input 1.5 → shape', async () => {
    await expectFailure(() => buildSingleOp({ opType: 'Dropout', opset: 10, inputs: [x], attributes: { ratio: 1 } }), 'bad_attribute', /\[0, 1\)/);
    await expectFailure(() => buildSingleOp({ opType: 'Dropout', opset: 13, inputs: [x, tensor('float32', [], [1.5])], constantInputs: [1] }), 'shape', /\[0, 1\)/);
  });
  it('is_test is not an attribute from opset 7 on → bad_attribute', () =>
    expectFailure(() => buildSingleOp({ opType: 'Dropout', opset: 7, inputs: [x], attributes: { is_test: 1 } }), 'bad_attribute', /not an attribute/));
});
