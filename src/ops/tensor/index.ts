import type { AnyOpDeclaration } from '../declaration.js';
import { castOps } from './cast.js';
import { concatOps } from './concat.js';
import { constantOps } from './constant.js';
import { depthSpaceOps } from './depth-space.js';
import { expandOps } from './expand.js';
import { gather } from './gather.js';
import { identityOps } from './identity.js';
import { padOps } from './pad.js';
import { range } from './range.js';
import { reshapeOps } from './reshape.js';
import { resizeOps, upsampleOps } from './resize.js';
import { shapeOps } from './shape.js';
import { sliceOps } from './slice.js';
import { splitOps } from './split.js';
import { squeezeOps } from './squeeze.js';
import { transpose } from './transpose.js';

export const tensorOps: AnyOpDeclaration[] = [
  ...reshapeOps,
  ...shapeOps,
  gather,
  ...squeezeOps,
  ...concatOps,
  ...splitOps,
  ...constantOps,
  ...identityOps,
  transpose,
  ...sliceOps,
  ...expandOps,
  ...castOps,
  range,
  ...depthSpaceOps,
  ...padOps,
  ...resizeOps,
  ...upsampleOps,
];
