import type { AnyOpDeclaration } from '../declaration.js';
import { concatOps } from './concat.js';
import { gather } from './gather.js';
import { reshapeOps } from './reshape.js';
import { shapeOps } from './shape.js';
import { splitOps } from './split.js';
import { squeezeOps } from './squeeze.js';

export const tensorOps: AnyOpDeclaration[] = [...reshapeOps, ...shapeOps, gather, ...squeezeOps, ...concatOps, ...splitOps];
