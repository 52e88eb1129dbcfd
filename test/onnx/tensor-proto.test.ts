import { describe, expect, it } from 'vitest';
import { decodeTensorProto, encodeTensorProto } from '../../src/onnx/index.js';
import { onnx } from '../../src/onnx/proto.js';
import { tensor, type DType } from '../../src/tensor.js';

function encode(fields: Record<string, unknown>): Uint8Array {
  return onnx.TensorProto.encode(onnx.TensorProto.create(fields)).finish();
}

function errorOf(fn: () => unknown): { code?: string; message: string } {
  try {
    fn();
  } catch (e) {
    return e as { code?: string; message: string };
  }
  throw new Error('expected an error');
}

describe('TensorProto typed fields', () => {
  const cases: { dtype: DType; code: number; field: string; values: unknown[]; expected: number[] }[] = [
    { dtype: 'float32', code: 1, field: 'floatData', values: [1.5, -2, 3.25], expected: [1.5, -2, 3.25] },
    { dtype: 'float64', code: 11, field: 'doubleData', values: [0.1, 1e300, -3], expected: [0.1, 1e300, -3] },
    // float16 travels as bit patterns in int32_data: 0x3c00 = 1, 0xc000 = -2, 0x7bff = 65504.
    { dtype: 'float16', code: 10, field: 'int32Data', values: [0x3c00, 0xc000, 0x7bff], expected: [1, -2, 65504] },
    { dtype: 'int64', code: 7, field: 'int64Data', values: [-5, 0, 2 ** 40], expected: [-5, 0, 2 ** 40] },
    { dtype: 'int32', code: 6, field: 'int32Data', values: [-7, 8, 2 ** 31 - 1], expected: [-7, 8, 2 ** 31 - 1] },
    { dtype: 'int8', code: 3, field: 'int32Data', values: [-128, 5, 127], expected: [-128, 5, 127] },
    { dtype: 'uint8', code: 2, field: 'int32Data', values: [0, 200, 255], expected: [0, 200, 255] },
    { dtype: 'bool', code: 9, field: 'int32Data', values: [1, 0, 1], expected: [1, 0, 1] },
    { dtype: 'uint64', code: 13, field: 'uint64Data', values: [0, 7, 2 ** 50], expected: [0, 7, 2 ** 50] },
  ];
  for (const c of cases) {
    it(`${c.dtype} from ${c.field} [3]`, () => {
      const { tensor: t } = decodeTensorProto(encode({ dims: [3], dataType: c.code, [c.field]: c.values }));
      expect(t.dtype).toBe(c.dtype);
      expect(t.dims).toEqual([3]);
      expect(Array.from(t.data)).toEqual(c.expected);
    });
  }
});

describe('TensorProto raw_data', () => {
  const values: Record<DType, number[]> = {
    float32: [1.5, -0, 3.4028234663852886e38],
    float64: [Math.PI, -1e-300, 7],
    float16: [0.5, -65504, 6.103515625e-5],
    int64: [-(2 ** 53) + 1, 0, 2 ** 53 - 1],
    int32: [-(2 ** 31), 0, 2 ** 31 - 1],
    int16: [-32768, 1, 32767],
    int8: [-128, 0, 127],
    uint64: [0, 1, 2 ** 53 - 1],
    uint32: [0, 1, 2 ** 32 - 1],
    uint16: [0, 1, 65535],
    uint8: [0, 1, 255],
    bool: [1, 0, 1],
  };
  for (const [dtype, data] of Object.entries(values) as [DType, number[]][]) {
    it(`${dtype} round-trips through raw_data`, () => {
      const bytes = encodeTensorProto('t', tensor(dtype, [3], data));
      const { name, tensor: t } = decodeTensorProto(bytes);
      expect(name).toBe('t');
      expect(t.dtype).toBe(dtype);
      expect(Array.from(t.data)).toEqual(data);
    });
  }

  it('raw_data views the file buffer in place when aligned (no copy of weights)', () => {
    const weights = new Float32Array(1024).map((_, i) => i);
    const bytes = encodeTensorProto('w', tensor('float32', [1024], weights));
    const { tensor: t } = decodeTensorProto(bytes);
    if (t.data.byteOffset % 4 === 0) expect(t.data.buffer).toBe(bytes.buffer);
    expect(t.data[1023]).toBe(1023);
  });

  it('raw_data shorter than dims × element size is refused', () => {
    const err = errorOf(() => decodeTensorProto(encode({ name: 'w', dims: [4], dataType: 1, rawData: new Uint8Array(12) })));
    expect(err.code).toBe('decode');
    expect(err.message).toMatch(/raw_data has 12 bytes but dims \[4\] of float32 need 16/);
  });

  it('typed field count not matching dims is refused', () => {
    const err = errorOf(() => decodeTensorProto(encode({ dims: [2, 2], dataType: 1, floatData: [1, 2, 3] })));
    expect(err.code).toBe('decode');
    expect(err.message).toMatch(/holds 3 values but its dims need 4/);
  });
});

describe('int64 safety', () => {
  it('a value beyond 2^53 is refused with a clear error', () => {
    const raw = new BigInt64Array([2n ** 53n + 1n]);
    const err = errorOf(() => decodeTensorProto(encode({ name: 'big', dims: [1], dataType: 7, rawData: new Uint8Array(raw.buffer) })));
    expect(err.code).toBe('decode');
    expect(err.message).toMatch(/9007199254740993, beyond ±2\^53/);
  });

  it('INT64_MAX and INT64_MIN (Slice "unbounded") become ±Infinity and encode back exactly', () => {
    const raw = new BigInt64Array([9223372036854775807n, -9223372036854775808n, -1n]);
    const { tensor: t } = decodeTensorProto(encode({ dims: [3], dataType: 7, rawData: new Uint8Array(raw.buffer) }));
    expect(Array.from(t.data)).toEqual([Infinity, -Infinity, -1]);
    const back = onnx.TensorProto.decode(encodeTensorProto('x', t));
    expect(Array.from(new BigInt64Array(Uint8Array.from(back.rawData).buffer))).toEqual([9223372036854775807n, -9223372036854775808n, -1n]);
  });

  it('int64 typed field beyond 2^53 is refused', () => {
    const err = errorOf(() => decodeTensorProto(encode({ dims: [1], dataType: 7, int64Data: ['9007199254740995'] })));
    expect(err.code).toBe('decode');
  });

  it('a negative dim is refused', () => {
    const err = errorOf(() => decodeTensorProto(encode({ dims: [-2], dataType: 1, floatData: [] })));
    expect(err.code).toBe('shape');
    expect(err.message).toMatch(/dimension -2/);
  });
});

describe('element types outside torchparity', () => {
  it('BFLOAT16 is refused as unsupported_type', () => {
    const err = errorOf(() => decodeTensorProto(encode({ dims: [1], dataType: 16, rawData: new Uint8Array(2) })));
    expect(err.code).toBe('unsupported_type');
    expect(err.message).toMatch(/BFLOAT16/);
  });
});
