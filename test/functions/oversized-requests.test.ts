import { describe, expect, it } from "vitest";
import { toBase64 } from "../../shared/encoding";
import { entryRedisKey } from "../../shared/redis/key-layout";
import { servicesFor } from "../../shared/services";
import { cachePath, gatewayScope, redisRunner, testApp } from "../helpers/worker/test-env";

const MIB = 1024 * 1024;
const THRESHOLD = 2;
// The smallest L2_MAX_REQUEST_BYTES the default MAX_VALUE_BYTES allows is ~1.46 MB; this keeps the test light.
const LIMIT = 2_000_000;

const json = (body: unknown): RequestInit => ({
  method: "POST",
  body: JSON.stringify(body),
  headers: { "Content-Type": "application/json" },
});

/** Bytes that neither compress nor read as text, so each is sent as base64: 4/3 of its size. */
function randomBytes(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i += 65_536) crypto.getRandomValues(bytes.subarray(i, i + 65_536));
  return bytes;
}

async function appWithThreshold(extraVars: Record<string, string> = {}) {
  const { control, token } = await gatewayScope();
  const app = await testApp({
    tenants: 1,
    vars: {
      UPSTASH_REDIS_REST_TOKEN: token,
      CIRCUIT_FAILURE_THRESHOLD: String(THRESHOLD),
      CIRCUIT_COOLDOWN_MS: "60000",
      L1_MAX_TTL_SECONDS: "0",
      STATS_FLUSH_INTERVAL_MS: "3600000",
      ...extraVars,
    },
  });
  const services = servicesFor(app.env);
  if (!services.ok) throw new Error("test setup: services did not build");
  return { app, control, alice: app.tenants[0] as NonNullable<(typeof app.tenants)[0]>, breaker: services.services.store.breaker };
}

describe("a batch over what one request to Redis can carry", () => {
  it("whose encoded request is over L2_MAX_REQUEST_BYTES answers 413, stores nothing in Redis or memory, and never counts against the circuit", async () => {
    const { app, alice, breaker } = await appWithThreshold({ L2_MAX_REQUEST_BYTES: String(LIMIT) });
    // The body fits under the limit; each set's encoded command carries ~400 bytes more than its
    // JSON in the body (keys, header, arguments), which takes the request ~25 KB past it.
    const set = Array.from({ length: 100 }, (_, i) => ({ key: `big-${i}`, value: toBase64(randomBytes(14_850)), encoding: "base64" }));
    expect(JSON.stringify({ set }).length).toBeLessThan(LIMIT);
    for (let attempt = 0; attempt <= THRESHOLD; attempt++) {
      const res = await app.as(alice, "/v1/batch", json({ set }));
      expect(res.status).toBe(413);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("payload_too_large");
      expect(body.error.message).toMatch(
        new RegExp(`^The encoded request would be \\d+ bytes; L2 accepts at most ${LIMIT}: send fewer or smaller values$`),
      );
    }
    expect(breaker.state).toBe("closed");
    expect(breaker.consecutiveFailures).toBe(0);

    const otherIsolate = app.otherIsolate();
    for (const { key } of set.slice(0, 5)) {
      expect((await app.as(alice, cachePath(key))).status).toBe(404);
      expect((await otherIsolate.as(alice, cachePath(key))).status).toBe(404);
    }
  });

  it("is refused the same while the circuit is open, never kept in memory as if Redis were only down", async () => {
    const { app, control, alice, breaker } = await appWithThreshold({ L2_MAX_REQUEST_BYTES: String(LIMIT) });
    // Verified while Redis answers, so the token is known to this isolate when the circuit opens.
    expect((await app.as(alice, cachePath("warm-up"))).status).toBe(404);
    await control.setFaults({ errorRate: 1, errorStatus: 503 });
    for (let attempt = 0; attempt < THRESHOLD; attempt++) await (await app.as(alice, cachePath(`open-${attempt}`))).arrayBuffer();
    expect(breaker.state).toBe("open");
    await control.clearFaults();

    const set = Array.from({ length: 100 }, (_, i) => ({ key: `big-${i}`, value: toBase64(randomBytes(14_850)), encoding: "base64" }));
    const res = await app.as(alice, "/v1/batch", json({ set }));
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("payload_too_large");
    // A small write in the same state is kept in memory (202 semantics): only the oversized one is refused.
    const small = (await (await app.as(alice, "/v1/batch", json({ set: [{ key: "small", value: "v" }] }))).json()) as {
      set: { stored?: string }[];
    };
    expect(small.set[0]?.stored).toBe("memory");
    expect((await app.as(alice, cachePath("big-0"))).status).not.toBe(200);
  });

  it("whose body is over L2_MAX_REQUEST_BYTES is refused by its Content-Length before it is read", async () => {
    const { app, alice, breaker } = await appWithThreshold();
    // 8 values of 1 MiB (MAX_VALUE_BYTES) are about 11.2 MB as base64: over the 10 MB default.
    const set = Array.from({ length: 8 }, (_, i) => ({ key: `huge-${i}`, value: toBase64(randomBytes(MIB)), encoding: "base64" }));
    const res = await app.as(alice, "/v1/batch", json({ set }));
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: { code: "payload_too_large", message: "Body exceeds the limit of 10000000 bytes" } });
    expect(breaker.consecutiveFailures).toBe(0);
    expect((await app.as(alice, cachePath("huge-0"))).status).toBe(404);
  });
});

describe("the circuit around Redis", () => {
  it("stays closed when Redis answers a command with an error, and still opens on transport failures", async () => {
    const { app, control, alice, breaker } = await appWithThreshold();
    await app.as(alice, cachePath("fine"), { method: "PUT", body: "v", headers: { "Content-Type": "text/plain" } });
    // A hash under an entry key: every script that reads it fails with WRONGTYPE.
    await redisRunner().run([{ op: "hset", key: entryRedisKey({ tenant: alice.tenant, key: "wrong-type" }), fields: { not: "an entry" } }]);
    for (let attempt = 0; attempt <= THRESHOLD; attempt++) {
      const res = await app.as(alice, cachePath("wrong-type"));
      expect(res.status).not.toBe(500);
      await res.arrayBuffer();
    }
    expect(breaker.state).toBe("closed");
    expect(breaker.consecutiveFailures).toBe(0);
    expect((await app.as(alice, cachePath("fine"))).headers.get("X-Cache")).toBe("HIT-L2");

    await control.setFaults({ errorRate: 1, errorStatus: 503 });
    try {
      for (let attempt = 0; attempt < THRESHOLD; attempt++) await (await app.as(alice, cachePath("fine"))).arrayBuffer();
      expect(breaker.state).toBe("open");
    } finally {
      await control.clearFaults();
    }
  });
});
