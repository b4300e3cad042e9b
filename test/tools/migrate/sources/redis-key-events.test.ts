import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type RunningRedis, startRedis } from "../../../../dev/redis/launcher.ts";
import { SourceError } from "../../../../tools/migrate/source-error.ts";
import { withKeyEvents } from "../../../../tools/migrate/sources/keyspace-events-config.ts";
import { type KeyEventSubscription, subscribeKeyEvents } from "../../../../tools/migrate/sources/redis-key-events.ts";

let redis: RunningRedis;
let admin: Redis;
const subscriptions: KeyEventSubscription[] = [];

beforeAll(async () => {
  redis = await startRedis();
  admin = new Redis(redis.url);
});

afterAll(async () => {
  admin.disconnect();
  await redis.stop();
});

beforeEach(async () => {
  await admin.config("SET", "notify-keyspace-events", "");
});

afterEach(async () => {
  await Promise.all(subscriptions.splice(0).map((subscription) => subscription.close()));
});

async function notifySetting(): Promise<string> {
  return String(((await admin.config("GET", "notify-keyspace-events")) as string[])[1]);
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

function recorder() {
  const events: [string, string][] = [];
  let gaps = 0;
  return {
    events,
    gaps: () => gaps,
    onKey: (key: Buffer, event: string) => events.push([key.toString("latin1"), event]),
    onGap: () => {
      gaps++;
    },
  };
}

describe("redis key events", () => {
  it("adds only the notification flags that are missing", () => {
    expect(withKeyEvents("")).toBe("Eg$lshzxe");
    expect(withKeyEvents("AKE")).toBeUndefined();
    expect(withKeyEvents("Eg$lshzxe")).toBeUndefined();
    expect(withKeyEvents("Kx")).toBe("KxEg$lshze");
    expect(withKeyEvents("AK")).toBe("AKE");
  });

  it("enables keyevent notifications, reports each changed key with its event, and restores the setting on close", async () => {
    const seen = recorder();
    const subscription = await subscribeKeyEvents(redis.url, undefined, seen.onKey, seen.onGap);
    subscriptions.push(subscription);
    expect(withKeyEvents(await notifySetting())).toBeUndefined();

    const binaryKey = Buffer.from([0xff, 0x00, 0x41]);
    await admin.set(binaryKey, "v");
    await admin.hset("h", "f", "v");
    await admin.del("h");
    await admin.set("short", "v", "PX", 1);
    await until(() => seen.events.some(([, event]) => event === "expired"), "the expired event");

    expect(seen.events).toEqual(
      expect.arrayContaining([
        [binaryKey.toString("latin1"), "set"],
        ["h", "hset"],
        ["h", "del"],
        ["short", "expired"],
      ]),
    );
    await subscription.close();
    expect(await notifySetting()).toBe("");
  });

  it("listens to the database it is given only", async () => {
    const seen = recorder();
    subscriptions.push(await subscribeKeyEvents(redis.url, 2, seen.onKey, seen.onGap));
    await admin.set("in-db-0", "v");
    await admin.select(2);
    await admin.set("in-db-2", "v");
    await admin.select(0);
    await until(() => seen.events.length > 0, "an event");
    await sleep(50);
    expect(seen.events).toEqual([["in-db-2", "set"]]);
  });

  it("leaves a setting that already has everything as it is", async () => {
    await admin.config("SET", "notify-keyspace-events", "KEA");
    const seen = recorder();
    const subscription = await subscribeKeyEvents(redis.url, 0, seen.onKey, seen.onGap);
    await admin.config("SET", "notify-keyspace-events", "KEA$");
    await subscription.close();
    // Restoring would have written back the value found at the start.
    expect(await notifySetting()).toBe("AKE");
  });

  it("reports a gap once the subscription is back after a drop, notifications enabled again", async () => {
    const seen = recorder();
    subscriptions.push(await subscribeKeyEvents(redis.url, 0, seen.onKey, seen.onGap));

    // As a restarted server would have: the CONFIG SET is forgotten.
    await admin.config("SET", "notify-keyspace-events", "");
    await admin.call("CLIENT", "KILL", "TYPE", "pubsub");
    await until(() => seen.gaps() === 1, "a gap");
    await admin.set("after", "v");
    await until(() => seen.events.length > 0, "an event after the gap");

    expect(seen.events).toEqual([["after", "set"]]);
  });

  it("says what to configure when the server refuses CONFIG", async () => {
    const locked = await startRedis({ extraArgs: ["--rename-command", "CONFIG", ""] });
    try {
      const error = await subscribeKeyEvents(
        locked.url,
        0,
        () => {},
        () => {},
      ).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(SourceError);
      expect((error as Error).message).toMatch(
        new RegExp(`^redis://127\\.0\\.0\\.1:${locked.port} refused CONFIG GET notify-keyspace-events`),
      );
      expect((error as Error).message).toContain('set notify-keyspace-events to "Eg$lshzxe" or more');
    } finally {
      await locked.stop();
    }
  });
});
