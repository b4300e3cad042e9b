import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateToken } from "../../shared/tenants/token-format";
import { testApp } from "../helpers/worker/test-env";

const ROUTES = [
  "/v1/cache/",
  "/v1/cache",
  "/v1/batch",
  "/v1/invalidate",
  "/v1/stats",
  "/health",
  "/admin/tenants",
  "/admin/tenants/",
  "/admin/tenants/x/tokens",
  "/admin/tenants/x/tokens/y/rotate",
  "/",
  "/v2/cache/",
];
const METHODS = ["GET", "HEAD", "PUT", "POST", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND"];
const pathPiece = fc.oneof(
  fc.string({ maxLength: 20 }).map(encodeURIComponent),
  fc.constantFrom("..", "%2e%2e", "//", "%00", "%FF", "%", "%zz", "a/b", "%2F", "*", "?x=1", "#frag", "é", "%E2%82", "\\", "~"),
  fc.constant("k".repeat(600)),
  fc.string({ unit: "grapheme", maxLength: 10 }).map(encodeURIComponent),
);
const query = fc.oneof(
  fc.constant(""),
  fc.constantFrom(
    "?ttl=10",
    "?ttl=-1",
    "?ttl=1e99",
    "?ttl=NaN",
    "?swr=5",
    "?tags=a,b",
    "?tags=",
    "?tags=,,",
    `?tags=${"t".repeat(200)}`,
    "?ttl=10&ttl=20",
  ),
);
const contentType = fc.constantFrom(
  undefined,
  "application/json",
  "text/plain",
  "application/octet-stream",
  "multipart/form-data; boundary=x",
  "",
  "application/json; charset=utf-16",
  'text/plain; x="y"',
);
const body = fc.oneof(
  fc.constant(undefined),
  fc.string({ maxLength: 200 }),
  fc.json({ maxDepth: 3 }),
  fc.constantFrom(
    '{"get":["a"]}',
    '{"set":[{"key":"a","value":"b"}]}',
    '{"tags":["t"]}',
    '{"id":"fuzz-tenant"}',
    '{"scopes":["read"]}',
    "{",
    "[]",
    "null",
    '{"get":[1]}',
  ),
  fc.uint8Array({ maxLength: 300 }),
);
const header = fc.constantFrom("If-None-Match", "Origin", "Access-Control-Request-Method", "Content-Length", "X-Request-Id", "Accept");
// Clients of their own: past AUTH_FAILURES_PER_MINUTE failed authentications, one client's
// requests are refused 429 before they reach what the fuzz is after. A few share an address.
const clientAddress = fc.oneof(
  fc.ipV4(),
  fc.ipV6(),
  fc.constantFrom(undefined, "198.51.100.1", "", "unknown"),
  fc.string({ maxLength: 80 }),
);
const headerValue = fc.oneof(
  fc.constantFrom("*", '"abc"', "https://evil.example", "GET", "99999999", "-1", "x".repeat(300)),
  fc.string({ maxLength: 30 }),
);

describe("fuzzed requests over every route", () => {
  it("never answer 5xx, and every error is the JSON error shape", async () => {
    const app = await testApp({ tenants: 1 });
    const tenant = app.tenants[0]!;
    const reader = await app.issueToken(tenant, { scopes: ["read"] });
    const authorization = fc.constantFrom(
      undefined,
      `Bearer ${tenant.token}`,
      `Bearer ${reader.token}`,
      `Bearer ${env.ADMIN_TOKEN}`,
      `Bearer ${generateToken()}`,
      "Bearer \u0000",
      "Bearer ec_",
      "Basic abc",
      "Bearer",
    );
    const request = fc.record({
      method: fc.constantFrom(...METHODS),
      route: fc.constantFrom(...ROUTES),
      pieces: fc.array(pathPiece, { maxLength: 3 }),
      query,
      authorization,
      client: clientAddress,
      contentType,
      body,
      extra: fc.array(fc.tuple(header, headerValue), { maxLength: 3 }),
    });
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const headers = new Headers();
        const candidates: [string, string | undefined][] = [
          ["Authorization", r.authorization],
          ["CF-Connecting-IP", r.client],
          ["Content-Type", r.contentType],
          ...r.extra,
        ];
        for (const [name, value] of candidates) {
          if (value === undefined) continue;
          try {
            headers.set(name, value);
          } catch {
            // Values the Headers API itself refuses never reach a Worker either.
          }
        }
        const url = `${r.route}${r.pieces.join("/")}${r.query}`;
        const withBody = r.body !== undefined && r.method !== "GET" && r.method !== "HEAD";
        let res: Response;
        try {
          res = await app.request(url, {
            method: r.method,
            headers,
            ...(withBody ? { body: typeof r.body === "string" ? r.body : (r.body as BodyInit) } : {}),
          });
        } catch (error) {
          // The request could not be built (an invalid URL): nothing reached the app.
          if (error instanceof TypeError) return;
          throw error;
        }
        sent += 1;
        const text = await res.text();
        expect(res.status, `${r.method} ${url}`).toBeLessThan(500);
        if (res.status >= 400 && r.method !== "HEAD") {
          const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
          expect(typeof parsed.error?.code, `${r.method} ${url}`).toBe("string");
          expect(typeof parsed.error?.message).toBe("string");
        }
      }),
      { numRuns: 10_000 },
    );
    expect(sent).toBeGreaterThan(9_000);
  }, 240_000);
});
