import { afterEach, describe, expect, it } from "vitest";
import { ORIGIN_HOST, ORIGIN_URL, originPrefix, originStats, setOrigin, type WarmHarness, warmHarness } from "../shared/warm/warm-kit";

let harness: WarmHarness | undefined;
afterEach(async () => {
  await harness?.cleanUp();
  harness = undefined;
});

const target = (url: string) => ({ schedule: "1h", targets: [{ key: "k", url }] });

describe("API7 server-side request forgery", () => {
  it("refuses every warm origin outside the tenant's allowlist, whatever the URL trick", async () => {
    // Production policy: private hosts not allowed, allowlist naming only api.example.com.
    harness = await warmHarness({ originHosts: ["api.example.com"], vars: { ALLOW_PRIVATE_ORIGINS: "false" } });
    for (const url of [
      "https://evil.example.net/x",
      "https://api.example.com.evil.net/x",
      "https://api.example.com@evil.net/x",
      "https://user:pass@api.example.com/x",
      "http://api.example.com/x",
      "https://169.254.169.254/latest/meta-data/",
      "https://127.0.0.1/x",
      "https://[::1]/x",
      "https://localhost/x",
      "https://api.example.com:8443/x",
      `${ORIGIN_URL}/x`,
    ]) {
      const res = await harness.putPlan("p", target(url));
      expect(res.status, url).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: "invalid_body" } });
    }
    expect((await harness.putPlan("p", target("https://api.example.com/items/1"))).status).toBeLessThan(300);
  });

  it("checks the allowlist again when fetching, so a narrowed allowlist stops a saved plan", async () => {
    const prefix = originPrefix();
    await setOrigin(prefix, { body: "internal" });
    harness = await warmHarness({ originHosts: [ORIGIN_HOST] });
    expect((await harness.putPlan("p", target(`${ORIGIN_URL}${prefix}k`))).status).toBeLessThan(300);
    await harness.as("/v1/warm/plans/p/run", { method: "POST" });
    expect((await originStats(prefix)).total).toBe(1);
    const narrowed = await harness.base.admin(`/admin/tenants/${harness.tenant.tenant}`, {
      method: "PATCH",
      body: JSON.stringify({ originHosts: ["api.example.com"] }),
      headers: { "Content-Type": "application/json" },
    });
    expect(narrowed.status).toBe(200);
    // A fresh isolate, so the tenant record (and its allowlist) is read again.
    const run = await harness.base.otherIsolate().as(harness.tenant, "/v1/warm/plans/p/run", { method: "POST" });
    expect(await run.json()).toMatchObject({ run: { ok: 0 } });
    // The plan's next slot, when a tick runs it.
    await harness.cron("0 * * * *", Math.floor(Date.now() / 3_600_000) * 3_600_000 + 3_600_000);
    expect((await originStats(prefix)).total).toBe(1);
  });
});
