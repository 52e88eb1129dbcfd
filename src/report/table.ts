/** Left/right aligned plain-text table; `paint` colours cells after widths are measured. */
export function formatTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  options: { align?: readonly ('left' | 'right')[]; paint?: (row: number, column: number, text: string) => string } = {},
): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[], row: number) =>
    cells
      .map((cell, c) => {
        const padded = options.align?.[c] === 'right' ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!);
        return row >= 0 && options.paint ? options.paint(row, c, padded) : padded;
      })
      .join('  ')
      .trimEnd();
  return [line(header, -1), line(widths.map((w) => '-'.repeat(w)), -1), ...rows.map((r, i) => line(r, i))].join('\n');
}

export function formatNumber(x: number | undefined): string {
  if (x === undefined) return '-';
  if (x === 0) return '0';
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4 ? x.toPrecision(4) : x.toExponential(2);
}
