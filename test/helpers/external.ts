import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { onnx } from '../../src/onnx/proto.js';

/**
 * Moves every initializer of a model into one external data file, the way the torch 2.x dynamo exporter stores
 * weights: raw bytes concatenated, each TensorProto pointing at (location, offset, length).
 */
export function externalize(
  modelBytes: Uint8Array,
  location = 'model.onnx.data',
  override?: (name: string, entry: { location: string; offset: number; length: number }) => Partial<{ location: string; offset: string; length: string }>,
): { model: Uint8Array; data: Uint8Array } {
  const model = onnx.ModelProto.decode(modelBytes);
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const t of model.graph?.initializer ?? []) {
    const raw = Uint8Array.from(t.rawData ?? []);
    // The dynamo exporter aligns tensors; do the same so offsets are realistic.
    const pad = (64 - (offset % 64)) % 64;
    if (pad) chunks.push(new Uint8Array(pad));
    offset += pad;
    const entry = { location, offset, length: raw.length };
    const extra = override?.(t.name ?? '', entry) ?? {};
    t.rawData = new Uint8Array(0);
    t.dataLocation = 1;
    t.externalData = [
      { key: 'location', value: extra.location ?? location },
      { key: 'offset', value: extra.offset ?? String(offset) },
      { key: 'length', value: extra.length ?? String(raw.length) },
    ];
    chunks.push(raw);
    offset += raw.length;
  }
  const data = new Uint8Array(offset);
  let at = 0;
  for (const c of chunks) {
    data.set(c, at);
    at += c.length;
  }
  return { model: onnx.ModelProto.encode(model).finish(), data };
}

export function tempDir(prefix = 'torchparity-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
