import { describe, expect, it } from "vitest";
import { SingleFlight, SingleFlightTimeoutError } from "../../../shared/warm/single-flight";

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("single-flight", () => {
  it("concurrent callers for one key share one load", async () => {
    const flight = new SingleFlight<string>();
    const gate = deferred<string>();
    let loads = 0;
    const load = () => {
      loads++;
      return gate.promise;
    };
    const callers = Array.from({ length: 10 }, () => flight.run("k", load));
    expect(flight.size).toBe(1);
    gate.resolve("value");
    expect(await Promise.all(callers)).toEqual(Array(10).fill("value"));
    expect(loads).toBe(1);
  });

  it("keys load independently", async () => {
    const flight = new SingleFlight<string>();
    const [a, b] = await Promise.all([flight.run("a", async () => "A"), flight.run("b", async () => "B")]);
    expect([a, b]).toEqual(["A", "B"]);
  });

  it("frees the key once the load settles, on success and on failure", async () => {
    const flight = new SingleFlight<string>();
    await flight.run("k", async () => "one");
    expect(flight.size).toBe(0);
    await expect(flight.run("k", async () => Promise.reject(new Error("origin down")))).rejects.toThrow("origin down");
    expect(flight.size).toBe(0);
    expect(await flight.run("k", async () => "two")).toBe("two");
  });

  it("shares a failure with the callers waiting on it", async () => {
    const flight = new SingleFlight<string>();
    const gate = deferred<string>();
    const leader = flight.run("k", () => gate.promise);
    const follower = flight.run("k", async () => "never");
    gate.reject(new Error("boom"));
    await expect(leader).rejects.toThrow("boom");
    await expect(follower).rejects.toThrow("boom");
  });

  it("a waiter that outlasts its timeout takes its fallback, the leader keeps its load", async () => {
    const flight = new SingleFlight<string>({ waitTimeoutMs: 10 });
    const gate = deferred<string>();
    const leader = flight.run("k", () => gate.promise);
    const follower = flight.run("k", async () => "unused", { fallback: async () => "fallback" });
    const impatient = flight.run("k", async () => "unused");
    expect(await follower).toBe("fallback");
    await expect(impatient).rejects.toBeInstanceOf(SingleFlightTimeoutError);
    gate.resolve("late");
    expect(await leader).toBe("late");
  });

  it("hands the leader's load to waitUntil so it outlives the leader's request", async () => {
    const flight = new SingleFlight<string>();
    const kept: Promise<unknown>[] = [];
    await flight.run("k", async () => "v", { waitUntil: (promise) => kept.push(promise) });
    expect(kept).toHaveLength(1);
  });

  it("stops joining a load that never settles once it is older than maxFlightMs: the next caller starts its own", async () => {
    let now = 0;
    const flight = new SingleFlight<string>({ maxFlightMs: 1000, waitTimeoutMs: 10, now: () => now });
    let loads = 0;
    // A leader cancelled in Workers: its load never settles and its finally never runs.
    void flight.run("k", () => {
      loads++;
      return new Promise<string>(() => {});
    });
    await expect(flight.run("k", async () => "unused")).rejects.toBeInstanceOf(SingleFlightTimeoutError);
    expect(loads).toBe(1);
    now = 1000;
    expect(await flight.run("k", async () => "fresh")).toBe("fresh");
    expect(flight.size).toBe(0);
  });

  it("tracks at most maxFlights loads; past it a load runs unshared, and expired ones make room", async () => {
    let now = 0;
    const flight = new SingleFlight<string>({ maxFlights: 2, maxFlightMs: 1000, now: () => now });
    const never = () => new Promise<string>(() => {});
    void flight.run("a", never);
    void flight.run("b", never);
    let loads = 0;
    const counted = () => {
      loads++;
      return never();
    };
    void flight.run("c", counted);
    void flight.run("c", counted);
    await new Promise((resolve) => setTimeout(resolve, 0)); // loads start on a later tick
    expect(flight.size).toBe(2);
    expect(loads).toBe(2);
    now = 1000;
    void flight.run("d", never);
    expect(flight.size).toBe(1);
  });

  it("refuses to share a Response, which only one reader could consume", async () => {
    const flight = new SingleFlight<unknown>();
    await expect(flight.run("k", async () => new Response("body"))).rejects.toBeInstanceOf(TypeError);
  });
});
