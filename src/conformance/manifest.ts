import { TorchParityError } from '../errors.js';

/**
 * The conformance manifest: which tests must pass, and which are excluded and why, as a plain text file that
 * reviews well in a diff.
 *
 *   # comments
 *   pass:
 *   test_abs
 *   exclude: element types torchparity does not compute
 *   test_cast_FLOAT_to_BFLOAT16
 */
export interface Manifest {
  pass: string[];
  /** Reason -> tests, in file order. */
  excluded: Map<string, string[]>;
}

export function parseManifest(text: string, file = 'manifest'): Manifest {
  const manifest: Manifest = { pass: [], excluded: new Map() };
  let section: string[] | undefined;
  const seen = new Set<string>();
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    if (line === 'pass:') {
      section = manifest.pass;
      return;
    }
    const exclude = /^exclude:\s*(.+)$/.exec(line);
    if (exclude) {
      const reason = exclude[1]!;
      section = manifest.excluded.get(reason) ?? [];
      manifest.excluded.set(reason, section);
      return;
    }
    if (!section) throw new TorchParityError('usage', `line ${i + 1}: test '${line}' comes before any 'pass:' or 'exclude:' heading`, { file });
    if (seen.has(line)) throw new TorchParityError('usage', `line ${i + 1}: test '${line}' is listed twice`, { file });
    seen.add(line);
    section.push(line);
  });
  return manifest;
}

export function renderManifest(manifest: Manifest, header: readonly string[]): string {
  const lines = [...header.map((h) => `# ${h}`), '', 'pass:', ...[...manifest.pass].sort()];
  for (const [reason, tests] of manifest.excluded) {
    if (tests.length === 0) continue;
    lines.push('', `exclude: ${reason}`, ...[...tests].sort());
  }
  return `${lines.join('\n')}\n`;
}

export function exclusionReason(manifest: Manifest, test: string): string | undefined {
  for (const [reason, tests] of manifest.excluded) if (tests.includes(test)) return reason;
  return undefined;
}
