import { describe, expect, it } from 'vitest';
import { buildSingleOp } from '../../../src/fuzz/model-builder.js';
import { expectMatchesOnnxruntime, runOurs } from '../../helpers/differential.js';
import { expectFailure, iota, randomTensor, values } from './helpers.js';

describe('DepthToSpace', () => {
  it('CRD (pixel_shuffle) x=iota[1,4,1,1] b=2 → [1,1,2,2] = [0,1,2,3]', async () => {
    // CRD reads channel c·b² + i·b + j into (row i, col j): channels 0..3 fill the 2×2 block row by row.
    const out = await expectMatchesOnnxruntime(buildSingleOp({ opType: 'DepthToSpace', opset: 11, inputs: [iota([1, 4, 1, 1])], attributes: { blocksize: 2, mode: 'CRD' } }));
    expect(values(out.out0)).toEqual([0, 1, 2, 3]);
  });
  it('DCR x=iota[1,8,1,1] b=2 → [1,2,2,2]: channel (i·b + j)·C/b² + c goes to (c, i, j)', async () => {
    // Output channel 0 reads input channels 0, 2, 4, 6; channel 1 reads 1, 3, 5, 7.
    const out = await expectMatchesOnnxruntime(buildSingleOp({ opType: 'DepthToSpace', opset: 13, inputs: [iota([1, 8, 1, 1])], attributes: { blocksize: 2 } }));
    expect(values(out.out0)).toEqual([0, 2, 4, 6, 1, 3, 5, 7]);
  });
  const cases = [
    { title: 'opset 1 DCR x=[2,8,3,2] b=2', opset: 1, x: [2, 8, 3, 2], attrs: { blocksize: 2 } },
    { title: 'opset 11 CRD x=[1,18,2,3] b=3', opset: 11, x: [1, 18, 2, 3], attrs: { blocksize: 3, mode: 'CRD' } },
    { title: 'opset 13 DCR x=[1,12,2,2] b=2', opset: 13, x: [1, 12, 2, 2], attrs: { blocksize: 2, mode: 'DCR' } },
  ];
  for (const c of cases) {
    it(c.title, async () => {
      await expectMatchesOnnxruntime(buildSingleOp({ opType: 'DepthToSpace', opset: c.opset, inputs: [randomTensor(c.x, 1)], attributes: c.attrs }));
    });
  }
  it('errors: channels not divisible by b² → shape; rank 3 → shape; mode at opset 1 → bad_attribute; bad mode → bad_attribute', async () => {
    await expectFailure(() => buildSingleOp({ opType: 'DepthToSpace', opset: 13, inputs: [iota([1, 6, 2, 2])], attributes: { blocksize: 2 } }), 'shape', /divisible/);
    await expectFailure(() => buildSingleOp({ opType: 'DepthToSpace', opset: 13, inputs: [iota([4, 2, 2])], attributes: { blocksize: 2 } }), 'shape', /rank 3/);
    await expectFailure(() => buildSingleOp({ opType: 'DepthToSpace', opset: 1, inputs: [iota([1, 4, 2, 2])], attributes: { blocksize: 2, mode: 'CRD' } }), 'bad_attribute');
    await expectFailure(() => buildSingleOp({ opType: 'DepthToSpace', opset: 13, inputs: [iota([1, 4, 2, 2])], attributes: { blocksize: 2, mode: 'NCHW' } }), 'bad_attribute');
  });
});

describe('SpaceToDepth', () => {
  it('x=iota[1,1,2,4] b=2 → [1,4,1,2]: block offset (i,j) becomes channel i·2 + j', async () => {
    // Input rows [0,1,2,3] and [4,5,6,7]; block 0 is 0,1/4,5 and block 1 is 2,3/6,7.
    const out = await expectMatchesOnnxruntime(buildSingleOp({ opType: 'SpaceToDepth', opset: 13, inputs: [iota([1, 1, 2, 4])], attributes: { blocksize: 2 } }));
    expect(out.out0!.dims).toEqual([1, 4, 1, 2]);
    expect(values(out.out0)).toEqual([0, 2, 1, 3, 4, 6, 5, 7]);
  });
  it('opset 1 x=[2,3,4,6] b=2 and int64 data', async () => {
    await expectMatchesOnnxruntime(buildSingleOp({ opType: 'SpaceToDepth', opset: 1, inputs: [randomTensor([2, 3, 4, 6], 1)], attributes: { blocksize: 2 } }));
    // onnxruntime's SpaceToDepth takes floats only: the int64 result must carry the same values as the float one.
    const f = await expectMatchesOnnxruntime(buildSingleOp({ opType: 'SpaceToDepth', opset: 13, inputs: [iota([1, 2, 3, 3])], attributes: { blocksize: 3 } }));
    const i = await runOurs(buildSingleOp({ opType: 'SpaceToDepth', opset: 13, inputs: [iota([1, 2, 3, 3], 'int64')], attributes: { blocksize: 3 } }));
    expect(i.out0!.dtype).toBe('int64');
    expect(values(i.out0)).toEqual(values(f.out0));
  });
  it('opset 28 CRD is the inverse of DepthToSpace CRD (onnxruntime 1.30 has no opset-28 kernel)', async () => {
    // CRD channel order is c·b² + i·b + j, so SpaceToDepth(CRD) undoes pixel_shuffle exactly.
    const x = randomTensor([2, 3, 4, 6], 7);
    const s2d = await runOurs(buildSingleOp({ opType: 'SpaceToDepth', opset: 28, inputs: [x], attributes: { blocksize: 2, mode: 'CRD' } }));
    expect(s2d.out0!.dims).toEqual([2, 12, 2, 3]);
    const back = await runOurs(buildSingleOp({ opType: 'DepthToSpace', opset: 13, inputs: [s2d.out0!], attributes: { blocksize: 2, mode: 'CRD' } }));
    expect(values(back.out0)).toEqual(values(x));
    // DCR at opset 28 is the old behaviour.
    const dcr = await runOurs(buildSingleOp({ opType: 'SpaceToDepth', opset: 28, inputs: [x], attributes: { blocksize: 2, mode: 'DCR' } }));
    const old = await expectMatchesOnnxruntime(buildSingleOp({ opType: 'SpaceToDepth', opset: 13, inputs: [x], attributes: { blocksize: 2 } }));
    expect(values(dcr.out0)).toEqual(values(old.out0));
  });
  it('errors: height not divisible → shape; mode before opset 28 → bad_attribute', async () => {
    await expectFailure(() => buildSingleOp({ opType: 'SpaceToDepth', opset: 13, inputs: [iota([1, 1, 3, 4])], attributes: { blocksize: 2 } }), 'shape', /height 3/);
    await expectFailure(() => buildSingleOp({ opType: 'SpaceToDepth', opset: 13, inputs: [iota([1, 1, 2, 2])], attributes: { blocksize: 2, mode: 'CRD' } }), 'bad_attribute');
  });
});
