import { describe, expect, it } from 'vitest';
import { poolOutputSize } from '../../src/kernels/geometry.js';
import { maxPool } from '../../src/kernels/pool.js';
import { maxPoolFast } from '../../src/kernels/pool-fast.js';

describe('fast float32 MaxPool vs the maxPool reference', () => {
  it('seeded geometries (1-D to 3-D, pads, ceil_mode, dilation) with NaN, ±0 and -Infinity: identical bits', () => {
    let state = 9;
    const next = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0), state / 4294967296);
    const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
    let interior = 0;
    for (let i = 0; i < 1500; i++) {
      const rank = int(1, 3);
      const g = { input: [] as number[], kernel: [] as number[], strides: [] as number[], dilations: [] as number[], padBegin: [] as number[], padEnd: [] as number[], output: [] as number[] };
      const ceil = next() < 0.3;
      let fits = true;
      for (let a = 0; a < rank; a++) {
        const k = int(1, 3);
        const s = int(1, 3);
        const d = next() < 0.7 ? 1 : int(2, 3);
        const input = int(1, 12);
        const pb = int(0, Math.floor(k / 2));
        const pe = int(0, Math.floor(k / 2));
        const out = poolOutputSize(input, k, s, d, pb, pe, ceil);
        if (out <= 0) fits = false;
        g.input.push(input);
        g.kernel.push(k);
        g.strides.push(s);
        g.dilations.push(d);
        g.padBegin.push(pb);
        g.padEnd.push(pe);
        g.output.push(out);
      }
      if (!fits) continue;
      if (rank >= 2 && g.kernel.slice(-2).every((k) => k === 2 || k === 3)) interior++;
      const planes = int(1, 3);
      const inPlane = g.input.reduce((a, b) => a * b, 1);
      const outPlane = g.output.reduce((a, b) => a * b, 1);
      const special = [NaN, -0, 0, -Infinity, Infinity];
      const x = Float32Array.from({ length: planes * inPlane }, () => (next() < 0.2 ? special[int(0, 4)]! : next() * 2 - 1));
      const ref = new Float32Array(planes * outPlane);
      maxPool(x, ref, undefined, { planes, geometry: g, emptyValue: -Infinity, storageOrder: 0 });
      const got = new Float32Array(planes * outPlane).fill(7);
      maxPoolFast(x, got, { planes, geometry: g, emptyValue: -Infinity });
      for (let j = 0; j < ref.length; j++) expect(Object.is(got[j], ref[j]), `case ${i} ${JSON.stringify(g)} [${j}]: ${got[j]} vs ${ref[j]}`).toBe(true);
    }
    expect(interior).toBeGreaterThan(200);
  });

  it('k=2 s=2 on [1,1,2,4] = [[1,-0,NaN,2],[0,3,4,-1]] → [3, NaN]; ±0 ties keep the first', () => {
    // Window 0: 1, −0, 0, 3 → 3. Window 1: NaN, 2, 4, −1 → NaN propagates.
    const g = { input: [2, 4], kernel: [2, 2], strides: [2, 2], dilations: [1, 1], padBegin: [0, 0], padEnd: [0, 0], output: [1, 2] };
    const y = new Float32Array(2);
    maxPoolFast(Float32Array.from([1, -0, NaN, 2, 0, 3, 4, -1]), y, { planes: 1, geometry: g, emptyValue: -Infinity });
    expect(y[0]).toBe(3);
    expect(y[1]).toBeNaN();
    // All zeros, −0 first: the first tap wins ties, as in PyTorch's `val > max || isnan(val)`.
    const z = new Float32Array(1);
    maxPoolFast(Float32Array.from([-0, 0, 0, 0]), z, { planes: 1, geometry: { ...g, input: [2, 2], output: [1, 1] }, emptyValue: -Infinity });
    expect(Object.is(z[0], -0)).toBe(true);
  });
});
