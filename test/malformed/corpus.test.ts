import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bufferIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { loadModel } from '../../src/engine/session.js';
import { TorchParityError } from '../../src/errors.js';
import { randomInputs } from '../../src/verify/random-inputs.js';
import { tempDir } from '../helpers/external.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIR = path.join(ROOT, 'fixtures', 'malformed');
const { models } = JSON.parse(fs.readFileSync(path.join(DIR, 'manifest.json'), 'utf8')) as {
  models: Record<string, { code: string; what: string; phase?: 'run' }>;
};
const entries = Object.entries(models);

async function outcome(file: string, phase: 'load' | 'run'): Promise<unknown> {
  try {
    const session = await loadModel(file);
    if (phase === 'run') await session.run(randomInputs(session.inputs));
  } catch (error) {
    return error;
  }
  return undefined;
}

async function cli(...argv: string[]) {
  const io = bufferIO();
  const code = await main(argv, io);
  return { code, err: io.stderr.join('\n'), out: io.stdout.join('\n') };
}

describe('fixtures/malformed: hand-made bad models, each refused with its expected code', () => {
  it('the manifest lists every model file and at least 30 of them', () => {
    const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.onnx')).map((f) => f.slice(0, -5)).sort();
    expect(files).toEqual(Object.keys(models).sort());
    expect(files.length).toBeGreaterThanOrEqual(30);
    // Every code the issue names as a load-time failure class is represented.
    expect(new Set(entries.map(([, e]) => e.code))).toEqual(
      new Set(['decode', 'unsupported_op', 'unsupported_type', 'bad_attribute', 'shape', 'limit_exceeded', 'external_data', 'invalid_graph']),
    );
  });

  for (const [name, { code, what, phase }] of entries) {
    it(`${name} → ${code}${phase === 'run' ? ' (at run time)' : ''}: ${what}`, async () => {
      const file = path.join(DIR, `${name}.onnx`);
      if (phase === 'run') {
        // It must load: the flaw is one only the run can see.
        await expect(loadModel(file)).resolves.toBeDefined();
      }
      const error = await outcome(file, phase ?? 'load');
      expect(error).toBeInstanceOf(TorchParityError);
      const e = error as TorchParityError;
      expect({ code: e.code, message: e.message }).toMatchObject({ code });
      expect(e.context.file).toBe(file);
      // The CLI: exit 2 and one paragraph naming the code, never a stack trace.
      const r = await cli('run', file);
      expect(r.code).toBe(2);
      expect(r.err).toContain(`error [${code}]`);
      expect(r.err).not.toMatch(/\n\s+at /);
      // One paragraph: where and what, then what to do.
      expect(r.err).toMatch(new RegExp(`^torchparity run: error \\[${code}\\] .+\\n  hint: .+$`));
      expect(r.err).not.toMatch(/\n\s*\n/);
      // Names come from the file: no control character but the paragraph's own newline reaches the terminal.
      // eslint-disable-next-line no-control-regex
      expect(r.err).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
    });
  }

  it('the committed files are what scripts/make_malformed.ts writes', () => {
    const out = tempDir();
    const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'make_malformed.ts'), out], { cwd: ROOT, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    for (const name of fs.readdirSync(DIR)) {
      const committed = path.join(DIR, name);
      const fresh = path.join(out, name);
      if (fs.lstatSync(committed).isSymbolicLink()) expect(fs.readlinkSync(fresh)).toBe(fs.readlinkSync(committed));
      else expect(fs.readFileSync(fresh).equals(fs.readFileSync(committed)), name).toBe(true);
    }
    expect(fs.readdirSync(out).sort()).toEqual(fs.readdirSync(DIR).sort());
  }, 60_000);

  it('--limit raises a limit for the command: node_count_above_limit then gets past the node count', async () => {
    const file = path.join(DIR, 'node_count_above_limit.onnx');
    const r = await cli('run', file, '--limit', 'maxNodes=300000');
    expect(r.code).toBe(2);
    expect(r.err).not.toContain('limit_exceeded');
    // …and the limit is back to its default for the next command.
    expect((await cli('run', file)).err).toContain('error [limit_exceeded]');
    expect((await cli('run', file, '--limit', 'maxNodez=1')).err).toContain('error [usage]');
  });

  it('location "../../etc/passwd" is refused before any file outside the model folder is touched', async () => {
    // Spy on the fs calls that name a path (the ESM bindings of node:fs follow the CommonJS object once synced).
    const fsCjs = createRequire(import.meta.url)('node:fs') as Record<string, unknown>;
    const watched = ['openSync', 'realpathSync', 'statSync', 'lstatSync', 'existsSync', 'readFileSync', 'accessSync'] as const;
    const seen: string[] = [];
    const originals = Object.fromEntries(watched.map((k) => [k, fsCjs[k]]));
    for (const k of watched) {
      const original = originals[k] as (...args: unknown[]) => unknown;
      fsCjs[k] = Object.assign((...args: unknown[]) => {
        if (typeof args[0] === 'string') seen.push(path.resolve(args[0]));
        return original(...args);
      }, original);
    }
    syncBuiltinESMExports();
    try {
      const escape = await outcome(path.join(DIR, 'external_escape.onnx'), 'load');
      expect(escape).toMatchObject({ code: 'external_data' });
      expect(seen.filter((p) => p !== DIR && !p.startsWith(DIR + path.sep))).toEqual([]);
      expect(seen.some((p) => p.includes('passwd'))).toBe(false);
      // The spy does see reads: an in-folder data file is resolved and opened.
      seen.length = 0;
      await outcome(path.join(DIR, 'external_past_end.onnx'), 'load');
      expect(seen).toContain(path.join(DIR, 'external_past_end.data'));
    } finally {
      for (const k of watched) fsCjs[k] = originals[k];
      syncBuiltinESMExports();
    }
  });
});
