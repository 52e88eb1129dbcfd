import type { AnyOpDeclaration } from '../declaration.js';

export const elementwiseOps: AnyOpDeclaration[] = [];
