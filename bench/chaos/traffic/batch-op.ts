import { makeValue } from "../values.ts";
import type { PutSpec } from "./entry-ops.ts";
import { jsonOf } from "./http.ts";
import type { ReadOutcome, WriteOutcome } from "./journal.ts";
import type { KeyClass } from "./key-space.ts";
import { judgeRead } from "./read-check.ts";
import { type Access, errorsOf, send, type TrafficContext } from "./send.ts";
import type { Tally } from "./stats-tally.ts";

interface GetResult {
  key: string;
  status: "hit" | "stale" | "miss" | "error";
  tier?: "l1" | "l2";
  value?: string;
  encoding?: "utf8" | "base64";
}

interface SetResult {
  key: string;
  status: "stored" | "exists" | "error";
  stored?: "redis" | "memory";
}

interface BatchAnswer {
  get: GetResult[];
  set: SetResult[];
}

const encoder = new TextEncoder();

/** What the worker counts for one batch answered 200 (functions/batch.ts). */
function countedBatch(answer: BatchAnswer | undefined, bytesIn: number): Partial<Tally> {
  const tally: Partial<Tally> = { bytesIn };
  const add = (name: keyof Tally) => {
    tally[name] = (tally[name] ?? 0) + 1;
  };
  for (const get of answer?.get ?? []) {
    if (get.status === "hit") add(get.tier === "l2" ? "l2Hits" : "l1Hits");
    else if (get.status === "stale") add("staleServed");
    else if (get.status === "miss") add("misses");
    else add("errors");
  }
  for (const set of answer?.set ?? []) {
    if (set.status !== "stored") continue;
    add("sets");
    if (set.stored === "memory") add("memoryOnlyWrites");
  }
  return tally;
}

/** POST /v1/batch with gets and sets; every per-operation result is journaled like its single-key twin. */
export async function batch(
  ctx: TrafficContext,
  access: Access,
  gets: { key: string; keyClass: KeyClass }[],
  sets: PutSpec[],
): Promise<void> {
  const { journal } = ctx;
  const written = sets.map((spec) => {
    const seq = journal.issueSeq(access.tenant, spec.key);
    return { spec, seq, value: makeValue({ tenant: access.tenant, key: spec.key, seq, binary: spec.binary, length: spec.length }) };
  });
  const bytesIn = written.reduce((sum, { value }) => sum + value.byteLength, 0);
  const body = {
    get: gets.map(({ key }) => key),
    set: written.map(({ spec, value }) => ({
      key: spec.key,
      value: spec.binary ? Buffer.from(value).toString("base64") : Buffer.from(value).toString("latin1"),
      encoding: spec.binary ? "base64" : "utf8",
      ttl: spec.lifetime.ttlSeconds,
      swr: spec.lifetime.swrSeconds,
    })),
  };
  const n = gets.length;
  const m = sets.length;
  const { response, record } = await send(
    ctx,
    "batch",
    access,
    "/v1/batch",
    { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) },
    { l1Hits: n, l2Hits: n, staleServed: n, misses: n, errors: n + 1, sets: m, memoryOnlyWrites: m, bytesIn },
    ({ status, body: answer }) => (status === 200 ? countedBatch(jsonOf<BatchAnswer>(answer), bytesIn) : errorsOf(status)),
  );
  const answer = response.status === 200 ? jsonOf<BatchAnswer>(response.body) : undefined;
  const base = { recordId: record.id, tenant: access.tenant, start: record.start, end: record.end };

  gets.forEach(({ key, keyClass }, i) => {
    const result = answer?.get[i];
    const outcome: ReadOutcome =
      result?.status === "hit" || result?.status === "stale"
        ? "hit"
        : result?.status === "miss"
          ? "miss"
          : result
            ? "unavailable"
            : "failed";
    if (outcome !== "hit" || result?.value === undefined) {
      journal.record({ ...base, key, keyClass, kind: "read", outcome });
      return;
    }
    const bytes = result.encoding === "base64" ? new Uint8Array(Buffer.from(result.value, "base64")) : encoder.encode(result.value);
    journal.record({
      ...base,
      key,
      keyClass,
      kind: "read",
      outcome,
      ...judgeRead(bytes, access.tenant, key, journal.issuedSeq(access.tenant, key)),
      cache: result.status === "stale" ? "STALE" : `HIT-${(result.tier ?? "l1").toUpperCase()}`,
    });
  });

  written.forEach(({ spec, seq }, i) => {
    const result = answer?.set[i];
    const outcome: WriteOutcome =
      result?.status === "stored" ? (result.stored === "memory" ? "memory" : "redis") : result?.status === "exists" ? "exists" : "failed";
    journal.record({
      ...base,
      key: spec.key,
      keyClass: spec.keyClass,
      kind: "write",
      seq,
      outcome,
      ttlSeconds: spec.lifetime.ttlSeconds,
      swrSeconds: spec.lifetime.swrSeconds,
    });
  });
}
