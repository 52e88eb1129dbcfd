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

  /** One paragraph for a terminal: where, what, and what to do. */
  describe(): string {
    const where = describeContext(this.context);
    const head = where ? `${where}: ${this.message}` : this.message;
    return this.hint ? `${head}\n  hint: ${this.hint}` : head;
  }

  /** The same error seen from further out (e.g. a file name added by the loader). */
  withContext(extra: ErrorContext): TorchParityError {
    const merged = new TorchParityError(this.code, this.message, { ...extra, ...this.context }, this.hint, { cause: this.cause });
    merged.stack = this.stack;
    return merged;
  }
}

export function describeContext(context: ErrorContext): string {
  const parts: string[] = [];
  if (context.file) parts.push(context.file);
  if (context.node !== undefined || context.op) {
    const name = context.node ? `'${context.node}'` : '(unnamed)';
    parts.push(context.op ? `node ${name} (${context.op})` : `node ${name}`);
  }
  if (context.attribute) parts.push(`attribute '${context.attribute}'`);
  if (context.tensor !== undefined) parts.push(`tensor '${context.tensor}'`);
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
