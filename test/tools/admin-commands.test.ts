import { describe, expect, it } from "vitest";
import { AdminApiError, type AdminClient, type TenantDeletionPage } from "../../tools/admin/admin-client.ts";
import { parseCommand, USAGE, UsageError } from "../../tools/admin/commands.ts";

type Call = [method: keyof AdminClient, ...args: unknown[]];

/**
 * An AdminClient that records each call, so a command's effect is its calls. It answers nothing,
 * except reindex: a rebuild of `pages` pages, each cursor the page number, "0" on the last; and
 * deleteTenant: the `deletion` pages in turn (an Error among them is thrown instead).
 */
function recordingClient(pages = 1, deletion: (TenantDeletionPage | Error)[] = []): { client: AdminClient; calls: Call[] } {
  const calls: Call[] = [];
  const record =
    (method: keyof AdminClient) =>
    async (...args: unknown[]) => {
      calls.push([method, ...args]);
      return undefined as never;
    };
  const reindex: AdminClient["reindex"] = async (index, cursor) => {
    calls.push(["reindex", index, cursor]);
    const page = Number(cursor) + 1;
    const done = page === pages;
    return { index, cursor: done ? "0" : String(page), done, tenants: 100, ...(index === "cors" ? { tokens: 3 } : { plans: 2 }) };
  };
  const deleteTenant: AdminClient["deleteTenant"] = async (id, cursor) => {
    calls.push(["deleteTenant", id, cursor]);
    const page = deletion.shift();
    if (!page) throw new Error("no more deletion pages scripted");
    if (page instanceof Error) throw page;
    return page;
  };
  const client: AdminClient = {
    createTenant: record("createTenant"),
    listTenants: record("listTenants"),
    getTenant: record("getTenant"),
    updateTenant: record("updateTenant"),
    issueToken: record("issueToken"),
    listTokens: record("listTokens"),
    revokeToken: record("revokeToken"),
    rotateToken: record("rotateToken"),
    tenantLimits: record("tenantLimits"),
    deploymentLimits: record("deploymentLimits"),
    deleteTenant,
    reindex,
  };
  return { client, calls };
}

async function callsOf(argv: string[]): Promise<Call[]> {
  const { client, calls } = recordingClient();
  await parseCommand(argv).run(client);
  return calls;
}

describe("npm run admin: commands", () => {
  it.each<[string[], Call]>([
    [
      ["tenant", "create", "acme"],
      ["createTenant", { id: "acme" }],
    ],
    [["tenant", "list"], ["listTenants"]],
    [
      ["tenant", "get", "acme"],
      ["getTenant", "acme"],
    ],
    [
      ["tenant", "update", "acme", "--name", "Acme Ltd"],
      ["updateTenant", "acme", { name: "Acme Ltd" }],
    ],
    [
      ["tenant", "disable", "acme"],
      ["updateTenant", "acme", { status: "disabled" }],
    ],
    [
      ["tenant", "enable", "acme"],
      ["updateTenant", "acme", { status: "active" }],
    ],
    [
      ["token", "issue", "acme", "--scopes", "read"],
      ["issueToken", "acme", { scopes: ["read"] }],
    ],
    [
      ["token", "list", "acme"],
      ["listTokens", "acme"],
    ],
    [
      ["token", "revoke", "acme", "tok-1"],
      ["revokeToken", "acme", "tok-1"],
    ],
    [
      ["token", "rotate", "acme", "tok-1"],
      ["rotateToken", "acme", "tok-1"],
    ],
  ])("%j makes exactly one call: %j", async (argv, call) => {
    expect(await callsOf(argv)).toEqual([call]);
  });

  it("passes every tenant option, repeated ones as lists and limits as numbers", async () => {
    const argv = ["tenant", "create", "acme", "--name", "Acme", "--origin", "https://a.example", "--origin", "https://b.example"];
    argv.push("--origin-host", "*.example.com", "--rate", "100/60", "--max-value-bytes", "2048", "--default-ttl", "30", "--max-ttl", "600");
    expect(await callsOf(argv)).toEqual([
      [
        "createTenant",
        {
          id: "acme",
          name: "Acme",
          allowedOrigins: ["https://a.example", "https://b.example"],
          originHosts: ["*.example.com"],
          limits: { rateLimit: { requests: 100, windowSeconds: 60 }, maxValueBytes: 2048, defaultTtlSeconds: 30, maxTtlSeconds: 600 },
        },
      ],
    ]);
  });

  it("issues a token with several scopes, a name, an expiry and origins", async () => {
    const argv = [
      "token",
      "issue",
      "acme",
      "--scopes",
      "read,write",
      "--name",
      "ci",
      "--expires-in",
      "3600",
      "--origin",
      "https://a.example",
    ];
    expect(await callsOf(argv)).toEqual([
      ["issueToken", "acme", { scopes: ["read", "write"], name: "ci", expiresInSeconds: 3600, allowedOrigins: ["https://a.example"] }],
    ]);
  });

  it("takes --url from anywhere on the line, and leaves it out of the call", async () => {
    const parsed = parseCommand(["--url", "https://cache.example", "tenant", "get", "acme"]);
    expect(parsed.url).toBe("https://cache.example");
    expect(parseCommand(["tenant", "list"]).url).toBeUndefined();
    const { client, calls } = recordingClient();
    await parsed.run(client);
    expect(calls).toEqual([["getTenant", "acme"]]);
  });
});

describe("npm run admin: reindex", () => {
  it("rebuilds the CORS index page by page to the end, then the warm indexes, each from cursor 0", async () => {
    const { client, calls } = recordingClient(3);
    const lines: string[] = [];
    const result = await parseCommand(["reindex"]).run(client, (line) => lines.push(line));
    expect(calls).toEqual([
      ["reindex", "cors", "0"],
      ["reindex", "cors", "1"],
      ["reindex", "cors", "2"],
      ["reindex", "warm", "0"],
      ["reindex", "warm", "1"],
      ["reindex", "warm", "2"],
    ]);
    expect(result).toEqual({
      reindexed: [
        { index: "cors", pages: 3, tenants: 300, tokens: 9 },
        { index: "warm", pages: 3, tenants: 300, plans: 6 },
      ],
    });
    expect(lines).toEqual([
      "cors: page 1, 100 tenants…",
      "cors: page 2, 200 tenants…",
      "cors: page 3, 300 tenants, done",
      "warm: page 1, 100 tenants…",
      "warm: page 2, 200 tenants…",
      "warm: page 3, 300 tenants, done",
    ]);
  });

  it("rebuilds only the index --index names", async () => {
    const { client, calls } = recordingClient(1);
    await parseCommand(["reindex", "--index", "warm"]).run(client);
    expect(calls).toEqual([["reindex", "warm", "0"]]);
  });
});

describe("npm run admin: tenant delete", () => {
  const page = (keysDeleted: number, cursor: string, more: Partial<TenantDeletionPage> = {}): TenantDeletionPage => ({
    deleted: true,
    done: false,
    cursor,
    keysDeleted,
    ...more,
  });

  it("deletes, then follows the purge's cursors to done, waiting when told to, and sums up", async () => {
    const { client, calls } = recordingClient(1, [
      page(500, "1700000000000-0-17"),
      page(20, "0", { retryAfterMs: 30 }),
      page(3, "0", { done: true }),
    ]);
    const lines: string[] = [];
    const started = Date.now();
    const result = await parseCommand(["tenant", "delete", "acme"]).run(client, (line) => lines.push(line));
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(calls).toEqual([
      ["deleteTenant", "acme", undefined],
      ["deleteTenant", "acme", "1700000000000-0-17"],
      ["deleteTenant", "acme", "0"],
    ]);
    expect(result).toEqual({ deleted: { tenant: "acme", pages: 3, keysDeleted: 523 } });
    expect(lines).toEqual([
      "acme: page 1, 500 keys deleted…",
      "acme: page 2, 520 keys deleted…",
      "acme: waiting 1 s until no isolate can still write for it…",
      "acme: page 3, 523 keys deleted, done",
    ]);
  });

  it("takes a 404 past the first page as the purge finished by someone else, and reports one on the first page", async () => {
    const gone = new AdminApiError(404, "not_found", "No such tenant");
    const finished = recordingClient(1, [page(1, "1700000000000-0-5"), gone]);
    expect(await parseCommand(["tenant", "delete", "acme"]).run(finished.client)).toEqual({
      deleted: { tenant: "acme", pages: 1, keysDeleted: 1 },
    });
    const unknown = recordingClient(1, [gone]);
    await expect(parseCommand(["tenant", "delete", "nope"]).run(unknown.client)).rejects.toBe(gone);
  });
});

describe("npm run admin: help", () => {
  it.each([[[]], [["--help"]], [["-h"]], [["tenant", "create", "acme", "--help"]], [["token", "revoke", "acme", "tok-1", "-h"]]])(
    "%j prints the usage and calls nothing",
    async (argv) => {
      const parsed = parseCommand(argv);
      expect(parsed.help).toBe(true);
      const { client, calls } = recordingClient();
      expect(await parsed.run(client)).toBe(USAGE);
      expect(calls).toEqual([]);
    },
  );
});

describe("npm run admin: usage errors, before any call", () => {
  it.each([
    [["tenant", "delete"], /missing tenant id/],
    [["tenant", "delete", "acme", "corp"], /unexpected argument 'corp'/],
    [["tenants", "list"], /unknown command 'tenants list'/],
    [["tenant"], /unknown command 'tenant'/],
    [["tenant", "create"], /missing tenant id/],
    [["tenant", "get"], /missing tenant id/],
    [["tenant", "disable"], /missing tenant id/],
    [["token", "list"], /missing tenant id/],
    [["token", "revoke", "acme"], /missing token id/],
    [["token", "rotate", "acme"], /missing token id/],
    [["token", "issue", "acme"], /missing --scopes/],
    [["tenant", "create", "acme", "--rate", "100"], /--rate takes REQUESTS\/SECONDS/],
    [["tenant", "create", "acme", "--rate", "100/sixty"], /--rate takes REQUESTS\/SECONDS/],
    [["tenant", "update", "acme", "--rate=-1/60"], /--rate takes REQUESTS\/SECONDS/],
    [["tenant", "create", "acme", "--max-ttl", "1.5"], /--max-ttl takes a whole number/],
    [["tenant", "create", "acme", "--max-value-bytes", "1e6"], /--max-value-bytes takes a whole number/],
    [["token", "issue", "acme", "--scopes", "read", "--expires-in", "soon"], /--expires-in takes a whole number/],
    [["tenant", "create", "acme", "corp"], /unexpected argument 'corp'/],
    [["token", "revoke", "acme", "tok-1", "tok-2"], /unexpected argument 'tok-2'/],
    [["reindex", "--index", "tokens"], /--index takes cors or warm/],
    [["reindex", "cors"], /unknown command 'reindex cors'/],
  ])("%j: %s", (argv, message) => {
    // Thrown by parseCommand itself: main.ts reports it before asking for an admin token.
    expect(() => parseCommand(argv)).toThrow(UsageError);
    expect(() => parseCommand(argv)).toThrow(message);
  });

  it("refuses an option it does not know, or one missing its value", () => {
    expect(() => parseCommand(["tenant", "list", "--bogus"])).toThrow(/bogus/);
    expect(() => parseCommand(["tenant", "create", "acme", "--name"])).toThrow(/--name/);
  });
});
