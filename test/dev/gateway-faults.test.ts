import { errors, Redis } from "@upstash/redis";
import { describe, expect, it } from "vitest";
import { post } from "../helpers/node/http.ts";
import { type GatewayUnderTest, scopedGateway, sharedGateway } from "../helpers/node/shared-gateway.ts";

type FaultsPatch = Parameters<GatewayUnderTest["control"]["setFaults"]>[0];

/** Every test takes its own scope: faults set here never reach another test file's requests. */
async function faultyGateway(faults: FaultsPatch): Promise<GatewayUnderTest> {
  const gateway = await scopedGateway();
  await gateway.control.setFaults(faults);
  return gateway;
}

describe("gateway fault injection", () => {
  it("adds at least the configured latency and still answers correctly", async () => {
    const gateway = await faultyGateway({ latencyMs: 150, jitterMs: 50 });
    const started = performance.now();
    const answer = await post(gateway.url, ["ping"], { token: gateway.token });
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
    expect(answer.json).toEqual({ result: "PONG" });
  });

  it("answers every request with the configured 5xx and a JSON error at rate 1", async () => {
    const gateway = await faultyGateway({ errorRate: 1 });
    const single = await post(gateway.url, ["ping"], { token: gateway.token });
    expect(single.status).toBe(503);
    expect(single.json).toEqual({ error: expect.any(String) });

    await gateway.control.setFaults({ errorStatus: 500 });
    const pipeline = await post(`${gateway.url}/pipeline`, [["ping"]], { token: gateway.token });
    expect(pipeline.status).toBe(500);

    const client = new Redis({ url: gateway.url, token: gateway.token });
    const batch = client.pipeline();
    batch.get("a");
    batch.get("b");
    await expect(batch.exec()).rejects.toBeInstanceOf(errors.UpstashError);
  });

  it("fails only some requests at a rate between 0 and 1", async () => {
    const gateway = await faultyGateway({ errorRate: 0.5 });
    const statuses = await Promise.all(
      Array.from({ length: 100 }, () => post(gateway.url, ["ping"], { token: gateway.token }).then((answer) => answer.status)),
    );
    expect(statuses).toContain(200);
    expect(statuses).toContain(503);
  });

  it("holds requests unanswered while hang is set, then closes them when it is cleared", async () => {
    const gateway = await faultyGateway({ hang: true });
    const timedOut = post(gateway.url, ["ping"], { token: gateway.token, signal: AbortSignal.timeout(200) });
    await expect(timedOut).rejects.toMatchObject({ name: "TimeoutError" });

    const held = post(gateway.url, ["ping"], { token: gateway.token });
    const outcome = held.then(
      () => "answered",
      () => "closed",
    );
    await expect.poll(async () => (await gateway.control.counters()).requests.total).toBe(2);
    await gateway.control.clearFaults();
    expect(await outcome).toBe("closed");
    expect((await post(gateway.url, ["ping"], { token: gateway.token })).json).toEqual({ result: "PONG" });
  });

  it("resets connections while refuse is set, which the SDK retries before giving up", async () => {
    const gateway = await faultyGateway({ refuse: true });
    const failure = await post(gateway.url, ["ping"], { token: gateway.token }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TypeError);

    await gateway.control.resetCounters();
    const client = new Redis({ url: gateway.url, token: gateway.token, retry: { retries: 2, backoff: () => 0 } });
    await expect(client.get("anything")).rejects.toThrow();
    expect((await gateway.control.counters()).requests.total).toBe(3);
  });

  it("answers 200 with a body that is not JSON while garbage is set", async () => {
    const gateway = await faultyGateway({ garbage: true });
    const answer = await post(gateway.url, ["ping"], { token: gateway.token });
    expect(answer.status).toBe(200);
    expect(answer.json).toBeUndefined();
    const client = new Redis({ url: gateway.url, token: gateway.token });
    await expect(client.get("anything")).rejects.toBeInstanceOf(errors.UpstashJSONParseError);
  });

  it("runs the commands, then resets the connection instead of answering, while resetAfterApply is set", async () => {
    const gateway = await faultyGateway({ resetAfterApply: true });
    const key = `reset-after-apply:${crypto.randomUUID()}`;
    const failure = await post(`${gateway.url}/pipeline`, [["incr", key]], { token: gateway.token }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TypeError);

    // The SDK takes the reset for a connection failure and sends the command again: it runs again.
    const client = new Redis({ url: gateway.url, token: gateway.token, retry: { retries: 1, backoff: () => 0 } });
    await expect(client.incr(key)).rejects.toThrow();
    await gateway.control.clearFaults();
    expect(await client.get(key)).toBe(3);
  });

  it("never applies faults to the control API", async () => {
    const gateway = await faultyGateway({ refuse: true, latencyMs: 10_000, errorRate: 1 });
    expect(await gateway.control.faults()).toMatchObject({ refuse: true, errorRate: 1 });
    await gateway.control.setFaults({ refuse: false, hang: true });
    expect(await gateway.control.counters()).toMatchObject({ requests: { total: 0 } });
  });

  it("keeps one scope's faults away from other tokens", async () => {
    await faultyGateway({ errorRate: 1 });
    const shared = sharedGateway();
    expect((await post(shared.url, ["ping"], { token: shared.token })).status).toBe(200);
  });
});
