import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/engine/session.js';
import { buildSingleOp } from '../../src/fuzz/model-builder.js';
import { float32 } from '../../src/tensor.js';
import { seededValues } from '../helpers/differential.js';
import { externalize, tempDir } from '../helpers/external.js';

const x = float32([1, 2, 6, 6], seededValues(72, 1));
const w = float32([3, 2, 3, 3], seededValues(54, 2));
const b = float32([3], [0.5, -1, 2]);
const inline = buildSingleOp({ opType: 'Conv', opset: 13, inputs: [x, w, b], constantInputs: [1, 2], attributes: { pads: [1, 1, 1, 1] } });

async function expected() {
  return (await (await loadModel(inline.bytes)).run(inline.feeds)).out0!;
}

async function errorOf(p: Promise<unknown>): Promise<{ code?: string; message: string; context?: Record<string, string> }> {
  try {
    await p;
  } catch (e) {
    return e as { code?: string; message: string };
  }
  throw new Error('expected an error');
}

describe('external data (the torch dynamo exporter layout)', () => {
  it('model.onnx + model.onnx.data beside it loads and computes the same as inline weights', async () => {
    const dir = tempDir();
    const { model, data } = externalize(inline.bytes);
    fs.writeFileSync(path.join(dir, 'model.onnx'), model);
    fs.writeFileSync(path.join(dir, 'model.onnx.data'), data);
    const session = await loadModel(path.join(dir, 'model.onnx'));
    const { out0 } = await session.run(inline.feeds);
    expect(Array.from(out0!.data)).toEqual(Array.from((await expected()).data));
  });

  it('data in a subfolder of the model folder is allowed', async () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'weights'));
    const { model, data } = externalize(inline.bytes, 'weights/w.bin');
    fs.writeFileSync(path.join(dir, 'model.onnx'), model);
    fs.writeFileSync(path.join(dir, 'weights', 'w.bin'), data);
    await expect((await loadModel(path.join(dir, 'model.onnx'))).run(inline.feeds)).resolves.toBeDefined();
  });

  it('an in-memory map of buffers serves models loaded from bytes', async () => {
    const { model, data } = externalize(inline.bytes);
    const session = await loadModel(model, { externalData: { 'model.onnx.data': data } });
    const { out0 } = await session.run(inline.feeds);
    expect(Array.from(out0!.data)).toEqual(Array.from((await expected()).data));
  });

  it('bytes with external references and no map explain how to supply them', async () => {
    const { model } = externalize(inline.bytes);
    const err = await errorOf(loadModel(model));
    expect(err.code).toBe('external_data');
    expect(err.message).toMatch(/loaded from bytes/);
  });

  const hostile: [string, string][] = [
    ['../../etc/passwd', 'leaves the model\'s folder'],
    ['/etc/passwd', 'absolute path'],
    ['weights/../../outside.data', 'leaves the model\'s folder'],
    ['C:\\Windows\\win.ini', 'absolute path'],
  ];
  for (const [location, reason] of hostile) {
    it(`location '${location}' is refused (${reason})`, async () => {
      const dir = tempDir();
      const { model } = externalize(inline.bytes, location);
      fs.writeFileSync(path.join(dir, 'model.onnx'), model);
      const err = await errorOf(loadModel(path.join(dir, 'model.onnx')));
      expect(err.code).toBe('external_data');
      expect(err.message).toContain(reason);
    });
  }

  it('a symbolic link that leaves the model folder is refused', async () => {
    const outside = tempDir();
    const dir = tempDir();
    const { model, data } = externalize(inline.bytes);
    fs.writeFileSync(path.join(outside, 'real.data'), data);
    fs.symlinkSync(path.join(outside, 'real.data'), path.join(dir, 'model.onnx.data'));
    fs.writeFileSync(path.join(dir, 'model.onnx'), model);
    const err = await errorOf(loadModel(path.join(dir, 'model.onnx')));
    expect(err.code).toBe('external_data');
    expect(err.message).toMatch(/symbolic link/);
  });

  it('a range past the end of the data file is refused', async () => {
    const dir = tempDir();
    const { model, data } = externalize(inline.bytes);
    fs.writeFileSync(path.join(dir, 'model.onnx'), model);
    fs.writeFileSync(path.join(dir, 'model.onnx.data'), data.subarray(0, data.length - 4));
    const err = await errorOf(loadModel(path.join(dir, 'model.onnx')));
    expect(err.code).toBe('external_data');
    expect(err.message).toMatch(/is \d+ bytes but the tensor asks for bytes \d+\.\.\d+/);
  });

  it('a length that disagrees with the tensor dims is refused', async () => {
    const { model, data } = externalize(inline.bytes, 'model.onnx.data', (_, e) => ({ length: String(e.length - 4) }));
    const err = await errorOf(loadModel(model, { externalData: { 'model.onnx.data': data } }));
    expect(err.code).toBe('external_data');
    expect(err.message).toMatch(/length is \d+ bytes but the tensor's dims and type need \d+/);
  });

  it('a missing data file names the file and what to do', async () => {
    const dir = tempDir();
    const { model } = externalize(inline.bytes);
    fs.writeFileSync(path.join(dir, 'model.onnx'), model);
    const err = await errorOf(loadModel(path.join(dir, 'model.onnx')));
    expect(err.code).toBe('external_data');
    expect(err.message).toMatch(/was not found/);
  });
});
