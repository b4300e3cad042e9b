import { describe, expect, it } from "vitest";
import { GatewayConfigError } from "../../dev/gateway/options.ts";
import { createGateway } from "../../dev/gateway/server.ts";
import { post } from "../helpers/node/http.ts";
import { scopedGateway, sharedGateway } from "../helpers/node/shared-gateway.ts";
import { GatewayControlError } from "../helpers/worker/gateway-control.ts";

describe("gateway control API", () => {
  it("refuses the data token with 401 and a missing token with 400", async () => {
    const gateway = sharedGateway();
    const withDataToken = await fetch(`${gateway.controlUrl}/faults`, {
      method: "POST",
      headers: { authorization: `Bearer ${gateway.token}` },
      body: JSON.stringify({ errorRate: 1 }),
    });
    expect(withDataToken.status).toBe(401);
    const anonymous = await fetch(`${gateway.controlUrl}/counters`);
    expect(anonymous.status).toBe(400);
    expect(await gateway.control.faults()).toMatchObject({ errorRate: 0 });
  });

  it("refuses the control token on data endpoints", async () => {
    const gateway = sharedGateway();
    expect((await post(gateway.url, ["ping"], { token: gateway.controlToken })).status).toBe(401);
  });

  it("counts requests per endpoint and commands per name, and resets them", async () => {
    const gateway = await scopedGateway();
    await post(gateway.url, ["PING"], { token: gateway.token });
    await post(
      `${gateway.url}/pipeline`,
      [
        ["set", "control:k", "1"],
        ["get", "control:k"],
      ],
      { token: gateway.token },
    );
    await post(
      `${gateway.url}/multi-exec`,
      [
        ["incr", "control:n"],
        ["incr", "control:n"],
        ["del", "control:k", "control:n"],
      ],
      {
        token: gateway.token,
      },
    );
    // Script calls are also counted by SHA (an unknown one answers NOSCRIPT, and still counts).
    const sha = "a".repeat(40);
    await post(
      `${gateway.url}/pipeline`,
      [
        ["evalsha", sha.toUpperCase(), "0"],
        ["evalsha", sha, "0"],
      ],
      { token: gateway.token },
    );
    expect(await gateway.control.counters()).toEqual({
      requests: { total: 4, single: 1, pipeline: 2, "multi-exec": 1 },
      commands: { total: 8, byName: { ping: 1, set: 1, get: 1, incr: 2, del: 1, evalsha: 2 }, byScript: { [sha]: 2 } },
    });
    await gateway.control.resetCounters();
    expect(await gateway.control.counters()).toEqual({
      requests: { total: 0, single: 0, pipeline: 0, "multi-exec": 0 },
      commands: { total: 0, byName: {}, byScript: {} },
    });
  });

  it("merges fault settings and clears them all at once", async () => {
    const { control } = await scopedGateway();
    await control.setFaults({ latencyMs: 5 });
    expect(await control.setFaults({ errorRate: 0.25, errorStatus: 502 })).toMatchObject({
      latencyMs: 5,
      errorRate: 0.25,
      errorStatus: 502,
    });
    expect(await control.clearFaults()).toEqual({
      latencyMs: 0,
      jitterMs: 0,
      errorRate: 0,
      errorStatus: 503,
      hang: false,
      refuse: false,
      garbage: false,
      resetAfterApply: false,
    });
  });

  it("rejects invalid fault settings and unknown scopes", async () => {
    const { control } = await scopedGateway();
    await expect(control.setFaults({ errorRate: 2 })).rejects.toMatchObject({ status: 400 });
    await expect(control.setFaults({ errorStatus: 404 })).rejects.toBeInstanceOf(GatewayControlError);
    await expect(control.setFaults({ bogus: true } as never)).rejects.toMatchObject({ status: 400 });
    const response = await fetch(`${sharedGateway().controlUrl}/counters?scope=unknown`, {
      headers: { authorization: `Bearer ${sharedGateway().controlToken}` },
    });
    expect(response.status).toBe(404);
  });

  it("refuses to build with a control token equal to the data token", async () => {
    await expect(createGateway({ token: "same", controlToken: "same" })).rejects.toBeInstanceOf(GatewayConfigError);
  });
});
