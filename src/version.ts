import * as fs from 'node:fs';

/** torchparity's own version, from package.json (one level above both src/ and dist/). */
export const TORCHPARITY_VERSION: string = (() => {
  try {
    const pkg = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
})();
