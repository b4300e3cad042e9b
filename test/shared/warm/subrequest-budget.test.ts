import { describe, expect, it } from "vitest";
import type { RedisRunner } from "../../../shared/redis/redis-client";
import { BudgetExhaustedError, budgetedRunner, SubrequestBudget } from "../../../shared/warm/subrequest-budget";

describe("subrequest budget", () => {
  it("takes only what leaves the amount asked to keep", () => {
    const budget = new SubrequestBudget(5);
    expect(budget.tryTake(2, 2)).toBe(true);
    expect(budget.tryTake(1, 2)).toBe(true);
    expect(budget.tryTake(1, 2)).toBe(false);
    expect(budget.tryTake(2)).toBe(true);
    expect(budget.tryTake(1)).toBe(false);
    expect([budget.used, budget.remaining]).toEqual([5, 0]);
  });

  it("a share spends from its parent and is bounded by both", () => {
    const budget = new SubrequestBudget(10);
    const share = budget.share(4);
    expect(share.tryTake(3)).toBe(true);
    expect(budget.used).toBe(3);
    expect(share.tryTake(2)).toBe(false);
    expect(budget.tryTake(7)).toBe(true);
    expect(share.tryTake(1)).toBe(false);
  });

  it("charges one per Redis request and refuses past the limit without calling", async () => {
    let calls = 0;
    const inner: RedisRunner = {
      run: async (commands) => {
        calls++;
        return commands.map(() => ({ ok: true, value: "PONG" }));
      },
    };
    const budget = new SubrequestBudget(2);
    const runner = budgetedRunner(inner, budget);
    await runner.run([{ op: "ping" }, { op: "ping" }]);
    await runner.run([{ op: "ping" }]);
    await expect(runner.run([{ op: "ping" }])).rejects.toBeInstanceOf(BudgetExhaustedError);
    expect(calls).toBe(2);
  });
});
