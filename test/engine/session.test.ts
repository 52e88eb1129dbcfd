import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/engine/session.js';
import { buildModel } from '../../src/fuzz/model-builder.js';
import { float32, tensor } from '../../src/tensor.js';
import { seededValues } from '../helpers/differential.js';

const w = float32([2, 1, 3, 3], seededValues(18, 2));
const w2 = float32([2, 2, 1, 1], seededValues(4, 3));

function twoConvs(dims: (number | string)[] = ['N', 1, 6, 6]) {
  return buildModel({
    opset: 13,
    nodes: [
      { opType: 'Conv', name: 'c1', inputs: ['x', 'w'], outputs: ['h'], attributes: { pads: [1, 1, 1, 1] } },
      { opType: 'Conv', name: 'c2', inputs: ['h', 'w2'], outputs: ['y'] },
    ],
    inputs: { x: float32([1, 1, 6, 6]) },
    inputDims: { x: dims },
    initializers: { w, w2 },
    outputs: ['y'],
  });
}

async function errorOf(p: Promise<unknown>): Promise<{ code?: string; message: string; hint?: string; context?: Record<string, string> }> {
  try {
    await p;
  } catch (e) {
    return e as { code?: string; message: string };
  }
  throw new Error('expected an error');
}

describe('Session', () => {
  it('symbolic batch N runs for N = 1 and N = 3, and image k of a batch equals the single-image run', async () => {
    const session = await loadModel(twoConvs().bytes);
    expect(session.inputs[0]!.dims).toEqual(['N', 1, 6, 6]);
    const images = seededValues(3 * 36, 7);
    const batch = (await session.run({ x: float32([3, 1, 6, 6], images) })).y!;
    expect(batch.dims).toEqual([3, 2, 6, 6]);
    const second = (await session.run({ x: float32([1, 1, 6, 6], images.subarray(36, 72)) })).y!;
    expect(Array.from(batch.data.subarray(72, 144))).toEqual(Array.from(second.data));
  });

  it('the tap sees every node in order and intermediates can be requested', async () => {
    const session = await loadModel(twoConvs().bytes);
    const seen: string[] = [];
    const out = await session.run({ x: float32([1, 1, 6, 6], seededValues(36, 1)) }, {
      tap: (e) => {
        seen.push(`${e.node.name}:${e.outputs.map((o) => `${o.name}${JSON.stringify(o.tensor.dims)}`).join(',')}`);
      },
      outputs: ['h', 'y'],
    });
    expect(seen).toEqual(['c1:h[1,2,6,6]', 'c2:y[1,2,6,6]']);
    expect(Object.keys(out)).toEqual(['h', 'y']);
  });

  it('an override replaces one node\'s result and the change flows downstream', async () => {
    const session = await loadModel(twoConvs().bytes);
    const x = float32([1, 1, 6, 6], seededValues(36, 1));
    const normal = (await session.run({ x })).y!;
    const faulty = (await session.run({ x }, { override: (node, _, computed) => (node.name === 'c1' ? [float32(computed[0]!.dims as number[])] : computed) })).y!;
    expect(Array.from(faulty.data).every((v) => v === 0)).toBe(true);
    expect(Array.from(normal.data).some((v) => v !== 0)).toBe(true);
  });

  it('float64 precision runs in float64 and stays within float32 rounding of the float32 run', async () => {
    const x = float32([1, 1, 6, 6], seededValues(36, 1));
    const y32 = (await (await loadModel(twoConvs().bytes)).run({ x })).y!;
    const y64 = (await (await loadModel(twoConvs().bytes, { precision: 'float64' })).run({ x })).y!;
    expect(y64.dtype).toBe('float64');
    for (let i = 0; i < y32.data.length; i++) expect(Math.abs(y32.data[i]! - y64.data[i]!)).toBeLessThan(1e-5);
  });

  describe('feeds are checked against the declared inputs', () => {
    const cases: [string, Record<string, ReturnType<typeof float32>>, RegExp][] = [
      ['missing feed', {}, /is not fed/],
      ['extra feed', { x: float32([1, 1, 6, 6]), z: float32([1]) }, /'z' is fed but the model has no such input.*inputs are 'x'/s],
      ['wrong dtype', { x: tensor('float64', [1, 1, 6, 6]) }, /is float64 but the model declares float32/],
      ['wrong rank', { x: float32([1, 6, 6]) }, /has rank 3 \[1,6,6\] but the model declares \[N,1,6,6\]/],
      ['wrong fixed dim', { x: float32([1, 1, 7, 6]) }, /declares \[N,1,6,6\] \(axis 2\)/],
    ];
    for (const [title, feeds, message] of cases) {
      it(`${title} → input_mismatch`, async () => {
        const session = await loadModel(twoConvs().bytes);
        const err = await errorOf(session.run(feeds));
        expect(err.code).toBe('input_mismatch');
        expect(`'${err.context?.tensor}' ${err.message} ${err.hint ?? ''}`).toMatch(message);
      });
    }

    it('a symbol bound to two sizes is refused', async () => {
      const model = buildModel({
        opset: 13,
        nodes: [{ opType: 'Conv', name: 'c', inputs: ['a', 'w'], outputs: ['y'] }],
        inputs: { a: float32([2, 1, 6, 6]), w: float32([2, 1, 3, 3]) },
        inputDims: { a: ['N', 1, 6, 6], w: ['N', 1, 3, 3] },
        outputs: ['y'],
      });
      const session = await loadModel(model.bytes);
      const err = await errorOf(session.run({ a: float32([2, 1, 6, 6]), w: float32([3, 1, 3, 3]) }));
      expect(err.code).toBe('input_mismatch');
      expect(err.message).toMatch(/binds 'N' to 3 on axis 0, but input 'a' bound it to 2/);
    });
  });
});
