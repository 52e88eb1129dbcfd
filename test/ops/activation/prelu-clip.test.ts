import { describe, expect, it } from 'vitest';
import type { DType, Tensor } from '../../../src/tensor.js';
import { againstOrt, againstOrtInFloat32, expectOpFailure, f32, ours, randomOf, t, values } from '../elementwise/helpers.js';

describe('PRelu', () => {
  it('x=[1,2,2,2] slope=[2,1,1] (per channel, as PyTorch exports nn.PReLU(2)): channel 0 × 0.5, channel 1 × −1', async () => {
    // channel 0: [−2, 4, −6, 8] → [−1, 4, −3, 8]; channel 1: [−1, 0, 3, −5] → [1, −0, 3, 5]
    // (PyTorch's x > 0 ? x : w·x gives −1·0 = −0 for the zero.)
    const x = f32([1, 2, 2, 2], [-2, 4, -6, 8, -1, 0, 3, -5]);
    const y = await againstOrt({ opType: 'PRelu', opset: 16, inputs: [x, f32([2, 1, 1], [0.5, -1])] });
    expect(values(y)).toEqual([-1, 4, -3, 8, 1, -0, 3, 5]);
  });

  it('NaN stays NaN; slope multiplies −inf', async () => {
    const y = await againstOrt({ opType: 'PRelu', opset: 16, inputs: [f32([3], [NaN, -Infinity, Infinity]), f32([1], [0.25])] });
    expect(values(y)).toEqual([NaN, -Infinity, Infinity]);
  });

  it('int32 slope·x wraps like C++: −65536 × 65536 → 0', async () => {
    // −2^32 mod 2^32 = 0
    expect(values(await againstOrt({ opType: 'PRelu', opset: 16, inputs: [t('int32', [2], [-65536, 5]), t('int32', [1], [65536])] }))).toEqual([0, 5]);
  });

  it('opset 1 and 6 (no onnxruntime kernels): a one-element slope, and a slope of X\'s shape', async () => {
    const x = f32([2, 2], [-1, 2, -3, 4]);
    expect(values(await ours({ opType: 'PRelu', opset: 6, inputs: [x, f32([1], [0.1])] }))).toEqual([-0.1, 2, -0.3, 4].map(Math.fround));
    expect(values(await ours({ opType: 'PRelu', opset: 1, inputs: [x, f32([2, 2], [1, 1, 2, 2])], attributes: { consumed_inputs: [0] } }))).toEqual([-1, 2, -6, 4]);
  });

  const patterns: [number[], number[]][] = [
    [[2, 3, 4, 5], [3, 1, 1]],
    [[2, 3, 4, 5], [5]],
    [[2, 3, 4, 5], [1]],
    [[3, 4], [3, 4]],
    [[2, 3, 4], [1, 4]],
    [[4], []],
  ];
  for (const opset of [7, 9, 16]) {
    for (const [dx, ds] of patterns) {
      it(`PRelu-${opset} x=[${dx}] slope=[${ds}] vs onnxruntime`, async () => {
        await againstOrt({ opType: 'PRelu', opset, inputs: [randomOf('float32', dx, 1, { scale: 3 }), randomOf('float32', ds, 2)] });
      });
    }
  }
  for (const dtype of ['float64', 'float16', 'int32', 'int64'] as DType[]) {
    it(`PRelu-16 ${dtype} x=[2,3,4] slope=[3,1]`, async () => {
      const tol = dtype === 'float16' ? { kind: 'allclose' as const, name: 'f16', rtol: 1e-3, atol: 1e-3 } : undefined;
      await againstOrt({ opType: 'PRelu', opset: 16, inputs: [randomOf(dtype, [2, 3, 4], 3, { range: [-1000, 1000] }), randomOf(dtype, [3, 1], 4, { range: [-5, 5] })] }, tol);
    });
  }
  it('PRelu-9 uint32/uint64 (no onnxruntime kernel): unsigned values are never negative, so Y = X', async () => {
    for (const dtype of ['uint32', 'uint64'] as DType[]) {
      const x = randomOf(dtype, [6], 5);
      expect(values(await ours({ opType: 'PRelu', opset: 9, inputs: [x, t(dtype, [1], [3])] }))).toEqual(values(x));
    }
  });

  it('errors: slope [4] against x [2,3] → shape; slope of higher rank → shape; int32 at opset 7 → shape', async () => {
    await expectOpFailure({ opType: 'PRelu', opset: 16, inputs: [f32([2, 3], [1, 2, 3, 4, 5, 6]), f32([4], [1, 2, 3, 4])] }, 'shape', /does not broadcast/);
    // [2,3] against x [3] would broadcast both ways to [2,3], but PRelu's output keeps X's shape.
    await expectOpFailure({ opType: 'PRelu', opset: 16, inputs: [f32([3], [1, 2, 3]), f32([2, 3], [1, 2, 3, 4, 5, 6])] }, 'shape', /does not broadcast/);
    await expectOpFailure({ opType: 'PRelu', opset: 7, inputs: [t('int32', [1], [1]), t('int32', [1], [1])] }, 'shape', /accepts/);
  });
});

describe('Clip', () => {
  const x = f32([6], [-5, -1, 0, 2, NaN, 10]);
  it('opset 13 min=−1 max=2: [−5,−1,0,2,NaN,10] → [−1,−1,0,2,NaN,2] (NaN stays NaN as torch.clamp)', async () => {
    const y = await againstOrt({ opType: 'Clip', opset: 13, inputs: [x, f32([], [-1]), f32([], [2])] });
    expect(values(y)).toEqual([-1, -1, 0, 2, NaN, 2]);
  });

  it('min > max gives max everywhere: min=3 max=1 → all 1 (ONNX text and torch.clamp agree)', async () => {
    const y = await againstOrt({ opType: 'Clip', opset: 13, inputs: [f32([3], [0, 2, 5]), f32([], [3]), f32([], [1])] });
    expect(values(y)).toEqual([1, 1, 1]);
  });

  it('a missing bound is no bound, as torch.clamp(x, min=0): +inf stays inf (onnxruntime gives FLT_MAX)', async () => {
    // PyTorch exports clamp(x, min=0) as Clip(x, 0, '') at opset ≥ 11; PyTorch's own result keeps +inf, while
    // ONNX's text (and onnxruntime) substitute numeric_limits<float>::max() for the missing bound.
    const y = await ours({ opType: 'Clip', opset: 13, inputs: [f32([3], [-1, 5, Infinity]), f32([], [0])] });
    expect(values(y)).toEqual([0, 5, Infinity]);
    const lower = await ours({ opType: 'Clip', opset: 13, inputs: [f32([2], [-Infinity, 5]), undefined, f32([], [1])] });
    expect(values(lower)).toEqual([-Infinity, 1]);
    const attr = await ours({ opType: 'Clip', opset: 6, inputs: [f32([2], [-Infinity, Infinity])], attributes: { min: 0 } });
    expect(values(attr)).toEqual([0, Infinity]);
  });

  it('no bounds at all is the identity', async () => {
    expect(values(await againstOrt({ opType: 'Clip', opset: 13, inputs: [x] }))).toEqual(values(x));
  });

  it('int8 (opset 12+) [−128, −3, 0, 100, 127] clipped to [−5, 50]', async () => {
    const y = await againstOrt({ opType: 'Clip', opset: 12, inputs: [t('int8', [5], [-128, -3, 0, 100, 127]), t('int8', [], [-5]), t('int8', [], [50])] });
    expect(values(y)).toEqual([-5, -3, 0, 50, 50]);
  });

  it('opset 1 attributes min/max with consumed_inputs (no onnxruntime kernel)', async () => {
    const y = await ours({ opType: 'Clip', opset: 1, inputs: [x], attributes: { min: -1, max: 2, consumed_inputs: [0] } });
    expect(values(y)).toEqual([-1, -1, 0, 2, NaN, 2]);
  });

  it('Clip-6 min=1 > max=−1 gives −1 everywhere (onnxruntime refuses min > max for the attribute form)', async () => {
    expect(values(await ours({ opType: 'Clip', opset: 6, inputs: [f32([3], [-3, 0, 3])], attributes: { min: 1, max: -1 } }))).toEqual([-1, -1, -1]);
  });

  for (const attributes of [{ min: -0.5, max: 0.5 }, { min: 0 }, { max: 0.25 }, {}]) {
    it(`Clip-6 attributes ${JSON.stringify(attributes)} vs onnxruntime`, async () => {
      await againstOrt({ opType: 'Clip', opset: 6, inputs: [randomOf('float32', [3, 4, 5], 1)], attributes });
    });
  }
  for (const opset of [11, 12, 13]) {
    for (const [lo, hi] of [
      [-0.5, 0.5],
      [0, undefined],
      [undefined, 0.25],
      [0.5, -0.5],
      [undefined, undefined],
    ] as const) {
      it(`Clip-${opset} float32 min=${lo} max=${hi} vs onnxruntime`, async () => {
        const inputs = [randomOf('float32', [3, 4, 5], 2), lo === undefined ? undefined : f32([], [lo]), hi === undefined ? undefined : f32([], [hi])];
        await againstOrt({ opType: 'Clip', opset, inputs });
      });
    }
    if (opset === 11) continue;
    for (const dtype of ['float64', 'float16', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64'] as DType[]) {
      it(`Clip-${opset} ${dtype} with both bounds and with max only`, async () => {
        const xs = randomOf(dtype, [20], 3, { range: [0, 200], scale: 100 });
        const both = [xs, t(dtype, [], [20]), t(dtype, [], [150])];
        const maxOnly = [xs, undefined, t(dtype, [], [90])];
        if (dtype !== 'int16' && dtype !== 'uint16') {
          await againstOrt({ opType: 'Clip', opset, inputs: both });
          await againstOrt({ opType: 'Clip', opset, inputs: maxOnly });
          return;
        }
        // onnxruntime has no 16-bit Clip: the same values held as int32 must clip identically.
        const wide = (ins: readonly (Tensor | undefined)[]) => ins.map((v) => v && t('int32', v.dims, values(v)));
        for (const ins of [both, maxOnly]) {
          const y = await ours({ opType: 'Clip', opset, inputs: ins });
          expect(y.dtype).toBe(dtype);
          expect(values(y)).toEqual(values(await againstOrt({ opType: 'Clip', opset, inputs: wide(ins) })));
        }
      });
    }
  }

  it('float64 Clip-6 attribute form agrees with the float32 oracle', async () => {
    await againstOrtInFloat32({ opType: 'Clip', opset: 6, inputs: [randomOf('float32', [10], 4)], attributes: { min: -0.3, max: 0.3 } }, 'float64');
  });

  it('errors: min of shape [2] → shape; int32 at opset 11 → shape; min of another type → shape', async () => {
    await expectOpFailure({ opType: 'Clip', opset: 13, inputs: [x, f32([2], [0, 1])] }, 'shape', /scalar/);
    await expectOpFailure({ opType: 'Clip', opset: 11, inputs: [t('int32', [1], [1])] }, 'shape', /accepts/);
    await expectOpFailure({ opType: 'Clip', opset: 13, inputs: [x, t('float64', [], [0])] }, 'shape', /must match/);
  });
});
