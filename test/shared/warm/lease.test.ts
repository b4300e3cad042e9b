import { describe, expect, it } from "vitest";
import { originLeaseRedisKey } from "../../../shared/redis/key-layout";
import { acquireLease, releaseLease } from "../../../shared/warm/lease";
import { redisRunner, uniqueTenant } from "../../helpers/worker/test-env";

describe("Redis lease", () => {
  it("has one holder at a time", async () => {
    const runner = redisRunner();
    const key = originLeaseRedisKey({ tenant: uniqueTenant(), key: "k" });
    const first = await acquireLease(runner, key, 60_000);
    expect(first).toBeDefined();
    expect(await acquireLease(runner, key, 60_000)).toBeUndefined();
    expect(first && (await releaseLease(runner, first))).toBe(true);
    expect(await acquireLease(runner, key, 60_000)).toBeDefined();
  });

  it("is released only by its holder: a stale holder cannot free its successor's lease", async () => {
    const runner = redisRunner();
    const key = originLeaseRedisKey({ tenant: uniqueTenant(), key: "k" });
    const holder = await acquireLease(runner, key, 60_000);
    expect(await releaseLease(runner, { redisKey: key, token: "someone-else" })).toBe(false);
    expect(await acquireLease(runner, key, 60_000)).toBeUndefined();
    expect(holder && (await releaseLease(runner, holder))).toBe(true);
    expect(holder && (await releaseLease(runner, holder))).toBe(false);
  });
});
