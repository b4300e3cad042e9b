import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileKeyTemplate, TemplateError } from "../../../tools/migrate/key-template.ts";

describe("key template syntax", () => {
  it.each([
    ["", /key template "": is empty/],
    ["cache:{}:x", /key template "cache:\{\}:x": empty capture "\{\}" at character 7/],
    ["cache:{tenant", /key template "cache:\{tenant": "\{" at character 7 is never closed/],
    ["cache:{ten{ant}", /"\{" at character 7 is never closed/],
    ["cache:tenant}:x", /"\}" at character 13 closes no "\{"/],
    ["{tenant}:{tenant}", /capture \{tenant\} appears more than once/],
    ["{key}:{key}", /capture \{key\} appears more than once/],
    ["{a}:{a}", /capture \{a\} appears more than once/],
    ["cache:{school-id}", /capture \{school-id\} has a name other than letters, digits and _/],
    ["cache:{ }", /capture \{ \} has a name/],
    ["bad:\ud800{key}", /is not well-formed Unicode/],
  ])("refuses %j with a TemplateError naming the problem", (text, message) => {
    expect(() => compileKeyTemplate(text)).toThrow(TemplateError);
    expect(() => compileKeyTemplate(text)).toThrow(message);
  });

  it("accepts a template of literal text only, and one of a single capture", () => {
    expect(compileKeyTemplate("config:main").match("config:main")).toEqual({});
    expect(compileKeyTemplate("config:main").match("config:mainx")).toBeUndefined();
    expect(compileKeyTemplate("{key}").match("any:thing")).toEqual({ key: "any:thing" });
  });

  it("reads {{ and }} as literal braces, for Redis Cluster hash tags", () => {
    const template = compileKeyTemplate("{{{tenant}}}:{key}");
    expect(template.captures).toEqual(["tenant", "key"]);
    expect(template.match("{school-1}:profile")).toEqual({ tenant: "school-1", key: "profile" });
    expect(template.match("school-1:profile")).toBeUndefined();
    expect(template.scanPattern).toBe("{*}:*");
  });
});

describe("matching the legacy layouts", () => {
  it("school cache C: the school is the tenant, the rest after it the key (colons and all)", () => {
    const template = compileKeyTemplate("cache:{name}:school:{tenant}:{key}");
    expect(template.match("cache:embeddings:school:42:doc:7:chunk:3")).toEqual({ name: "embeddings", tenant: "42", key: "doc:7:chunk:3" });
    expect(template.match("cache:a:b:school:42:k")).toEqual({ name: "a:b", tenant: "42", key: "k" });
    expect(template.match("cache:embeddings:school:42:")).toBeUndefined();
    expect(template.match("cache::school:42:k")).toBeUndefined();
    expect(template.match("other:embeddings:school:42:k")).toBeUndefined();
  });

  it("market data E: lazy captures stop at the first colon, the last one takes the rest", () => {
    const template = compileKeyTemplate("cache:{dataset}:{symbol}:{date}");
    expect(template.match("cache:ohlc:AAPL:2026-01-02")).toEqual({ dataset: "ohlc", symbol: "AAPL", date: "2026-01-02" });
    expect(template.match("cache:ohlc:BRK:B:2026-01-02")).toEqual({ dataset: "ohlc", symbol: "BRK", date: "B:2026-01-02" });
  });

  it("flat A: a template without {tenant} or {key} still captures", () => {
    expect(compileKeyTemplate("rvu:{kind}:{id}").match("rvu:summary:9001")).toEqual({ kind: "summary", id: "9001" });
    expect(compileKeyTemplate("rvu:{kind}:{id}").match("emg_analysis:1:x")).toBeUndefined();
  });

  it("{key} is greedy wherever it stands; other captures are lazy", () => {
    expect(compileKeyTemplate("{key}@{tenant}").match("a@b@c")).toEqual({ key: "a@b", tenant: "c" });
    expect(compileKeyTemplate("{id}@{tenant}").match("a@b@c")).toEqual({ id: "a", tenant: "b@c" });
    expect(compileKeyTemplate("{tenant}.{key}.json").match("t.a.json.b.json")).toEqual({ tenant: "t", key: "a.json.b" });
  });

  it("matches regex metacharacters in literals as themselves", () => {
    const template = compileKeyTemplate("a.b*(c)|[d]+?^$\\{key}");
    expect(template.match("a.b*(c)|[d]+?^$\\x")).toEqual({ key: "x" });
    expect(template.match("aXb*(c)|[d]+?^$\\x")).toBeUndefined();
    expect(template.match("a.bbb(c)|[d]+?^$\\x")).toBeUndefined();
  });

  it("captures newlines and whole astral characters, never half a surrogate pair", () => {
    expect(compileKeyTemplate("{tenant}:{key}").match("t\n1:line\nbreak")).toEqual({ tenant: "t\n1", key: "line\nbreak" });
    expect(compileKeyTemplate("{a}{b}").match("😀😀")).toEqual({ a: "😀", b: "😀" });
  });

  it("keeps a capture named __proto__ as an ordinary field", () => {
    const captures = compileKeyTemplate("{__proto__}:{key}").match("x:y");
    expect(Object.keys(captures ?? {})).toEqual(["__proto__", "key"]);
    expect(Object.getPrototypeOf(captures)).toBe(Object.prototype);
  });

  it("answers a hostile key in linear time (a backtracking regex takes seconds on a thousand colons)", () => {
    const template = compileKeyTemplate("{a}:{b}:{c}:{d}x");
    const started = performance.now();
    expect(template.match(":".repeat(20_000))).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe("SCAN pattern", () => {
  it("turns captures into * and escapes glob characters of the literal text", () => {
    expect(compileKeyTemplate("cache:{name}:school:{tenant}:{key}").scanPattern).toBe("cache:*:school:*:*");
    expect(compileKeyTemplate("a*b?c[d]e\\f:{key}").scanPattern).toBe("a\\*b\\?c\\[d\\]e\\\\f:*");
    expect(compileKeyTemplate("rvu:summary").scanPattern).toBe("rvu:summary");
  });
});

// Text both literals and captures are drawn from: the separators legacy keys use, glob and regex
// metacharacters, braces, and characters of one to four UTF-8 bytes.
const CHARS = [":", "/", "-", ".", "*", "?", "[", "]", "\\", "{", "}", "(", "|", "$", "a", "Z", "7", "é", "字", "😀", "\n"];
const text = (minLength: number) => fc.array(fc.constantFrom(...CHARS), { minLength, maxLength: 6 }).map((chars) => chars.join(""));
const escapeLiteral = (literal: string) => literal.replace(/[{}]/g, "$&$&");

/** A template of 1 to 4 captures with literal text between them, {key} (when there) the last capture. */
const templates = fc
  .record({
    names: fc.uniqueArray(fc.constantFrom("tenant", "name", "kind", "id", "dataset", "date"), { minLength: 1, maxLength: 4 }),
    withKey: fc.boolean(),
    lead: text(0),
    between: fc.array(text(1), { minLength: 4, maxLength: 4 }),
    trail: text(0),
  })
  .map(({ names, withKey, lead, between, trail }) => {
    const captures = withKey ? [...names.slice(0, 3), "key"] : names;
    const literals = [lead, ...captures.slice(1).map((_, index) => between[index] as string), trail];
    return { captures, literals };
  });

describe("template property", () => {
  it("maps a key built from captures back to the same captures", () => {
    fc.assert(
      fc.property(templates, fc.array(text(1), { minLength: 4, maxLength: 4 }), ({ captures, literals }, values) => {
        const chosen = captures.map((_, index) => values[index] as string);
        // A lazy capture ends at the first place the literal after it can begin: a value holding
        // that literal's first character could end there early (`a:` before `::` reads as `a`).
        // The last capture takes the rest, so it may hold anything.
        fc.pre(chosen.slice(0, -1).every((value, index) => !value.includes((literals[index + 1] as string)[0] as string)));
        const templateText =
          captures.map((name, index) => `${escapeLiteral(literals[index] as string)}{${name}}`).join("") +
          escapeLiteral(literals.at(-1) as string);
        const key = chosen.map((value, index) => `${literals[index]}${value}`).join("") + literals.at(-1);
        expect(compileKeyTemplate(templateText).match(key)).toEqual(
          Object.fromEntries(captures.map((name, index) => [name, chosen[index]])),
        );
      }),
      { numRuns: 500 },
    );
  });

  it("agrees with the backtracking regex the spec describes, on every key", () => {
    const small = (minLength: number) =>
      fc.array(fc.constantFrom("a", "b", ":"), { minLength, maxLength: 3 }).map((chars) => chars.join(""));
    const parts = fc.array(fc.oneof(small(1), fc.constantFrom("{tenant}", "{key}", "{id}")), { minLength: 1, maxLength: 5 });
    fc.assert(
      fc.property(parts, fc.array(fc.constantFrom("a", "b", ":"), { maxLength: 10 }), (pieces, keyChars) => {
        const names = pieces.filter((piece) => piece.startsWith("{"));
        fc.pre(new Set(names).size === names.length);
        const templateText = pieces.join("");
        const source = pieces
          .map((piece) => (piece === "{key}" ? "(.+)" : piece.startsWith("{") ? "(.+?)" : piece.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
          .join("");
        const key = keyChars.join("");
        const expected = new RegExp(`^${source}$`, "su").exec(key);
        const captured = names.map((name) => name.slice(1, -1));
        const want = expected ? Object.fromEntries(captured.map((name, index) => [name, expected[index + 1]])) : undefined;
        expect(compileKeyTemplate(templateText).match(key)).toEqual(want);
      }),
      { numRuns: 2000 },
    );
  });
});
