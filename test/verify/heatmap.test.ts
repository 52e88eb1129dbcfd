import { describe, expect, it } from 'vitest';
import { float32 } from '../../src/tensor.js';
import { heatmapOf } from '../../src/verify/heatmap.js';

describe('heatmapOf: |actual − expected| per output channel', () => {
  it('x=[2,3,100,70]: one map per channel, max over the batch, 100×70 max-pooled in 4×3 blocks to 25×24; a last-row error stays in the last row', () => {
    const expected = float32([2, 3, 100, 70]);
    const actual = float32([2, 3, 100, 70]);
    // batch 1, channel 2, row 99 (the last), column 5 → block row 24, block column 1.
    (actual.data as Float32Array)[(1 * 3 + 2) * 7000 + 99 * 70 + 5] = 0.5;
    const h = heatmapOf('y', actual, expected);
    expect(h.block).toEqual([4, 3]);
    expect(h.channels.map((c) => [c.channel, c.rows, c.cols, c.max])).toEqual([
      [0, 25, 24, 0],
      [1, 25, 24, 0],
      [2, 25, 24, 0.5],
    ]);
    expect(h.channels[2]!.values.findIndex((v) => v > 0)).toBe(24 * 24 + 1);
    expect(h.max).toBe(0.5);
    expect(h.omitted).toBe(0);
  });

  it('more channels than maxChannels: the worst are kept, in channel order, and the rest counted', () => {
    const expected = float32([1, 10, 2, 2]);
    const actual = float32([1, 10, 2, 2], Float32Array.from({ length: 40 }, (_, i) => Math.floor(i / 4) / 10));
    const h = heatmapOf('y', actual, expected, { maxChannels: 3 });
    expect(h.channels.map((c) => c.channel)).toEqual([7, 8, 9]);
    expect(h.omitted).toBe(7);
  });

  it('a [N,F] output is one N×F map; NaN on one side only counts as the largest error', () => {
    const h = heatmapOf('y', float32([2, 3], [0, 0, NaN, 0, 1, 0]), float32([2, 3]));
    expect(h.channels).toHaveLength(1);
    expect(h.channels[0]).toMatchObject({ rows: 2, cols: 3, values: [0, 0, Number.MAX_VALUE, 0, 1, 0] });
  });
});
