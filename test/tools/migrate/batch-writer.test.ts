import { describe, expect, it } from "vitest";
import type { BatchRequest, BatchResult, EdgeCacheClient } from "../../../client/index.ts";
import { BatchWriter, StorageFullError, setBodyBytes } from "../../../tools/migrate/batch-writer.ts";
import type { TargetLimits, TenantTarget } from "../../../tools/migrate/tenant-access.ts";

const limits: TargetLimits = {
  maxValueBytes: 1024 * 1024,
  defaultTtlSeconds: 300,
  maxTtlSeconds: 86_400,
  maxBatchOperations: 100,
  maxBatchBodyBytes: 200 * 1024,
  storageBytes: 1e9,
};

/** A tenant whose client records each batch and answers as `answer` says. */
function target(tenant: string, answer: (request: BatchRequest) => BatchResult = stored) {
  const requests: BatchRequest[] = [];
  const client = {
    batch: async (request: BatchRequest) => {
      requests.push(request);
      return answer(request);
    },
  } as unknown as EdgeCacheClient;
  const value: TenantTarget = { tenant, existed: true, limits, client };
  return { target: value, requests };
}

function stored(request: BatchRequest): BatchResult {
  return {
    get: [],
    set: (request.set ?? []).map((set) => ({ key: set.key, status: "stored", stored: "redis", etag: "e" })),
    delete: (request.delete ?? []).map((key) => ({ key, status: "deleted" })),
  };
}

const set = (key: string, bytes: number) => {
  const value = Buffer.alloc(bytes, 1).toString("base64");
  const batchSet = { key, value, encoding: "base64" as const, ttl: 60 };
  return { set: batchSet, bodyBytes: setBodyBytes(batchSet, bytes) };
};

describe("BatchWriter", () => {
  it("sends each tenant's sets in requests within the batch size and the body limit", async () => {
    const a = target("a");
    const b = target("b");
    const writer = new BatchWriter({ batchSize: 100, concurrency: 2 });
    for (let i = 0; i < 150; i++) writer.set(a.target, set(`k${i}`, 10));
    // 60 KiB values: three fit under the 200 KiB body limit (less headroom), not four.
    for (let i = 0; i < 5; i++) writer.set(b.target, set(`big${i}`, 60 * 1024));
    writer.delete(b.target, "gone");
    const result = await writer.flush();
    expect(a.requests.map((request) => request.set?.length)).toEqual([100, 50]);
    expect(b.requests.map((request) => [request.set?.length, request.delete?.length])).toEqual([
      [2, 0],
      [2, 0],
      [1, 0],
      [0, 1],
    ]);
    expect(result).toMatchObject({ stored: 155, deleted: 1, requests: 6, refused: [] });
    expect(writer.pendingKeys).toBe(0);
  });

  it("stops on a full storage budget and reports sets refused on their own", async () => {
    const full = target("full", (request) => ({
      get: [],
      set: (request.set ?? []).map((s) => ({ key: s.key, status: "error", error: { code: "storage_full", message: "budget full" } })),
      delete: [],
    }));
    const writer = new BatchWriter();
    writer.set(full.target, set("k", 10));
    await expect(writer.flush()).rejects.toBeInstanceOf(StorageFullError);

    const picky = target("picky", (request) => ({
      get: [],
      set: (request.set ?? []).map((s) =>
        s.key === "bad"
          ? { key: s.key, status: "error", error: { code: "invalid_key", message: "no" } }
          : { key: s.key, status: "stored", stored: "redis", etag: "e" },
      ),
      delete: [],
    }));
    writer.set(picky.target, set("bad", 1));
    writer.set(picky.target, set("good", 1));
    expect(await writer.flush()).toMatchObject({ stored: 1, refused: [{ tenant: "picky", key: "bad", reason: "no" }] });
  });

  it("sends a batch again when a set was kept in one isolate's memory only", async () => {
    let calls = 0;
    const flaky = target("flaky", (request) => {
      calls++;
      const durability = calls === 1 ? "memory" : "redis";
      return {
        get: [],
        set: (request.set ?? []).map((s) => ({ key: s.key, status: "stored", stored: durability, etag: "e" })),
        delete: [],
      };
    });
    const writer = new BatchWriter({ retry: { sleep: async () => undefined } });
    writer.set(flaky.target, set("k", 1));
    expect(await writer.flush()).toMatchObject({ stored: 1 });
    expect(calls).toBe(2);
  });
});
