import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadModel } from '../engine/session.js';
import { describeContext, TorchParityError } from '../errors.js';
import type { Precision } from '../ir/graph.js';
import type { Limits } from '../limits.js';
import { randomInputs } from '../verify/random-inputs.js';

/** Everything one importer fuzz case needs, plain data so it crosses into a worker and into a reproducer file. */
export interface ImportCaseInput {
  bytes: Uint8Array;
  externalData: Record<string, Uint8Array>;
  limits: Partial<Limits>;
  precision: Precision;
  fold: boolean;
  /** Also run the model on seeded random inputs when it loads. */
  run: boolean;
  inputSeed: number;
  /**
   * Load from a file in a fresh temporary folder (external data files beside it) instead of from bytes: the path
   * users take, with the real file system behind external data.
   */
  fromFile?: boolean;
}

export type CasePhase = 'load' | 'inputs' | 'run';

export type ImportCaseOutcome =
  | { outcome: 'ok'; ran: boolean }
  | { outcome: 'typed'; code: string; message: string; phase: CasePhase }
  | { outcome: 'untyped'; name: string; message: string; stack: string; phase: CasePhase };

/**
 * Loads (and runs) one case. A TorchParityError is the expected way to fail, except code 'internal': that is a
 * foreign exception the engine caught and wrapped, a bug in torchparity, so it counts as untyped with the
 * original exception's stack.
 */
export async function executeImportCase(input: ImportCaseInput): Promise<ImportCaseOutcome> {
  let phase: CasePhase = 'load';
  let dir: string | undefined;
  try {
    const options = { limits: input.limits, precision: input.precision, fold: input.fold };
    let source: string | Uint8Array = input.bytes;
    if (input.fromFile) {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'torchparity-import-fuzz-'));
      source = path.join(dir, 'model.onnx');
      fs.writeFileSync(source, input.bytes);
      // Only plain file names: the keys come from the seed folders, but a reproducer could be edited by hand.
      for (const [name, data] of Object.entries(input.externalData)) if (/^[\w.-]+$/.test(name) && name !== 'model.onnx') fs.writeFileSync(path.join(dir, name), data);
    }
    const session = await loadModel(source, input.fromFile ? options : { ...options, externalData: input.externalData, file: 'fuzz-case.onnx' });
    if (!input.run) return { outcome: 'ok', ran: false };
    phase = 'inputs';
    const feeds = randomInputs(session.inputs, { seed: input.inputSeed, limits: input.limits });
    phase = 'run';
    await session.run(feeds);
    return { outcome: 'ok', ran: true };
  } catch (error) {
    return classify(error, phase);
  } finally {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function classify(error: unknown, phase: CasePhase): ImportCaseOutcome {
  if (error instanceof TorchParityError && error.code !== 'internal') {
    return { outcome: 'typed', code: error.code, message: error.message, phase };
  }
  const inner = error instanceof TorchParityError && error.cause !== undefined ? error.cause : error;
  const e = inner instanceof Error ? inner : new Error(String(inner));
  const wrapped = error instanceof TorchParityError ? ` (wrapped as internal: ${describeContext(error.context)}: ${error.message})` : '';
  return { outcome: 'untyped', name: e.name, message: `${e.message}${wrapped}`, stack: e.stack ?? '', phase };
}
