import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { convShape, fastConvPath } from '../../src/kernels/conv-fast.js';
import { chunkEnd, runChunks, runTask, taskArrays, taskSchedule, taskUnits, withTaskArrays, type KernelTask, type Schedule } from '../../src/kernels/tasks.js';
import { seededValues } from '../helpers/differential.js';

/** The chunks one thread would claim in a row, from unit 0 (claims by several threads take the same boundaries). */
function claims(schedule: Schedule): [number, number][] {
  const chunks: [number, number][] = [];
  for (let next = 0; next < schedule.units; ) {
    const stop = chunkEnd(schedule, next);
    chunks.push([next, stop]);
    next = stop;
  }
  return chunks;
}

const schedules = fc
  .record({ units: fc.integer({ min: 1, max: 5000 }), threads: fc.integer({ min: 1, max: 8 }), grain: fc.integer({ min: 1, max: 400 }), smallest: fc.integer({ min: 1, max: 64 }) })
  .map((s): Schedule => s);

describe('guided chunks (taskSchedule, chunkEnd)', () => {
  it('cover every unit once, each a 1/(2·threads) share of what is left (or the smallest), never splitting a grain across two claims needlessly', () => {
    fc.assert(
      fc.property(schedules, (s) => {
        const chunks = claims(s);
        expect(chunks[chunks.length - 1]![1]).toBe(s.units);
        for (const [start, stop] of chunks) {
          expect(stop).toBeGreaterThan(start);
          const share = Math.max(s.smallest, Math.ceil((s.units - start) / (2 * s.threads)));
          const grainEnd = Math.min(s.units, (Math.floor(start / s.grain) + 1) * s.grain);
          if (share >= s.grain) {
            // Whole grains: ends on a grain boundary (or the last unit), not more than the share (or one grain).
            if (stop !== s.units) expect(stop % s.grain).toBe(0);
            expect(stop - start).toBeLessThanOrEqual(Math.max(share, grainEnd - start));
          } else {
            // Part of one grain: at most the share, never past the grain's end, and what it leaves of the grain
            // is nothing or not a sliver (at least this chunk's size less one).
            expect(stop - start).toBeLessThanOrEqual(share);
            expect(stop).toBeLessThanOrEqual(grainEnd);
            const rest = grainEnd - stop;
            if (rest > 0) expect(rest).toBeGreaterThanOrEqual(stop - start - 1);
          }
        }
      }),
    );
  });

  it('the last chunks are small, so a slow thread holding one keeps the others waiting briefly', () => {
    // 1024 units in grains of 128 (a 256-channel convolution at 14×14: 8 panel blocks × 128 row pairs), 2 threads.
    const chunks = claims({ units: 1024, threads: 2, grain: 128, smallest: 32 });
    expect(chunks[0]).toEqual([0, 256]);
    const last = chunks.slice(-3).map(([a, b]) => b - a);
    for (const size of last) expect(size).toBeLessThanOrEqual(32);
    expect(chunks.length).toBeLessThanOrEqual(16);
    // 928 units in grains of 32 (64 channels at 56×56: 29 blocks × 32 row pairs), smallest 29: a grain's last
    // chunks are halves, not 29 + a 3-unit sliver that packs the block again.
    const sizes = claims({ units: 928, threads: 2, grain: 32, smallest: 29 }).map(([a, b]) => b - a);
    expect(Math.min(...sizes)).toBe(16);
  });

  it('runChunks on one thread runs every chunk and counts every unit: the same output as one call', () => {
    const p = { batch: 2, inChannels: 5, outChannels: 40, group: 1, geometry: { input: [12, 10], kernel: [3, 3], strides: [1, 1], dilations: [1, 1], padBegin: [1, 1], padEnd: [1, 1], output: [12, 10] } };
    const shape = convShape(p);
    const task = (out: Float32Array): KernelTask => ({ kind: 'conv', x: seededValues(2 * 5 * 120, 1), w: seededValues(40 * 5 * 9, 2), bias: seededValues(40, 3), out, shape, path: fastConvPath(shape), relu: false });
    const whole = new Float32Array(2 * 40 * 120);
    const schedule = taskSchedule(task(whole), 2);
    runTask(task(whole), 0, schedule.units);
    // 2 images × 1 panel block × 20 row pairs; pieces of a grain no thinner than 16 units (or the grain).
    expect(schedule.grain).toBe(20);
    expect(schedule.smallest).toBe(16);
    expect(claims(schedule).map(([a, b]) => b - a)).toEqual([10, 10, 10, 10]);
    const chunked = new Float32Array(whole.length).fill(NaN);
    const sync = new Int32Array(3);
    expect(runChunks(task(chunked), schedule, sync)).toBeUndefined();
    expect(sync[0]).toBe(schedule.units);
    expect(sync[1]).toBe(schedule.units);
    expect(Array.from(chunked)).toEqual(Array.from(whole));
  });
});

describe('a task\'s arrays (taskArrays, withTaskArrays: how engine/parallel.ts swaps them for shared copies)', () => {
  const arrays = (n: number) => [1, 2, 3, 4].map((k) => new Float32Array(n + k));
  const shape = convShape({ batch: 1, inChannels: 1, outChannels: 1, group: 1, geometry: { input: [3, 3], kernel: [1, 1], strides: [1, 1], dilations: [1, 1], padBegin: [0, 0], padEnd: [0, 0], output: [3, 3] } });

  it('conv: x, w, bias, out in that order, and back into the same fields', () => {
    const [x, w, bias, out] = arrays(10);
    const task: KernelTask = { kind: 'conv', x: x!, w: w!, bias, out: out!, shape, path: 'gemm', relu: true };
    expect(taskArrays(task)).toEqual([x, w, bias, out]);
    const swapped = arrays(20);
    const moved = withTaskArrays(task, swapped);
    expect(taskArrays(moved)).toEqual(swapped);
    expect(moved).toMatchObject({ kind: 'conv', x: swapped[0], w: swapped[1], bias: swapped[2], out: swapped[3], shape, path: 'gemm', relu: true });
    // No bias stays no bias.
    expect(taskArrays(withTaskArrays({ ...task, bias: undefined }, [x, w, undefined, out]))[2]).toBeUndefined();
  });

  it('gemm: a, w, c, out, keeping each view\'s offsets and strides', () => {
    const [a, w, c, out] = arrays(10);
    const task: KernelTask = {
      kind: 'gemm',
      params: { M: 2, N: 3, K: 4, alpha: 1, beta: 1 },
      a: { data: a!, offset: 1, rowStride: 4, colStride: 1 },
      w: { data: w!, offset: 2 },
      c: { data: c!, rowStride: 0, colStride: 1 },
      out: out!,
      outOffset: 3,
      relu: false,
    };
    expect(taskArrays(task)).toEqual([a, w, c, out]);
    const swapped = arrays(20);
    expect(withTaskArrays(task, swapped)).toEqual({
      ...task,
      a: { data: swapped[0], offset: 1, rowStride: 4, colStride: 1 },
      w: { data: swapped[1], offset: 2 },
      c: { data: swapped[2], rowStride: 0, colStride: 1 },
      out: swapped[3],
    });
    expect(withTaskArrays({ ...task, c: undefined }, [a, w, undefined, out])).toMatchObject({ c: undefined });
  });
});

describe('BatchNormalization and MaxPool tasks: a range of units is a range of planes', () => {
  const geometry = { input: [6, 5], kernel: [3, 3], strides: [1, 1], dilations: [1, 1], padBegin: [1, 1], padEnd: [1, 1], output: [6, 5] };
  const plane = 30;
  const x = seededValues(2 * 3 * plane, 7);
  const tasks: KernelTask[] = [
    {
      kind: 'batchnorm',
      x,
      out: new Float32Array(x.length),
      alpha: Float64Array.from([1.5, -2, 0.25]),
      beta: Float64Array.from([0.1, 0, -0.3]),
      params: { batch: 2, features: 3, inner: plane, relu: true },
    },
    { kind: 'maxpool', x, out: new Float32Array(x.length), params: { planes: 6, geometry, emptyValue: -Infinity } },
  ];

  for (const task of tasks) {
    it(`${task.kind}: units [a, b) write planes [a, b) exactly, as the whole call does`, () => {
      expect(taskUnits(task)).toBe(6);
      const whole = new Float32Array(x.length);
      runTask({ ...task, out: whole }, 0, 6);
      for (const [a, b] of [[0, 1], [1, 4], [4, 6], [2, 3]]) {
        const part = new Float32Array(x.length).fill(NaN);
        runTask({ ...task, out: part }, a!, b!);
        for (let i = 0; i < x.length; i++) {
          const inside = i >= a! * plane && i < b! * plane;
          expect(Object.is(part[i], inside ? whole[i] : NaN), `units [${a}, ${b}) element ${i}`).toBe(true);
        }
      }
    });
  }
});
