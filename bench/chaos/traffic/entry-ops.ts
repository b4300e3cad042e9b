import { makeValue } from "../values.ts";
import type { WriteOutcome } from "./journal.ts";
import type { KeyClass, Lifetime } from "./key-space.ts";
import { keyPath } from "./key-space.ts";
import { judgeRead } from "./read-check.ts";
import { type Access, errorsOf, send, type TrafficContext } from "./send.ts";

export interface PutSpec {
  key: string;
  keyClass: KeyClass;
  lifetime: Lifetime;
  binary: boolean;
  length: number;
  tags?: string[];
}

/** PUT /v1/cache/{key}: 201 is an acknowledged Redis write, 202 a memory-only one. */
export async function putEntry(ctx: TrafficContext, access: Access, spec: PutSpec): Promise<WriteOutcome> {
  const seq = ctx.journal.issueSeq(access.tenant, spec.key);
  const value = makeValue({ tenant: access.tenant, key: spec.key, seq, binary: spec.binary, length: spec.length });
  const query = new URLSearchParams({ ttl: String(spec.lifetime.ttlSeconds), swr: String(spec.lifetime.swrSeconds) });
  if (spec.tags) query.set("tags", spec.tags.join(","));
  const { response, record } = await send(
    ctx,
    "put",
    access,
    `${keyPath(spec.key)}?${query}`,
    {
      method: "PUT",
      headers: { "content-type": spec.binary ? "application/octet-stream" : "text/plain" },
      body: value,
    },
    { sets: 1, memoryOnlyWrites: 1, bytesIn: value.byteLength, errors: 1 },
    ({ status }) =>
      status === 201
        ? { sets: 1, bytesIn: value.byteLength }
        : status === 202
          ? { sets: 1, memoryOnlyWrites: 1, bytesIn: value.byteLength }
          : errorsOf(status),
  );
  const outcome: WriteOutcome = response.status === 201 ? "redis" : response.status === 202 ? "memory" : "failed";
  ctx.journal.record({
    kind: "write",
    recordId: record.id,
    tenant: access.tenant,
    key: spec.key,
    keyClass: spec.keyClass,
    start: record.start,
    end: record.end,
    seq,
    outcome,
    ttlSeconds: spec.lifetime.ttlSeconds,
    swrSeconds: spec.lifetime.swrSeconds,
  });
  return outcome;
}

const CACHE_COUNTER = { "HIT-L1": "l1Hits", "HIT-L2": "l2Hits", STALE: "staleServed" } as const;

/** GET /v1/cache/{key}; the value is checked against what this tenant wrote under this key. Returns the status. */
export async function getEntry(ctx: TrafficContext, access: Access, key: string, keyClass: KeyClass): Promise<number> {
  const { response, record } = await send(
    ctx,
    "get",
    access,
    keyPath(key),
    {},
    { l1Hits: 1, l2Hits: 1, staleServed: 1, misses: 1, errors: 1 },
    ({ status, headers, body }) => {
      if (status === 200) {
        const counter = CACHE_COUNTER[headers.get("x-cache") as keyof typeof CACHE_COUNTER] ?? "l1Hits";
        return { [counter]: 1, bytesOut: body.byteLength };
      }
      return status === 404 ? { misses: 1 } : errorsOf(status);
    },
  );
  const base = { recordId: record.id, tenant: access.tenant, key, keyClass, start: record.start, end: record.end };
  if (response.status === 200) {
    const judged = judgeRead(response.body, access.tenant, key, ctx.journal.issuedSeq(access.tenant, key));
    ctx.journal.record({
      ...base,
      kind: "read",
      outcome: "hit",
      ...judged,
      cache: response.headers.get("x-cache") ?? "?",
      ageSeconds: Number(response.headers.get("age") ?? Number.NaN),
    });
    return response.status;
  }
  const outcome =
    response.status === 404 ? "miss" : response.status === 503 ? "unavailable" : response.status === 429 ? "refused" : "failed";
  ctx.journal.record({ ...base, kind: "read", outcome });
  return response.status;
}

/** DELETE /v1/cache/{key}: 204, or 503 when Redis cannot apply it. */
export async function deleteEntry(ctx: TrafficContext, access: Access, key: string, keyClass: KeyClass): Promise<void> {
  const { response, record } = await send(
    ctx,
    "delete",
    access,
    keyPath(key),
    { method: "DELETE" },
    { deletes: 1, errors: 1 },
    ({ status }) => (status === 204 ? { deletes: 1 } : errorsOf(status)),
  );
  const outcome = response.status === 204 ? "deleted" : response.status === 503 ? "unavailable" : "failed";
  ctx.journal.record({
    kind: "delete",
    recordId: record.id,
    tenant: access.tenant,
    key,
    keyClass,
    start: record.start,
    end: record.end,
    outcome,
  });
}

/** POST /v1/invalidate for some tags. */
export async function invalidateTags(ctx: TrafficContext, access: Access, tags: string[]): Promise<void> {
  await send(
    ctx,
    "invalidate",
    access,
    "/v1/invalidate",
    { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ tags }) },
    { tagInvalidations: tags.length, errors: 1 },
    ({ status }) => (status === 200 ? { tagInvalidations: tags.length } : errorsOf(status)),
  );
}
