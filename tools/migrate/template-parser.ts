import { TemplateError } from "./template-error.ts";

/** A key template cut into the text it must match exactly and the named parts it captures. */
export type TemplatePart = { kind: "literal"; text: string } | { kind: "capture"; name: string };

const CAPTURE_NAME = /^[A-Za-z0-9_]+$/;

/**
 * Parses `cache:{name}:school:{tenant}:{key}`. `{{` and `}}` stand for a literal brace, because
 * Redis Cluster keys carry braces of their own (`{user:1}:profile` hash tags).
 */
export function parseKeyTemplate(text: string): TemplatePart[] {
  const fail = (problem: string) => new TemplateError(`key template ${JSON.stringify(text)}: ${problem}`);
  if (text === "") throw fail("is empty: it needs literal text, a capture such as {key}, or both");
  if (!text.isWellFormed()) throw fail("is not well-formed Unicode (it holds a lone surrogate)");
  const parts: TemplatePart[] = [];
  const names = new Set<string>();
  let literal = "";
  let at = 0;
  while (at < text.length) {
    const char = text[at];
    if ((char === "{" || char === "}") && text[at + 1] === char) {
      literal += char;
      at += 2;
      continue;
    }
    if (char === "}") throw fail(`"}" at character ${at + 1} closes no "{" (write "}}" for a literal brace)`);
    if (char !== "{") {
      literal += char;
      at += 1;
      continue;
    }
    const close = text.indexOf("}", at + 1);
    const nextOpen = text.indexOf("{", at + 1);
    if (close === -1 || (nextOpen !== -1 && nextOpen < close)) {
      throw fail(`"{" at character ${at + 1} is never closed (write "{{" for a literal brace)`);
    }
    const name = text.slice(at + 1, close);
    if (name === "") throw fail(`empty capture "{}" at character ${at + 1}`);
    if (!CAPTURE_NAME.test(name)) throw fail(`capture {${name}} has a name other than letters, digits and _`);
    if (names.has(name)) throw fail(`capture {${name}} appears more than once`);
    names.add(name);
    if (literal !== "") parts.push({ kind: "literal", text: literal });
    literal = "";
    parts.push({ kind: "capture", name });
    at = close + 1;
  }
  if (literal !== "") parts.push({ kind: "literal", text: literal });
  return parts;
}
