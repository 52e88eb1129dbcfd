import type { AnyOpDeclaration } from '../declaration.js';
import { averagePoolVersions } from './average-pool.js';
import { batchNormalizationVersions } from './batch-normalization.js';
import { conv } from './conv.js';
import { convTransposeOps } from './conv-transpose.js';
import { gemmOps } from './gemm.js';
import { globalAveragePoolOp, globalMaxPoolOp } from './global-pool.js';
import { groupNormalizationVersions } from './group-normalization.js';
import { instanceNormalizationVersions } from './instance-normalization.js';
import { layerNormalization } from './layer-normalization.js';
import { lpPoolVersions } from './lp-pool.js';
import { matmulOps } from './matmul.js';
import { maxPoolVersions } from './max-pool.js';

export const nnOps: AnyOpDeclaration[] = [
  conv,
  ...convTransposeOps,
  ...gemmOps,
  ...matmulOps,
  ...maxPoolVersions,
  ...averagePoolVersions,
  ...lpPoolVersions,
  globalAveragePoolOp,
  globalMaxPoolOp,
  ...batchNormalizationVersions,
  ...instanceNormalizationVersions,
  layerNormalization,
  ...groupNormalizationVersions,
];
