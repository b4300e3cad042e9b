import { Hono } from "hono";
import { createEntry, type Entry, isFresh } from "../shared/cache/entry";
import type { EntryKey } from "../shared/cache/keys";
import { type Operation, type OperationResult, wireDurability } from "../shared/cache/store";
import { fromBase64, toBase64, tryDecodeUtf8 } from "../shared/encoding";
import { ApiError } from "../shared/errors";
import type { Lifetime } from "../shared/lifetimes/lifetime-policy";
import { type BatchBody, batchBodySchema } from "../shared/schemas";
import type { AppEnv } from "./app-env";
import { assertValidKey } from "./http/cache-key";
import { writeLifetime } from "./http/lifetime";
import { limitsOf } from "./http/limits";
import { methodNotAllowed } from "./http/method-not-allowed";
import { readJsonWithLimit } from "./http/read-body";
import { storageFull } from "./http/storage-full";
import { parseOr400 } from "./http/validation";
import { waitUntilOf } from "./http/wait-until";
import { assertScope } from "./middleware/require-scope";

const encoder = new TextEncoder();

/**
 * POST /v1/batch: gets, then sets, then deletes, in one round trip to Redis. Results come back
 * per operation, in request order within each list; one failed operation fails only itself.
 */
export const batch = new Hono<AppEnv>()
  .post("/", async (c) => {
    const { store, stats } = c.get("services");
    const limits = limitsOf(c);
    const tenant = c.get("tenant");
    const raw = await readJsonWithLimit(c.req.raw, limits.maxBatchBodyBytes);
    const body = parseOr400(batchBodySchema(limits), raw, "invalid_body");
    const count = body.get.length + body.set.length + body.delete.length;
    if (count > limits.maxBatchOperations)
      throw new ApiError(413, "payload_too_large", `A batch holds at most ${limits.maxBatchOperations} operations`);
    if (body.get.length > 0) assertScope(c.get("token").scopes, "read");
    if (body.set.length + body.delete.length > 0) assertScope(c.get("token").scopes, "write");

    const now = Date.now();
    const operations: Operation[] = [
      ...body.get.map((key): Operation => ({ type: "get", key: keyOf(tenant, key) })),
      ...(await Promise.all(
        body.set.map(
          async (set): Promise<Operation> => ({
            type: "set",
            key: keyOf(tenant, set.key),
            entry: await entryOf(set, limits.maxValueBytes, (write) => writeLifetime(c, limits, write, now), now),
            options: { storageBudgetBytes: limits.storageBytes },
          }),
        ),
      )),
      ...body.delete.map((key): Operation => ({ type: "delete", key: keyOf(tenant, key) })),
    ];
    const results = await store.batch(operations, { background: waitUntilOf(c) });

    const getResults = body.get.map((key, i) => describeGet(key, results[i], now));
    const setResults = body.set.map((set, i) => describeSet(set.key, results[body.get.length + i], limits.storageBytes));
    const deleteResults = body.delete.map((key, i) => describeDelete(key, results[body.get.length + body.set.length + i]));
    for (const result of getResults)
      stats.add(
        tenant,
        result.status === "hit"
          ? result.tier === "l1"
            ? "l1Hits"
            : "l2Hits"
          : result.status === "stale"
            ? "staleServed"
            : result.status === "miss"
              ? "misses"
              : "errors",
      );
    for (const result of setResults) {
      if (result.status !== "stored") continue;
      stats.add(tenant, "sets");
      if (result.stored === "memory") stats.add(tenant, "memoryOnlyWrites");
    }
    for (const result of deleteResults) if (result.status === "deleted") stats.add(tenant, "deletes");
    stats.add(
      tenant,
      "bytesIn",
      operations.reduce((sum, op) => sum + (op.type === "set" ? op.entry.value.byteLength : 0), 0),
    );
    return c.json({ get: getResults, set: setResults, delete: deleteResults });
  })
  .all("/", methodNotAllowed("POST"));

function keyOf(tenant: EntryKey["tenant"], key: string): EntryKey {
  assertValidKey(key);
  return { tenant, key };
}

async function entryOf(
  set: BatchBody["set"][number],
  maxValueBytes: number,
  lifetimeOf: (write: { key: string; contentType: string; ttl?: number | undefined; swr?: number | undefined }) => Lifetime,
  now: number,
): Promise<Entry> {
  let value: Uint8Array;
  if (set.encoding === "base64") {
    try {
      value = fromBase64(set.value);
    } catch {
      throw new ApiError(400, "invalid_body", `set ${JSON.stringify(set.key).slice(0, 80)}: value is not base64`);
    }
  } else {
    value = encoder.encode(set.value);
  }
  if (value.byteLength > maxValueBytes) throw new ApiError(413, "payload_too_large", `Values are at most ${maxValueBytes} bytes`);
  const contentType = set.contentType ?? (set.encoding === "base64" ? "application/octet-stream" : "text/plain; charset=utf-8");
  const { ttlSeconds, swrSeconds } = lifetimeOf({ key: set.key, contentType, ttl: set.ttl, swr: set.swr });
  return createEntry({ value, contentType, ttlSeconds, swrSeconds, tags: set.tags }, now);
}

function describeGet(key: string, result: OperationResult | undefined, now: number) {
  if (result?.type === "error")
    return { key, status: "error" as const, error: { code: "store_unavailable", message: "Redis is unavailable" } };
  if (result?.type !== "get" || !result.lookup) return { key, status: "miss" as const };
  const { entry, tier, degraded } = result.lookup;
  const text = tryDecodeUtf8(entry.value);
  return {
    key,
    status: degraded || !isFresh(entry, now) ? ("stale" as const) : ("hit" as const),
    tier,
    value: text ?? toBase64(entry.value),
    encoding: text === undefined ? ("base64" as const) : ("utf8" as const),
    contentType: entry.contentType,
    etag: entry.etag,
    ttl: Math.max(0, Math.floor((entry.freshUntil - now) / 1000)),
  };
}

function describeSet(key: string, result: OperationResult | undefined, storageBudgetBytes: number) {
  if (result?.type !== "set")
    return { key, status: "error" as const, error: { code: "store_unavailable", message: "Redis is unavailable" } };
  if (result.result.status === "exists") return { key, status: "exists" as const };
  if (result.result.status === "over_budget") {
    const { code, message } = storageFull(storageBudgetBytes);
    return { key, status: "error" as const, error: { code, message } };
  }
  return { key, status: "stored" as const, stored: wireDurability(result.result.durability), etag: result.result.entry.etag };
}

function describeDelete(key: string, result: OperationResult | undefined) {
  if (result?.type !== "delete")
    return { key, status: "error" as const, error: { code: "store_unavailable", message: "Redis is unavailable" } };
  return { key, status: "deleted" as const };
}
