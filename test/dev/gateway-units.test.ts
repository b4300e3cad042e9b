import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { toCommand, toCommandList } from "../../dev/gateway/args.ts";
import { parseCommandBody } from "../../dev/gateway/body.ts";
import { isReadOnly, refusalReason } from "../../dev/gateway/command-policy.ts";
import { encodeReply } from "../../dev/gateway/encode.ts";
import { decideFault, noFaults } from "../../dev/gateway/faults.ts";
import { GatewayHttpError } from "../../dev/gateway/http-error.ts";
import { route } from "../../dev/gateway/routing.ts";
import { stripUpstashFlags, UpstashScriptFlags } from "../../dev/gateway/script-flags.ts";

describe("reply encoding", () => {
  const reply = [Buffer.from("OK"), "9007199254740993", null, [Buffer.from([0xff, 0x00]), "-1"], new Error("ERR inner")];

  it("base64-encodes every string at every depth and writes integers digit for digit", () => {
    expect(encodeReply(reply, { base64: true })).toBe(
      `["T0s=",9007199254740993,null,["/wA=",-1],"${Buffer.from("ERR inner").toString("base64")}"]`,
    );
  });

  it("writes plain UTF-8 strings without base64", () => {
    // Bytes that are not UTF-8 cannot survive without base64: they become U+FFFD.
    expect(encodeReply(reply, { base64: false })).toBe('["OK",9007199254740993,null,["\ufffd\\u0000",-1],"ERR inner"]');
  });

  it("refuses to write anything but digits as an integer", () => {
    expect(() => encodeReply("1.5", { base64: false })).toThrow(TypeError);
  });
});

describe("request arguments", () => {
  it("keeps JSON numbers as sent and turns booleans into text", () => {
    const body = parseCommandBody(Buffer.from('["SET","k",12345678901234567890,1.50,true,-0]'));
    expect(toCommand(body)).toEqual(["SET", "k", "12345678901234567890", "1.50", "true", "-0"]);
  });

  it("rejects null, objects, empty commands and non-string names as 400", () => {
    for (const body of [["set", "k", null], ["set", { a: 1 }], [], [42, "k"], "get"]) {
      expect(() => toCommand(body)).toThrow(GatewayHttpError);
    }
    expect(() => toCommandList([])).toThrow(/non-empty/);
    expect(() => toCommandList({ 0: ["get"] })).toThrow(GatewayHttpError);
  });
});

describe("command policy", () => {
  it("refuses blocking, subscribing and connection-state commands in any case", () => {
    for (const command of [
      ["BLPOP", "k", "0"],
      ["subscribe", "c"],
      ["Select", "1"],
      ["multi"],
      ["xread", "block", "0", "streams", "s", "$"],
    ]) {
      expect(refusalReason(command), command.join(" ")).toMatch(/^ERR /);
    }
    for (const command of [
      ["get", "k"],
      ["xread", "count", "1", "streams", "s", "0"],
      ["eval", "return 1", "0"],
    ]) {
      expect(refusalReason(command)).toBeUndefined();
    }
  });

  it("treats reads as read-only and scripts and unknown commands as writes", () => {
    expect(isReadOnly(["GET", "k"])).toBe(true);
    expect(isReadOnly(["set", "k", "v"])).toBe(false);
    expect(isReadOnly(["evalsha", "0", "0"])).toBe(false);
    expect(isReadOnly(["no-such-command"])).toBe(false);
  });
});

describe("routing", () => {
  it("maps the mount path and its pipeline and multi-exec siblings, and the control prefix", () => {
    expect(route("/", "/")).toEqual({ kind: "data", endpoint: "single" });
    expect(route("/pipeline", "/")).toEqual({ kind: "data", endpoint: "pipeline" });
    expect(route("/db/multi-exec/", "/db")).toEqual({ kind: "data", endpoint: "multi-exec" });
    expect(route("/db", "/db")).toEqual({ kind: "data", endpoint: "single" });
    expect(route("/pipeline", "/db")).toEqual({ kind: "not-found" });
    expect(route("/__control/counters/reset", "/db")).toEqual({ kind: "control", path: "/counters/reset" });
  });
});

describe("fault decisions", () => {
  it("adds latency plus jitter within bounds and picks the most disruptive fault", () => {
    expect(decideFault({ ...noFaults, latencyMs: 10, jitterMs: 5 }, () => 0.999).delayMs).toBe(15);
    expect(decideFault({ ...noFaults, latencyMs: 10, jitterMs: 5 }, () => 0).delayMs).toBe(10);
    expect(decideFault({ ...noFaults, refuse: true, hang: true }).action.kind).toBe("refuse");
    expect(decideFault({ ...noFaults, errorRate: 0.5, garbage: true }, () => 0.2).action).toEqual({ kind: "error", status: 503 });
    expect(decideFault({ ...noFaults, errorRate: 0.5, garbage: true }, () => 0.7).action.kind).toBe("garbage");
    expect(decideFault(noFaults).action.kind).toBe("pass");
  });
});

describe("Upstash script flags", () => {
  it("strips allow-key-locking, keeps other flags, and leaves plain scripts alone", () => {
    expect(stripUpstashFlags("#!lua flags=allow-key-locking\nreturn 1")).toBe("#!lua\nreturn 1");
    expect(stripUpstashFlags("#!lua flags=no-writes,allow-key-locking\nreturn 1")).toBe("#!lua flags=no-writes\nreturn 1");
    expect(stripUpstashFlags("return 1")).toBe("return 1");
  });

  it("maps the client's SHA of a flagged script to the SHA Redis holds", () => {
    const flags = new UpstashScriptFlags();
    const script = "#!lua flags=allow-key-locking\nreturn 7";
    const [evalCommand] = flags.adapt([["EVAL", script, "0"]]);
    expect(evalCommand?.[1]).toBe("#!lua\nreturn 7");
    const clientSha = createHash("sha1").update(script).digest("hex");
    const redisSha = createHash("sha1").update("#!lua\nreturn 7").digest("hex");
    expect(flags.adapt([["evalsha", clientSha, "0"]])[0]).toEqual(["evalsha", redisSha, "0"]);
  });
});
