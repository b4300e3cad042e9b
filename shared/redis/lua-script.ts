import { digestHex } from "../encoding";

/** A Lua script, sent as EVALSHA (script-runner.ts). Each lives beside the code that owns it. */
export interface LuaScript {
  readonly name: string;
  readonly source: string;
  /** Reads only: a copy of the database (a migration's second database) need not run it too. */
  readonly readOnly?: boolean;
}

const shaCache = new Map<string, string>();
const scriptsBySha = new Map<string, LuaScript>();

/** SHA-1 of the script source, as EVALSHA wants it. */
export async function scriptSha(script: LuaScript): Promise<string> {
  const cached = shaCache.get(script.source);
  if (cached) return cached;
  const hex = await digestHex("SHA-1", script.source);
  shaCache.set(script.source, hex);
  scriptsBySha.set(hex, script);
  return hex;
}

/** The script an EVALSHA names, if this isolate has hashed it (every script is hashed before it is sent). */
export function scriptOfSha(sha: string): LuaScript | undefined {
  return scriptsBySha.get(sha);
}
