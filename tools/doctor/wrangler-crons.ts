import { readFileSync } from "node:fs";

/**
 * The cron triggers wrangler.toml declares: `crons = [...]` under `[triggers]`. Only that one
 * array is read, by a reader that knows TOML's strings and comments (a cron may hold `#`, as in
 * `0 0 * * 1#2`), so no TOML library is needed for one key.
 */

export class WranglerConfigError extends Error {
  override readonly name = "WranglerConfigError";
}

export function readDeclaredCrons(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new WranglerConfigError(code === "ENOENT" ? `${path} does not exist` : `${path} could not be read (${String(code ?? error)})`);
  }
  return parseDeclaredCrons(text, path);
}

export function parseDeclaredCrons(text: string, source = "wrangler.toml"): string[] {
  const section = triggersSection(text);
  if (section === undefined) return [];
  const start = /^[ \t]*crons[ \t]*=[ \t]*\[/m.exec(section);
  if (!start) return [];
  return readStringArray(section.slice(start.index + start[0].length), source);
}

/** The lines between `[triggers]` and the next table header. */
function triggersSection(text: string): string | undefined {
  const lines = text.split(/\r?\n/);
  const header = lines.findIndex((line) => /^[ \t]*\[triggers\][ \t]*(#.*)?$/.test(line));
  if (header < 0) return undefined;
  const rest = lines.slice(header + 1);
  const next = rest.findIndex((line) => /^[ \t]*\[/.test(line));
  return (next < 0 ? rest : rest.slice(0, next)).join("\n");
}

/** The strings of an array whose `[` was just consumed, up to its `]`. */
function readStringArray(text: string, source: string): string[] {
  const values: string[] = [];
  let i = 0;
  while (i < text.length) {
    const char = text[i] as string;
    if (char === "]") return values;
    if (char === "#") {
      const end = text.indexOf("\n", i);
      i = end < 0 ? text.length : end + 1;
    } else if (char === '"' || char === "'") {
      const end = text.indexOf(char, i + 1);
      if (end < 0) break;
      values.push(text.slice(i + 1, end));
      i = end + 1;
    } else {
      i++;
    }
  }
  throw new WranglerConfigError(`${source}: [triggers] crons is not a closed array of strings`);
}
