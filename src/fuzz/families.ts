import { convFamily } from './arbitraries/conv.js';
import { poolFamily } from './arbitraries/pool.js';
import type { Family } from './family.js';

/** Every fuzz family, in `--ops` order. */
export const FAMILIES: readonly Family[] = [convFamily, poolFamily];

export function findFamily(name: string): Family | undefined {
  return FAMILIES.find((f) => f.name === name);
}
