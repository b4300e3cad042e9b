import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { rawPath } from "../../../functions/http/cache-key";

describe("rawPath", () => {
  it("is the pathname the URL parser gives, for any path and query the runtime can serialize", () => {
    const segment = fc.string({ unit: "binary", maxLength: 12 });
    fc.assert(
      fc.property(
        fc.constantFrom("http://127.0.0.1:8787", "https://cache.example.com", "http://[::1]:9000"),
        fc.array(segment, { maxLength: 5 }),
        fc.option(fc.string({ maxLength: 12 }), { nil: undefined }),
        (origin, segments, query) => {
          // Serialized by the runtime's own URL parser, as a Worker receives request.url.
          const url = new URL(`${origin}/${segments.map(encodeURIComponent).join("/")}${query === undefined ? "" : `?${query}`}`);
          expect(rawPath(url.href)).toBe(url.pathname);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("keeps percent-encoding, so %2F inside a key is not a separator", () => {
    expect(rawPath("https://h.example/v1/cache/a%2Fb/c?ttl=5")).toBe("/v1/cache/a%2Fb/c");
  });
});
