import type { AnyOpDeclaration } from '../declaration.js';
import {
  addOps,
  andOps,
  divOps,
  equalOps,
  greaterOps,
  greaterOrEqualOps,
  lessOps,
  lessOrEqualOps,
  mulOps,
  orOps,
  powOps,
  subOps,
} from './binary.js';
import { absOps, ceilOps, erfOps, expOps, floorOps, logOps, negOps, notOps, reciprocalOps, sqrtOps } from './unary.js';
import { maxOps, meanOps, minOps, sumOps } from './variadic.js';
import { whereOps } from './where.js';

export const elementwiseOps: AnyOpDeclaration[] = [
  ...addOps,
  ...subOps,
  ...mulOps,
  ...divOps,
  ...powOps,
  ...lessOps,
  ...greaterOps,
  ...lessOrEqualOps,
  ...greaterOrEqualOps,
  ...equalOps,
  ...andOps,
  ...orOps,
  ...notOps,
  ...absOps,
  ...negOps,
  ...sqrtOps,
  ...expOps,
  ...logOps,
  ...reciprocalOps,
  ...ceilOps,
  ...floorOps,
  ...erfOps,
  ...sumOps,
  ...meanOps,
  ...maxOps,
  ...minOps,
  ...whereOps,
];
