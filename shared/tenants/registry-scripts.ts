import type { LuaScript } from "../redis/lua-script";

/**
 * The tenant registry's scripts. Each change to a tenant or token and the CORS origin index
 * (origin-index.ts) change together in one script, so a preflight never sees an index that
 * disagrees with the records. Origin keys are computed by the caller and passed in KEYS, as every
 * key a script touches must be; a script that reads a record to decide checks that the record is
 * still the one the caller read, and answers 0 when it is not, for the caller to read again.
 */

/** KEYS: tokens hash, tenants hash. ARGV: digest. The token's record and its tenant's, or nil. */
export const resolveTokenScript: LuaScript = {
  name: "resolve-token",
  readOnly: true,
  source: `
local token = redis.call('HGET', KEYS[1], ARGV[1])
if not token then return false end
local tenant = redis.call('HGET', KEYS[2], cjson.decode(token).tenant)
return {token, tenant}
`,
};

/** KEYS: tokens hash, tenant's token index. Every token record of the tenant with its digest. */
export const listTokensScript: LuaScript = {
  name: "list-tokens",
  readOnly: true,
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

/**
 * KEYS: tokens hash, the tenant's token index, tenants hash, then the origin key of each of the
 * token's allowedOrigins. ARGV: digest, token id, record JSON, tenant id, the token's index
 * member, '1' when the record is revoked. Stores the token; it is in the index while it is not
 * revoked and its tenant (read here, so a concurrent disable cannot slip between) is active.
 * Answers 0, storing nothing, when the tenant does not exist (a delete came between).
 */
export const putTokenScript: LuaScript = {
  name: "put-token",
  source: `
local tenant = redis.call('HGET', KEYS[3], ARGV[4])
if not tenant then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
local live = ARGV[6] ~= '1' and tenant and cjson.decode(tenant).status == 'active'
for i = 4, #KEYS do
  if live then redis.call('SADD', KEYS[i], ARGV[5]) else redis.call('SREM', KEYS[i], ARGV[5]) end
end
return 1
`,
};

/**
 * KEYS: tenants hash, tenant purges hash, the id's deleted marker (removed, so the new tenant's
 * stats count), then the origin key of each of the tenant's allowedOrigins. ARGV: tenant id, record JSON, the tenant's index member. 1 when created; 0 when
 * the id is taken, 2 while a deleted tenant of that id is still being purged (nothing changes).
 */
export const createTenantScript: LuaScript = {
  name: "create-tenant",
  source: `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return 0 end
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then return 2 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('DEL', KEYS[3])
for i = 4, #KEYS do redis.call('SADD', KEYS[i], ARGV[3]) end
return 1
`,
};

/**
 * KEYS: tenants hash, tokens hash, the tenant's token index, tenant purges hash, the tenant's meta
 * hash, warm due, refresh due, warm tenants, then origin keys. ARGV: tenant id, the record JSON
 * as the caller read it, how many tokens the caller read, the purge JSON, now (ms), then two per
 * index membership: the KEYS index of its origin, the member.
 *
 * Answers 0 and changes nothing when the record or the token count is not what the caller read
 * (the caller reads again: a new token may list origins it has not passed). Else removes the
 * record, every token record the tenant's index names and the index itself, the memberships, the
 * tenant's entries in the system-wide warm indexes, hides its entries as clear-tenant does (a
 * fresh seq as the clear watermark, watermark-scripts.ts), records the purge, and answers 1.
 */
export const deleteTenantScript: LuaScript = {
  name: "delete-tenant",
  source: `
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
if redis.call('HLEN', KEYS[3]) ~= tonumber(ARGV[3]) then return 0 end
for _, digest in ipairs(redis.call('HVALS', KEYS[3])) do redis.call('HDEL', KEYS[2], digest) end
redis.call('DEL', KEYS[3])
redis.call('HDEL', KEYS[1], ARGV[1])
for i = 6, #ARGV, 2 do redis.call('SREM', KEYS[tonumber(ARGV[i])], ARGV[i + 1]) end
local v = redis.call('HINCRBY', KEYS[5], 'seq', 1)
redis.call('HSET', KEYS[5], 'clear', v, 'clearAt', ARGV[5])
redis.call('ZREM', KEYS[6], ARGV[1])
redis.call('ZREM', KEYS[7], ARGV[1])
redis.call('SREM', KEYS[8], ARGV[1])
redis.call('HSET', KEYS[4], ARGV[1], ARGV[4])
return 1
`,
};

/**
 * KEYS: tenants hash, tokens hash, the tenant's token index, then origin keys. ARGV: tenant id,
 * the record JSON as the caller read it, the record JSON to store ('' leaves it), how many tokens
 * the caller read ('' when it read none), then four per index change: '+' or '-', the KEYS index
 * of its origin, the member, and for a token's add its digest ('' otherwise).
 *
 * Answers 0 and changes nothing when the record or the token count is not what the caller read:
 * another change came between (tokens are deleted only with their tenant's record, so a new one
 * shows in the count). A token's add is skipped when the token has been revoked since the caller
 * read it.
 */
export const putTenantScript: LuaScript = {
  name: "put-tenant",
  source: `
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
if ARGV[4] ~= '' and redis.call('HLEN', KEYS[3]) ~= tonumber(ARGV[4]) then return 0 end
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], ARGV[1], ARGV[3]) end
for i = 5, #ARGV, 4 do
  local key = KEYS[tonumber(ARGV[i + 1])]
  if ARGV[i] == '-' then
    redis.call('SREM', key, ARGV[i + 2])
  else
    local live = true
    if ARGV[i + 3] ~= '' then
      local token = redis.call('HGET', KEYS[2], ARGV[i + 3])
      live = token and cjson.decode(token).revokedAt == nil
    end
    if live then redis.call('SADD', key, ARGV[i + 2]) end
  end
end
return 1
`,
};

/** KEYS: one origin's index set. 1 when some tenant or token allows the origin. */
export const originAllowedScript: LuaScript = {
  name: "origin-allowed",
  readOnly: true,
  source: `return redis.call('EXISTS', KEYS[1])`,
};

/** KEYS: tenants hash. ARGV: cursor, COUNT hint. One HSCAN page: {next cursor, {id, record, …}}. */
export const scanTenantsScript: LuaScript = {
  name: "scan-tenants",
  readOnly: true,
  source: `return redis.call('HSCAN', KEYS[1], ARGV[1], 'COUNT', ARGV[2])`,
};
