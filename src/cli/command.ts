import type { OptionSpec, ParsedArgs } from './args.js';
import type { NodeOverride } from '../verify/node-check.js';
import type { CliIO } from './io.js';

/**
 * What a program calling main() in-process can pass that no command line can: the engine's fault-injection hook,
 * so tests can check that `verify --intermediates` and `reduce` find a deliberately broken node.
 */
export interface CliHooks {
  override?: NodeOverride;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Paragraphs shown by --help after the usage line. */
  description: string;
  options: readonly OptionSpec[];
  /** Returns the exit code: 0 all good, 1 a mismatch was found, 2 usage or model error. */
  run(args: ParsedArgs, io: CliIO, hooks?: CliHooks): Promise<number>;
}

export const EXIT_OK = 0;
export const EXIT_MISMATCH = 1;
export const EXIT_ERROR = 2;
