import type { TenantId } from "../cache/keys";
import { StoreUnavailableError } from "../cache/store";
import {
  corsOriginRedisKey,
  deletedTenantRedisKey,
  metaRedisKey,
  REFRESH_DUE_REDIS_KEY,
  TENANT_PURGES_REDIS_KEY,
  TENANTS_REDIS_KEY,
  TOKENS_REDIS_KEY,
  tenantTokensRedisKey,
  WARM_DUE_REDIS_KEY,
  WARM_TENANTS_REDIS_KEY,
} from "../redis/key-layout";
import type { RedisReply } from "../redis/redis-client";
import type { ScriptCall } from "../redis/script-runner";
import { type OriginIndexChanges, type OriginMembership, tenantMember, tokenMember } from "./origin-index";
import type { TenantPurge } from "./registry";
import { createTenantScript, deleteTenantScript, listTokensScript, putTenantScript, putTokenScript } from "./registry-scripts";
import type { TenantRecord } from "./tenant-record";
import type { TokenRecord } from "./token-record";

/** The script calls of the Redis registry, with the keys each touches (registry-scripts.ts). */

export function createTenantCall(record: TenantRecord): ScriptCall {
  return {
    script: createTenantScript,
    keys: [
      TENANTS_REDIS_KEY,
      TENANT_PURGES_REDIS_KEY,
      deletedTenantRedisKey(record.id as TenantId),
      ...(record.status === "active" ? [...new Set(record.allowedOrigins)].map(corsOriginRedisKey) : []),
    ],
    args: [record.id, JSON.stringify(record), tenantMember(record.id)],
  };
}

export interface TenantWrite {
  tenant: TenantId;
  /** The stored JSON exactly as read: the script writes only while it is still the same. */
  readJson: string;
  /** What to store; absent leaves the record as it is (an index rebuild). */
  nextJson?: string;
  /** The tenant's tokens as read, when the changes include theirs. */
  tokenCount?: number;
  changes: OriginIndexChanges;
}

export function putTenantCall(write: TenantWrite): ScriptCall {
  const keys = [TENANTS_REDIS_KEY, TOKENS_REDIS_KEY, tenantTokensRedisKey(write.tenant)];
  const keyIndexes = new Map<string, number>();
  // Lua's KEYS are 1-based: after a push, the length is the new key's index.
  const keyIndex = (origin: string) => {
    let index = keyIndexes.get(origin);
    if (index === undefined) {
      index = keys.push(corsOriginRedisKey(origin));
      keyIndexes.set(origin, index);
    }
    return String(index);
  };
  const args = [write.tenant, write.readJson, write.nextJson ?? "", write.tokenCount === undefined ? "" : String(write.tokenCount)];
  for (const { origin, member } of write.changes.remove) args.push("-", keyIndex(origin), member, "");
  for (const { origin, member, digest } of write.changes.add) args.push("+", keyIndex(origin), member, digest ?? "");
  return { script: putTenantScript, keys, args };
}

export interface TenantDelete {
  tenant: TenantId;
  /** The stored JSON exactly as read: the script deletes only while it is still the same. */
  readJson: string;
  /** How many tokens the caller read, whose memberships are among `memberships`. */
  tokenCount: number;
  memberships: readonly OriginMembership[];
  /** Recorded for the sweep; its start is also the clear watermark's time (`clearAt`). */
  purge: TenantPurge;
}

export function deleteTenantCall(write: TenantDelete): ScriptCall {
  const keys = [
    TENANTS_REDIS_KEY,
    TOKENS_REDIS_KEY,
    tenantTokensRedisKey(write.tenant),
    TENANT_PURGES_REDIS_KEY,
    metaRedisKey(write.tenant),
    WARM_DUE_REDIS_KEY,
    REFRESH_DUE_REDIS_KEY,
    WARM_TENANTS_REDIS_KEY,
  ];
  const keyIndexes = new Map<string, number>();
  const args = [write.tenant, write.readJson, String(write.tokenCount), JSON.stringify(write.purge), String(write.purge.startedAt)];
  for (const { origin, member } of write.memberships) {
    let index = keyIndexes.get(origin);
    if (index === undefined) {
      // Lua's KEYS are 1-based: after a push, the length is the new key's index.
      index = keys.push(corsOriginRedisKey(origin));
      keyIndexes.set(origin, index);
    }
    args.push(String(index), member);
  }
  return { script: deleteTenantScript, keys, args };
}

export function putTokenCall(digest: string, record: TokenRecord): ScriptCall {
  const originKeys = [...new Set(record.allowedOrigins ?? [])].map(corsOriginRedisKey);
  return {
    script: putTokenScript,
    keys: [TOKENS_REDIS_KEY, tenantTokensRedisKey(record.tenant), TENANTS_REDIS_KEY, ...originKeys],
    args: [digest, record.id, JSON.stringify(record), record.tenant, tokenMember(record), record.revokedAt ? "1" : "0"],
  };
}

export function listTokensCall(tenant: TenantId): ScriptCall {
  return { script: listTokensScript, keys: [TOKENS_REDIS_KEY, tenantTokensRedisKey(tenant)], args: [] };
}

/** The list-tokens reply, `[digest, record JSON, …]`, as records. */
export function parseTokenList(flat: unknown): { digest: string; record: TokenRecord }[] {
  const out: { digest: string; record: TokenRecord }[] = [];
  if (!Array.isArray(flat)) return out;
  for (let i = 0; i + 1 < flat.length; i += 2)
    out.push({ digest: String(flat[i]), record: JSON.parse(String(flat[i + 1])) as TokenRecord });
  return out;
}

/** Rough size of a call on the wire, to keep a pipeline of many well under the L2's request limit. */
export function callBytes(call: ScriptCall): number {
  let bytes = 64;
  for (const part of [...call.keys, ...call.args]) bytes += part.length * 3 + 4;
  return bytes;
}

/** A reply's value; a failed command fails the registry call, as an unreachable Redis does. */
export function expectOk(reply: RedisReply | undefined): unknown {
  if (!reply?.ok) throw new StoreUnavailableError("tenant registry command failed");
  return reply.value;
}
