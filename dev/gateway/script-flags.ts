import { createHash } from "node:crypto";
import type { Command } from "./args.ts";

/**
 * Upstash accepts a script shebang flag that open-source Redis refuses: `#!lua
 * flags=allow-key-locking` (used by @upstash/ratelimit). The gateway removes that flag before the
 * script reaches Redis, and remembers which SHA the client knows the script by (the SHA of the
 * text it sent) so a later EVALSHA with that SHA finds the script Redis actually holds.
 */
export class UpstashScriptFlags {
  readonly #redisShaByClientSha = new Map<string, string>();

  adapt(commands: readonly Command[]): Command[] {
    return commands.map((command) => this.#adaptOne(command));
  }

  #adaptOne(command: Command): Command {
    const name = (command[0] as string).toLowerCase();
    if (name === "eval" || name === "eval_ro") return this.#withScript(command, 1);
    if (name === "script" && (command[1] as string | undefined)?.toLowerCase() === "load") return this.#withScript(command, 2);
    if ((name === "evalsha" || name === "evalsha_ro") && command[1]) {
      const known = this.#redisShaByClientSha.get(command[1].toLowerCase());
      if (known) return [command[0] as string, known, ...command.slice(2)];
    }
    return command;
  }

  #withScript(command: Command, index: number): Command {
    const script = command[index];
    if (script === undefined) return command;
    const stripped = stripUpstashFlags(script);
    if (stripped === script) return command;
    this.#redisShaByClientSha.set(sha1(script), sha1(stripped));
    return [...command.slice(0, index), stripped, ...command.slice(index + 1)];
  }
}

const SHEBANG = /^#!lua([^\n]*)/;

export function stripUpstashFlags(script: string): string {
  const match = SHEBANG.exec(script);
  if (!match) return script;
  const flagsMatch = /\bflags=(\S*)/.exec(match[1] as string);
  if (!flagsMatch) return script;
  const kept = (flagsMatch[1] as string).split(",").filter((flag) => flag !== "" && flag !== "allow-key-locking");
  const rest = (match[1] as string).replace(flagsMatch[0], kept.length > 0 ? `flags=${kept.join(",")}` : "").trimEnd();
  return `#!lua${rest}${script.slice(match[0].length)}`;
}

function sha1(text: string): string {
  return createHash("sha1").update(text).digest("hex");
}
