import type { AnyOpDeclaration } from '../declaration.js';
import { clipOps } from './clip.js';
import {
  celuOps,
  eluOps,
  geluOps,
  hardSigmoidOps,
  hardSwishOps,
  leakyReluOps,
  mishOps,
  reluOps,
  seluOps,
  sigmoidOps,
  softplusOps,
  softsignOps,
  tanhOps,
} from './pointwise.js';
import { preluOps } from './prelu.js';
import { logSoftmaxOps, softmaxOps } from './softmax.js';

export const activationOps: AnyOpDeclaration[] = [
  ...reluOps,
  ...leakyReluOps,
  ...preluOps,
  ...eluOps,
  ...seluOps,
  ...celuOps,
  ...sigmoidOps,
  ...hardSigmoidOps,
  ...hardSwishOps,
  ...tanhOps,
  ...softplusOps,
  ...softsignOps,
  ...geluOps,
  ...mishOps,
  ...clipOps,
  ...softmaxOps,
  ...logSoftmaxOps,
];
