import type { AnyOpDeclaration } from '../declaration.js';

export const tensorOps: AnyOpDeclaration[] = [];
