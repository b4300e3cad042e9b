import { describe, expect, it } from "vitest";
import { runCalls } from "../../../shared/cache/script-runner";
import { UpstashStore } from "../../../shared/cache/upstash-store";
import { entryOf } from "../../helpers/worker/store-contract";
import { gatewayScope, redisRunner, uniqueTenant } from "../../helpers/worker/test-env";

const store = () => new UpstashStore({ runner: redisRunner(), codec: { compressionThresholdBytes: 1024 } });

describe("UpstashStore.revalidate", () => {
  it("says unchanged for the version held, changed after a write, absent after a delete", async () => {
    const l2 = store();
    const key = { tenant: uniqueTenant(), key: "k" };
    const first = await l2.set(key, await entryOf("one"));
    if (first.status !== "stored") throw new Error("not stored");
    expect(first.entry.version).toBeGreaterThan(0);
    expect(await l2.revalidate(key, first.entry.version)).toEqual({ status: "unchanged" });
    await l2.set(key, await entryOf("two"));
    const changed = await l2.revalidate(key, first.entry.version);
    expect(changed.status).toBe("changed");
    expect(changed.status === "changed" && new TextDecoder().decode(changed.entry.value)).toBe("two");
    await l2.delete(key);
    expect(await l2.revalidate(key, first.entry.version)).toEqual({ status: "absent" });
  });

  it("says absent for a version that was cleared", async () => {
    const l2 = store();
    const key = { tenant: uniqueTenant(), key: "k" };
    const stored = await l2.set(key, await entryOf("v"));
    await l2.clear(key.tenant);
    expect(await l2.revalidate(key, stored.status === "stored" ? stored.entry.version : 0)).toEqual({ status: "absent" });
  });
});

describe("script calls", () => {
  it("fall back to EVAL when Redis does not know the script (NOSCRIPT), then use EVALSHA", async () => {
    const { control, token } = await gatewayScope();
    const runner = redisRunner(token);
    const script = { name: "probe", source: `return '${crypto.randomUUID()}'` };
    await control.resetCounters();
    const [first] = await runCalls(runner, [{ script, keys: [], args: [] }]);
    expect(first).toEqual({ ok: true, value: script.source.slice(8, -1) });
    expect((await control.counters()).commands.byName).toMatchObject({ evalsha: 1, eval: 1 });
    await control.resetCounters();
    await runCalls(runner, [{ script, keys: [], args: [] }]);
    expect((await control.counters()).commands.byName).toEqual({ evalsha: 1 });
  });
});
