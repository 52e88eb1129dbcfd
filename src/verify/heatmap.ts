import type { Tensor } from '../tensor.js';

/**
 * Where in a tensor the error sits, per output channel: for a divergent Conv or pool, an error only along the border
 * points at padding, one only in the last row or column at ceil_mode or at how SAME padding is split. Maps are
 * small enough for a JSON report and an HTML page: channels beyond `maxChannels` (64) are left out (the worst are kept)
 * and sides beyond `maxSide` (32) are max-pooled in blocks, which keeps a border or a last row visible.
 */
export interface HeatmapChannel {
  /** Channel index in the output (0 for rank ≤ 2 outputs, which have one map). */
  channel: number;
  rows: number;
  cols: number;
  /** Largest error in the channel. */
  max: number;
  /** rows × cols, row-major: the largest |ours − reference| in each cell (a block of elements when downsampled). */
  values: number[];
}

export interface Heatmap {
  output: string;
  dims: readonly number[];
  /** How the output's axes map to the maps, e.g. 'per channel of [N,C,H,W]: H × W, max over N'. */
  layout: string;
  /** Elements per cell along rows and columns (1 when not downsampled). */
  block: [number, number];
  /** Largest error in the tensor: the colour scale's top. */
  max: number;
  channels: HeatmapChannel[];
  /** Channels not shown (those with the smallest errors). */
  omitted: number;
}

const round = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(4)) : v > 0 ? Number.MAX_VALUE : 0);

export function heatmapOf(output: string, actual: Tensor, expected: Tensor, options: { maxChannels?: number; maxSide?: number } = {}): Heatmap {
  const maxChannels = options.maxChannels ?? 64;
  const maxSide = options.maxSide ?? 32;
  const dims = expected.dims;
  const rank = dims.length;
  // Axes: [outer (max-reduced), channel, depth (max-reduced), rows, cols].
  let outer = 1;
  let channels = 1;
  let depth = 1;
  let rows = 1;
  let cols = 1;
  let layout: string;
  if (rank >= 3) {
    outer = dims[0]!;
    channels = dims[1]!;
    const spatial = dims.slice(2);
    cols = spatial[spatial.length - 1]!;
    rows = spatial.length >= 2 ? spatial[spatial.length - 2]! : 1;
    depth = spatial.slice(0, -2).reduce((a, b) => a * b, 1);
    layout = `per channel of [N,C,${spatial.map((_, i) => `S${i}`).join(',')}]: ${spatial.length >= 2 ? 'rows × cols of the last two axes' : 'one row'}, max over N${depth > 1 ? ' and the leading spatial axes' : ''}`;
  } else if (rank === 2) {
    rows = dims[0]!;
    cols = dims[1]!;
    layout = 'one map: rows × columns of the 2-D output';
  } else {
    cols = rank === 1 ? dims[0]! : 1;
    layout = 'one row';
  }
  const blockRows = Math.max(1, Math.ceil(rows / maxSide));
  const blockCols = Math.max(1, Math.ceil(cols / maxSide));
  const gridRows = Math.ceil(rows / blockRows);
  const gridCols = Math.ceil(cols / blockCols);
  const grids = Array.from({ length: channels }, () => new Float64Array(gridRows * gridCols));
  const a = actual.data;
  const e = expected.data;
  const sameShape = a.length === e.length;
  let i = 0;
  for (let n = 0; n < outer; n++) {
    for (let c = 0; c < channels; c++) {
      const grid = grids[c]!;
      for (let d = 0; d < depth; d++) {
        for (let r = 0; r < rows; r++) {
          const row = Math.floor(r / blockRows) * gridCols;
          for (let col = 0; col < cols; col++, i++) {
            const x = sameShape ? a[i]! : NaN;
            const y = e[i]!;
            let err = x === y || (Number.isNaN(x) && Number.isNaN(y)) ? 0 : Math.abs(x - y);
            if (Number.isNaN(err)) err = Infinity;
            const cell = row + Math.floor(col / blockCols);
            if (err > grid[cell]!) grid[cell] = err;
          }
        }
      }
    }
  }
  const all = grids.map((grid, channel) => ({ channel, max: grid.reduce((m, v) => (v > m ? v : m), 0), grid }));
  const shown = all.length > maxChannels ? [...all].sort((x, y) => y.max - x.max).slice(0, maxChannels).sort((x, y) => x.channel - y.channel) : all;
  return {
    output,
    dims: [...dims],
    layout,
    block: [blockRows, blockCols],
    max: round(all.reduce((m, c) => Math.max(m, c.max), 0)),
    channels: shown.map((c) => ({ channel: c.channel, rows: gridRows, cols: gridCols, max: round(c.max), values: Array.from(c.grid, round) })),
    omitted: all.length - shown.length,
  };
}
