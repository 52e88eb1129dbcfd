/** Where a command writes; tests pass their own to capture output without spawning processes. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** Colour and live progress only on a terminal, and never when NO_COLOR is set. */
  color: boolean;
  isTTY: boolean;
}

/**
 * Text for a terminal with only the control characters torchparity itself writes: newline, tab, carriage return and
 * colour (SGR) sequences. Everything else — names from a hostile model such as "\x1b]0;…" or "\x1b[2J" — is shown
 * escaped instead of being obeyed by the terminal.
 */
export function terminalSafe(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b(?!\[[0-9;]*m)|[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export function processIO(): CliIO {
  const isTTY = Boolean(process.stdout.isTTY);
  const line = (text: string) => terminalSafe(text.endsWith('\n') ? text : `${text}\n`);
  return {
    out: (text) => process.stdout.write(line(text)),
    err: (text) => process.stderr.write(line(text)),
    color: isTTY && !process.env.NO_COLOR,
    isTTY,
  };
}

export function bufferIO(): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), color: false, isTTY: false };
}

const CODES = { red: 31, green: 32, yellow: 33, dim: 2, bold: 1 } as const;

export function paint(io: CliIO, color: keyof typeof CODES, text: string): string {
  return io.color ? `\x1b[${CODES[color]}m${text}\x1b[0m` : text;
}
