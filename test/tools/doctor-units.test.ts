import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parseEnv } from "../../shared/env.ts";
import { parseDoctorArgs, UsageError } from "../../tools/doctor/args.ts";
import type { CheckResult } from "../../tools/doctor/check-result.ts";
import { configCheck } from "../../tools/doctor/checks/config-check.ts";
import { cronCheck } from "../../tools/doctor/checks/cron-check.ts";
import { roundTripCheck } from "../../tools/doctor/checks/round-trip-check.ts";
import { skewFromDateHeader, skewFromServerTime } from "../../tools/doctor/clock-skew.ts";
import { firedRecently, scheduleOf } from "../../tools/doctor/cron-schedule.ts";
import { type Answer, type CallOptions, type DeploymentClient, UnreachableError } from "../../tools/doctor/deployment-client.ts";
import type { DeploymentFacts, DiagnosticsReport } from "../../tools/doctor/deployment-facts.ts";
import { parseMisconfiguration } from "../../tools/doctor/misconfiguration.ts";
import { redact } from "../../tools/doctor/redact.ts";
import { buildReport, exitCodeOf, renderText } from "../../tools/doctor/report.ts";
import { parseDeclaredCrons, readDeclaredCrons } from "../../tools/doctor/wrangler-crons.ts";

const root = resolve(import.meta.dirname, "../..");
const MINUTE = 60_000;

function answer(overrides: Partial<Answer> = {}): Answer {
  return { status: 200, headers: new Headers(), text: "", json: undefined, sentAt: 1_000_000, receivedAt: 1_000_200, ...overrides };
}

function factsWith(diagnostics: DeploymentFacts["diagnostics"]): DeploymentFacts {
  return {
    health: { kind: "answered", answer: answer(), report: undefined },
    adminToken: { kind: "accepted", answer: answer() },
    diagnostics,
  };
}

function diagnosticsOf(scheduled: Record<string, number> | null, now: number): DeploymentFacts["diagnostics"] {
  const report: DiagnosticsReport = { now, store: scheduled ? "redis" : "memory", secrets: {}, scheduled };
  return { kind: "report", answer: answer(), report };
}

describe("doctor: the crons wrangler.toml declares", () => {
  it("reads the project's own [triggers] crons", () => {
    expect(readDeclaredCrons(resolve(root, "wrangler.toml"))).toEqual(["* * * * *", "*/5 * * * *", "0 * * * *"]);
  });

  it("reads strings holding # and ], across lines and comments, and only under [triggers]", () => {
    const toml = [
      'name = "x"',
      "[triggers] # schedules",
      "crons = [",
      '  "0 0 * * 1#2", # the second Monday ] of the month',
      "  '*/5 * * * *'",
      "]",
      "[vars]",
      'crons = ["not a trigger"]',
    ].join("\n");
    expect(parseDeclaredCrons(toml)).toEqual(["0 0 * * 1#2", "*/5 * * * *"]);
    expect(parseDeclaredCrons('[vars]\ncrons = ["* * * * *"]')).toEqual([]);
  });
});

describe("doctor: cron check", () => {
  const now = Date.UTC(2026, 0, 5, 12, 0, 30);
  const options = { baseUrl: "http://127.0.0.1:8787", configPath: resolve(root, "wrangler.toml"), now };

  it("allows a trigger twice its period, not more", () => {
    const everyFiveMinutes = scheduleOf("*/5 * * * *", now);
    expect(everyFiveMinutes.periodMs).toBe(5 * MINUTE);
    expect(firedRecently(now - 10 * MINUTE, everyFiveMinutes, now)).toBe(true);
    expect(firedRecently(now - 11 * MINUTE, everyFiveMinutes, now)).toBe(false);
  });

  it("warns of each declared trigger that never fired or went silent, with the local curl that fires it", () => {
    const result = cronCheck(factsWith(diagnosticsOf({ "* * * * *": now - 30_000, "0 * * * *": now - 3 * 60 * MINUTE }, now)), options);
    expect(result.status).toBe("warn");
    expect(result.problems.map((problem) => problem.message)).toEqual([
      expect.stringMatching(/^`\*\/5 \* \* \* \*` has never fired/),
      expect.stringMatching(/^`0 \* \* \* \*` last fired 3 h ago/),
    ]);
    expect(result.problems[0]?.fix).toContain("curl 'http://127.0.0.1:8787/__scheduled?cron=*/5+*+*+*+*'");
  });

  it("points a deployed Worker at its Triggers settings instead", () => {
    const result = cronCheck(factsWith(diagnosticsOf({}, now)), { ...options, baseUrl: "https://edge-cache.example.workers.dev" });
    expect(result.problems[0]?.fix).toMatch(/Triggers.*wrangler triggers deploy/);
  });

  it("is satisfied when every declared trigger fired recently, and says memory-only deployments cannot record ticks", () => {
    const recent = Object.fromEntries(["* * * * *", "*/5 * * * *", "0 * * * *"].map((cron) => [cron, now - 1000]));
    expect(cronCheck(factsWith(diagnosticsOf(recent, now)), options).status).toBe("ok");
    expect(cronCheck(factsWith(diagnosticsOf(null, now)), options)).toMatchObject({
      status: "skip",
      summary: expect.stringMatching(/memory-only/),
    });
  });

  it("warns when the deployment predates GET /admin/diagnostics", () => {
    const result = cronCheck(factsWith({ kind: "absent", answer: answer({ status: 404 }) }), options);
    expect(result).toMatchObject({ status: "warn", problems: [{ fix: expect.stringContaining("npm run deploy") }] });
  });
});

describe("doctor: a misconfigured deployment", () => {
  // The message a misconfigured Worker answers with (functions/middleware/request-context.ts), from the real env parser.
  function misconfiguredFacts(env: Record<string, string>): DeploymentFacts {
    const parsed = parseEnv(env);
    if (parsed.ok) throw new Error("test setup: env is valid");
    const message = `edge-cache is misconfigured: ${parsed.problems.join("; ")}`;
    return {
      health: { kind: "misconfigured", variables: parseMisconfiguration(message), answer: answer({ status: 500 }) },
      adminToken: { kind: "unexpected", answer: answer({ status: 500 }) },
      diagnostics: { kind: "not-asked" },
    };
  }

  it("names each bad variable with the way to fix it: secrets with wrangler secret put, vars in wrangler.toml", () => {
    const result = configCheck(misconfiguredFacts({ ADMIN_TOKEN: "too-short", MAX_VALUE_BYTES: "lots" }));
    expect(result.status).toBe("fail");
    expect(result.summary).toBe("misconfigured: ADMIN_TOKEN, MAX_VALUE_BYTES");
    expect(result.problems).toEqual([
      { message: "ADMIN_TOKEN must be at least 32", fix: expect.stringContaining("`wrangler secret put ADMIN_TOKEN`") },
      { message: "MAX_VALUE_BYTES expected number", fix: expect.stringContaining("[vars] in wrangler.toml") },
    ]);
  });

  it("names a missing Redis token as a secret to set", () => {
    const result = configCheck(misconfiguredFacts({ UPSTASH_REDIS_REST_URL: "https://db.example.upstash.io" }));
    expect(result.problems).toEqual([
      {
        message: "UPSTASH_REDIS_REST_TOKEN is required when UPSTASH_REDIS_REST_URL is set",
        fix: expect.stringMatching(/wrangler secret put UPSTASH_REDIS_REST_TOKEN.*wrangler secret list/),
      },
    ]);
  });
});

describe("doctor: clock skew", () => {
  it("estimates from the server's millisecond clock, uncertain by half the round trip", () => {
    const estimate = skewFromServerTime(1_000_100 + 7000, answer());
    expect(estimate).toEqual({ skewMs: 7000, uncertaintyMs: 100, source: "GET /admin/diagnostics" });
  });

  it("estimates from a Date header, which rounds to the second", () => {
    const date = new Date(1_000_000 - 3000).toUTCString();
    const estimate = skewFromDateHeader(answer({ headers: new Headers({ Date: date }) }));
    expect(estimate?.uncertaintyMs).toBe(600);
    expect(Math.abs((estimate?.skewMs ?? 0) + 3000)).toBeLessThanOrEqual(600);
    expect(skewFromDateHeader(answer())).toBeUndefined();
  });
});

describe("doctor: output", () => {
  const check = (status: CheckResult["status"]): CheckResult => ({ id: status, title: status, status, summary: "s", problems: [] });

  it("exits 0 with warnings and skips, 1 when a check failed", () => {
    expect(exitCodeOf(buildReport("u", [check("ok"), check("warn"), check("skip")]))).toBe(0);
    expect(exitCodeOf(buildReport("u", [check("ok"), check("fail")]))).toBe(1);
  });

  it("prints each problem with its fix under its check", () => {
    const text = renderText(buildReport("u", [{ ...check("fail"), problems: [{ message: "it broke", fix: "mend it" }] }]));
    expect(text).toContain("FAIL  fail  s\n      problem: it broke\n      fix:     mend it");
    expect(text).toContain("0 OK, 0 WARN, 1 FAIL, 0 SKIP");
  });

  it("redacts the tokens it holds and anything shaped like a tenant token", () => {
    const tenantToken = `ec_${"a".repeat(40)}_${"b".repeat(6)}`;
    const out = redact(`admin secret-admin-token-value, tenant ${tenantToken}`, ["secret-admin-token-value"]);
    expect(out).toBe("admin [redacted], tenant ec_[redacted]");
  });
});

describe("doctor: arguments", () => {
  it("takes the admin token from EDGE_CACHE_ADMIN_TOKEN, else ADMIN_TOKEN, and names where it came from", () => {
    expect(parseDoctorArgs([], { ADMIN_TOKEN: "a", EDGE_CACHE_ADMIN_TOKEN: "b" })).toMatchObject({
      adminToken: "b",
      adminTokenSource: "EDGE_CACHE_ADMIN_TOKEN",
    });
    expect(parseDoctorArgs([], { ADMIN_TOKEN: "a" })).toMatchObject({ adminToken: "a", adminTokenSource: "ADMIN_TOKEN" });
    expect(parseDoctorArgs([], {})).toMatchObject({ adminToken: undefined, url: "http://127.0.0.1:8787", configPath: "wrangler.toml" });
  });

  it("refuses unknown options and URLs that are not http(s)", () => {
    expect(() => parseDoctorArgs(["--nope"], {})).toThrow(UsageError);
    expect(() => parseDoctorArgs(["--url", "127.0.0.1:8787"], {})).toThrow(UsageError);
  });
});

describe("doctor: round trip cleanup", () => {
  /** The purge as a deployment answers it: one page that asks for a wait, then done. */
  const PURGE: Answer[] = [
    answer({ status: 200, json: { deleted: true, done: false, cursor: "0", keysDeleted: 3, retryAfterMs: 7500 } }),
    answer({ status: 200, json: { deleted: true, done: true, cursor: "0", keysDeleted: 1 } }),
  ];

  /**
   * A deployment that answers the round trip's calls as scripted, recording them: the way to make
   * one step fail on purpose. `failing` names the call (`METHOD path`) that goes wrong, and how.
   * Deletes of the tenant are answered from `purge`, in turn.
   */
  function scriptedDeployment(failing: string, how: "500" | "no answer", purge: Answer[] = [...PURGE]) {
    const calls: string[] = [];
    let stored = "";
    const client: DeploymentClient = {
      baseUrl: "http://deployment.test",
      async call(path: string, options: CallOptions = {}) {
        const call = `${options.method ?? "GET"} ${path.replace(/doctor-[0-9a-f]+/, "doctor-x")}`;
        calls.push(call);
        if (call === failing) {
          if (how === "no answer") throw new UnreachableError(path, "connection failed (ECONNRESET)");
          return answer({ status: 500, json: { error: { code: "internal", message: "Internal error" } } });
        }
        if (call === "POST /admin/tenants") return answer({ status: 201 });
        if (call === "POST /admin/tenants/doctor-x/tokens") return answer({ status: 201, json: { token: "ec_t", id: "tok1" } });
        if (call.startsWith("DELETE /admin/tenants/doctor-x")) return purge.shift() ?? answer({ status: 404 });
        if (call.startsWith("PUT ")) {
          stored = String(options.body);
          return answer({ status: 201 });
        }
        if (call.startsWith("GET ")) return answer({ status: 200, text: stored });
        return answer({ status: 204 });
      },
    };
    return { client, calls };
  }
  const CLEANUP = ["DELETE /admin/tenants/doctor-x", "DELETE /admin/tenants/doctor-x?cursor=0"];

  it.each(["500", "no answer"] as const)(
    "deletes the tenant to the end of its purge when the PUT fails (%s), and fails the check",
    async (how) => {
      const { client, calls } = scriptedDeployment("PUT /v1/cache/doctor-probe?ttl=60", how);
      const waits: number[] = [];
      const result = await roundTripCheck(client, factsWith({ kind: "not-asked" }), "admin-token", {
        sleep: async (ms) => waits.push(ms),
      });
      expect(result).toMatchObject({ status: "fail", summary: expect.stringMatching(/PUT: .*cleanup: tenant removed$/) });
      expect(calls.slice(-2)).toEqual(CLEANUP);
      expect(waits).toEqual([7500]);
      expect(calls.filter((call) => call.startsWith("GET "))).toEqual([]);
    },
  );

  it("says tenant removed after a round trip that passed", async () => {
    const { client, calls } = scriptedDeployment("none", "500");
    const result = await roundTripCheck(client, factsWith({ kind: "not-asked" }), "admin-token", { sleep: async () => {} });
    expect(result).toMatchObject({ status: "ok", summary: expect.stringMatching(/DELETE 204 in \d+ ms; cleanup: tenant removed$/) });
    expect(calls.slice(-2)).toEqual(CLEANUP);
  });

  it("deletes a tenant whose token could not be issued, and gives the admin command when the delete fails", async () => {
    const { client, calls } = scriptedDeployment("POST /admin/tenants/doctor-x/tokens", "500");
    const failingCleanup: DeploymentClient = {
      ...client,
      call: (path, options) => {
        if (options?.method !== "DELETE") return client.call(path, options);
        calls.push(`DELETE ${path.replace(/doctor-[0-9a-f]+/, "doctor-x")}`);
        return Promise.reject(new UnreachableError(path, "gone"));
      },
    };
    const result = await roundTripCheck(failingCleanup, factsWith({ kind: "not-asked" }), "admin-token");
    expect(result.status).toBe("fail");
    expect(calls).toEqual(["POST /admin/tenants", "POST /admin/tenants/doctor-x/tokens", "DELETE /admin/tenants/doctor-x"]);
    expect(result.problems.at(-1)).toEqual({
      message: expect.stringMatching(/^cleanup of doctor-[0-9a-f]+: tenant delete failed \(gone\)$/),
      fix: expect.stringMatching(/^`npm run admin -- tenant delete doctor-[0-9a-f]+`$/),
    });
  });

  it("leaves a purge that would keep it waiting too long to the admin command, and warns", async () => {
    const { client } = scriptedDeployment("none", "500");
    const result = await roundTripCheck(client, factsWith({ kind: "not-asked" }), "admin-token", {
      sleep: async () => {},
      maxWaitMs: 5000,
    });
    expect(result.status).toBe("warn");
    expect(result.summary).toMatch(/cleanup: tenant deleted$/);
    expect(result.problems).toEqual([
      {
        message: expect.stringMatching(/^cleanup of doctor-[0-9a-f]+: its keys are not all removed yet \(its purge can end in 8 s\)$/),
        fix: expect.stringMatching(/^`npm run admin -- tenant delete doctor-[0-9a-f]+`$/),
      },
    ]);
  });

  it("says the tenant is deleted when only a later page of its purge failed, and how to finish it", async () => {
    const unavailable = answer({ status: 503, json: { error: { code: "store_unavailable", message: "x" } } });
    const { client } = scriptedDeployment("none", "500", [PURGE[0] as Answer, unavailable]);
    const result = await roundTripCheck(client, factsWith({ kind: "not-asked" }), "admin-token", { sleep: async () => {} });
    expect(result).toMatchObject({ status: "warn", summary: expect.stringMatching(/cleanup: tenant deleted$/) });
    expect(result.problems).toEqual([
      {
        message: expect.stringMatching(/its keys are not all removed yet \(503 store_unavailable\)$/),
        fix: expect.stringMatching(/^`npm run admin -- tenant delete doctor-[0-9a-f]+`$/),
      },
    ]);
  });

  it("reports a delete the deployment refuses, with the admin command", async () => {
    const { client } = scriptedDeployment("none", "500", [
      answer({ status: 503, json: { error: { code: "store_unavailable", message: "x" } } }),
    ]);
    const result = await roundTripCheck(client, factsWith({ kind: "not-asked" }), "admin-token");
    expect(result.problems).toEqual([
      {
        message: expect.stringMatching(/tenant delete failed \(503 store_unavailable\)$/),
        fix: expect.stringMatching(/^`npm run admin -- tenant delete doctor-[0-9a-f]+`$/),
      },
    ]);
  });
});
