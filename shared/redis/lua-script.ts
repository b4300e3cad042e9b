import { digestHex } from "../encoding";

/** A Lua script, sent as EVALSHA (script-runner.ts). Each lives beside the code that owns it. */
export interface LuaScript {
  readonly name: string;
  readonly source: string;
}

const shaCache = new Map<string, string>();

/** SHA-1 of the script source, as EVALSHA wants it. */
export async function scriptSha(script: LuaScript): Promise<string> {
  const cached = shaCache.get(script.source);
  if (cached) return cached;
  const hex = await digestHex("SHA-1", script.source);
  shaCache.set(script.source, hex);
  return hex;
}
