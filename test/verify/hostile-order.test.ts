import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';

// Records whether onnxruntime was asked to run anything; the real oracle stays reachable for the control case.
const calls: string[] = [];
vi.mock('../../src/oracle/onnxruntime.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/oracle/onnxruntime.js')>();
  return {
    ...real,
    runOnnxruntime: (...args: Parameters<typeof real.runOnnxruntime>) => {
      calls.push(String(args[0]));
      return real.runOnnxruntime(...args);
    },
  };
});

const { verify } = await import('../../src/verify/verify.js');
const DIR = fileURLToPath(new URL('../../fixtures/malformed/', import.meta.url));

describe('verify runs torchparity before onnxruntime, so a size our limits refuse never reaches onnxruntime', () => {
  // onnxruntime has no such limits: on conv_pads_over_limit_runtime it asks for 16 GB and the OOM killer answers.
  // Only the Expand model is used here: on it onnxruntime fails cleanly (40 GB), so a regression fails this test
  // instead of killing the machine's test run.
  for (const name of ['expand_runtime_over_limit']) {
    it(`${name}: limit_exceeded, and onnxruntime never called`, async () => {
      calls.length = 0;
      await expect(verify(path.join(DIR, `${name}.onnx`))).rejects.toMatchObject({ code: 'limit_exceeded' });
      expect(calls).toEqual([]);
    });
  }

  it('verify --intermediates and reduce: the same order', async () => {
    const { reduce } = await import('../../src/verify/reduce.js');
    const { tempDir } = await import('../helpers/external.js');
    const file = path.join(DIR, 'expand_runtime_over_limit.onnx');
    calls.length = 0;
    await expect(verify(file, { intermediates: true })).rejects.toMatchObject({ code: 'limit_exceeded' });
    await expect(reduce(file, tempDir())).rejects.toMatchObject({ code: 'limit_exceeded' });
    expect(calls).toEqual([]);
  });

  it('control: a valid model does reach onnxruntime through the same spy', async () => {
    calls.length = 0;
    const fixture = fileURLToPath(new URL('../../fixtures/models/resnet_basic__dynamo_op18/', import.meta.url));
    await verify(fixture);
    expect(calls.length).toBeGreaterThan(0);
  });
});
