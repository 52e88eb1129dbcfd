import type { AnyOpDeclaration } from '../declaration.js';
import {
  reduceL2Ops,
  reduceLogSumExpOps,
  reduceMaxOps,
  reduceMeanOps,
  reduceMinOps,
  reduceProdOps,
  reduceSumOps,
} from './reduce.js';

export const reduceOps: AnyOpDeclaration[] = [
  ...reduceSumOps,
  ...reduceMeanOps,
  ...reduceMaxOps,
  ...reduceMinOps,
  ...reduceProdOps,
  ...reduceL2Ops,
  ...reduceLogSumExpOps,
];
