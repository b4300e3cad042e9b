import { Redis } from "@upstash/redis";
import { describe, expect, it } from "vitest";
import { startLocalStack } from "../../dev/stack.ts";

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("local stack", () => {
  it("serves the SDK through the gateway and stops gateway and Redis together", async () => {
    const stack = await startLocalStack();
    try {
      const client = new Redis({ url: stack.gateway.url, token: stack.gateway.token });
      expect(await client.set("stack:key", "value")).toBe("OK");
      expect(await client.get("stack:key")).toBe("value");
    } finally {
      await stack.stop();
    }
    expect(isAlive(stack.redis.pid)).toBe(false);
    await expect(fetch(stack.gateway.url, { method: "POST", body: "[]" })).rejects.toThrow();
    await stack.stop();
  });
});
