import { describe, expect, it } from "vitest";
import { DECLARED_CRONS, intervalAfter, resolveSchedule, SCHEDULE_INTERVALS, slotOf } from "../../../shared/warm/schedules";
import wranglerToml from "../../../wrangler.toml?raw";

/** The `crons = [...]` line of wrangler.toml's [triggers], read as text: workerd cannot read files. */
function declaredInWrangler(toml: string): string[] {
  const triggers = toml.slice(toml.indexOf("[triggers]"));
  const line = /^crons\s*=\s*\[(.*)\]\s*$/m.exec(triggers)?.[1] ?? "";
  return [...line.matchAll(/"([^"]*)"/g)].map((match) => match[1] as string);
}

const at = (iso: string) => Date.parse(iso);

describe("schedules", () => {
  it("lists exactly the cron triggers wrangler.toml declares", () => {
    expect(declaredInWrangler(wranglerToml)).toEqual([...DECLARED_CRONS]);
  });

  it("accepts interval names and declared crons, and nothing else", () => {
    expect(resolveSchedule("1m")).toBe("* * * * *");
    expect(resolveSchedule("5m")).toBe("*/5 * * * *");
    expect(resolveSchedule("1h")).toBe("0 * * * *");
    expect(resolveSchedule("0 * * * *")).toBe("0 * * * *");
    expect(resolveSchedule("*/10 * * * *")).toBeUndefined();
    expect(resolveSchedule("toString")).toBeUndefined();
    expect(Object.values(SCHEDULE_INTERVALS).every((cron) => (DECLARED_CRONS as readonly string[]).includes(cron))).toBe(true);
  });

  it("puts a trigger time in the slot of its schedule, so a doubled delivery shares it", () => {
    expect(slotOf("*/5 * * * *", at("2026-03-01T10:05:00.000Z"))).toBe(at("2026-03-01T10:05:00.000Z"));
    expect(slotOf("*/5 * * * *", at("2026-03-01T10:05:00.950Z"))).toBe(at("2026-03-01T10:05:00.000Z"));
    expect(slotOf("*/5 * * * *", at("2026-03-01T10:07:30.000Z"))).toBe(at("2026-03-01T10:05:00.000Z"));
    expect(slotOf("0 * * * *", at("2026-03-01T10:59:59.000Z"))).toBe(at("2026-03-01T10:00:00.000Z"));
    expect(slotOf("* * * * *", at("2026-03-01T10:07:30.000Z"))).toBe(at("2026-03-01T10:07:00.000Z"));
  });

  it("knows the time between two runs of a schedule", () => {
    expect(intervalAfter("*/5 * * * *", at("2026-03-01T10:01:00Z"))).toBe(300_000);
    expect(intervalAfter("0 * * * *", at("2026-03-01T10:01:00Z"))).toBe(3_600_000);
  });
});
