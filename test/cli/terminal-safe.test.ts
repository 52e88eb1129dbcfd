import { describe, expect, it } from 'vitest';
import { paint, terminalSafe } from '../../src/cli/io.js';
import { printable, TorchParityError } from '../../src/errors.js';

describe('text from a model file never drives the terminal', () => {
  it('terminalSafe keeps newline, tab, carriage return and colour, and escapes every other control sequence', () => {
    expect(terminalSafe('a\tb\r\n')).toBe('a\tb\r\n');
    const red = paint({ color: true, isTTY: true, out() {}, err() {} }, 'red', 'x');
    expect(terminalSafe(red)).toBe(red);
    // OSC (window title), CSI clear-screen, BEL, NUL and a C1 control, as a hostile node name would carry them.
    expect(terminalSafe('\x1b]0;pwned\x07 \x1b[2J \x00 \x9b')).toBe('\\x1b]0;pwned\\x07 \\x1b[2J \\x00 \\x9b');
  });

  it('describe() escapes control characters in names and message, so the paragraph stays one paragraph', () => {
    const e = new TorchParityError('invalid_graph', "reads 'a\nb'", { node: 'n\x1b[2J', op: 'Relu', tensor: 'x'.repeat(500) });
    const text = e.describe();
    expect(text.split('\n')).toHaveLength(2);
    expect(text).toContain("node 'n\\x1b[2J' (Relu)");
    expect(text).toContain("reads 'a\\x0ab'");
    expect(text).toContain('… (500 characters)');
    expect(printable('ok')).toBe('ok');
  });
});
