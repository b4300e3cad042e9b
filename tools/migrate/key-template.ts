import { matchTemplateParts } from "./template-matcher.ts";
import { parseKeyTemplate, type TemplatePart } from "./template-parser.ts";

export { TemplateError } from "./template-error.ts";

/** The capture that names the tenant. */
export const TENANT_CAPTURE = "tenant";
/** The capture that becomes the edge-cache key; the only greedy one. */
export const KEY_CAPTURE = "key";

/** A compiled `--map` template. */
export interface KeyTemplate {
  /** The template as written, for messages. */
  readonly text: string;
  /** Capture names in template order. */
  readonly captures: readonly string[];
  /**
   * A Redis SCAN MATCH pattern that every matching key matches: each capture as `*`, the glob
   * characters of the literal text escaped. It may also let through keys that `match` refuses
   * (a `*` matches nothing, a capture needs one character), so it only narrows what is read.
   */
  readonly scanPattern: string;
  /** The captures of a key, or undefined when the key does not have the template's shape. */
  match(key: string): Record<string, string> | undefined;
}

/**
 * Compiles `cache:{name}:school:{tenant}:{key}`. Each `{name}` (letters, digits, _) matches one or
 * more characters, `:` included: {key} takes as much as it can, every other capture as little as
 * lets the rest match. Literal text matches exactly. `{{` and `}}` are literal braces.
 *
 * @throws TemplateError for an empty template, an empty or unclosed capture, a stray `}`, a bad
 *   capture name or a name used twice; the message names the problem and the template.
 */
export function compileKeyTemplate(text: string): KeyTemplate {
  const parts = parseKeyTemplate(text);
  const captures = parts.flatMap((part) => (part.kind === "capture" ? [part.name] : []));
  return {
    text,
    captures,
    scanPattern: scanPatternOf(parts),
    match(key) {
      const values = matchTemplateParts(parts, KEY_CAPTURE, key);
      // fromEntries defines own properties, so a capture named __proto__ stays an ordinary field.
      return values && Object.fromEntries(captures.map((name, index) => [name, values[index] as string]));
    },
  };
}

function scanPatternOf(parts: readonly TemplatePart[]): string {
  return parts.map((part) => (part.kind === "capture" ? "*" : part.text.replace(/[*?[\]\\]/g, "\\$&"))).join("");
}
