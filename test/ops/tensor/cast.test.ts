import { describe, expect, it } from 'vitest';
import { EXACT } from '../../../src/compare/tolerance.js';
import { loadModel } from '../../../src/engine/session.js';
import { buildSingleOp } from '../../../src/fuzz/model-builder.js';
import { ALL_DTYPES, tensor, type DType } from '../../../src/tensor.js';
import { expectMatchesOnnxruntime, runOurs } from '../../helpers/differential.js';
import { expectFailure, values } from './helpers.js';

const CODES: Record<DType, number> = {
  float32: 1, uint8: 2, int8: 3, uint16: 4, int16: 5, int32: 6, int64: 7, bool: 9, float16: 10, float64: 11, uint32: 12, uint64: 13,
};

const RANGES: Partial<Record<DType, [number, number]>> = {
  int8: [-128, 127], uint8: [0, 255], int16: [-32768, 32767], uint16: [0, 65535], int32: [-(2 ** 31), 2 ** 31 - 1],
  uint32: [0, 2 ** 32 - 1], int64: [-(2 ** 53), 2 ** 53], uint64: [0, 2 ** 53], float16: [-65504, 65504],
};

/** Values each source type can hold: fractions both ways, sign changes, and values that wrap in narrower types. */
function sourceValues(dtype: DType): number[] {
  if (dtype === 'bool') return [0, 1, 1, 0];
  const candidates = [-70000.75, -300.5, -129, -3.7, -1, -0.5, 0, 0.5, 1, 2.9, 127, 128.25, 255, 256, 40000, 65535.5, 70000, 3e9];
  const [lo, hi] = RANGES[dtype] ?? [-Infinity, Infinity];
  const isInt = dtype !== 'float32' && dtype !== 'float64' && dtype !== 'float16';
  return candidates.map((v) => (isInt ? Math.trunc(v) : v)).filter((v) => v >= lo && v <= hi);
}

describe('Cast, every pair of supported types vs onnxruntime (exact)', () => {
  for (const from of ALL_DTYPES) {
    it(`from ${from} to every type`, async () => {
      const v = sourceValues(from);
      for (const to of ALL_DTYPES) {
        const model = buildSingleOp({ opType: 'Cast', opset: 13, inputs: [tensor(from, [v.length], v)], attributes: { to: CODES[to] } });
        const out = await expectMatchesOnnxruntime(model, EXACT);
        expect(out.out0!.dtype).toBe(to);
      }
    });
  }
});

describe('Cast, hand-checked', () => {
  it('float → int truncates toward zero: [-2.9,-0.5,0.5,2.9] → int32 [-2,0,0,2]', async () => {
    const out = await runOurs(buildSingleOp({ opType: 'Cast', opset: 13, inputs: [tensor('float32', [4], [-2.9, -0.5, 0.5, 2.9])], attributes: { to: 6 } }));
    expect(values(out.out0)).toEqual([-2, 0, 0, 2]);
  });
  it('int wraps: int32 [300,-129,65536+5] → int8 [44,127,5], uint8 [44,127,5]', async () => {
    // 300 - 256 = 44; -129 + 256 = 127; 65541 mod 256 = 5.
    const x = tensor('int32', [3], [300, -129, 65541]);
    const i8 = await expectMatchesOnnxruntime(buildSingleOp({ opType: 'Cast', opset: 13, inputs: [x], attributes: { to: 3 } }), EXACT);
    expect(values(i8.out0)).toEqual([44, 127, 5]);
  });
  // NaN and overflow are undefined behaviour in C++; x86 gives the "integer indefinite" value -2^31 (or -2^63), and
  // narrow types keep its low bits (0). onnxruntime and numpy agree on these; see kernels/cast.ts.
  const special = [NaN, Infinity, -Infinity, 3e9, -3e9, 1e30, -1e30, 70000.7, -70000.7, 2.5, -2.5, 0, 1e19, 5e18, -5e18, 129.9];
  for (const to of ['int8', 'uint8', 'int16', 'uint16', 'int32', 'int64', 'uint64', 'bool'] as const) {
    it(`float32 NaN/±Inf/out-of-range → ${to} as onnxruntime does`, async () => {
      await expectMatchesOnnxruntime(buildSingleOp({ opType: 'Cast', opset: 13, inputs: [tensor('float32', [special.length], special)], attributes: { to: CODES[to] } }), EXACT);
    });
  }
  it('float32 → uint32 in range and negative in int32 range as onnxruntime; NaN → 2^31 (vector path), +Inf → 0', async () => {
    const v = [0, 2.5, 3e9, 4294967040, -1, -300.5, -2147483648, 2147483648, NaN, Infinity, -Infinity, 5e9, 1, 2, 3, 4];
    const out = await expectMatchesOnnxruntime(buildSingleOp({ opType: 'Cast', opset: 13, inputs: [tensor('float32', [v.length], v)], attributes: { to: 12 } }), EXACT);
    expect(values(out.out0).slice(8, 12)).toEqual([2 ** 31, 0, 2 ** 31, 0]);
  });
  it('int64 extremes (held as ±Infinity) → int32 keep their low bits: MAX → -1, MIN → 0; → float32 ±2^63', async () => {
    const x = tensor('int64', [2], [Infinity, -Infinity]);
    const i32 = await expectMatchesOnnxruntime(buildSingleOp({ opType: 'Cast', opset: 13, inputs: [x], attributes: { to: 6 } }), EXACT);
    expect(values(i32.out0)).toEqual([-1, 0]);
    const f = await expectMatchesOnnxruntime(buildSingleOp({ opType: 'Cast', opset: 13, inputs: [x], attributes: { to: 1 } }), EXACT);
    expect(values(f.out0)).toEqual([2 ** 63, -(2 ** 63)]);
  });
  it('float64 → float16 overflow → ±Inf, float64 → float32 rounds', async () => {
    const x = tensor('float64', [3], [70000, -1e6, 0.1]);
    const h = await expectMatchesOnnxruntime(buildSingleOp({ opType: 'Cast', opset: 13, inputs: [x], attributes: { to: 10 } }), EXACT);
    expect(values(h.out0).slice(0, 2)).toEqual([Infinity, -Infinity]);
    const f = await expectMatchesOnnxruntime(buildSingleOp({ opType: 'Cast', opset: 13, inputs: [x], attributes: { to: 1 } }), EXACT);
    expect(values(f.out0)[2]).toBe(Math.fround(0.1));
  });
  it('float64 referee run: Cast to FLOAT yields float64, unrounded', async () => {
    const model = buildSingleOp({ opType: 'Cast', opset: 13, inputs: [tensor('float64', [1], [0.1])], attributes: { to: 1 } });
    const session = await loadModel(model.bytes, { precision: 'float64' });
    const out = await session.run(model.feeds);
    expect(out.out0!.dtype).toBe('float64');
    expect(out.out0!.data[0]).toBe(0.1);
  });
});

describe('Cast versions and errors', () => {
  const x = tensor('float32', [3], [1.5, -2.5, 0]);
  it("opset 1 takes the type name: to='INT32' (onnxruntime has no Cast-1 kernel: checked by hand)", async () => {
    const out = await runOurs(buildSingleOp({ opType: 'Cast', opset: 1, inputs: [x], attributes: { to: 'INT32' } }));
    expect(out.out0!.dtype).toBe('int32');
    expect(values(out.out0)).toEqual([1, -2, 0]);
  });
  it('opsets 6, 9, 19 and 21 agree with onnxruntime', async () => {
    for (const opset of [6, 9, 19, 21]) {
      await expectMatchesOnnxruntime(buildSingleOp({ opType: 'Cast', opset, inputs: [x], attributes: { to: 7 } }), EXACT);
    }
  });
  it('saturate (opset 19+) only concerns float8 targets: saturate=0 to int64 is accepted and changes nothing', async () => {
    // onnxruntime 1.30 refuses the model ("Attribute saturate is only used for cast to float 8 types"), although
    // ONNX allows the attribute on any Cast-19: an oracle limitation, so this is checked by hand.
    const out = await runOurs(buildSingleOp({ opType: 'Cast', opset: 19, inputs: [x], attributes: { to: 7, saturate: 0 } }));
    expect(values(out.out0)).toEqual([1, -2, 0]);
  });
  it('opset 25 declares round_mode (float8e8m0 only): accepted, no effect', async () => {
    const out = await runOurs(buildSingleOp({ opType: 'Cast', opset: 25, inputs: [x], attributes: { to: 11, round_mode: 'nearest', saturate: 1 } }));
    expect(values(out.out0)).toEqual([1.5, -2.5, 0]);
  });
  it('errors: to=BFLOAT16 / FLOAT8E4M3FN / STRING → bad_attribute; unknown code → bad_attribute; saturate before 19 → bad_attribute', async () => {
    for (const to of [16, 17, 8, 26]) {
      await expectFailure(() => buildSingleOp({ opType: 'Cast', opset: 21, inputs: [x], attributes: { to } }), 'bad_attribute', /does not compute/);
    }
    await expectFailure(() => buildSingleOp({ opType: 'Cast', opset: 13, inputs: [x], attributes: { to: 99 } }), 'bad_attribute', /not an ONNX data type/);
    await expectFailure(() => buildSingleOp({ opType: 'Cast', opset: 1, inputs: [x], attributes: { to: 'REAL' } }), 'bad_attribute', /not an ONNX data type/);
    await expectFailure(() => buildSingleOp({ opType: 'Cast', opset: 13, inputs: [x], attributes: { to: 1, saturate: 1 } }), 'bad_attribute', /not an attribute/);
    await expectFailure(() => buildSingleOp({ opType: 'Cast', opset: 19, inputs: [x], attributes: { to: 1, saturate: 2 } }), 'bad_attribute');
  });
});

describe('CastLike', () => {
  it('opset 15 float32 → like int32: truncates; opset 19 saturate; bool target', async () => {
    const x = tensor('float32', [4], [2.7, -2.7, 0, 300]);
    const out = await expectMatchesOnnxruntime(buildSingleOp({ opType: 'CastLike', opset: 15, inputs: [x, tensor('int32', [0], [])] }), EXACT);
    expect(out.out0!.dtype).toBe('int32');
    expect(values(out.out0)).toEqual([2, -2, 0, 300]);
    await expectMatchesOnnxruntime(buildSingleOp({ opType: 'CastLike', opset: 19, inputs: [x, tensor('uint8', [1], [0])] }), EXACT);
    // saturate=0 is refused by onnxruntime for non-float8 targets (see Cast above); ours ignores it.
    const sat = await runOurs(buildSingleOp({ opType: 'CastLike', opset: 19, inputs: [x, tensor('uint8', [1], [0])], attributes: { saturate: 0 } }));
    expect(values(sat.out0)).toEqual([2, 254, 0, 44]);
    await expectMatchesOnnxruntime(buildSingleOp({ opType: 'CastLike', opset: 21, inputs: [x, tensor('bool', [1], [0])] }), EXACT);
  });
  it('int64 → like float16 and like float64', async () => {
    const x = tensor('int64', [3], [1, 2049, -70000]);
    await expectMatchesOnnxruntime(buildSingleOp({ opType: 'CastLike', opset: 15, inputs: [x, tensor('float16', [1], [0])] }), EXACT);
    await expectMatchesOnnxruntime(buildSingleOp({ opType: 'CastLike', opset: 15, inputs: [x, tensor('float64', [1], [0])] }), EXACT);
  });
});
