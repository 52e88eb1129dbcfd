#!/usr/bin/env node
import * as fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { isTorchParityError } from '../errors.js';
import { withDefaultLimits } from '../limits.js';
import { TORCHPARITY_VERSION } from '../version.js';
import { formatOptions, parseArgs, type OptionSpec } from './args.js';
import { EXIT_ERROR, type CliHooks, type Command } from './command.js';
import { conformCommand } from './commands/conform.js';
import { fuzzCommand } from './commands/fuzz.js';
import { inspectCommand } from './commands/inspect.js';
import { reduceCommand } from './commands/reduce.js';
import { runCommand } from './commands/run.js';
import { verifyCommand } from './commands/verify.js';
import { processIO, type CliIO } from './io.js';
import { limitsFromArgs } from './limits.js';

export const COMMANDS: readonly Command[] = [verifyCommand, reduceCommand, runCommand, inspectCommand, conformCommand, fuzzCommand];

const GLOBAL_OPTIONS: OptionSpec[] = [
  { name: 'help', type: 'flag', help: 'show this help' },
  { name: 'debug', type: 'flag', help: 'show stack traces of errors' },
  { name: 'limit', type: 'string', repeat: true, value: 'NAME=N', help: 'raise or lower a resource limit for every model loaded, e.g. maxTensorElements=4000000000 (repeatable)' },
];

function topHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    `torchparity ${TORCHPARITY_VERSION} — prove that a PyTorch model exported to ONNX computes the same thing outside PyTorch`,
    '',
    'usage: torchparity COMMAND [options]',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `torchparity COMMAND --help` for a command\'s options.',
  ].join('\n');
}

function commandHelp(c: Command): string {
  return [`usage: ${c.usage}`, '', c.description, '', 'options:', formatOptions([...c.options, ...GLOBAL_OPTIONS])].join('\n');
}

/**
 * Runs the CLI and returns its exit code; errors become one paragraph on stderr, never a stack trace. `hooks` are
 * for programs running the CLI in-process (tests); the command line cannot set them.
 */
export async function main(argv: readonly string[], io: CliIO = processIO(), hooks: CliHooks = {}): Promise<number> {
  const debug = argv.includes('--debug');
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(topHelp());
    return name ? 0 : EXIT_ERROR;
  }
  if (name === '--version') {
    io.out(TORCHPARITY_VERSION);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(`torchparity: unknown command '${name}'\n\n${topHelp()}`);
    return EXIT_ERROR;
  }
  try {
    const args = parseArgs(rest, [...command.options, ...GLOBAL_OPTIONS], command.name);
    if (args.options.help) {
      io.out(commandHelp(command));
      return 0;
    }
    const limits = limitsFromArgs((args.options.limit as string[] | undefined) ?? []);
    return await withDefaultLimits(limits, () => command.run(args, io, hooks));
  } catch (error) {
    if (isTorchParityError(error)) {
      io.err(`torchparity ${command.name}: error [${error.code}] ${error.describe()}`);
      if (debug && error.stack) io.err(error.stack);
      // 'internal' wraps a foreign exception: its own stack is where the bug is.
      if (debug && error.cause instanceof Error && error.cause.stack) io.err(`caused by: ${error.cause.stack}`);
    } else {
      io.err(`torchparity ${command.name}: internal error: ${error instanceof Error ? error.message : String(error)}`);
      io.err(debug && error instanceof Error && error.stack ? error.stack : '  (this is a torchparity bug; rerun with --debug for the stack and please report it)');
    }
    return EXIT_ERROR;
  }
}

/** True when this file is the program (node dist/cli/main.js, the npm bin link, tsx src/cli/main.ts). */
function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return pathToFileURL(fs.realpathSync(script)).href === import.meta.url;
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
