import type { Comparison } from '../compare/compare.js';
import { formatDims } from '../tensor.js';
import type { IntermediatesReport, RootCause } from '../verify/intermediates.js';
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
  if (report.intermediates) lines.push(...renderIntermediates(report.intermediates, style));
  lines.push(`  ${report.verdict === 'pass' ? style.ok('PASS') : style.bad('FAIL')}: ${report.summary}`);
  return lines.join('\n');
}

const VERDICT_TEXT = { pass: 'pass', diverges: 'DIVERGES', cascade: 'over bound (inputs differ)', unchecked: '-' } as const;

/** Every node's values against the reference, then the root cause in detail. */
export function renderIntermediates(report: IntermediatesReport, style: TextStyle = PLAIN): string[] {
  const lines: string[] = ['', `  intermediates vs ${report.reference.label} (${report.nodes.length} nodes, graph optimizations off):`];
  if (report.reference.note) lines.push(style.dim(`    ${report.reference.note}`));
  const header = ['#', 'node', 'op', 'value', 'shape', 'max abs', 'max rel', 'ulp', 'bound', 'verdict'];
  const rows: string[][] = [];
  for (const n of report.nodes) {
    n.outputs.forEach((o, k) => {
      const c = o.comparison;
      const first = k === 0;
      rows.push([
        first ? String(n.step) : '',
        first ? n.node : '',
        first ? n.op : '',
        o.name,
        formatDims(o.dims),
        c && !c.mismatch ? formatNumber(c.maxAbs) : '-',
        c && !c.mismatch ? formatNumber(c.maxRel) : '-',
        c && !c.mismatch ? String(c.maxUlp) : '-',
        c?.worst ? formatNumber(c.worst.allowed) : '-',
        c?.mismatch ? `${VERDICT_TEXT[n.verdict]}: ${c.mismatch}` : o.note ? o.note : first ? VERDICT_TEXT[n.verdict] : '',
      ]);
    });
  }
  const table = formatTable(header, rows, {
    align: header.map((_, i) => (i === 0 || (i >= 5 && i <= 8) ? 'right' : 'left')),
    paint: (r, c, text) => {
      if (c !== 9) return text;
      if (text.startsWith('pass')) return style.ok(text);
      if (text.startsWith('DIVERGES')) return style.bad(text);
      return text.trim() && text.trim() !== '-' ? style.dim(text) : text;
    },
  });
  lines.push(...table.split('\n').map((l) => `    ${l}`));
  lines.push(style.dim(`    bound: the allowed error at the worst element (${report.tolerance}; reductions at least 2·γ(K)·Σ|x·w|)`));
  if (report.firstDivergent) lines.push(...renderRootCause(report.firstDivergent, report.reference.label, style));
  lines.push(`  intermediates: ${report.firstDivergent ? style.bad(report.summary) : report.firstOverBound ? report.summary : style.ok(report.summary)}`);
  return lines;
}

function renderRootCause(root: RootCause, against: string, style: TextStyle): string[] {
  const lines = ['', `  ${style.bad('first divergent node')}: '${root.node}' (${root.op}, opset ${root.opset}, step ${root.step})`];
  const attributes = root.attributes.map((a) => `${a.name}=${a.value}${a.isDefault ? ' (default)' : ''}`);
  lines.push(`    attributes: ${attributes.length ? attributes.join(', ') : '(none)'}`);
  lines.push(
    `    inputs: ${root.inputs.map((i) => (i.kind === 'omitted' ? '(omitted)' : `${i.name} ${i.dtype ?? '?'}${i.dims ? formatDims(i.dims) : ''} (${i.kind})`)).join(', ')}`,
  );
  for (const o of root.outputs) {
    const c = o.local;
    const detail = c.mismatch
      ? c.mismatch
      : `${c.failures}/${c.count} elements over the bound, max abs ${formatNumber(c.maxAbs)}, max rel ${formatNumber(c.maxRel)}, max ulp ${c.maxUlp}` +
        (c.worst ? `; worst at [${c.worst.position.join(',')}]: ours ${c.worst.actual} vs ${c.worst.expected}` : '');
    lines.push(`    fed ${against}'s inputs, ${o.name} ${formatDims(o.dims)} still differs: ${detail}`);
  }
  if (root.float64) {
    const f = root.float64;
    const verdict =
      f.closer === 'tie'
        ? 'both sides are equally far from it'
        : f.closer === 'torchparity'
          ? `torchparity is closer, so ${against} is off`
          : `${against} is closer, so torchparity is off`;
    lines.push(`    float64 run of this node on the same inputs: ${verdict} (max deviation: torchparity ${formatNumber(f.torchparity)}, ${against} ${formatNumber(f.reference)})`);
  }
  return lines;
}
