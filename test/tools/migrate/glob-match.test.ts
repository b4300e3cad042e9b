import { describe, expect, it } from "vitest";
import { globMatches } from "../../../tools/migrate/glob-match.ts";

const matches = (pattern: string, key: string) => globMatches(Buffer.from(pattern), Buffer.from(key));

describe("globMatches (Redis SCAN MATCH syntax)", () => {
  it("matches stars, question marks, classes, ranges, negation and escapes as Redis does", () => {
    expect(matches("cache:*:school:*:*", "cache:emb:school:s1:doc/1")).toBe(true);
    expect(matches("cache:*:school:*:*", "cache:emb:other:s1")).toBe(false);
    expect(matches("h?llo", "hello")).toBe(true);
    expect(matches("h?llo", "hllo")).toBe(false);
    expect(matches("h[ae]llo", "hallo")).toBe(true);
    expect(matches("h[ae]llo", "hillo")).toBe(false);
    expect(matches("h[^e]llo", "hallo")).toBe(true);
    expect(matches("h[^e]llo", "hello")).toBe(false);
    expect(matches("h[a-c]llo", "hbllo")).toBe(true);
    expect(matches("literal\\*", "literal*")).toBe(true);
    expect(matches("literal\\*", "literalx")).toBe(false);
    expect(matches("*", "")).toBe(true);
    expect(matches("a*", "")).toBe(false);
  });

  it("keeps follow to the copy's keys: a pattern for one prefix refuses keys of another", () => {
    expect(matches("live:t1:*", "live:t1:a")).toBe(true);
    expect(matches("live:t1:*", "live:t2:a")).toBe(false);
  });
});
