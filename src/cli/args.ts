import { TorchParityError } from '../errors.js';

/**
 * A small argv parser: each command declares its options, so `--help` text and validation come from one place.
 * `--name value` and `--name=value` both work; repeatable options collect into arrays.
 */
export interface OptionSpec {
  name: string;
  /** 'flag' takes no value. */
  type: 'flag' | 'string' | 'number';
  repeat?: boolean;
  value?: string;
  help: string;
  default?: string | number | boolean;
}

export interface ParsedArgs {
  positional: string[];
  options: Record<string, string | number | boolean | (string | number)[] | undefined>;
}

export function parseArgs(argv: readonly string[], specs: readonly OptionSpec[], command: string): ParsedArgs {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const options: ParsedArgs['options'] = {};
  for (const s of specs) if (s.default !== undefined) options[s.name] = s.default;
  const positional: string[] = [];
  const usage = (message: string) =>
    new TorchParityError('usage', message, {}, `run \`torchparity ${command} --help\` for the options`);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '-') {
      if (arg.startsWith('-') && arg.length > 1 && arg !== '-') throw usage(`unknown option '${arg}'`);
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const spec = byName.get(name);
    if (!spec) throw usage(`unknown option '--${name}'`);
    if (spec.type === 'flag') {
      if (eq >= 0) throw usage(`--${name} takes no value`);
      options[name] = true;
      continue;
    }
    let raw: string | undefined = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (raw === undefined) throw usage(`--${name} needs a value (${spec.value ?? spec.type})`);
    let value: string | number = raw;
    if (spec.type === 'number') {
      value = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(value)) throw usage(`--${name} expects a number, got '${raw}'`);
    }
    if (spec.repeat) options[name] = [...((options[name] as (string | number)[] | undefined) ?? []), value];
    else options[name] = value;
    raw = undefined;
  }
  return { positional, options };
}

export function formatOptions(specs: readonly OptionSpec[]): string {
  const rows = specs.map((s) => [`--${s.name}${s.type === 'flag' ? '' : ` ${s.value ?? s.type.toUpperCase()}`}`, s.help + (s.default !== undefined && s.type !== 'flag' ? ` (default ${s.default})` : '')]);
  const width = Math.max(0, ...rows.map(([a]) => a!.length));
  return rows.map(([a, b]) => `  ${a!.padEnd(width)}  ${b}`).join('\n');
}
