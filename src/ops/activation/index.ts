import type { AnyOpDeclaration } from '../declaration.js';

export const activationOps: AnyOpDeclaration[] = [];
