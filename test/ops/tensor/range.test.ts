import { describe, expect, it } from 'vitest';
import { loadModel } from '../../../src/engine/session.js';
import { buildSingleOp } from '../../../src/fuzz/model-builder.js';
import { runOnnxruntime } from '../../../src/oracle/onnxruntime.js';
import { tensor, type DType } from '../../../src/tensor.js';
import { expectMatchesOnnxruntime, runOurs } from '../../helpers/differential.js';
import { expectFailure, values } from './helpers.js';

function range(dtype: DType, start: number, limit: number, delta: number, constant = false) {
  const s = (v: number) => tensor(dtype, [], [v]);
  return buildSingleOp({ opType: 'Range', opset: 11, inputs: [s(start), s(limit), s(delta)], constantInputs: constant ? [0, 1, 2] : [] });
}

describe('Range', () => {
  it('float32 start=1 limit=2.2 delta=0.5 → [1,1.5,2] (ceil(1.2/0.5) = 3)', async () => {
    const out = await expectMatchesOnnxruntime(range('float32', 1, 2.2, 0.5));
    expect(values(out.out0)).toEqual([1, 1.5, 2]);
  });
  it('int32 start=10 limit=4 delta=-3 → [10,7] (ceil(-6/-3) = 2)', async () => {
    const out = await expectMatchesOnnxruntime(range('int32', 10, 4, -3));
    expect(values(out.out0)).toEqual([10, 7]);
  });
  it('empty when the limit is behind the start: int64 5..1 step 1 → []', async () => {
    const out = await expectMatchesOnnxruntime(range('int64', 5, 1, 1));
    expect(out.out0!.dims).toEqual([0]);
  });
  it('float64, int16 and float16 agree with onnxruntime where it has kernels', async () => {
    await expectMatchesOnnxruntime(range('float64', -1, 1, 0.25));
    await expectMatchesOnnxruntime(range('int16', -5, 6, 4));
    // onnxruntime has no float16 Range kernel; ONNX's own test gives 2, 3.5, 5 for start 2, limit 6, delta 1.5.
    const h = await runOurs(range('float16', 2, 6, 1.5));
    expect(values(h.out0)).toEqual([2, 3.5, 5]);
  });
  it('constant inputs fold; the length is exact in shape inference', async () => {
    const session = await loadModel(range('int64', 0, 10, 3, true).bytes);
    expect(session.graph.nodes).toHaveLength(0);
    expect(session.graph.types.get('out0')!.dims).toEqual([4]);
  });
  it('float32 0..100 by 0.1 follows torch.arange (start + i·delta in double), not onnxruntime (adds delta repeatedly)', async () => {
    // torch.arange computes each element as start + i * step in double and rounds once
    // (aten/src/ATen/native/RangeFactories.cpp); onnxruntime accumulates in float32, so its later elements drift.
    const model = range('float32', 0, 100, 0.1);
    const ours = values((await runOurs(model)).out0);
    const delta = Math.fround(0.1);
    expect(ours).toHaveLength(Math.ceil(100 / delta));
    ours.forEach((v, i) => expect(v).toBe(Math.fround(i * delta)));
    const theirs = Array.from((await runOnnxruntime(model.bytes, model.feeds)).outputs.out0!.data as Float32Array);
    expect(theirs.some((v, i) => v !== ours[i])).toBe(true);
  });
  it('errors: delta 0 → shape; non-scalar start → shape; mixed types → shape', async () => {
    await expectFailure(() => range('int32', 0, 5, 0), 'shape', /delta is 0/);
    await expectFailure(() => range('int32', 0, 5, 0, true), 'shape', /delta is 0/);
    await expectFailure(
      () => buildSingleOp({ opType: 'Range', opset: 11, inputs: [tensor('int32', [2], [0, 1]), tensor('int32', [], [5]), tensor('int32', [], [1])] }),
      'shape',
      /scalar/,
    );
    await expectFailure(
      () => buildSingleOp({ opType: 'Range', opset: 11, inputs: [tensor('int32', [], [0]), tensor('int64', [], [5]), tensor('int32', [], [1])] }),
      'shape',
      /must match/,
    );
  });
});
