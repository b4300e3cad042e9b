import { describe, expect, it } from "vitest";
import { StoreUnavailableError } from "../../../shared/cache/store";
import { CircuitBreaker } from "../../../shared/redis/circuit-breaker";
import {
  currentRequestBudget,
  notRedisTime,
  outsideRequestBudget,
  RequestBudgetError,
  withRequestBudget,
} from "../../../shared/redis/request-budget";
import { gatewayScope, redisRunner, sleep } from "../../helpers/worker/test-env";

const ping = [{ op: "ping" as const }];

async function elapsed<T>(work: () => Promise<T>): Promise<{ result: T | unknown; ms: number }> {
  const started = performance.now();
  const result = await work().catch((error: unknown) => error);
  return { result, ms: performance.now() - started };
}

describe("a request's Redis budget, against the gateway", () => {
  it("gives a call what is left of the budget, then refuses the request's later calls without sending them", async () => {
    const { token, control } = await gatewayScope();
    const runner = redisRunner(token, 300);
    await runner.run(ping);
    await control.setFaults({ hang: true });
    try {
      await withRequestBudget(300, async () => {
        await sleep(10);
        const first = await elapsed(() => runner.run(ping));
        expect(first.result).toBeInstanceOf(StoreUnavailableError);
        expect(first.ms).toBeLessThan(330);
        await control.resetCounters();
        const second = await elapsed(() => runner.run(ping));
        expect(second.result).toBeInstanceOf(RequestBudgetError);
        expect((second.result as RequestBudgetError).sent).toBe(false);
        expect(second.ms).toBeLessThan(20);
        expect((await control.counters()).requests.total).toBe(0);
      });
    } finally {
      await control.clearFaults();
    }
  });

  it("cuts a call at the budget's end and says so, so the breaker can tell it from a Redis timeout", async () => {
    const { token, control } = await gatewayScope();
    const runner = redisRunner(token, 300);
    await runner.run(ping);
    await control.setFaults({ latencyMs: 200 });
    try {
      await withRequestBudget(300, async () => {
        expect(await runner.run(ping)).toEqual([{ ok: true, value: "PONG" }]);
        const cut = await elapsed(() => runner.run(ping));
        expect(cut.result).toBeInstanceOf(RequestBudgetError);
        expect((cut.result as RequestBudgetError).sent).toBe(true);
        expect(cut.ms).toBeLessThan(150);
      });
    } finally {
      await control.clearFaults();
    }
  });

  it("leaves work started outside the budget its own deadline, and does not count origin or sleep time", async () => {
    const { token, control } = await gatewayScope();
    const runner = redisRunner(token, 300);
    await runner.run(ping);
    await withRequestBudget(50, async () => {
      await notRedisTime(sleep(100));
      expect(currentRequestBudget()?.remainingMs()).toBeGreaterThan(0);
      currentRequestBudget()?.fail();
      await control.setFaults({ latencyMs: 150 });
      try {
        const background = outsideRequestBudget(() => runner.run(ping));
        expect(await background).toEqual([{ ok: true, value: "PONG" }]);
      } finally {
        await control.clearFaults();
      }
    });
  });
});

describe("CircuitBreaker and the request budget", () => {
  it("counts neither a refusal nor a cut by the budget, and hands a held probe back", async () => {
    const clock = { now: 0 };
    const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 1000, now: () => clock.now });
    await breaker.run(() => Promise.reject(new RequestBudgetError(true)));
    expect(breaker.state).toBe("closed");
    await breaker.run(() => Promise.reject(new Error("redis down")));
    expect(breaker.state).toBe("open");
    clock.now = 1000;
    await breaker.run(() => Promise.reject(new RequestBudgetError(false)));
    expect(breaker.state).toBe("half-open");
    expect(breaker.tryAcquire()).toBe(true);
  });
});
