/**
 * Lua that keeps a tenant's read-through index in step with its plans, run inside the scripts
 * that store and delete plans (and the reindex), so the index never disagrees with them.
 *
 *   wo  hash: cache key → JSON list of [plan, target index] naming it
 *   wm  hash: plan → {p: priority, t: ttl, s: swr, r: ttlRules, c: schedule}
 *           plan/i → {u: url | x: urlTemplate, h: headers, g: tags, t: ttl, s: swr} of target i
 *
 * Headers and tags are stored once per target, not once per key: a templated target of 10,000
 * keys costs 10,000 small references, not 10,000 copies of its headers. Keys are read from the
 * plan JSON itself (cjson), so adding and removing a plan walk exactly the same keys. cjson
 * writes an empty array as `{}`; readers treat a non-array as empty.
 */
export const ORIGIN_INDEX_LUA = `
local function decodePlan(raw)
  if not raw then return nil end
  local ok, plan = pcall(cjson.decode, raw)
  if not ok or type(plan) ~= 'table' or type(plan.targets) ~= 'table' then return nil end
  return plan
end
local function targetKeys(target)
  if type(target.keys) == 'table' then return target.keys end
  if type(target.key) == 'string' then return {target.key} end
  return {}
end
local function refsWithout(wo, key, name)
  local kept = {}
  local raw = redis.call('HGET', wo, key)
  if raw then
    for _, ref in ipairs(cjson.decode(raw)) do
      if ref[1] ~= name then kept[#kept + 1] = ref end
    end
  end
  return kept
end
local function hdelAll(hash, fields)
  for i = 1, #fields, 500 do
    redis.call('HDEL', hash, unpack(fields, i, math.min(i + 499, #fields)))
  end
end
local function unindexPlan(wo, wm, name, raw)
  local fields = {name}
  local plan = decodePlan(raw)
  if plan then
    for i, target in ipairs(plan.targets) do
      fields[#fields + 1] = name .. '/' .. (i - 1)
      for _, key in ipairs(targetKeys(target)) do
        local kept = refsWithout(wo, key, name)
        if #kept == 0 then redis.call('HDEL', wo, key) else redis.call('HSET', wo, key, cjson.encode(kept)) end
      end
    end
  end
  hdelAll(wm, fields)
end
local function indexPlan(wo, wm, name, raw)
  local plan = decodePlan(raw)
  if not plan then return 0 end
  redis.call('HSET', wm, name, cjson.encode({p = plan.priority, t = plan.ttl, s = plan.swr, r = plan.ttlRules, c = plan.schedule}))
  for i, target in ipairs(plan.targets) do
    local ref = i - 1
    redis.call('HSET', wm, name .. '/' .. ref,
      cjson.encode({u = target.url, x = target.urlTemplate, h = target.headers, g = target.tags, t = target.ttl, s = target.swr}))
    for _, key in ipairs(targetKeys(target)) do
      local refs = refsWithout(wo, key, name)
      refs[#refs + 1] = {name, ref}
      redis.call('HSET', wo, key, cjson.encode(refs))
    end
  end
  return 1
end
`;
