import { describe, expect, it } from 'vitest';
import { buildSingleOp } from '../../../src/fuzz/model-builder.js';
import { expectMatchesOnnxruntime } from '../../helpers/differential.js';
import { expectFailure, iota, randomTensor, values } from './helpers.js';

describe('Transpose', () => {
  it('x=iota[2,3] default perm → [3,2] with x[j][i]', async () => {
    // x = [[0,1,2],[3,4,5]] → [[0,3],[1,4],[2,5]].
    const out = await expectMatchesOnnxruntime(buildSingleOp({ opType: 'Transpose', opset: 13, inputs: [iota([2, 3])] }));
    expect(out.out0!.dims).toEqual([3, 2]);
    expect(values(out.out0)).toEqual([0, 3, 1, 4, 2, 5]);
  });
  it('x=iota[2,3,4] perm=[1,2,0]: out[j][k][i] = x[i][j][k] = 12i + 4j + k', async () => {
    const out = await expectMatchesOnnxruntime(buildSingleOp({ opType: 'Transpose', opset: 1, inputs: [iota([2, 3, 4])], attributes: { perm: [1, 2, 0] } }));
    expect(out.out0!.dims).toEqual([3, 4, 2]);
    // out[1][2][1] sits at 1·8 + 2·2 + 1 = 13 and holds 12 + 4 + 2 = 18.
    expect(out.out0!.data[13]).toBe(18);
  });
  const cases = [
    { title: 'NCHW→NHWC x=[2,3,4,5] perm=[0,2,3,1]', dims: [2, 3, 4, 5], perm: [0, 2, 3, 1] },
    { title: '5-D x=[2,1,3,2,2] perm=[4,2,0,3,1]', dims: [2, 1, 3, 2, 2], perm: [4, 2, 0, 3, 1] },
    { title: '1-D x=[5] perm=[0]', dims: [5], perm: [0] },
    { title: 'zero-size x=[0,3] default', dims: [0, 3], perm: undefined },
  ];
  for (const c of cases) {
    it(c.title, async () => {
      await expectMatchesOnnxruntime(buildSingleOp({ opType: 'Transpose', opset: 13, inputs: [randomTensor(c.dims, 1)], attributes: { perm: c.perm } }));
    });
  }
  it('int64, uint8 and bool data', async () => {
    for (const dtype of ['int64', 'uint8', 'int32'] as const) {
      await expectMatchesOnnxruntime(buildSingleOp({ opType: 'Transpose', opset: 13, inputs: [iota([3, 2, 2], dtype)], attributes: { perm: [2, 0, 1] } }));
    }
  });
  it('errors: perm not a permutation → bad_attribute', async () => {
    await expectFailure(() => buildSingleOp({ opType: 'Transpose', opset: 13, inputs: [iota([2, 3])], attributes: { perm: [0, 0] } }), 'bad_attribute', /permutation/);
    await expectFailure(() => buildSingleOp({ opType: 'Transpose', opset: 13, inputs: [iota([2, 3])], attributes: { perm: [1, 0, 2] } }), 'bad_attribute', /permutation/);
  });
});
