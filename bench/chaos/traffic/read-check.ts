import { parseValue } from "../values.ts";

/**
 * Judges bytes returned for (tenant, key): they must be a value this tenant wrote under this key,
 * with a sequence already issued, byte for byte.
 */
export function judgeRead(bytes: Uint8Array, tenant: string, key: string, issuedSeq: number): { seq?: number; problem?: string } {
  const parsed = parseValue(bytes);
  if (!parsed.ok) return { problem: parsed.problem };
  const { identity } = parsed;
  if (identity.tenant !== tenant) return { seq: identity.seq, problem: `value of tenant ${identity.tenant}` };
  if (identity.key !== key) return { seq: identity.seq, problem: `value of key ${JSON.stringify(identity.key)}` };
  if (identity.seq < 1 || identity.seq > issuedSeq)
    return { seq: identity.seq, problem: `sequence ${identity.seq} never issued (${issuedSeq})` };
  return { seq: identity.seq };
}
