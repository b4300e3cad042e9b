const MAX_LENGTH = 255;
const UNSAFE = /[^\w\-=]/;

/**
 * The caller's X-Request-Id when it is safe to echo and log (word characters, `-` and `=`, at
 * most 255), else a fresh UUID: a caller can correlate its own ids, never inject into a log line.
 */
export function requestIdOf(header: string | null): string {
  if (header === null || header === "" || header.length > MAX_LENGTH || UNSAFE.test(header)) return crypto.randomUUID();
  return header;
}
