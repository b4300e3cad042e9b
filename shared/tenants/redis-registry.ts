import { TENANTS_REDIS_KEY, type TenantId, TOKENS_REDIS_KEY, tenantTokensRedisKey } from "../cache/keys";
import type { LuaScript } from "../cache/lua-scripts";
import type { RedisReply, RedisRunner } from "../cache/redis-client";
import { runCalls } from "../cache/script-runner";
import { StoreUnavailableError } from "../cache/store";
import type { TenantRegistry } from "./registry";
import type { TenantRecord } from "./tenant-record";
import type { TokenRecord } from "./token-record";

/** KEYS: tokens hash, tenants hash. ARGV: digest. The token's record and its tenant's, or nil. */
const resolveTokenScript: LuaScript = {
  name: "resolve-token",
  source: `
local token = redis.call('HGET', KEYS[1], ARGV[1])
if not token then return false end
local tenant = redis.call('HGET', KEYS[2], cjson.decode(token).tenant)
return {token, tenant}
`,
};

/** KEYS: tokens hash, tenant's token index. ARGV: digest, id, record JSON. */
const putTokenScript: LuaScript = {
  name: "put-token",
  source: `
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
return 1
`,
};

/** KEYS: tokens hash, tenant's token index. Every token record of the tenant with its digest. */
const listTokensScript: LuaScript = {
  name: "list-tokens",
  source: `
local digests = redis.call('HVALS', KEYS[2])
local out = {}
for _, digest in ipairs(digests) do
  local record = redis.call('HGET', KEYS[1], digest)
  if record then table.insert(out, digest) table.insert(out, record) end
end
return out
`,
};

export class RedisTenantRegistry implements TenantRegistry {
  readonly #runner: RedisRunner;

  constructor(runner: RedisRunner) {
    this.#runner = runner;
  }

  async createTenant(record: TenantRecord): Promise<boolean> {
    const reply = await this.#one({ op: "hsetnx", key: TENANTS_REDIS_KEY, field: record.id, value: JSON.stringify(record) });
    return Number(reply) === 1;
  }

  async getTenant(id: TenantId): Promise<TenantRecord | undefined> {
    const reply = await this.#one({ op: "hget", key: TENANTS_REDIS_KEY, field: id });
    return typeof reply === "string" ? (JSON.parse(reply) as TenantRecord) : undefined;
  }

  async listTenants(): Promise<TenantRecord[]> {
    const reply = await this.#one({ op: "hvals", key: TENANTS_REDIS_KEY });
    return Array.isArray(reply) ? reply.map((json) => JSON.parse(String(json)) as TenantRecord) : [];
  }

  async putTenant(record: TenantRecord): Promise<void> {
    await this.#one({ op: "hset", key: TENANTS_REDIS_KEY, fields: { [record.id]: JSON.stringify(record) } });
  }

  async putToken(digest: string, record: TokenRecord): Promise<void> {
    const [reply] = await runCalls(this.#runner, [
      {
        script: putTokenScript,
        keys: [TOKENS_REDIS_KEY, tenantTokensRedisKey(record.tenant)],
        args: [digest, record.id, JSON.stringify(record)],
      },
    ]);
    expectOk(reply);
  }

  async resolveToken(digest: string) {
    const [reply] = await runCalls(this.#runner, [
      { script: resolveTokenScript, keys: [TOKENS_REDIS_KEY, TENANTS_REDIS_KEY], args: [digest] },
    ]);
    const value = expectOk(reply);
    if (!Array.isArray(value)) return undefined;
    const [token, tenant] = value;
    return {
      token: JSON.parse(String(token)) as TokenRecord,
      tenant: typeof tenant === "string" ? (JSON.parse(tenant) as TenantRecord) : undefined,
    };
  }

  async listTokens(tenant: TenantId) {
    const [reply] = await runCalls(this.#runner, [
      { script: listTokensScript, keys: [TOKENS_REDIS_KEY, tenantTokensRedisKey(tenant)], args: [] },
    ]);
    const flat = expectOk(reply);
    const out: { digest: string; record: TokenRecord }[] = [];
    if (!Array.isArray(flat)) return out;
    for (let i = 0; i + 1 < flat.length; i += 2)
      out.push({ digest: String(flat[i]), record: JSON.parse(String(flat[i + 1])) as TokenRecord });
    return out;
  }

  async #one(command: Parameters<RedisRunner["run"]>[0][number]): Promise<unknown> {
    const [reply] = await this.#runner.run([command]);
    return expectOk(reply);
  }
}

function expectOk(reply: RedisReply | undefined): unknown {
  if (!reply?.ok) throw new StoreUnavailableError("tenant registry command failed");
  return reply.value;
}
