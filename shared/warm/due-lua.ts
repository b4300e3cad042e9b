/**
 * Lua shared by every script that moves a plan in the due index: the tenant's own sorted set
 * (plan → next due, epoch ms) and the global one (tenant → its earliest plan). Keeping the
 * global score equal to the tenant's earliest plan in the same script that changed the plan is
 * what lets a cron tick read only the head of the global set.
 *
 * `tenantDue(wd, global, tenant)` re-scores the tenant from its earliest plan, or removes it when
 * it has none. `planDue(plans, wd, global, name, tenant, score, mode)` sets one plan's due time
 * (`mode` 'LT' only ever brings it forward) if the plan still exists: a run that ends after its
 * plan was deleted must not bring a due entry back.
 */
export const DUE_LUA = `
local function tenantDue(wd, global, tenant)
  local first = redis.call('ZRANGE', wd, 0, 0, 'WITHSCORES')
  if first[2] then redis.call('ZADD', global, first[2], tenant) else redis.call('ZREM', global, tenant) end
end
local function planDue(plans, wd, global, name, tenant, score, mode)
  if redis.call('HEXISTS', plans, name) == 0 then return end
  if mode == 'LT' then redis.call('ZADD', wd, 'LT', score, name) else redis.call('ZADD', wd, score, name) end
  tenantDue(wd, global, tenant)
end
`;
