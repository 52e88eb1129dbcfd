import { describe, expect, it } from 'vitest';
import { decodeModel } from '../../src/onnx/decode-model.js';
import { encodeModel, encodeModelExternal } from '../../src/onnx/encode-model.js';
import { memoryExternalData } from '../../src/onnx/external-data.js';
import { onnx } from '../../src/onnx/proto.js';
import type { ModelRecord } from '../../src/onnx/records.js';
import { float32, int64 } from '../../src/tensor.js';

function sliceModel(ends: number[]): Pick<ModelRecord, 'irVersion' | 'opsetImports' | 'graph'> {
  return {
    irVersion: 4,
    opsetImports: new Map([['', 9]]),
    graph: {
      name: 'g',
      nodes: [
        {
          name: 's',
          opType: 'Slice',
          domain: '',
          inputs: ['x'],
          outputs: ['y'],
          attributes: [
            { name: 'starts', kind: 'ints', value: [-1] },
            { name: 'ends', kind: 'ints', value: ends },
            { name: 'axes', kind: 'ints', value: [0] },
            { name: 'n', kind: 'int', value: -Infinity },
          ],
        },
      ],
      initializers: [],
      inputs: [{ name: 'x', dtype: 'float32', dims: [4] }],
      outputs: [{ name: 'y', dtype: 'float32' }],
      valueInfo: [],
    },
  };
}

describe('encodeModel', () => {
  it('int64 attribute extremes: ends=[INT64_MAX] and -INF round-trip as the int64 extremes, not 0', () => {
    // The importer holds INT64_MAX / INT64_MIN as ±Infinity; protobufjs alone writes Infinity as 0.
    const bytes = encodeModel(sliceModel([Infinity]));
    const proto = onnx.ModelProto.decode(bytes);
    const attrs = proto.graph!.node![0]!.attribute!;
    expect(String(attrs.find((a) => a.name === 'ends')!.ints![0])).toBe('9223372036854775807');
    expect(String(attrs.find((a) => a.name === 'n')!.i)).toBe('-9223372036854775808');
    const decoded = decodeModel(bytes);
    expect(decoded.graph.nodes[0]!.attributes.find((a) => a.name === 'ends')!.value).toEqual([Infinity]);
    expect(decoded.graph.nodes[0]!.attributes.find((a) => a.name === 'n')!.value).toBe(-Infinity);
  });

  it('encodeModelExternal: initializers of at least minBytes go to one 64-byte-aligned data file, the rest stay inline', () => {
    const model = sliceModel([2]);
    model.graph.initializers = [
      { name: 'big', tensor: float32([3, 100], Float32Array.from({ length: 300 }, (_, i) => i / 7)) },
      { name: 'small', tensor: int64([2], [5, -3]) },
      { name: 'big2', tensor: float32([50], Float32Array.from({ length: 50 }, (_, i) => -i)) },
    ];
    const { model: bytes, chunks, dataBytes } = encodeModelExternal(model, 'w.bin', 100);
    const data = new Uint8Array(dataBytes);
    let at = 0;
    for (const c of chunks) {
      data.set(c, at);
      at += c.length;
    }
    expect(at).toBe(dataBytes);
    expect(dataBytes).toBe(1216 + 200); // big (1200 bytes), padded to 1216 = 19·64, then big2
    const decoded = decodeModel(bytes, { externalData: memoryExternalData({ 'w.bin': data }) });
    expect(decoded.externalData.map((e) => [e.tensor, e.offset, e.length])).toEqual([
      ['big', 0, 1200],
      ['big2', 1216, 200],
    ]);
    const byName = new Map(decoded.graph.initializers.map((i) => [i.name, i.tensor]));
    expect(Array.from(byName.get('big')!.data)).toEqual(Array.from(model.graph.initializers[0]!.tensor.data));
    expect(Array.from(byName.get('small')!.data)).toEqual([5, -3]);
    expect(Array.from(byName.get('big2')!.data)).toEqual(Array.from(model.graph.initializers[2]!.tensor.data));
  });
});
