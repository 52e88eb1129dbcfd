import type { Comparison } from '../compare/compare.js';
import { formatDims } from '../tensor.js';
import type { VerifyReport } from '../verify/verify.js';
import { formatNumber, formatTable } from './table.js';

export interface TextStyle {
  ok(text: string): string;
  bad(text: string): string;
  dim(text: string): string;
}

export const PLAIN: TextStyle = { ok: (t) => t, bad: (t) => t, dim: (t) => t };

function cells(c: Comparison | undefined): [string, string, string] {
  if (!c) return ['-', '-', '-'];
  if (c.mismatch) return ['-', '-', c.mismatch];
  return [formatNumber(c.maxAbs), formatNumber(c.maxRel), c.verdict === 'pass' ? 'pass' : `FAIL (${c.failures}/${c.count})`];
}

/** The terminal report for one verified data set: header lines, one row per output, a one-line verdict. */
export function renderVerifyText(report: VerifyReport, style: TextStyle = PLAIN): string {
  const lines: string[] = [];
  lines.push(`${report.model}  [${report.dataSet}]`);
  lines.push(
    style.dim(
      `  producer ${report.producer || '?'}, IR ${report.irVersion}, opset ${Object.entries(report.opsets).map(([d, v]) => (d === 'ai.onnx' ? v : `${d} ${v}`)).join(', ')}; ` +
        `inputs: ${report.inputSource} (${report.inputs.map((i) => `${i.name} ${formatDims(i.dims)}`).join(', ')})`,
    ),
  );
  if (report.oracle.status === 'refused') {
    lines.push(`  onnxruntime ${report.oracle.version} refused this model, so it is judged against ${report.outputs.some((o) => o.golden) ? 'the saved outputs' : 'our float64 run'} alone:`);
    lines.push(style.dim(`    ${report.oracle.message}`));
  }
  const useReferee = report.outputs.some((o) => o.referee);
  const header = ['output', 'shape', 'vs saved: max abs', 'max rel', 'verdict', `vs onnxruntime ${report.versions.onnxruntime}: max abs`, 'max rel', 'verdict'];
  if (useReferee) header.push('vs float64: max abs', 'max rel', 'verdict');
  const rows = report.outputs.map((o) => {
    const row = [o.name, formatDims(o.dims), ...cells(o.golden), ...cells(o.onnxruntime)];
    if (useReferee) row.push(...cells(o.referee));
    return row;
  });
  const verdictColumns = new Set([4, 7, 10]);
  const table = formatTable(header, rows, {
    align: header.map((_, i) => (i >= 2 && !verdictColumns.has(i) ? 'right' : 'left')),
    paint: (_, c, text) => (verdictColumns.has(c) ? (text.startsWith('pass') ? style.ok(text) : text.trim() === '-' ? text : style.bad(text)) : text),
  });
  lines.push(...table.split('\n').map((l) => `  ${l}`));
  const tolerance = report.outputs.map((o) => (o.golden ?? o.onnxruntime ?? o.referee)?.tolerance).find(Boolean);
  if (tolerance) lines.push(style.dim(`  tolerance: ${tolerance}`));
  lines.push(`  ${report.verdict === 'pass' ? style.ok('PASS') : style.bad('FAIL')}: ${report.summary}`);
  return lines.join('\n');
}
