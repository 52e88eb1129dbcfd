import { activationFamily } from './arbitraries/activation.js';
import { batchNormFamily } from './arbitraries/batch-norm.js';
import { chainFamily } from './arbitraries/chain.js';
import { convTransposeFamily } from './arbitraries/conv-transpose.js';
import { convFamily } from './arbitraries/conv.js';
import { elementwiseFamily } from './arbitraries/elementwise.js';
import { gemmFamily } from './arbitraries/gemm.js';
import { matmulFamily } from './arbitraries/matmul.js';
import { padFamily } from './arbitraries/pad.js';
import { poolFamily } from './arbitraries/pool.js';
import { shapeOpsFamily } from './arbitraries/shape-ops.js';
import { resizeFamily } from './arbitraries/resize.js';
import type { Family } from './family.js';

/** Every fuzz family, in `--ops` order. */
export const FAMILIES: readonly Family[] = [convFamily, poolFamily, convTransposeFamily, batchNormFamily, gemmFamily, matmulFamily, activationFamily, elementwiseFamily, shapeOpsFamily, padFamily, resizeFamily, chainFamily];

export function findFamily(name: string): Family | undefined {
  return FAMILIES.find((f) => f.name === name);
}
