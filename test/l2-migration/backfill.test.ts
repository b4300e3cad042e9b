import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalStack, startLocalStack } from "../../dev/stack.ts";
import { createEntry } from "../../shared/cache/entry.ts";
import type { EntryKey, TenantId } from "../../shared/cache/keys.ts";
import { UpstashStore } from "../../shared/cache/upstash/upstash-store.ts";
import { runBackfill } from "../../shared/l2/migration/backfill.ts";
import { dumpKeysScript } from "../../shared/l2/migration/control-copy-scripts.ts";
import { BACKFILL_LEASE_KEY, BACKFILL_STATE_KEY, RESYNC_FLAG_KEY } from "../../shared/l2/migration/migration-keys.ts";
import { corsOriginRedisKey, entryRedisKey, statsRedisKey, TOKENS_REDIS_KEY } from "../../shared/redis/key-layout.ts";
import { scriptOfSha } from "../../shared/redis/lua-script.ts";
import { createUpstashRunner, type RedisRunner } from "../../shared/redis/redis-client.ts";
import { SubrequestBudget } from "../../shared/warm/subrequest-budget.ts";

const codec = { compressionThresholdBytes: 1024 };
const tenant = "shop" as TenantId;
const key = (name: string): EntryKey => ({ tenant, key: name });
const text = new TextEncoder();

/** The backfill on its own, between two fresh databases: what it copies, skips, repairs and resumes. */
describe("the backfill between two databases", () => {
  let stacks: { current: LocalStack; next: LocalStack };
  let raw: { current: Redis; next: Redis };
  const runner = (stack: LocalStack): RedisRunner =>
    createUpstashRunner({ url: stack.gateway.url, token: stack.gateway.token, timeoutMs: 2000, retries: 0 });
  const stores = () => ({
    current: new UpstashStore({ runner: runner(stacks.current), codec }),
    next: new UpstashStore({ runner: runner(stacks.next), codec }),
  });
  const entry = (value: string, createdAt = Date.now(), tags: string[] = []) =>
    createEntry({ value: text.encode(value), contentType: "text/plain", ttlSeconds: 600, swrSeconds: 0, tags }, createdAt);
  const backfill = (options: { budget?: number; pageSize?: number; current?: RedisRunner } = {}) =>
    runBackfill(
      {
        current: { runner: options.current ?? runner(stacks.current), store: stores().current },
        next: { runner: runner(stacks.next), store: stores().next },
      },
      { budget: new SubrequestBudget(options.budget ?? 100), pageSize: options.pageSize ?? 200 },
    );

  beforeAll(async () => {
    stacks = { current: await startLocalStack(), next: await startLocalStack() };
    raw = { current: new Redis(stacks.current.redis.url), next: new Redis(stacks.next.redis.url) };
  }, 30_000);
  afterAll(async () => {
    raw.current.disconnect();
    raw.next.disconnect();
    await stacks.next.stop();
    await stacks.current.stop();
  });
  const reset = async () => {
    await raw.current.flushall();
    await raw.next.flushall();
  };

  it("copies live entries with their remaining lifetime, keeps newer ones, and leaves hidden ones", async () => {
    await reset();
    const { current, next } = stores();
    await current.set(key("plain"), await entry("p"));
    await current.set(key("older-here"), await entry("old", Date.now() - 10_000));
    await next.set(key("older-here"), await entry("new"));
    await current.set(key("tagged"), await entry("t", Date.now() - 1000, ["gone"]));
    await current.invalidate(tenant, { tags: ["gone"] });
    await current.set(key("deleted"), await entry("d"));
    await current.delete(key("deleted"));

    const run = await backfill();
    expect(run).toMatchObject({ status: "ran", state: { done: true, copied: 2, skippedNewer: 1, failed: 0, passes: 1 } });
    expect(new TextDecoder().decode((await next.get(key("plain")))?.entry.value)).toBe("p");
    expect(new TextDecoder().decode((await next.get(key("older-here")))?.entry.value)).toBe("new");
    expect(await next.get(key("tagged"))).toBeUndefined();
    // The delete's tombstone is copied, so a late write created before it stays out in next too.
    expect(await raw.next.get(entryRedisKey(key("deleted")))).toMatch(/"d":1/);
    const ttl = await raw.next.pttl(entryRedisKey(key("plain")));
    expect(ttl).toBeGreaterThan(590_000);
    expect(ttl).toBeLessThanOrEqual(600_000);
  });

  it("resumes from its cursor when an invocation's budget runs out, and finishes", async () => {
    await reset();
    const { current } = stores();
    for (let i = 0; i < 30; i++) await current.set(key(`k${i}`), await entry(`v${i}`));
    let runs = 0;
    let state: { done: boolean; copied: number } | undefined;
    while (!state?.done && runs < 50) {
      const run = await backfill({ budget: 12, pageSize: 3 });
      runs++;
      if (run.status === "ran") state = run.state;
    }
    expect(runs).toBeGreaterThan(1);
    expect(state).toMatchObject({ done: true, copied: 30 });
    expect(await raw.next.hget(BACKFILL_STATE_KEY, "cursor")).toBe("0");
  });

  it("runs once at a time: a second invocation while one holds the lease does nothing", async () => {
    await reset();
    await raw.next.set(BACKFILL_LEASE_KEY, "someone else", "PX", 60_000);
    expect(await backfill()).toEqual({ status: "busy" });
  });

  it("goes round again when a write missed next during a pass", async () => {
    await reset();
    const { current } = stores();
    await current.set(key("first"), await entry("1"));
    expect(await backfill()).toMatchObject({ state: { done: true, passes: 1 } });
    await current.set(key("missed"), await entry("2"));
    await raw.current.set(RESYNC_FLAG_KEY, "1");
    expect(await backfill()).toMatchObject({ state: { done: true, passes: 2 } });
    expect(await raw.next.exists(entryRedisKey(key("missed")))).toBe(1);
    expect(await raw.current.exists(RESYNC_FLAG_KEY)).toBe(0);
  });

  it("merges the control plane without overwriting, takes the larger count, and never brings back what was deleted mid-copy", async () => {
    await reset();
    await raw.current.hset(TOKENS_REDIS_KEY, "digest-kept", '{"v":"old"}', "digest-revoked", '{"v":"live"}');
    await raw.next.hset(TOKENS_REDIS_KEY, "digest-kept", '{"v":"newer, written during the move"}');
    await raw.current.sadd(corsOriginRedisKey("https://a.example"), "t:shop", "k:shop:tok1");
    await raw.current.hset(statsRedisKey(tenant), "sets", "10", "misses", "3");
    await raw.next.hset(statsRedisKey(tenant), "sets", "12", "misses", "1");
    // Between the dump and the merge, a token is revoked and an origin dropped in current; the same
    // deletes reach next (as the mirrored writes do) and find nothing there yet.
    const raced: RedisRunner = {
      async run(commands) {
        const replies = await runner(stacks.current).run(commands);
        // The dump answered (not a NOSCRIPT that is about to be re-sent as EVAL).
        const dumped = commands.some(
          (command, i) =>
            replies[i]?.ok === true &&
            ((command.op === "evalsha" && scriptOfSha(command.sha)?.name === "l2m-dump-keys") ||
              (command.op === "eval" && command.script === dumpKeysScript.source)),
        );
        if (dumped && !racedOnce) {
          racedOnce = true;
          await raw.current.hdel(TOKENS_REDIS_KEY, "digest-revoked");
          await raw.current.srem(corsOriginRedisKey("https://a.example"), "k:shop:tok1");
          await raw.next.hdel(TOKENS_REDIS_KEY, "digest-revoked");
          await raw.next.srem(corsOriginRedisKey("https://a.example"), "k:shop:tok1");
        }
        return replies;
      },
    };
    let racedOnce = false;
    expect(await backfill({ current: raced })).toMatchObject({ state: { done: true, failed: 0 } });
    expect(racedOnce).toBe(true);
    expect(await raw.next.hgetall(TOKENS_REDIS_KEY)).toEqual({ "digest-kept": '{"v":"newer, written during the move"}' });
    expect(await raw.next.smembers(corsOriginRedisKey("https://a.example"))).toEqual(["t:shop"]);
    expect(await raw.next.hgetall(statsRedisKey(tenant))).toEqual({ sets: "12", misses: "3" });
  });
});
