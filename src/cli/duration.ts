import { TorchParityError } from '../errors.js';

/** '10m', '90s', '1h', '1h30m' or plain seconds → milliseconds. */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(trimmed); m; m = re.exec(trimmed)) {
    total += Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
    consumed = re.lastIndex;
  }
  if (consumed === 0 || consumed !== trimmed.length) throw new TorchParityError('usage', `--time '${text}' is not a duration such as 90s, 10m or 1h`);
  return total;
}
