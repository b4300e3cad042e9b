import { describe, expect, it } from "vitest";
import { cachePath, testApp } from "../helpers/worker/test-env";

const APP_ORIGIN = "https://app.example.test";
const SECURITY_HEADERS = {
  "X-Content-Type-Options": "nosniff",
  "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'; sandbox",
  "Referrer-Policy": "no-referrer",
};

function expectRequestHeaders(res: Response, requestId?: string) {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(res.headers.get(name)).toBe(value);
  expect(res.headers.get("Access-Control-Allow-Origin")).toBe(APP_ORIGIN);
  expect(res.headers.get("Vary")).toBe("Origin");
  if (requestId) expect(res.headers.get("X-Request-Id")).toBe(requestId);
  else expect(res.headers.get("X-Request-Id")).toMatch(/^[0-9a-f-]{36}$/);
}

describe("the headers every /v1 answer carries", () => {
  it("are on an entry read built at once (200 from L1, 304) and on answers built any other way (404, 201, 400)", async () => {
    const app = await testApp({ tenants: 1, tenant: { record: { allowedOrigins: [APP_ORIGIN] } } });
    const alice = app.tenants[0]!;
    const browser = { Origin: APP_ORIGIN };
    const put = await app.as(alice, cachePath("page"), {
      method: "PUT",
      body: "<p>hi</p>",
      headers: { ...browser, "Content-Type": "text/html" },
    });
    expect(put.status).toBe(201);
    expectRequestHeaders(put);
    expect(put.headers.get("ETag")).toBeTruthy();

    const hit = await app.as(alice, cachePath("page"), { headers: { ...browser, "X-Request-Id": "caller-id-1" } });
    expect(hit.status).toBe(200);
    expect(hit.headers.get("X-Cache")).toBe("HIT-L1");
    expect(hit.headers.get("Content-Type")).toBe("text/html");
    expect(await hit.text()).toBe("<p>hi</p>");
    expectRequestHeaders(hit, "caller-id-1");

    const notModified = await app.as(alice, cachePath("page"), { headers: { ...browser, "If-None-Match": put.headers.get("ETag")! } });
    expect(notModified.status).toBe(304);
    expectRequestHeaders(notModified);

    const miss = await app.as(alice, cachePath("absent"), { headers: browser });
    expect(miss.status).toBe(404);
    expect(miss.headers.get("X-Cache")).toBe("MISS");
    expectRequestHeaders(miss);

    const bad = await app.as(alice, `${cachePath("page")}?ttl=-1`, {
      method: "PUT",
      body: "x",
      headers: { ...browser, "Content-Type": "text/plain" },
    });
    expect(bad.status).toBe(400);
    expectRequestHeaders(bad);
  });

  it("carry a caller's request id only when it is safe to echo and log", async () => {
    const app = await testApp({ tenants: 1 });
    const alice = app.tenants[0]!;
    const echoed = await app.as(alice, cachePath("k"), { headers: { "X-Request-Id": "abc-DEF_1=" } });
    expect(echoed.headers.get("X-Request-Id")).toBe("abc-DEF_1=");
    for (const unsafe of ["a b", 'x"y', "id;drop", "z".repeat(256)]) {
      const replaced = await app.as(alice, cachePath("k"), { headers: { "X-Request-Id": unsafe } });
      expect(replaced.headers.get("X-Request-Id")).toMatch(/^[0-9a-f-]{36}$/);
    }
    const unrouted = await app.request("/no-such-route");
    expect(unrouted.status).toBe(404);
    expect(unrouted.headers.get("X-Request-Id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});
