import type { AnyOpDeclaration } from '../declaration.js';
import { conv } from './conv.js';

export const nnOps: AnyOpDeclaration[] = [conv];
