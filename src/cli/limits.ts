import { TorchParityError } from '../errors.js';
import { DEFAULT_LIMITS, type Limits } from '../limits.js';

/** `--limit NAME=N` (repeatable), e.g. `--limit maxTensorElements=4e9`, into Limits overrides. */
export function limitsFromArgs(specs: readonly string[]): Partial<Limits> {
  const limits: Partial<Limits> = {};
  const names = Object.keys(DEFAULT_LIMITS);
  for (const spec of specs) {
    const match = /^([A-Za-z]+)=(.+)$/.exec(spec.trim());
    const name = match?.[1];
    if (!match || !name || !names.includes(name)) {
      throw new TorchParityError('usage', `--limit '${spec}' is not NAME=N with a known limit`, {}, `limits (defaults): ${names.map((n) => `${n}=${DEFAULT_LIMITS[n as keyof Limits]}`).join(', ')}`);
    }
    const value = Number(match[2]);
    if (!Number.isSafeInteger(value) || value < 0) throw new TorchParityError('usage', `--limit ${name} expects a non-negative integer, got '${match[2]}'`);
    limits[name as keyof Limits] = value;
  }
  return limits;
}
