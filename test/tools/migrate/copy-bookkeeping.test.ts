import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CommittedKeys } from "../../../tools/migrate/committed-keys.ts";
import { DirtyKeys } from "../../../tools/migrate/dirty-keys.ts";
import { Pacer } from "../../../tools/migrate/pacer.ts";
import { stateDir } from "./migrate-stack.ts";

describe("Pacer (--rate)", () => {
  it("lets the first take through at once and holds the next until the budget it used is spent", async () => {
    const pacer = new Pacer(1000);
    const start = performance.now();
    await pacer.take(20);
    await pacer.take(1);
    // 20 units at 1,000 a second use 20 ms of budget: the second take waits for it.
    // Timers may fire a millisecond early by performance.now.
    expect(performance.now() - start).toBeGreaterThanOrEqual(18);
    expect(() => new Pacer(0)).toThrow(RangeError);
  });
});

describe("DirtyKeys (--follow)", () => {
  it("keeps each changed key once and hands them out in bounded takes", () => {
    const dirty = new DirtyKeys(10);
    for (const key of ["a", "b", "a", "c"]) dirty.add(Buffer.from(key));
    expect(dirty.size).toBe(3);
    expect(dirty.take(2).map(String)).toEqual(["a", "b"]);
    expect(dirty.take(5).map(String)).toEqual(["c"]);
    expect(dirty.takeRescan()).toBe(false);
  });

  it("drops the set and asks for a rescan once it would pass its bound, and after a gap", () => {
    const dirty = new DirtyKeys(3);
    for (const key of ["a", "b", "c", "d"]) dirty.add(Buffer.from(key));
    expect(dirty.size).toBe(0);
    expect(dirty.takeRescan()).toBe(true);
    expect(dirty.takeRescan()).toBe(false);
    dirty.markGap();
    expect(dirty.takeRescan()).toBe(true);
  });
});

describe("CommittedKeys (Memcached resume)", () => {
  it("remembers appended keys across loads, by digest, binary keys included", () => {
    const path = join(stateDir(), "state.json.keys");
    const first = CommittedKeys.load(path);
    expect(first.size).toBe(0);
    first.append([Buffer.from("rvu:row:1"), Buffer.from([0, 0xff, 0x3a])]);
    const again = CommittedKeys.load(path);
    expect(again.size).toBe(2);
    expect(again.has(Buffer.from("rvu:row:1"))).toBe(true);
    expect(again.has(Buffer.from([0, 0xff, 0x3a]))).toBe(true);
    expect(again.has(Buffer.from("rvu:row:2"))).toBe(false);
  });

  it("cuts a digest torn by a crash, so later appends stay aligned", () => {
    const path = join(stateDir(), "state.json.keys");
    CommittedKeys.load(path).append([Buffer.from("a")]);
    writeFileSync(path, Buffer.concat([readFileSync(path), Buffer.from([1, 2, 3])]));
    const loaded = CommittedKeys.load(path);
    expect(statSync(path).size).toBe(8);
    loaded.append([Buffer.from("b")]);
    const reloaded = CommittedKeys.load(path);
    expect(reloaded.has(Buffer.from("a"))).toBe(true);
    expect(reloaded.has(Buffer.from("b"))).toBe(true);
  });
});
