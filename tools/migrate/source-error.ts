/**
 * A legacy cache could not be read: unreachable, refused, answered something unexpected, or an
 * export file with an invalid line. The message names the source (a URL without its password, or
 * a file path with the line) and the cause, so a migration can print it as it is and stop.
 */
export class SourceError extends Error {
  override readonly name = "SourceError";

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The message of whatever was thrown, for a SourceError's text. */
export function causeMessage(cause: unknown): string {
  if (cause instanceof Error) return cause.message;
  return String(cause);
}
