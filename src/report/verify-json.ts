import { onnxruntimeVersion } from '../oracle/onnxruntime.js';
import { TORCHPARITY_VERSION } from '../version.js';
import type { VerifyReport } from '../verify/verify.js';

/** What `verify --json FILE` writes: the tool's versions, then every report with its model's opsets and producer. */
export interface VerifyJson {
  tool: 'torchparity';
  command: 'verify';
  created: string;
  versions: { torchparity: string; onnxruntime: string; node: string };
  verdict: 'pass' | 'fail';
  reports: VerifyReport[];
}

export function verifyJson(reports: readonly VerifyReport[], created = new Date()): VerifyJson {
  return {
    tool: 'torchparity',
    command: 'verify',
    created: created.toISOString(),
    versions: { torchparity: TORCHPARITY_VERSION, onnxruntime: onnxruntimeVersion(), node: process.versions.node },
    verdict: reports.every((r) => r.verdict === 'pass') ? 'pass' : 'fail',
    reports: [...reports],
  };
}

/** JSON text; non-finite numbers (an infinite error, a −∞ excess) are written as strings so nothing becomes null. */
export function renderVerifyJson(reports: readonly VerifyReport[], created?: Date): string {
  return JSON.stringify(verifyJson(reports, created), (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2);
}
