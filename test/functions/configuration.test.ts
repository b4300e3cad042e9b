import { describe, expect, it } from "vitest";
import { testApp } from "../helpers/worker/test-env";

describe("a bad configuration", () => {
  it("answers a JSON 500 naming each bad variable, never a secret's value", async () => {
    const secret = "super-secret-upstash-token-value";
    const app = await testApp({
      tenants: 0,
      vars: { L1_BUDGET_BYTES: "lots", EDGE_CACHE_STORE: "disk", UPSTASH_REDIS_REST_URL: "not a url", UPSTASH_REDIS_REST_TOKEN: secret },
    });
    const res = await app.request("/health");
    expect(res.status).toBe(500);
    const body = await res.json();
    expect(body).toMatchObject({ error: { code: "misconfigured" } });
    const message: string = (body as { error: { message: string } }).error.message;
    for (const name of ["L1_BUDGET_BYTES", "EDGE_CACHE_STORE", "UPSTASH_REDIS_REST_URL"]) expect(message).toContain(name);
    expect(message).not.toContain(secret);
    expect(message).not.toContain("not a url");
  });

  it("names TOKEN_PEPPER when it is too short, without echoing it", async () => {
    const app = await testApp({ tenants: 0, vars: { TOKEN_PEPPER: "short-pepper" } });
    const res = await app.request("/health");
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).toContain("TOKEN_PEPPER");
    expect(text).not.toContain("short-pepper");
  });
});
