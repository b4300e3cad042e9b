import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type EntryKey, isValidKey, type TenantId, toTenantId } from "../../../shared/cache/keys";
import { entryPattern, entryRedisKey, metaRedisKey, parseEntryRedisKey, statsRedisKey } from "../../../shared/redis/key-layout";

const tenantArb = fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,20}$/).map((id) => id as TenantId);
// Hostile bytes on purpose: separators, glob characters, escapes, NUL, and any unicode.
const hostileChar = fc.constantFrom(":", "*", "?", "[", "]", "\\", "/", "%", "\u0000", "e", ":e:", "ec:", "\n", "😀", "é");
const keyArb = fc
  .array(fc.oneof(hostileChar, fc.string({ unit: "grapheme", minLength: 1, maxLength: 4 })), { minLength: 1, maxLength: 30 })
  .map((parts) => parts.join(""))
  .filter(isValidKey);
const entryKeyArb = fc.record({ tenant: tenantArb, key: keyArb });

describe("tenant key layout", () => {
  it("maps two different (tenant, key) pairs to two different Redis keys", () => {
    fc.assert(
      fc.property(entryKeyArb, entryKeyArb, (a, b) => {
        fc.pre(a.tenant !== b.tenant || a.key !== b.key);
        expect(entryRedisKey(a)).not.toBe(entryRedisKey(b));
      }),
      { numRuns: 5000 },
    );
  });

  it("parses every entry key back to exactly its tenant and key", () => {
    fc.assert(
      fc.property(entryKeyArb, (ref: EntryKey) => {
        expect(parseEntryRedisKey(entryRedisKey(ref))).toEqual(ref);
      }),
      { numRuns: 2000 },
    );
  });

  it("never lets an entry key collide with a tenant's meta or stats key", () => {
    fc.assert(
      fc.property(entryKeyArb, tenantArb, (ref, other) => {
        expect(entryRedisKey(ref)).not.toBe(metaRedisKey(other));
        expect(entryRedisKey(ref)).not.toBe(statsRedisKey(other));
      }),
    );
  });

  it("keeps one tenant's SCAN pattern from matching a tenant whose id it prefixes", () => {
    const acme = toTenantId("acme");
    const acmeCorp = toTenantId("acme-corp");
    const pattern = new RegExp(`^${entryPattern(acme).replace("*", ".*")}$`, "s");
    expect(pattern.test(entryRedisKey({ tenant: acme, key: "x" }))).toBe(true);
    expect(pattern.test(entryRedisKey({ tenant: acmeCorp, key: "x" }))).toBe(false);
    expect(entryPattern(acme)).not.toMatch(/[?[\]\\]/);
  });

  it("refuses tenant ids that could break the layout", () => {
    for (const bad of ["", "a:b", "a*", "A", "-a", "x".repeat(64), "a/b"]) expect(() => toTenantId(bad)).toThrow(TypeError);
  });

  it("accepts keys of 1 to 512 UTF-8 bytes and nothing else", () => {
    expect(isValidKey("a")).toBe(true);
    expect(isValidKey("a".repeat(512))).toBe(true);
    expect(isValidKey("a".repeat(513))).toBe(false);
    expect(isValidKey("é".repeat(256))).toBe(true);
    expect(isValidKey("é".repeat(257))).toBe(false);
    expect(isValidKey("")).toBe(false);
    expect(isValidKey("\ud800")).toBe(false);
  });
});
