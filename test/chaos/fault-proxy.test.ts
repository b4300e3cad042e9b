import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FaultProxy, startFaultProxy } from "../../bench/chaos/stack/fault-proxy.ts";

describe("fault proxy", () => {
  let ran = 0;
  const upstream = createServer((req, res) => {
    ran++;
    req.resume();
    req.on("end", () => res.writeHead(200, { "content-type": "application/json", "upstash-sync-token": "7" }).end('{"result":"OK"}'));
  });
  let proxy: FaultProxy;

  beforeAll(async () => {
    await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
    proxy = await startFaultProxy(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`);
  });
  afterAll(async () => {
    await proxy.stop();
    upstream.close();
  });

  const post = () => fetch(`${proxy.url}/pipeline`, { method: "POST", headers: { authorization: "Bearer t" }, body: "[]" });

  it("passes requests and answers through, headers included", async () => {
    const response = await post();
    expect([response.status, response.headers.get("upstash-sync-token"), await response.text()]).toEqual([200, "7", '{"result":"OK"}']);
  });

  it("resets the connection after the upstream ran the request", async () => {
    proxy.set({ mode: "reset-after-apply" });
    const before = ran;
    await expect(post()).rejects.toThrow();
    expect(ran).toBe(before + 1);
    expect(proxy.struck).toBe(1);
    proxy.set({ mode: "pass" });
  });

  it("delivers a held request even after its client gave up", async () => {
    proxy.set({ mode: "late-delivery", latencyMs: 200, jitterMs: 0 });
    const before = ran;
    await expect(fetch(`${proxy.url}/pipeline`, { method: "POST", body: "[]", signal: AbortSignal.timeout(50) })).rejects.toThrow();
    expect(ran).toBe(before);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(ran).toBe(before + 1);
    proxy.set({ mode: "pass" });
  });

  it("holds the answer after the upstream ran the request", async () => {
    proxy.set({ mode: "late-reply", latencyMs: 150, jitterMs: 0 });
    const started = performance.now();
    expect((await post()).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    proxy.set({ mode: "pass" });
  });
});
