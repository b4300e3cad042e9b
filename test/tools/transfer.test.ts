import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { type BatchRequest, type BatchResult, type BatchSet, EdgeCacheError, type ExportPage } from "../../client/index.ts";
import { parseCommand, UsageError } from "../../tools/transfer/args.ts";
import { exportToFile, runExport } from "../../tools/transfer/export-command.ts";
import { ImportStopped, runImport } from "../../tools/transfer/import-command.ts";
import { parseLine } from "../../tools/transfer/line.ts";
import { countLines } from "../../tools/transfer/lines.ts";
import { Progress } from "../../tools/transfer/progress.ts";
import { isRetryable, withRetry } from "../../tools/transfer/retry.ts";
import { resumeHint, runCommand } from "../../tools/transfer/run-command.ts";
import { readState } from "../../tools/transfer/state.ts";
import type { TransferClient } from "../../tools/transfer/transfer-client.ts";

const tempDir = () => mkdtempSync(join(tmpdir(), "edge-cache-transfer-"));

function writeLines(lines: (string | object)[]): string {
  const path = join(tempDir(), "in.ndjson");
  writeFileSync(path, `${lines.map((line) => (typeof line === "string" ? line : JSON.stringify(line))).join("\n")}\n`);
  return path;
}

const entry = (key: string, extra: object = {}) => ({
  key,
  value: `v-${key}`,
  encoding: "utf8",
  contentType: "text/plain",
  ttl: 60,
  swr: 0,
  tags: [],
  ...extra,
});

type BatchAnswer = (request: BatchRequest, call: number) => Promise<BatchResult> | BatchResult;

/** A client that stores every set it is sent and answers as the server would, unless told otherwise. */
function fakeClient(answer?: BatchAnswer, pages: ExportPage[] = []) {
  const batches: BatchSet[][] = [];
  const cursors: (string | undefined)[] = [];
  let calls = 0;
  const stored = (request: BatchRequest): BatchResult => ({
    get: [],
    set: (request.set ?? []).map((set) => ({ key: set.key, status: "stored", stored: "redis", etag: '"e"' })),
    delete: [],
  });
  const client: TransferClient = {
    invalidate: async () => {
      throw new Error("not called by export and import");
    },
    batch: async (request) => {
      const call = ++calls;
      const result = await (answer ?? stored)(request, call);
      if (result.set.every((set) => set.status === "stored" && set.stored === "redis")) batches.push([...(request.set ?? [])]);
      return result;
    },
    exportPage: async (options = {}) => {
      cursors.push(options.cursor);
      const index = options.cursor === "0" || options.cursor === undefined ? 0 : Number(options.cursor);
      const page = pages[index];
      if (!page) throw new Error(`no page ${index}`);
      return page;
    },
  };
  return { client, batches, cursors, stored };
}

const httpError = (status: number, code: EdgeCacheError["code"], retryAfter?: number) =>
  new EdgeCacheError({ status, code, message: code, requestId: "r", retryAfter });
const noSleep = { sleep: async () => {} };

describe("transfer: arguments", () => {
  it("parses both commands with their defaults, the token from the environment", () => {
    expect(parseCommand(["export", "--out", "f.ndjson"], { EDGE_CACHE_TOKEN: "ec_t" })).toEqual({
      name: "export",
      url: "http://127.0.0.1:8787",
      token: "ec_t",
      out: "f.ndjson",
      count: 100,
    });
    expect(
      parseCommand([
        "import",
        "--in",
        "f",
        "--token",
        "t",
        "--url",
        "https://c.example",
        "--dry-run",
        "--batch-size",
        "10",
        "--resume-from",
        "7",
      ]),
    ).toEqual({
      name: "import",
      url: "https://c.example",
      token: "t",
      input: "f",
      dryRun: true,
      batchSize: 10,
      resumeFrom: 7,
      stateFile: undefined,
    });
  });

  it.each([
    [["import", "--in", "f"], /no token/],
    [["export", "--token", "t"], /--out/],
    [["import", "--token", "t", "--in", "f", "--batch-size", "101"], /1 to 100/],
    [["import", "--token", "t", "--in", "f", "--resume-from", "0"], /--resume-from/],
    [["import", "--token", "t", "--in", "f", "--resume-from", "3", "--state", "s"], /not both/],
    [["copy", "--token", "t"], /unknown command/],
    [["import", "--nope"], /nope/],
  ])("refuses %j", (argv, message) => {
    expect(() => parseCommand(argv)).toThrow(UsageError);
    expect(() => parseCommand(argv)).toThrow(message);
  });
});

describe("transfer: invalidate", () => {
  it("parses repeated --tag and --prefix, and refuses none or an empty prefix", () => {
    const env = { EDGE_CACHE_TOKEN: "ec_t" };
    expect(parseCommand(["invalidate", "--tag", "news", "--prefix", "product/42/", "--prefix", "a*[b]"], env)).toEqual({
      name: "invalidate",
      url: "http://127.0.0.1:8787",
      token: "ec_t",
      tags: ["news"],
      prefixes: ["product/42/", "a*[b]"],
    });
    expect(() => parseCommand(["invalidate"], env)).toThrow(UsageError);
    expect(() => parseCommand(["invalidate", "--prefix", ""], env)).toThrow(/cannot be empty/);
  });

  it("sends the tags and prefixes in one call and says what was invalidated", async () => {
    const sent: unknown[] = [];
    const client = {
      ...fakeClient().client,
      invalidate: async (targets: unknown) => {
        sent.push(targets);
        return { invalidated: ["news"], invalidatedPrefixes: ["p/"] };
      },
    } as TransferClient;
    const out = new PassThrough();
    const chunks: string[] = [];
    out.on("data", (chunk) => chunks.push(String(chunk)));
    const command = { name: "invalidate" as const, url: "u", token: "t", tags: ["news"], prefixes: ["p/"] };
    expect(await runCommand(command, { client, stderr: out })).toBe(0);
    expect(sent).toEqual([{ tags: ["news"], prefixes: ["p/"] }]);
    expect(chunks.join("")).toContain("invalidated 1 tags and 1 prefixes");
  });
});

describe("transfer: lines", () => {
  it("maps an export line onto a batch set", () => {
    const line = { key: "a/b", value: "AAE=", encoding: "base64", contentType: "image/x", ttl: 30, swr: 5, tags: ["t"], etag: "ignored" };
    expect(parseLine(JSON.stringify(line))).toEqual({
      kind: "entry",
      set: { key: "a/b", value: "AAE=", encoding: "base64", contentType: "image/x", ttl: 30, swr: 5, tags: ["t"] },
      bytes: JSON.stringify(line).length,
    });
    expect(parseLine('{"key":"k","value":"v"}')).toMatchObject({ kind: "entry", set: { key: "k", value: "v", encoding: "utf8" } });
  });

  it("tells blank and expired lines apart from entries", () => {
    expect(parseLine("   ")).toEqual({ kind: "blank" });
    expect(parseLine(JSON.stringify(entry("old", { ttl: 0, swr: 30 })))).toEqual({ kind: "expired", key: "old" });
  });

  it.each([
    ["{not json", /not JSON/],
    [JSON.stringify({ value: "v" }), /key/],
    [JSON.stringify(entry("")), /key/],
    [JSON.stringify(entry("k".repeat(513))), /key/],
    ['{"key":"\\ud800","value":"v"}', /key/],
    [JSON.stringify(entry("k", { value: 3 })), /value/],
    [JSON.stringify(entry("k", { value: "not base64!", encoding: "base64" })), /base64/],
    [JSON.stringify(entry("k", { encoding: "hex" })), /encoding/],
    [JSON.stringify(entry("k", { ttl: -1 })), /ttl/],
    [JSON.stringify(entry("k", { ttl: 1.5 })), /ttl/],
    [JSON.stringify(entry("k", { tags: ["a,b"] })), /tags/],
    [JSON.stringify(entry("k", { contentType: "text/é" })), /contentType/],
  ])("finds %s invalid", (text, reason) => {
    const parsed = parseLine(text);
    expect(parsed.kind).toBe("invalid");
    expect(parsed.kind === "invalid" && parsed.reason).toMatch(reason);
  });
});

describe("transfer: import", () => {
  it("sends entries in batches of the given size and skips expired and blank lines", async () => {
    const lines: (string | object)[] = Array.from({ length: 25 }, (_, i) => entry(`k${i}`));
    lines.splice(3, 0, entry("stale", { ttl: 0 }), "");
    const { client, batches } = fakeClient();
    const summary = await runImport({ input: writeLines(lines), client, batchSize: 10 });
    expect(batches.map((batch) => batch.length)).toEqual([10, 10, 5]);
    expect(batches[0]?.[0]).toEqual({ key: "k0", value: "v-k0", encoding: "utf8", contentType: "text/plain", ttl: 60, swr: 0, tags: [] });
    expect(batches.flat().map((set) => set.key)).not.toContain("stale");
    expect(summary).toMatchObject({ imported: 25, expired: 1, blank: 1, invalid: 0, batches: 3, lastLine: 27 });
  });

  it("starts a batch early rather than exceed its byte budget", async () => {
    const big = "x".repeat(600);
    const { client, batches } = fakeClient();
    await runImport({
      input: writeLines([entry("a", { value: big }), entry("b", { value: big }), entry("c")]),
      client,
      maxBatchBytes: 1000,
    });
    expect(batches.map((batch) => batch.map((set) => set.key))).toEqual([["a"], ["b", "c"]]);
  });

  it("checks every line in a dry run and sends nothing", async () => {
    const { client, batches } = fakeClient();
    const input = writeLines([entry("a"), "{oops", entry("b", { ttl: 0 }), entry("", {}), entry("c")]);
    const summary = await runImport({ input, client, dryRun: true, stateFile: join(tempDir(), "state.json") });
    expect(batches).toEqual([]);
    expect(summary).toMatchObject({ imported: 2, expired: 1, invalid: 2, batches: 0 });
    expect(summary.problems).toEqual([
      { line: 2, reason: "not JSON" },
      { line: 4, reason: expect.stringMatching(/^key:/) },
    ]);
  });

  it("retries 429 after Retry-After, 503 and sets that reached only memory with backoff", async () => {
    const waits: number[] = [];
    const { client, batches, stored } = fakeClient((request, call) => {
      if (call === 1) throw httpError(429, "rate_limited", 3);
      if (call === 2) throw httpError(503, "store_unavailable");
      if (call === 3) return { ...stored(request), set: [{ key: "a", status: "stored", stored: "memory", etag: '"e"' }] };
      return stored(request);
    });
    const sleep = async (ms: number) => {
      waits.push(ms);
    };
    const summary = await runImport({ input: writeLines([entry("a")]), client, retry: { sleep, baseDelayMs: 100 } });
    expect(waits).toEqual([3000, 200, 400]);
    expect(batches).toEqual([[expect.objectContaining({ key: "a" })]]);
    expect(summary.imported).toBe(1);
  });

  it("stops on a failure it cannot retry, recording the last committed line, and resumes from it", async () => {
    const input = writeLines(Array.from({ length: 7 }, (_, i) => entry(`k${i}`)));
    const stateFile = join(tempDir(), "state.json");
    const failing = fakeClient((request, call) => {
      if (call === 2) throw httpError(403, "insufficient_scope");
      return failing.stored(request);
    });
    const stopped = await runImport({ input, client: failing.client, batchSize: 3, stateFile }).catch((e: unknown) => e);
    expect(stopped).toBeInstanceOf(ImportStopped);
    expect(stopped).toMatchObject({ resumeFrom: 4, message: expect.stringMatching(/^lines 4-6: insufficient_scope/) });
    expect(readState(stateFile)).toMatchObject({ input, committedLine: 3, completed: false });

    const resumed = fakeClient();
    await runImport({ input, client: resumed.client, batchSize: 3, stateFile, fromLine: 4 });
    expect(resumed.batches.flat().map((set) => set.key)).toEqual(["k3", "k4", "k5", "k6"]);
    expect(readState(stateFile)).toMatchObject({ committedLine: 7, completed: true });
  });

  it("stops at once, without resending, when the tenant's storage budget is full", async () => {
    let calls = 0;
    const { client } = fakeClient((request) => {
      calls++;
      return {
        get: [],
        set: (request.set ?? []).map((set) => ({
          key: set.key,
          status: "error" as const,
          error: { code: "storage_full" as const, message: "This tenant's storage budget of 100 bytes is full" },
        })),
        delete: [],
      };
    });
    const stopped = await runImport({ input: writeLines([entry("a")]), client, retry: noSleep }).catch((e: unknown) => e);
    expect(calls).toBe(1);
    expect(stopped).toMatchObject({
      name: "ImportStopped",
      resumeFrom: 1,
      message: expect.stringMatching(/storage budget .* full \(storage_full\)/),
    });
  });

  it("gives up on a retryable failure after the last attempt", async () => {
    const { client } = fakeClient(() => {
      throw httpError(503, "store_unavailable");
    });
    const stopped = await runImport({ input: writeLines([entry("a")]), client, retry: { ...noSleep, maxAttempts: 3 } }).catch(
      (e: unknown) => e,
    );
    expect(stopped).toMatchObject({ name: "ImportStopped", resumeFrom: 1 });
    expect((stopped as Error).cause).toMatchObject({ code: "store_unavailable" });
  });

  it("commits what precedes an invalid line, then stops at it", async () => {
    const stateFile = join(tempDir(), "state.json");
    const { client, batches } = fakeClient();
    const stopped = await runImport({ input: writeLines([entry("a"), entry("b"), '{"key":1}', entry("c")]), client, stateFile }).catch(
      (e: unknown) => e,
    );
    expect(stopped).toMatchObject({ resumeFrom: 3, message: expect.stringMatching(/^line 3: key/) });
    expect(batches.flat().map((set) => set.key)).toEqual(["a", "b"]);
    expect(readState(stateFile)?.committedLine).toBe(2);
  });
});

describe("transfer: import command", () => {
  function stderr(isTTY = false) {
    const text: string[] = [];
    return { isTTY, columns: 80, write: (chunk: string) => text.push(chunk), text: () => text.join("") };
  }
  const importCommand = (input: string, extra: object = {}) => ({
    name: "import" as const,
    url: "https://c.example",
    token: "ec_secret-token",
    input,
    dryRun: false,
    batchSize: 2,
    resumeFrom: undefined,
    stateFile: undefined,
    ...extra,
  });

  it("prints how to resume, never the token, and carries on from its state file", async () => {
    const input = writeLines(Array.from({ length: 5 }, (_, i) => entry(`k${i}`)));
    const stateFile = join(tempDir(), "state.json");
    const failing = fakeClient((request, call) => {
      if (call === 2) throw httpError(401, "token_revoked");
      return failing.stored(request);
    });
    const first = stderr();
    expect(await runCommand(importCommand(input, { stateFile }), { client: failing.client, stderr: first })).toBe(1);
    expect(first.text()).toContain("stopped at lines 3-4");
    expect(first.text()).toContain(`--state ${stateFile}`);
    expect(first.text()).not.toContain("ec_secret-token");

    const second = stderr();
    const resumed = fakeClient();
    expect(await runCommand(importCommand(input, { stateFile }), { client: resumed.client, stderr: second })).toBe(0);
    expect(second.text()).toContain("resuming at line 3");
    expect(resumed.batches.flat().map((set) => set.key)).toEqual(["k2", "k3", "k4"]);

    const third = stderr();
    expect(await runCommand(importCommand(input, { stateFile }), { client: resumed.client, stderr: third })).toBe(0);
    expect(third.text()).toContain("already complete");
  });

  it("refuses a state file of another input", async () => {
    const stateFile = join(tempDir(), "state.json");
    writeFileSync(stateFile, JSON.stringify({ input: "other.ndjson", committedLine: 3, completed: false }));
    const out = stderr();
    expect(await runCommand(importCommand(writeLines([entry("a")]), { stateFile }), { client: fakeClient().client, stderr: out })).toBe(1);
    expect(out.text()).toContain("not ");
  });

  it("exits 1 from a dry run that found invalid lines, listing them", async () => {
    const out = stderr();
    const input = writeLines([entry("a"), "[]"]);
    expect(await runCommand(importCommand(input, { dryRun: true }), { client: fakeClient().client, stderr: out })).toBe(1);
    expect(out.text()).toContain("would import 1 entries");
    expect(out.text()).toContain("line 2: ");
  });

  it("suggests --resume-from without a state file, keeping other options", () => {
    expect(resumeHint(importCommand("my file.ndjson", { batchSize: 50 }), 41)).toBe(
      "EDGE_CACHE_TOKEN=… npm run transfer -- import --in 'my file.ndjson' --url https://c.example --batch-size 50 --resume-from 41",
    );
  });
});

describe("transfer: export", () => {
  const page = (keys: string[], cursor?: string): ExportPage => ({
    entries: keys.map((key) => ({ key, value: key, encoding: "utf8", contentType: "text/plain", ttl: 5, swr: 0, tags: [] })),
    cursor,
  });

  it("follows the cursor to the end, one NDJSON line per entry, retrying a page with its cursor", async () => {
    const { client, cursors } = fakeClient(undefined, [page(["a", "b"], "1"), page([], "2"), page(["c"])]);
    let refused = false;
    const flaky: TransferClient = {
      ...client,
      exportPage: async (options) => {
        if (options?.cursor === "2" && !refused) {
          refused = true;
          throw httpError(429, "rate_limited", 1);
        }
        return client.exportPage(options);
      },
    };
    const out = new PassThrough();
    const chunks: string[] = [];
    out.on("data", (chunk) => chunks.push(String(chunk)));
    expect(await runExport(out, { client: flaky, retry: noSleep })).toEqual({ entries: 3, pages: 3 });
    expect(cursors).toEqual(["0", "1", "2"]);
    expect(
      chunks
        .join("")
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line).key),
    ).toEqual(["a", "b", "c"]);
  });

  it("writes the file only once the export is whole", async () => {
    const dir = tempDir();
    const { client } = fakeClient(undefined, [page(["a"], "1"), page(["b"])]);
    await exportToFile(join(dir, "out.ndjson"), { client });
    expect(readFileSync(join(dir, "out.ndjson"), "utf8").trim().split("\n")).toHaveLength(2);

    const broken = fakeClient(undefined, [page(["a"], "1")]);
    await expect(exportToFile(join(dir, "broken.ndjson"), { client: broken.client })).rejects.toThrow(/no page 1/);
    expect(() => readFileSync(join(dir, "broken.ndjson"))).toThrow();
    expect(() => readFileSync(join(dir, "broken.ndjson.partial"))).toThrow();
  });
});

describe("transfer: helpers", () => {
  it("retries only what may succeed unchanged", async () => {
    expect(isRetryable(httpError(429, "rate_limited"))).toBe(true);
    expect(isRetryable(httpError(503, "store_unavailable"))).toBe(true);
    expect(isRetryable(httpError(412, "precondition_failed"))).toBe(false);
    expect(isRetryable(new TypeError("fetch failed"))).toBe(true);
    expect(isRetryable(new TypeError("x is not a function"))).toBe(false);
    let attempts = 0;
    await expect(
      withRetry(async () => {
        attempts++;
        throw httpError(400, "invalid_body");
      }, noSleep),
    ).rejects.toMatchObject({ code: "invalid_body" });
    expect(attempts).toBe(1);
  });

  it("draws a throttled bar on a terminal and stays quiet in a log", () => {
    let now = 0;
    const written: string[] = [];
    const tty = new Progress(
      { isTTY: true, columns: 80, write: (t) => written.push(t) },
      { label: "import", unit: "lines", total: 200, now: () => now },
    );
    tty.update(50);
    tty.update(60);
    now = 150;
    tty.update(100);
    tty.finish();
    expect(written).toHaveLength(3);
    expect(written[0]).toBe(`\rimport [${"#".repeat(10)}${"-".repeat(30)}]  25% 50/200 lines\x1b[K`);
    expect(written[1]).toContain(" 50% 100/200 lines");
    expect(written[2]).toBe("\r\x1b[K");

    const logged: string[] = [];
    const log = new Progress({ isTTY: false, write: (t) => logged.push(t) }, { label: "export", unit: "entries", now: () => now });
    log.update(10);
    now += 30_000;
    log.update(20);
    log.finish();
    expect(logged).toEqual(["export 20 entries\n"]);
  });

  it("counts lines with or without a final newline", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "a"), "1\n2\n3\n");
    writeFileSync(join(dir, "b"), "1\n2\n3");
    writeFileSync(join(dir, "c"), "");
    expect([await countLines(join(dir, "a")), await countLines(join(dir, "b")), await countLines(join(dir, "c"))]).toEqual([3, 3, 0]);
  });
});
