import { Hono } from "hono";
import * as z from "zod";
import type { Entry } from "../shared/cache/entry";
import type { EntryKey, TenantId } from "../shared/cache/keys";
import type { L2Store } from "../shared/cache/l2-store";
import { StoreUnavailableError } from "../shared/cache/store";
import type { TieredStore } from "../shared/cache/tiered-store";
import { toBase64, tryDecodeUtf8 } from "../shared/encoding";
import type { AppEnv } from "./app-env";
import { limitsOf } from "./http/limits";
import { methodNotAllowed } from "./http/method-not-allowed";
import { redisRequired } from "./http/redis-required";
import { parseOr400 } from "./http/validation";
import { requireScope } from "./middleware/require-scope";

/**
 * Values one Redis read of a page may carry, at the tenant's largest value size. With the default
 * 1 MiB limit a page's entries are read 8 at a time; small-value tenants read a page in one request.
 */
const READ_BUDGET_BYTES = 8 * 1024 * 1024;
/** `count` is capped at this many reads' worth of keys, so a page stays within Workers' subrequest limits. */
const MAX_READS_PER_PAGE = 10;
/**
 * SCANs one page may make to gather `count` keys. In a database shared by many tenants most
 * buckets hold other tenants' keys; without a few scans per page, most pages would come back empty.
 */
const MAX_SCANS_PER_PAGE = 10;

const querySchema = z.object({
  cursor: z
    .string()
    .regex(/^\d{1,20}$/, "cursor must be the X-Next-Cursor of the previous page")
    .default("0"),
  count: z.coerce.number().int("count must be a whole number").min(1).max(1000).default(100),
});

/**
 * GET /v1/export?cursor=&count=: one page of the calling tenant's live entries as NDJSON, walked
 * with SCAN over the tenant's own key pattern. `X-Next-Cursor` names the next page ("0": done).
 * `count` is the entries wanted per page (a hint: a page may hold a few more, fewer, or none).
 * Entries are read through the L2 store, so cleared, invalidated and expired entries are skipped
 * exactly as reads skip them.
 * Only Redis is exported: a value that lives in one isolate's memory (a 202 write) is not.
 */
export const exportEntries = new Hono<AppEnv>()
  .get("/", requireScope("manage"), async (c) => {
    const { store } = c.get("services");
    const l2 = store.l2;
    if (!l2) throw redisRequired("Exports");
    const query = parseOr400(querySchema, { cursor: c.req.query("cursor"), count: c.req.query("count") }, "invalid_query");
    const perRead = Math.max(1, Math.min(1000, Math.floor(READ_BUDGET_BYTES / limitsOf(c).maxValueBytes)));
    const page = await scanPage(store, l2, c.get("tenant"), query.cursor, Math.min(query.count, perRead * MAX_READS_PER_PAGE));
    const groups = chunk(page.keys, perRead);
    const read = (keys: EntryKey[]) => readLines(store, l2, keys);

    // The first group is read before answering, so a failing Redis is a 503 and not a cut stream.
    const first = groups.length > 0 ? await read(groups[0] as EntryKey[]) : "";
    const headers = { "Content-Type": "application/x-ndjson", "X-Next-Cursor": page.next, "Cache-Control": "no-store" };
    if (groups.length <= 1) return c.body(first, 200, headers);
    const encoder = new TextEncoder();
    let next = 1;
    // Later groups stream as they are read, so a page never holds more than one group's values.
    // A failure errors the stream: the client sees a broken body, never a short page that looks whole.
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => controller.enqueue(encoder.encode(first)),
      pull: async (controller) => {
        const group = groups[next++];
        if (!group) return controller.close();
        controller.enqueue(encoder.encode(await read(group)));
      },
    });
    return c.body(body, 200, headers);
  })
  .all("/", methodNotAllowed("GET"));

/** Up to `count` keys (a few more when a SCAN overshoots), and the cursor after them. */
async function scanPage(store: TieredStore, l2: L2Store, tenant: TenantId, cursor: string, count: number) {
  const found = new Map<string, EntryKey>();
  let scans = 0;
  do {
    const answer = await store.breaker.run(() => l2.scanKeys(tenant, cursor, count));
    if (!answer.ok) throw new StoreUnavailableError("export scan failed", { cause: answer.error });
    // SCAN may return a key twice (while Redis rehashes): the map keeps one.
    for (const key of answer.value.keys) found.set(key.key, key);
    cursor = answer.value.next;
    scans++;
  } while (cursor !== "0" && found.size < count && scans < MAX_SCANS_PER_PAGE);
  return { next: cursor, keys: [...found.values()] };
}

/** One NDJSON line per servable entry, in one Redis request through the store's circuit breaker. */
async function readLines(store: TieredStore, l2: L2Store, keys: EntryKey[]): Promise<string> {
  const answer = await store.breaker.run(() => l2.batch(keys.map((key) => ({ type: "get", key }))));
  if (!answer.ok) throw new StoreUnavailableError("export read failed", { cause: answer.error });
  const now = Date.now();
  let lines = "";
  for (const [i, result] of answer.value.entries()) {
    if (result.type === "error") throw result.error;
    if (result.type === "get" && result.lookup) lines += `${exportLine((keys[i] as EntryKey).key, result.lookup.entry, now)}\n`;
  }
  return lines;
}

/** Lifetimes are what is left, rounded up: ttl 0 means the entry is stale now. */
function exportLine(key: string, entry: Entry, now: number): string {
  const text = tryDecodeUtf8(entry.value);
  return JSON.stringify({
    key,
    value: text ?? toBase64(entry.value),
    encoding: text === undefined ? "base64" : "utf8",
    contentType: entry.contentType,
    ttl: Math.max(0, Math.ceil((entry.freshUntil - now) / 1000)),
    swr: Math.max(0, Math.ceil((entry.staleUntil - Math.max(entry.freshUntil, now)) / 1000)),
    tags: entry.tags,
  });
}

function chunk<T>(items: T[], size: number): T[][] {
  const groups: T[][] = [];
  for (let i = 0; i < items.length; i += size) groups.push(items.slice(i, i + size));
  return groups;
}
