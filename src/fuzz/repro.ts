import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { encodeTensorProto } from '../onnx/encode-model.js';
import { tensor, type Tensor } from '../tensor.js';
import { TORCHPARITY_VERSION } from '../version.js';
import type { FuzzCase } from './case.js';
import type { CaseResult } from './run-case.js';

/**
 * Reproducers in the ONNX backend-test layout, so `torchparity verify DIR/<case-key>` replays one:
 *   model.onnx
 *   test_data_set_0/input_<i>.pb   the fed inputs, named as in the graph
 *   test_data_set_0/output_<i>.pb  onnxruntime's outputs, or the float64 referee's (rounded to float32) when
 *                                  onnxruntime refused the model or differs from PyTorch in a documented way
 *   ours/output_<i>.pb             our float32 outputs
 *   case.json                      the case (enough to rebuild it), verdict, statistics, versions, seed and path
 */

/** A stable name: family, op and a hash of the case, e.g. conv-Conv-3f9a1c2e. */
export function caseKey(c: FuzzCase): string {
  const hash = createHash('sha256').update(JSON.stringify(c)).digest('hex').slice(0, 8);
  return `${c.family}-${c.op}-${hash}`;
}

export interface ReproMeta {
  /** fast-check seed of the case and the shrink path to it. */
  seed?: number;
  path?: string;
  /** One line on the bug's mechanism, for pinned regressions. */
  mechanism?: string;
}

function asFloat32(t: Tensor): Tensor {
  return t.dtype === 'float64' ? tensor('float32', t.dims, Float32Array.from(t.data)) : t;
}

function statistics(r: CaseResult) {
  return r.outputs.map((o) => {
    const pick = (c: typeof o.vsReferee) =>
      c && { verdict: c.verdict, tolerance: c.tolerance, failures: c.failures, count: c.count, maxAbs: c.maxAbs, maxRel: c.maxRel, maxUlp: c.maxUlp, worst: c.worst, mismatch: c.mismatch };
    return { name: o.name, vsOnnxruntime: pick(o.vsOnnxruntime), vsReferee: pick(o.vsReferee) };
  });
}

/** Writes DIR/<case-key>/ and returns its path. */
export function writeRepro(dir: string, c: FuzzCase, r: CaseResult, meta: ReproMeta = {}): string {
  const folder = path.join(dir, caseKey(c));
  const data = path.join(folder, 'test_data_set_0');
  fs.mkdirSync(data, { recursive: true });
  fs.mkdirSync(path.join(folder, 'ours'), { recursive: true });
  fs.writeFileSync(path.join(folder, 'model.onnx'), r.artifacts.model.bytes);
  const fed = r.artifacts.model.record.graph.inputs.filter((i) => r.artifacts.model.feeds[i.name]);
  fed.forEach((input, i) => fs.writeFileSync(path.join(data, `input_${i}.pb`), encodeTensorProto(input.name, r.artifacts.model.feeds[input.name]!)));
  const fromOracle = r.artifacts.oracle !== undefined && r.verdict !== 'diverged';
  const expected = fromOracle ? r.artifacts.oracle : r.artifacts.referee;
  c.outputs.forEach((name, i) => {
    const e = expected?.[name];
    if (e) fs.writeFileSync(path.join(data, `output_${i}.pb`), encodeTensorProto(name, asFloat32(e)));
    const mine = r.artifacts.ours?.[name];
    if (mine) fs.writeFileSync(path.join(folder, 'ours', `output_${i}.pb`), encodeTensorProto(name, mine));
  });
  const record = {
    ...(meta.mechanism ? { mechanism: meta.mechanism } : {}),
    op: c.op,
    title: c.title,
    attributes: c.nodes.map((n) => ({ op: n.opType, attributes: n.attributes ?? {} })),
    shapes: Object.fromEntries(c.inputs.map((i) => [i.name, i.dims])),
    verdict: r.verdict,
    reason: r.reason,
    expectedOutputsFrom: fromOracle ? 'onnxruntime' : 'float64 referee',
    oracle: r.oracle,
    closer: r.closer,
    statistics: statistics(r),
    versions: { torchparity: TORCHPARITY_VERSION, onnxruntime: r.oracle.version },
    seed: meta.seed,
    path: meta.path,
    case: c,
  };
  fs.writeFileSync(path.join(folder, 'case.json'), JSON.stringify(record, null, 2) + '\n');
  return folder;
}

/** The case stored in a repro folder's case.json. */
export function readReproCase(folder: string): { case: FuzzCase; mechanism?: string; verdict: string } {
  const record = JSON.parse(fs.readFileSync(path.join(folder, 'case.json'), 'utf8')) as { case: FuzzCase; mechanism?: string; verdict: string };
  return record;
}
