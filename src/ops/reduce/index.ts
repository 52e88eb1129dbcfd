import type { AnyOpDeclaration } from '../declaration.js';

export const reduceOps: AnyOpDeclaration[] = [];
