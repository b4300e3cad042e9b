import { describe, expect, it } from "vitest";
import { cachePath, type TestApp, type TestTenant, testApp } from "../helpers/worker/test-env";

const json = (method: string, body: unknown): RequestInit => ({
  method,
  body: JSON.stringify(body),
  headers: { "Content-Type": "application/json" },
});
const put = (body: string, contentType = "text/plain"): RequestInit => ({ method: "PUT", body, headers: { "Content-Type": contentType } });

/** Seconds of freshness a batch read reports for each key. */
async function ttlsOf(app: TestApp, tenant: TestTenant, keys: string[]): Promise<number[]> {
  const res = await app.as(tenant, "/v1/batch", json("POST", { get: keys }));
  const body = (await res.json()) as { get: { ttl?: number }[] };
  return body.get.map((result) => result.ttl ?? -1);
}

const today = new Date().toISOString().slice(0, 10);
const policies = [
  { prefix: "fixed/", ttl: 123, swr: 7 },
  // Open all day, every day (from == to), in UTC: its ttl applies unless today is closed.
  { prefix: "open/", ttl: 900, windows: [{ timeZone: "UTC", from: "00:00", to: "00:00", ttl: 45 }] },
  { prefix: "closed/", ttl: 900, windows: [{ timeZone: "UTC", from: "00:00", to: "00:00", ttl: 45, closed: [today] }] },
  { glob: "*.json", contentType: "application/json", ttl: 600 },
];

describe("/v1/policies/lifetimes", () => {
  it("stores the tenant's ordered policies (manage scope), and refuses malformed ones", async () => {
    const app = await testApp({ tenants: 1 });
    const [alice] = app.tenants;
    expect(await (await app.as(alice!, "/v1/policies/lifetimes")).json()).toEqual({ policies: [] });
    const saved = await app.as(alice!, "/v1/policies/lifetimes", json("PUT", { policies }));
    expect(saved.status).toBe(200);
    expect(
      await app
        .otherIsolate()
        .as(alice!, "/v1/policies/lifetimes")
        .then((r) => r.json()),
    ).toEqual({ policies });

    const reader = await app.issueToken(alice!, { scopes: ["read", "write"] });
    expect((await app.as(reader, "/v1/policies/lifetimes", json("PUT", { policies: [] }))).status).toBe(403);
    for (const bad of [
      [{ prefix: "a", glob: "b", ttl: 1 }],
      [{ prefix: "a", ttl: 10_000_000 }],
      [{ prefix: "a", ttl: 1, windows: [{ timeZone: "Nowhere/Zone", from: "09:00", to: "10:00", ttl: 1 }] }],
    ]) {
      const res = await app.as(alice!, "/v1/policies/lifetimes", json("PUT", { policies: bad }));
      expect(res.status, JSON.stringify(bad)).toBe(400);
    }
  });

  it("gives writes without a ttl the first matching policy's lifetime, its open window's, or the default", async () => {
    const app = await testApp({ tenants: 1 });
    const [alice] = app.tenants;
    await app.as(alice!, "/v1/policies/lifetimes", json("PUT", { policies }));
    // A fresh isolate reads the tenant record with its policies.
    const writer = app.otherIsolate();
    await writer.as(alice!, cachePath("fixed/a"), put("v"));
    await writer.as(alice!, cachePath("fixed/own", "?ttl=50"), put("v"));
    await writer.as(alice!, cachePath("open/a"), put("v"));
    await writer.as(alice!, cachePath("closed/a"), put("v"));
    await writer.as(alice!, cachePath("doc.json"), put("{}", "application/json"));
    await writer.as(alice!, cachePath("doc2.json"), put("{}", "text/plain"));
    await writer.as(
      alice!,
      "/v1/batch",
      json("POST", {
        set: [
          { key: "fixed/batched", value: "v" },
          { key: "plain", value: "v" },
        ],
      }),
    );

    const ttls = await ttlsOf(writer, alice!, [
      "fixed/a",
      "fixed/own",
      "open/a",
      "closed/a",
      "doc.json",
      "doc2.json",
      "fixed/batched",
      "plain",
    ]);
    // Freshness left is reported in whole seconds, so a second may have passed.
    // The rest get the default, DEFAULT_TTL_SECONDS (300).
    const expected = [123, 50, 45, 900, 600, 300, 123, 300];
    for (const [i, ttl] of ttls.entries()) {
      expect(ttl, `key ${i}`).toBeGreaterThanOrEqual((expected[i] as number) - 1);
      expect(ttl, `key ${i}`).toBeLessThanOrEqual(expected[i] as number);
    }
  });
});
