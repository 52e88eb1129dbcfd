import { describeComparison, type Comparison } from '../compare/compare.js';
import { formatDims } from '../tensor.js';
import type { VerifyReport } from '../verify/verify.js';
import { renderJUnit, type JUnitCase, type JUnitSuite } from './junit.js';

/**
 * `verify --junit FILE`: one test suite per verified data set, one test case per model output (failing when any of
 * its comparisons fails) and one per node whose value went over the bound: a failure when the node diverges on its
 * own, a passing case that says so when it only carries a difference from upstream.
 */
export function verifyJUnitSuites(reports: readonly VerifyReport[]): JUnitSuite[] {
  return reports.map((r) => {
    const className = `torchparity.verify.${r.target.replace(/[^\w.-]+/g, '_')}`;
    const cases: JUnitCase[] = r.outputs.map((o) => {
      const against: [string, Comparison | undefined][] = [
        ['saved outputs', o.golden],
        [`onnxruntime ${r.versions.onnxruntime}`, o.onnxruntime],
        ['float64 referee', o.referee],
      ];
      const lines = against.filter(([, c]) => c).map(([what, c]) => `vs ${what}: ${describeComparison(c!)}`);
      const failed = against.filter(([, c]) => c?.verdict === 'fail').map(([what]) => what);
      const c: JUnitCase = { name: `output ${o.name} ${o.dtype}${formatDims(o.dims)}`, className, timeSeconds: 0, systemOut: lines.join('\n') };
      if (failed.length) c.failure = { message: `${o.name} differs from ${failed.join(' and ')}`, details: lines.join('\n') };
      else if (lines.length === 0) c.skipped = 'nothing to compare this output against';
      return c;
    });
    const inter = r.intermediates;
    for (const n of inter?.nodes ?? []) {
      if (n.verdict !== 'diverges' && n.verdict !== 'cascade') continue;
      const lines = n.outputs.flatMap((o) => [
        ...(o.comparison ? [`${o.name} in the full run: ${describeComparison(o.comparison)}`] : []),
        ...(o.local ? [`${o.name} fed ${inter!.reference.label}'s inputs: ${describeComparison(o.local)}`] : []),
      ]);
      const c: JUnitCase = { name: `node ${n.node} (${n.op}, step ${n.step})`, className, timeSeconds: 0, systemOut: lines.join('\n') };
      if (n.verdict === 'diverges') {
        const first = inter!.firstDivergent?.node === n.node ? 'first divergent node: ' : '';
        c.failure = { message: `${first}${n.node} (${n.op}) differs from ${inter!.reference.label} even on its inputs`, details: lines.join('\n') };
      } else {
        c.systemOut = `over the bound only because its inputs differ (fed ${inter!.reference.label}'s inputs it agrees)\n${lines.join('\n')}`;
      }
      cases.push(c);
    }
    const properties: Record<string, string> = {
      model: r.model,
      dataSet: r.dataSet,
      inputs: r.inputSource,
      producer: r.producer,
      irVersion: String(r.irVersion),
      opsets: Object.entries(r.opsets).map(([d, v]) => `${d} ${v}`).join(', '),
      torchparity: r.versions.torchparity,
      onnxruntime: r.versions.onnxruntime,
      oracle: r.oracle.status === 'refused' ? `refused: ${r.oracle.message}` : r.oracle.status,
      summary: r.summary,
    };
    if (inter) properties.intermediates = inter.summary;
    return { name: `${r.model} [${r.dataSet}]`, cases, properties };
  });
}

export function renderVerifyJUnit(reports: readonly VerifyReport[]): string {
  return renderJUnit(verifyJUnitSuites(reports));
}
