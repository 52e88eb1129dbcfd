import { describe, expect, it } from 'vitest';
import { buildSingleOp } from '../../src/fuzz/model-builder.js';
import { float32, tensor } from '../../src/tensor.js';
import { expectMatchesOnnxruntime, runOurs, seededValues } from '../helpers/differential.js';

function randomTensor(dims: number[], seed: number) {
  return float32(dims, seededValues(dims.reduce((a, b) => a * b, 1), seed));
}

describe('Conv, hand-checked', () => {
  // The seed tutorial's demo: a 5×5×3 input, two 3×3×3 filters, stride 2, pad 1 → 3×3×2, plus a bias per filter.
  // Values are chosen so each output can be checked by hand:
  //   x[c][i][j] = c + 1 in the interior ring pattern below; filter 0 sums channel 0's window, filter 1 takes
  //   channel 1's centre tap minus channel 2's top-left tap.
  const x = new Float32Array(75);
  for (let c = 0; c < 3; c++) for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) x[c * 25 + i * 5 + j] = (c + 1) * 10 + i * 5 + j;
  const w = new Float32Array(54);
  for (let k = 0; k < 9; k++) w[k] = 1; // filter 0, channel 0: all ones
  w[27 + 9 + 4] = 1; // filter 1, channel 1, centre
  w[27 + 18 + 0] = -1; // filter 1, channel 2, top-left

  it('x=[1,3,5,5] w=[2,3,3,3] s=2 p=1 → [1,2,3,3]', async () => {
    const model = buildSingleOp({
      opType: 'Conv',
      opset: 11,
      inputs: [float32([1, 3, 5, 5], x), float32([2, 3, 3, 3], w), float32([2], [1, -1])],
      attributes: { strides: [2, 2], pads: [1, 1, 1, 1] },
    });
    const { out0 } = await runOurs(model);
    expect(out0!.dims).toEqual([1, 2, 3, 3]);
    // Filter 0 at output (0,0): window rows -1..1, cols -1..1 of channel 0; inside: x0[0..1][0..1] = 10,11,15,16.
    // Sum 52, bias +1 → 53. At (1,1): rows 1..3, cols 1..3: (16+17+18)+(21+22+23)+(26+27+28) = 198, +1 → 199.
    // At (2,2): rows 3..5, cols 3..5, inside rows 3..4 cols 3..4: 28+29+33+34 = 124, +1 → 125.
    const f0 = Array.from(out0!.data.subarray(0, 9));
    expect(f0[0]).toBe(53);
    expect(f0[4]).toBe(199);
    expect(f0[8]).toBe(125);
    // Filter 1 at (o_i, o_j): x1[2o_i][2o_j] - x2[2o_i-1][2o_j-1] (0 when padded) - 1.
    // (0,0): x1[0][0] = 20, top-left in padding → 20 - 1 = 19. (1,1): x1[2][2] = 32, x2[1][1] = 36 → 32-36-1 = -5.
    // (2,0): x1[4][0] = 40, x2[3][-1] padding → 39.
    const f1 = Array.from(out0!.data.subarray(9, 18));
    expect(f1[0]).toBe(19);
    expect(f1[4]).toBe(-5);
    expect(f1[6]).toBe(39);
    await expectMatchesOnnxruntime(model);
  });
});

describe('Conv vs onnxruntime', () => {
  const cases: { title: string; x: number[]; w: number[]; attrs: Record<string, unknown>; bias?: boolean }[] = [
    { title: '1-D x=[2,4,9] w=[6,2,3] g=2 s=2 d=2 p=[1,2]', x: [2, 4, 9], w: [6, 2, 3], attrs: { group: 2, strides: [2], dilations: [2], pads: [1, 2] }, bias: true },
    { title: '2-D depthwise x=[1,4,7,6] w=[8,1,3,3] g=4 SAME_UPPER s=2', x: [1, 4, 7, 6], w: [8, 1, 3, 3], attrs: { group: 4, auto_pad: 'SAME_UPPER', strides: [2, 2] } },
    { title: '2-D x=[1,3,8,7] w=[5,3,2,4] SAME_LOWER s=[2,3]', x: [1, 3, 8, 7], w: [5, 3, 2, 4], attrs: { auto_pad: 'SAME_LOWER', strides: [2, 3] }, bias: true },
    { title: '2-D x=[2,2,6,6] w=[3,2,3,3] VALID d=[2,1]', x: [2, 2, 6, 6], w: [3, 2, 3, 3], attrs: { auto_pad: 'VALID', dilations: [2, 1] } },
    { title: '2-D asymmetric pads x=[1,2,5,5] w=[2,2,3,2] p=[0,1,2,0]', x: [1, 2, 5, 5], w: [2, 2, 3, 2], attrs: { pads: [0, 1, 2, 0] } },
    { title: '3-D x=[1,2,5,4,6] w=[4,1,3,2,3] g=2 s=[1,2,2] p=[1,0,1,1,1,0]', x: [1, 2, 5, 4, 6], w: [4, 1, 3, 2, 3], attrs: { group: 2, strides: [1, 2, 2], pads: [1, 0, 1, 1, 1, 0] }, bias: true },
  ];
  for (const c of cases) {
    it(c.title, async () => {
      const inputs = [randomTensor(c.x, 1), randomTensor(c.w, 2)];
      if (c.bias) inputs.push(randomTensor([c.w[0]!], 3));
      await expectMatchesOnnxruntime(buildSingleOp({ opType: 'Conv', opset: 11, inputs, attributes: c.attrs as never }));
    });
  }

  it('float64 x=[1,2,5,5] w=[3,2,3,3] p=1 agrees with float32 to float32 rounding', async () => {
    // onnxruntime has no float64 Conv kernel on CPU, so the float64 path is checked against our float32 one.
    const x = seededValues(50, 4);
    const w = seededValues(54, 5);
    const model64 = buildSingleOp({
      opType: 'Conv',
      opset: 11,
      inputs: [tensor('float64', [1, 2, 5, 5], Float64Array.from(x)), tensor('float64', [3, 2, 3, 3], Float64Array.from(w))],
      attributes: { pads: [1, 1, 1, 1] },
    });
    const model32 = buildSingleOp({ opType: 'Conv', opset: 11, inputs: [float32([1, 2, 5, 5], x), float32([3, 2, 3, 3], w)], attributes: { pads: [1, 1, 1, 1] } });
    const { out0: y64 } = await runOurs(model64);
    const { out0: y32 } = await expectMatchesOnnxruntime(model32);
    expect(y64!.dtype).toBe('float64');
    for (let i = 0; i < y64!.data.length; i++) expect(Math.abs(y64!.data[i]! - y32!.data[i]!)).toBeLessThan(1e-5);
  });
});
