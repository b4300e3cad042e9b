import { describe, expect, it } from "vitest";
import { fetchOrigin, type OriginFetchOptions } from "../../../shared/warm/origin-fetch";
import { ORIGIN_URL, originPrefix, originStats, setOrigin } from "./warm-kit";

const allowAll = () => true;
const options = (extra: Partial<OriginFetchOptions> = {}): OriginFetchOptions => ({
  isOriginAllowed: allowAll,
  maxBytes: 1024,
  backoffMs: 1,
  ...extra,
});

describe("origin fetch", () => {
  it("keeps a 2xx body with its content type and validators", async () => {
    const prefix = originPrefix();
    await setOrigin(prefix, {
      body: '{"a":1}',
      contentType: "application/json",
      etag: '"v1"',
      lastModified: "Wed, 21 Oct 2026 07:28:00 GMT",
    });
    const result = await fetchOrigin({ url: `${ORIGIN_URL}${prefix}x` }, options());
    expect(result).toMatchObject({
      kind: "ok",
      contentType: "application/json",
      etag: '"v1"',
      lastModified: "Wed, 21 Oct 2026 07:28:00 GMT",
    });
    expect(result.kind === "ok" && new TextDecoder().decode(result.value)).toBe('{"a":1}');
  });

  it("revalidates with If-None-Match and If-Modified-Since, and reports a 304 as not modified", async () => {
    const prefix = originPrefix();
    await setOrigin(prefix, { etag: '"v1"', lastModified: "Wed, 21 Oct 2026 07:28:00 GMT" });
    const validators = { etag: '"v1"', lastModified: "Wed, 21 Oct 2026 07:28:00 GMT" };
    expect(await fetchOrigin({ url: `${ORIGIN_URL}${prefix}x`, validators }, options())).toMatchObject({
      kind: "not-modified",
      etag: '"v1"',
    });
    const stats = (await originStats(prefix)).paths[`${prefix}x`];
    expect(stats).toMatchObject({ hits: 1, notModified: 1, lastIfNoneMatch: '"v1"', lastIfModifiedSince: validators.lastModified });
  });

  it("fetches the whole body again when the validator no longer matches", async () => {
    const prefix = originPrefix();
    await setOrigin(prefix, { body: "new", etag: '"v2"' });
    expect(await fetchOrigin({ url: `${ORIGIN_URL}${prefix}x`, validators: { etag: '"v1"' } }, options())).toMatchObject({
      kind: "ok",
      etag: '"v2"',
    });
  });

  it("does not keep non-2xx answers and does not retry client errors", async () => {
    const prefix = originPrefix();
    await setOrigin(prefix, { status: 404 });
    expect(await fetchOrigin({ url: `${ORIGIN_URL}${prefix}x` }, options({ retries: 3 }))).toEqual({
      kind: "failed",
      reason: "status",
      status: 404,
    });
    expect((await originStats(prefix)).total).toBe(1);
  });

  it("retries a 5xx with backoff, asking the budget before every attempt", async () => {
    const prefix = originPrefix();
    await setOrigin(prefix, { failTimes: 2 });
    let asked = 0;
    const result = await fetchOrigin(
      { url: `${ORIGIN_URL}${prefix}x` },
      options({
        retries: 2,
        takeSubrequest: () => {
          asked++;
          return true;
        },
      }),
    );
    expect(result.kind).toBe("ok");
    expect(asked).toBe(3);
    expect((await originStats(prefix)).total).toBe(3);
  });

  it("gives up after its retries", async () => {
    const prefix = originPrefix();
    await setOrigin(prefix, { failTimes: 10 });
    expect(await fetchOrigin({ url: `${ORIGIN_URL}${prefix}x` }, options({ retries: 1 }))).toEqual({
      kind: "failed",
      reason: "status",
      status: 503,
    });
    expect((await originStats(prefix)).total).toBe(2);
  });

  it("fails with its last answer when the budget cannot pay for a retry", async () => {
    const prefix = originPrefix();
    await setOrigin(prefix, { failTimes: 10 });
    let budget = 1;
    const takeSubrequest = () => budget-- > 0;
    expect(await fetchOrigin({ url: `${ORIGIN_URL}${prefix}x` }, options({ retries: 3, takeSubrequest }))).toEqual({
      kind: "failed",
      reason: "status",
      status: 503,
    });
    expect((await originStats(prefix)).total).toBe(1);
  });

  it("defers without fetching when the budget cannot pay for an attempt", async () => {
    const prefix = originPrefix();
    expect(await fetchOrigin({ url: `${ORIGIN_URL}${prefix}x` }, options({ takeSubrequest: () => false }))).toEqual({ kind: "deferred" });
    expect((await originStats(prefix)).total).toBe(0);
  });

  it("skips a URL the SSRF check refuses, without fetching it", async () => {
    const prefix = originPrefix();
    expect(await fetchOrigin({ url: `${ORIGIN_URL}${prefix}x` }, options({ isOriginAllowed: () => false }))).toEqual({
      kind: "skipped",
      reason: "not_allowed",
    });
    expect((await originStats(prefix)).total).toBe(0);
  });

  it("does not follow redirects, whose target the SSRF check never saw", async () => {
    const prefix = originPrefix();
    await setOrigin(prefix, { status: 302 });
    expect(await fetchOrigin({ url: `${ORIGIN_URL}${prefix}x` }, options())).toEqual({ kind: "failed", reason: "redirect", status: 302 });
  });

  it("refuses a body over the size limit", async () => {
    const prefix = originPrefix();
    await setOrigin(prefix, { body: "x".repeat(2048) });
    expect(await fetchOrigin({ url: `${ORIGIN_URL}${prefix}x` }, options())).toEqual({ kind: "failed", reason: "too_large", status: 200 });
  });

  it("times out a slow origin", async () => {
    const prefix = originPrefix();
    await setOrigin(prefix, { delayMs: 3000 });
    expect(await fetchOrigin({ url: `${ORIGIN_URL}${prefix}x` }, options({ timeoutMs: 100, retries: 0 }))).toEqual({
      kind: "failed",
      reason: "timeout",
    });
  });
});
