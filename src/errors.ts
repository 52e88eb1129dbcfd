/**
 * The one error type torchparity throws on purpose. Every failure a user can cause (a bad file, an op we do not
 * support, a feed of the wrong shape) becomes one of these, with a stable `code` that scripts can match on and a
 * context naming where it happened. Anything else escaping the library is a bug in torchparity.
 */
export type ErrorCode =
  | 'decode'
  | 'unsupported_op'
  | 'unsupported_type'
  | 'bad_attribute'
  | 'shape'
  | 'limit_exceeded'
  | 'external_data'
  | 'invalid_graph'
  | 'input_mismatch'
  | 'oracle_failure'
  | 'usage'
  | 'internal';

/** What to do, by code, for errors whose thrower had nothing more specific to say. */
export const DEFAULT_HINTS: Readonly<Record<ErrorCode, string>> = {
  decode: 'the file is corrupt, truncated or not an ONNX model; re-export it from PyTorch or check the download',
  unsupported_op: 'run `torchparity inspect MODEL` for the op histogram; the op table in the README lists the ops and opsets torchparity has',
  unsupported_type: 'torchparity computes float32/float64/float16, the integer types and bool; export the model in one of them',
  bad_attribute: "the attribute does not fit the op's ONNX definition at this opset (the op table in the README lists each op's attributes); re-export the model",
  shape: "the tensors' shapes or types do not fit this op; check the input shapes fed or declared, and re-export if the graph itself is wrong",
  limit_exceeded: 'a corrupt or hostile file is the usual cause; if the model is genuine, raise the limit (--limit NAME=N, or { limits } in loadModel)',
  external_data: 'keep the .data file the exporter wrote beside the .onnx file, unmodified',
  invalid_graph: 'the graph is not a valid ONNX graph; re-export the model, or check the tool that edited it',
  input_mismatch: "feed tensors that match the model's inputs; `torchparity inspect MODEL` lists their names, types and shapes",
  oracle_failure: 'onnxruntime could not run the model; `torchparity verify --no-oracle` checks it against saved outputs alone',
  usage: 'run `torchparity COMMAND --help` for the options',
  internal: 'this is a torchparity bug; rerun with --debug for the stack and please report it with the model',
};

export interface ErrorContext {
  file?: string;
  node?: string;
  op?: string;
  tensor?: string;
  attribute?: string;
}

export class TorchParityError extends Error {
  readonly code: ErrorCode;
  readonly context: ErrorContext;
  /** What the user can do about it; shown after the message. */
  readonly hint?: string;

  /** `cause`: the foreign exception this one wraps (kept for --debug and for fuzzer reproducers). */
  constructor(code: ErrorCode, message: string, context: ErrorContext = {}, hint?: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TorchParityError';
    this.code = code;
    this.context = context;
    this.hint = hint;
  }

  /**
   * One paragraph for a terminal: where, what was found (and expected), and what to do. Names come from the file,
   * so control characters in them are shown escaped: a node named "\x1b[2J" must not clear the user's screen, and a
   * newline must not break the paragraph.
   */
  describe(): string {
    const where = describeContext(this.context);
    const head = printable(where ? `${where}: ${this.message}` : this.message);
    return `${head}\n  hint: ${printable(this.hint ?? DEFAULT_HINTS[this.code])}`;
  }

  /** The same error seen from further out (e.g. a file name added by the loader). */
  withContext(extra: ErrorContext): TorchParityError {
    const merged = new TorchParityError(this.code, this.message, { ...extra, ...this.context }, this.hint, { cause: this.cause });
    merged.stack = this.stack;
    return merged;
  }
}

/** Control characters (C0, DEL, C1) as \xNN escapes, and names past 200 characters cut, so text from a file prints safely. */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function shortName(name: string): string {
  return name.length > 200 ? `${name.slice(0, 200)}… (${name.length} characters)` : name;
}

export function describeContext(context: ErrorContext): string {
  const parts: string[] = [];
  if (context.file) parts.push(context.file);
  if (context.node !== undefined || context.op) {
    const name = context.node ? `'${shortName(context.node)}'` : '(unnamed)';
    parts.push(context.op ? `node ${name} (${shortName(context.op)})` : `node ${name}`);
  }
  if (context.attribute) parts.push(`attribute '${shortName(context.attribute)}'`);
  if (context.tensor !== undefined) parts.push(`tensor '${shortName(context.tensor)}'`);
  return parts.join(', ');
}

export function isTorchParityError(value: unknown): value is TorchParityError {
  return value instanceof TorchParityError;
}

/** Wraps a foreign exception (from protobufjs, fs, onnxruntime) as a typed error, keeping typed ones as they are. */
export function asTorchParityError(
  value: unknown,
  code: ErrorCode,
  context: ErrorContext = {},
  hint?: string,
): TorchParityError {
  if (value instanceof TorchParityError) return value.withContext(context);
  const message = value instanceof Error ? value.message : String(value);
  return new TorchParityError(code, message, context, hint, { cause: value });
}
