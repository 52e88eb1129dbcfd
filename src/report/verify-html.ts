import type { Comparison } from '../compare/compare.js';
import { formatDims } from '../tensor.js';
import type { Heatmap } from '../verify/heatmap.js';
import type { IntermediatesReport, NodeCheck } from '../verify/intermediates.js';
import type { VerifyReport } from '../verify/verify.js';
import { formatNumber } from './table.js';

/**
 * `verify --html FILE`: one self-contained page (inline CSS and script, canvas drawing, no network) with the
 * output table, and with --intermediates a per-node error chart on a log scale with the bound drawn, the node
 * table, and for the first divergent node its details and one error heatmap per output channel.
 *
 * The page marks itself when drawing is done: <html data-rendered="true" data-charts-drawn="N"
 * data-heatmaps-drawn="M">, which the browser test waits for.
 */

/** One point of the per-node chart: the worst output of the node. */
interface ChartPoint {
  step: number;
  node: string;
  op: string;
  /** Largest |ours − reference| over the node's outputs (null when nothing was compared). */
  error: number | null;
  /** The allowed error at the worst element. */
  bound: number | null;
  verdict: NodeCheck['verdict'];
}

interface PageData {
  chart?: { points: ChartPoint[]; reference: string; firstDivergent?: number };
  heatmap?: Heatmap;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const finite = (x: number | undefined): number | null => (x === undefined || !Number.isFinite(x) ? (x === Infinity ? Number.MAX_VALUE : null) : x);

function chartPoints(inter: IntermediatesReport): ChartPoint[] {
  return inter.nodes.map((n) => {
    const compared = n.outputs.map((o) => o.comparison).filter((c): c is Comparison => c !== undefined);
    const worst = compared.reduce<Comparison | undefined>((w, c) => (!w || c.worstExcess > w.worstExcess ? c : w), undefined);
    const error = compared.some((c) => c.mismatch) ? Number.MAX_VALUE : compared.length ? Math.max(...compared.map((c) => c.maxAbs)) : undefined;
    return { step: n.step, node: n.node, op: n.op, error: finite(error), bound: finite(worst?.worst?.allowed), verdict: n.verdict };
  });
}

function comparisonCells(c: Comparison | undefined): string {
  if (!c) return '<td>-</td><td>-</td><td>-</td>';
  if (c.mismatch) return `<td>-</td><td>-</td><td class="bad">${escapeHtml(c.mismatch)}</td>`;
  const verdict = c.verdict === 'pass' ? '<td class="ok">pass</td>' : `<td class="bad">FAIL (${c.failures}/${c.count})</td>`;
  return `<td class="num">${formatNumber(c.maxAbs)}</td><td class="num">${formatNumber(c.maxRel)}</td>${verdict}`;
}

function outputsTable(r: VerifyReport): string {
  const referee = r.outputs.some((o) => o.referee);
  const head =
    '<tr><th rowspan="2">output</th><th rowspan="2">shape</th><th colspan="3">vs saved outputs</th>' +
    `<th colspan="3">vs onnxruntime ${escapeHtml(r.versions.onnxruntime)}</th>${referee ? '<th colspan="3">vs float64</th>' : ''}</tr>` +
    `<tr>${'<th>max abs</th><th>max rel</th><th>verdict</th>'.repeat(referee ? 3 : 2)}</tr>`;
  const rows = r.outputs
    .map(
      (o) =>
        `<tr><td>${escapeHtml(o.name)}</td><td>${escapeHtml(o.dtype + formatDims(o.dims))}</td>${comparisonCells(o.golden)}${comparisonCells(o.onnxruntime)}${referee ? comparisonCells(o.referee) : ''}</tr>`,
    )
    .join('');
  return `<table>${head}${rows}</table>`;
}

const VERDICT_LABEL: Record<NodeCheck['verdict'], string> = { pass: 'pass', diverges: 'DIVERGES', cascade: 'over bound (inputs differ)', unchecked: '-' };

function nodesTable(inter: IntermediatesReport): string {
  const rows = inter.nodes
    .flatMap((n) =>
      n.outputs.map((o, k) => {
        const c = o.comparison;
        const cls = n.verdict === 'diverges' ? 'bad' : n.verdict === 'cascade' ? 'warn' : n.verdict === 'pass' ? 'ok' : '';
        return (
          `<tr${n.verdict === 'diverges' ? ' class="divergent"' : ''}><td class="num">${k === 0 ? n.step : ''}</td><td>${k === 0 ? escapeHtml(n.node) : ''}</td>` +
          `<td>${k === 0 ? escapeHtml(n.op) : ''}</td><td>${escapeHtml(o.name)}</td><td>${escapeHtml(formatDims(o.dims))}</td>` +
          `<td class="num">${c && !c.mismatch ? formatNumber(c.maxAbs) : '-'}</td><td class="num">${c && !c.mismatch ? formatNumber(c.maxRel) : '-'}</td>` +
          `<td class="num">${c && !c.mismatch ? c.maxUlp : '-'}</td><td class="num">${c?.worst ? formatNumber(c.worst.allowed) : '-'}</td>` +
          `<td class="${cls}">${escapeHtml(c?.mismatch ?? o.note ?? (k === 0 ? VERDICT_LABEL[n.verdict] : ''))}</td></tr>`
        );
      }),
    )
    .join('');
  return (
    '<table class="nodes"><tr><th>#</th><th>node</th><th>op</th><th>value</th><th>shape</th><th>max abs</th><th>max rel</th>' +
    `<th>ulp</th><th>bound</th><th>verdict</th></tr>${rows}</table>`
  );
}

function rootCauseSection(inter: IntermediatesReport, index: number): string {
  const root = inter.firstDivergent;
  if (!root) return '';
  const against = escapeHtml(inter.reference.label);
  const attributes = root.attributes.length
    ? root.attributes.map((a) => `<li><code>${escapeHtml(a.name)}</code> = <code>${escapeHtml(a.value)}</code>${a.isDefault ? ' <span class="dim">(default)</span>' : ''}</li>`).join('')
    : '<li class="dim">(none)</li>';
  const inputs = root.inputs
    .map((i) => (i.kind === 'omitted' ? '<li class="dim">(omitted)</li>' : `<li><code>${escapeHtml(i.name)}</code> ${escapeHtml(`${i.dtype ?? '?'}${i.dims ? formatDims(i.dims) : ''}`)} <span class="dim">${i.kind}</span></li>`))
    .join('');
  const outputs = root.outputs
    .map((o) => {
      const c = o.local;
      const text = c.mismatch
        ? c.mismatch
        : `${c.failures}/${c.count} elements over the bound; max abs ${formatNumber(c.maxAbs)}, max rel ${formatNumber(c.maxRel)}, max ulp ${c.maxUlp}` +
          (c.worst ? `; worst at [${c.worst.position.join(',')}]: ours ${c.worst.actual} vs ${c.worst.expected}` : '');
      return `<li><code>${escapeHtml(o.name)}</code> ${escapeHtml(formatDims(o.dims))}: ${escapeHtml(text)}</li>`;
    })
    .join('');
  let float64 = '';
  if (root.float64) {
    const f = root.float64;
    const who = f.closer === 'tie' ? 'Both sides are equally far from it.' : f.closer === 'torchparity' ? `torchparity is closer: ${against} is off.` : `${against} is closer: torchparity is off.`;
    float64 = `<p>Float64 run of this node on the same inputs: ${who} <span class="dim">(max deviation: torchparity ${formatNumber(f.torchparity)}, ${against} ${formatNumber(f.reference)})</span></p>`;
  }
  const h = root.heatmap;
  const heatmaps = h
    ? `<h4>Error per output channel of <code>${escapeHtml(h.output)}</code> ${escapeHtml(formatDims(h.dims))}</h4>` +
      `<p class="dim">|ours − ${against}| with both fed ${against}'s inputs; ${escapeHtml(h.layout)}` +
      `${h.block[0] > 1 || h.block[1] > 1 ? `; each cell the max of ${h.block[0]}×${h.block[1]} elements` : ''}; colour scale 0 … ${formatNumber(h.max)}` +
      `${h.omitted ? `; ${h.omitted} channels with smaller errors not shown` : ''}. A border-only pattern points at padding, the last row or column at ceil_mode or SAME splitting.</p>` +
      `<div class="heatmaps">${h.channels
        .map((ch, k) => `<figure><canvas class="heatmap" id="heat-${index}-${k}" width="1" height="1"></canvas><figcaption>ch ${ch.channel} · max ${formatNumber(ch.max)}</figcaption></figure>`)
        .join('')}</div><div class="scale"><span>0</span><canvas class="legend" id="legend-${index}" width="200" height="12"></canvas><span>${formatNumber(h.max)}</span></div>`
    : '';
  return (
    `<section class="root"><h3>First divergent node: <code>${escapeHtml(root.node)}</code> (${escapeHtml(root.op)}, opset ${root.opset}, step ${root.step})</h3>` +
    `<p>It differs from ${against} even when fed ${against}'s own inputs: the root cause, not a consequence of earlier nodes.</p>` +
    `<div class="cols"><div><h4>Attributes</h4><ul>${attributes}</ul></div><div><h4>Inputs</h4><ul>${inputs}</ul></div></div>` +
    `<h4>Outputs on the same inputs</h4><ul>${outputs}</ul>${float64}${heatmaps}</section>`
  );
}

function reportSection(r: VerifyReport, index: number, data: PageData[]): string {
  const inter = r.intermediates;
  const entry: PageData = {};
  if (inter) {
    const first = inter.firstDivergent ? inter.nodes.findIndex((n) => n.node === inter.firstDivergent!.node) : -1;
    entry.chart = { points: chartPoints(inter), reference: inter.reference.label, ...(first >= 0 ? { firstDivergent: first } : {}) };
    if (inter.firstDivergent?.heatmap) entry.heatmap = inter.firstDivergent.heatmap;
  }
  data.push(entry);
  const opsets = Object.entries(r.opsets).map(([d, v]) => (d === 'ai.onnx' ? `opset ${v}` : `${d} ${v}`)).join(', ');
  const refused = r.oracle.status === 'refused' ? `<p class="warn">onnxruntime ${escapeHtml(r.oracle.version)} refused this model: ${escapeHtml(r.oracle.message)}</p>` : '';
  const intermediates = inter
    ? `<h3>Intermediates vs ${escapeHtml(inter.reference.label)}</h3>` +
      (inter.reference.note ? `<p class="dim">${escapeHtml(inter.reference.note)}</p>` : '') +
      `<p class="${inter.firstDivergent ? 'bad' : inter.firstOverBound ? 'warn' : 'ok'}">${escapeHtml(inter.summary)}</p>` +
      `<div class="chart-wrap"><canvas class="chart" id="chart-${index}" width="960" height="340"></canvas><div class="tip" id="tip-${index}"></div></div>` +
      `<p class="dim">Per node: the largest |ours − ${escapeHtml(inter.reference.label)}| over its outputs (bars, log scale; at the floor when exactly 0) and the bound at the worst element (dashed line). Bound: ${escapeHtml(inter.tolerance)}; reductions at least 2·γ(K)·Σ|x·w|.</p>` +
      rootCauseSection(inter, index) +
      `<details${inter.nodes.length <= 40 ? ' open' : ''}><summary>All ${inter.nodes.length} nodes</summary>${nodesTable(inter)}</details>`
    : '';
  return (
    `<section class="report"><h2><span class="badge ${r.verdict === 'pass' ? 'ok' : 'bad'}">${r.verdict === 'pass' ? 'PASS' : 'FAIL'}</span> ${escapeHtml(r.model)} <span class="dim">[${escapeHtml(r.dataSet)}]</span></h2>` +
    `<p class="dim">producer ${escapeHtml(r.producer || '?')}, IR ${r.irVersion}, ${escapeHtml(opsets)}; inputs: ${escapeHtml(r.inputSource)} ` +
    `(${escapeHtml(r.inputs.map((i) => `${i.name} ${i.dtype}${formatDims(i.dims)}`).join(', '))})</p>${refused}` +
    `${outputsTable(r)}<p>${escapeHtml(r.summary)}</p>${intermediates}</section>`
  );
}

const STYLE = `
:root { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d2330; background: #fff; }
body { margin: 24px auto; max-width: 1100px; padding: 0 16px; }
h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 32px; } h3 { font-size: 16px; } h4 { font-size: 14px; margin: 12px 0 4px; }
table { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
th, td { border: 1px solid #d5d9e0; padding: 3px 8px; text-align: left; }
th { background: #f2f4f7; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.ok { color: #16803c; } .bad { color: #c62828; font-weight: 600; } .warn { color: #a86200; } .dim { color: #6b7280; }
tr.divergent td { background: #fdecec; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 4px; color: #fff; font-size: 13px; }
.badge.ok { background: #16803c; } .badge.bad { background: #c62828; }
.chart-wrap { position: relative; } canvas.chart { width: 100%; max-width: 960px; border: 1px solid #e3e6ea; }
.tip { position: absolute; pointer-events: none; background: #1d2330; color: #fff; font-size: 12px; padding: 4px 6px; border-radius: 3px; display: none; }
.root { border-left: 4px solid #c62828; padding: 4px 16px; background: #fffafa; margin: 16px 0; }
.cols { display: flex; gap: 48px; } ul { margin: 4px 0; padding-left: 20px; font-size: 13px; }
.heatmaps { display: flex; flex-wrap: wrap; gap: 10px; } figure { margin: 0; text-align: center; }
figcaption { font-size: 11px; color: #6b7280; } canvas.heatmap { border: 1px solid #d5d9e0; image-rendering: pixelated; }
.scale { display: flex; align-items: center; gap: 6px; font-size: 11px; margin-top: 6px; } code { font-size: 12px; }
`;

// Drawn in the browser from the embedded data: no library, no network.
const SCRIPT = `
(function () {
  var data = JSON.parse(document.getElementById('torchparity-data').textContent);
  var COLORS = { pass: '#2e9d5b', diverges: '#c62828', cascade: '#e08a00', unchecked: '#9aa0a6' };
  function ramp(t) {
    var stops = [[255, 255, 255], [255, 237, 160], [254, 178, 76], [240, 59, 32], [128, 0, 38]];
    t = Math.max(0, Math.min(1, t)) * (stops.length - 1);
    var i = Math.min(stops.length - 2, Math.floor(t)), f = t - i, a = stops[i], b = stops[i + 1];
    return 'rgb(' + Math.round(a[0] + (b[0] - a[0]) * f) + ',' + Math.round(a[1] + (b[1] - a[1]) * f) + ',' + Math.round(a[2] + (b[2] - a[2]) * f) + ')';
  }
  function fmt(x) { return x === null ? '-' : x === 0 ? '0' : x >= 1e300 ? 'inf' : x.toExponential(2); }
  function drawChart(canvas, tip, chart) {
    var ctx = canvas.getContext('2d'), W = canvas.width, H = canvas.height, L = 64, R = 16, T = 24, B = 36;
    var pts = chart.points, positive = [];
    pts.forEach(function (p) { [p.error, p.bound].forEach(function (v) { if (v !== null && v > 0 && v < 1e300) positive.push(v); }); });
    var lo = positive.length ? Math.floor(Math.log10(Math.min.apply(null, positive))) - 1 : -12;
    var hi = positive.length ? Math.ceil(Math.log10(Math.max.apply(null, positive))) + 1 : 0;
    if (hi - lo < 2) hi = lo + 2;
    function y(v) { var e = v === null || v <= 0 ? lo : v >= 1e300 ? hi : Math.log10(v); return T + (H - T - B) * (1 - (Math.max(lo, Math.min(hi, e)) - lo) / (hi - lo)); }
    var slot = (W - L - R) / Math.max(1, pts.length);
    function x(i) { return L + slot * (i + 0.5); }
    ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, W, H);
    ctx.font = '11px sans-serif'; ctx.textAlign = 'right'; ctx.textBaseline = 'middle';
    for (var e = lo; e <= hi; e++) {
      ctx.strokeStyle = '#eceef1'; ctx.beginPath(); ctx.moveTo(L, y(Math.pow(10, e))); ctx.lineTo(W - R, y(Math.pow(10, e))); ctx.stroke();
      ctx.fillStyle = '#6b7280'; ctx.fillText('1e' + e, L - 6, y(Math.pow(10, e)));
    }
    ctx.strokeStyle = '#9aa0a6'; ctx.beginPath(); ctx.moveTo(L, T); ctx.lineTo(L, H - B); ctx.lineTo(W - R, H - B); ctx.stroke();
    var bw = Math.max(1, Math.min(18, slot * 0.6));
    pts.forEach(function (p, i) {
      ctx.fillStyle = COLORS[p.verdict] || '#9aa0a6';
      var top = y(p.error), base = H - B;
      ctx.fillRect(x(i) - bw / 2, Math.min(top, base - 2), bw, Math.max(2, base - top));
    });
    ctx.strokeStyle = '#d35400'; ctx.lineWidth = 2; ctx.setLineDash([6, 4]); ctx.beginPath();
    var drawing = false;
    pts.forEach(function (p, i) {
      if (p.bound === null) { drawing = false; return; }
      var yy = y(p.bound), x0 = x(i) - slot / 2, x1 = x(i) + slot / 2;
      if (!drawing) { ctx.moveTo(x0, yy); drawing = true; } else ctx.lineTo(x0, yy);
      ctx.lineTo(x1, yy);
    });
    ctx.stroke(); ctx.setLineDash([]); ctx.lineWidth = 1;
    if (chart.firstDivergent !== undefined) {
      var fx = x(chart.firstDivergent);
      ctx.strokeStyle = '#c62828'; ctx.beginPath(); ctx.moveTo(fx, T); ctx.lineTo(fx, H - B); ctx.stroke();
      ctx.fillStyle = '#c62828'; ctx.textAlign = fx > W / 2 ? 'right' : 'left';
      ctx.fillText('first divergent: ' + pts[chart.firstDivergent].node, fx + (fx > W / 2 ? -4 : 4), T - 10);
    }
    ctx.fillStyle = '#6b7280'; ctx.textAlign = 'center';
    ctx.fillText('nodes in execution order (' + pts.length + ')  ·  bars: max |error| vs ' + chart.reference + '  ·  dashed: bound', (L + W - R) / 2, H - 12);
    canvas.addEventListener('mousemove', function (ev) {
      var r = canvas.getBoundingClientRect(), px = (ev.clientX - r.left) * W / r.width, i = Math.floor((px - L) / slot);
      if (i < 0 || i >= pts.length) { tip.style.display = 'none'; return; }
      var p = pts[i];
      tip.textContent = '#' + p.step + ' ' + p.node + ' (' + p.op + '): error ' + fmt(p.error) + ', bound ' + fmt(p.bound) + ', ' + p.verdict;
      tip.style.left = (ev.clientX - r.left + 12) + 'px'; tip.style.top = (ev.clientY - r.top + 12) + 'px'; tip.style.display = 'block';
    });
    canvas.addEventListener('mouseleave', function () { tip.style.display = 'none'; });
  }
  function drawHeatmap(canvas, ch, max) {
    var cell = Math.max(2, Math.floor(160 / Math.max(1, ch.rows, ch.cols)));
    canvas.width = Math.max(1, ch.cols * cell); canvas.height = Math.max(1, ch.rows * cell);
    var ctx = canvas.getContext('2d');
    ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, canvas.width, canvas.height);
    for (var r = 0; r < ch.rows; r++) for (var c = 0; c < ch.cols; c++) {
      var v = ch.values[r * ch.cols + c];
      ctx.fillStyle = ramp(max > 0 ? v / max : 0);
      ctx.fillRect(c * cell, r * cell, cell, cell);
    }
  }
  var charts = 0, heatmaps = 0;
  data.forEach(function (entry, i) {
    if (entry.chart) { drawChart(document.getElementById('chart-' + i), document.getElementById('tip-' + i), entry.chart); charts++; }
    if (entry.heatmap) {
      entry.heatmap.channels.forEach(function (ch, k) { drawHeatmap(document.getElementById('heat-' + i + '-' + k), ch, entry.heatmap.max); heatmaps++; });
      var legend = document.getElementById('legend-' + i), lctx = legend.getContext('2d');
      for (var p = 0; p < legend.width; p++) { lctx.fillStyle = ramp(p / (legend.width - 1)); lctx.fillRect(p, 0, 1, legend.height); }
    }
  });
  var root = document.documentElement;
  root.setAttribute('data-charts-drawn', String(charts));
  root.setAttribute('data-heatmaps-drawn', String(heatmaps));
  root.setAttribute('data-rendered', 'true');
})();
`;

/** The whole page for one `verify` invocation (every target and data set). */
export function renderVerifyHtml(reports: readonly VerifyReport[], meta: { torchparity: string; onnxruntime: string; created?: Date }): string {
  const data: PageData[] = [];
  const sections = reports.map((r, i) => reportSection(r, i, data)).join('\n');
  const failed = reports.filter((r) => r.verdict === 'fail').length;
  const json = JSON.stringify(data).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  return `<!DOCTYPE html>
<html lang="en" data-rendered="false">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>torchparity verify: ${failed ? `${failed} FAILED` : 'all pass'}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>torchparity verify <span class="badge ${failed ? 'bad' : 'ok'}">${failed ? `${failed} of ${reports.length} FAILED` : `${reports.length} of ${reports.length} pass`}</span></h1>
<p class="dim">torchparity ${escapeHtml(meta.torchparity)} · onnxruntime ${escapeHtml(meta.onnxruntime)} (one thread, graph optimizations off)${meta.created ? ` · ${escapeHtml(meta.created.toISOString())}` : ''}</p>
${sections}
<script type="application/json" id="torchparity-data">${json}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
