import type { TenantId } from "../cache/keys";
import { TENANTS_REDIS_KEY } from "../redis/key-layout";
import type { RedisReply, RedisRunner } from "../redis/redis-client";
import { runCalls, type ScriptCall } from "../redis/script-runner";
import { tenantIndexChanges } from "./origin-index";
import type { OriginReindexPage } from "./registry";
import { callBytes, expectOk, listTokensCall, parseTokenList, putTenantCall } from "./registry-calls";
import { scanTenantsScript } from "./registry-scripts";
import type { TenantRecord } from "./tenant-record";

/** HSCAN's COUNT: a hint of how many tenants one page visits. */
const TENANTS_PER_PAGE = 100;
/** Index writes are sent in pipelines of about this many bytes, far below the L2's request limit. */
const PIPELINE_BYTES = 1_000_000;

/**
 * Rebuilds the origin index for one HSCAN page of tenants, in three round trips: the page, its
 * tenants' tokens, and one write per tenant. Each write is the registry's checked write: it applies
 * only if the tenant and its token count are still what the page read. A tenant that changed in
 * between maintained the index itself, but this page's view of it is stale, so it is rebuilt again
 * from a fresh read (`rebuildOne`). HSCAN may return a tenant twice across pages: a rebuild is
 * idempotent, so that costs a write and nothing else.
 */
export async function reindexOriginPage(
  runner: RedisRunner,
  cursor: string,
  rebuildOne: (tenant: TenantId) => Promise<TenantRecord | undefined>,
): Promise<OriginReindexPage> {
  const [scanned] = await runCalls(runner, [
    { script: scanTenantsScript, keys: [TENANTS_REDIS_KEY], args: [cursor, String(TENANTS_PER_PAGE)] },
  ]);
  const [next, flat] = expectOk(scanned) as [unknown, unknown];
  const page = tenantPairs(flat);
  if (page.length === 0) return { cursor: String(next), tenants: 0, tokens: 0 };
  const tokenLists = (
    await runCalls(
      runner,
      page.map(({ id }) => listTokensCall(id)),
    )
  ).map((reply) => parseTokenList(expectOk(reply)));
  const writes = page.map(({ id, json }, i) => {
    const record = JSON.parse(json) as TenantRecord;
    const tokens = tokenLists[i] ?? [];
    return putTenantCall({ tenant: id, readJson: json, tokenCount: tokens.length, changes: tenantIndexChanges(record, record, tokens) });
  });
  const replies = await runInPipelines(runner, writes);
  for (const [i, reply] of replies.entries()) {
    const tenant = page[i]?.id;
    if (tenant !== undefined && Number(expectOk(reply)) !== 1) await rebuildOne(tenant);
  }
  return { cursor: String(next), tenants: page.length, tokens: tokenLists.reduce((sum, tokens) => sum + tokens.length, 0) };
}

function tenantPairs(flat: unknown): { id: TenantId; json: string }[] {
  const out: { id: TenantId; json: string }[] = [];
  if (!Array.isArray(flat)) return out;
  for (let i = 0; i + 1 < flat.length; i += 2) out.push({ id: String(flat[i]) as TenantId, json: String(flat[i + 1]) });
  return out;
}

async function runInPipelines(runner: RedisRunner, calls: ScriptCall[]): Promise<RedisReply[]> {
  const replies: RedisReply[] = [];
  let batch: ScriptCall[] = [];
  let bytes = 0;
  for (const call of calls) {
    const size = callBytes(call);
    if (batch.length > 0 && bytes + size > PIPELINE_BYTES) {
      replies.push(...(await runCalls(runner, batch)));
      batch = [];
      bytes = 0;
    }
    batch.push(call);
    bytes += size;
  }
  if (batch.length > 0) replies.push(...(await runCalls(runner, batch)));
  return replies;
}
