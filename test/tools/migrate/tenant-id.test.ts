import { describe, expect, it } from "vitest";
import { isTenantId } from "../../../shared/cache/keys.ts";
import { normaliseTenantId, TenantIds } from "../../../tools/migrate/tenant-id.ts";

describe("tenant id normalisation", () => {
  it.each([
    ["school-12", "school-12"],
    ["School 12", "school-12"],
    ["School_12", "school_12"],
    [" Ops/EU ", "ops-eu"],
    ["__a__b__", "a__b"],
    ["--x--", "x"],
    ["école 1", "cole-1"],
    ["a  :: b", "a-b"],
    ["42", "42"],
  ])("%j → %j", (raw, id) => {
    expect(normaliseTenantId(raw)).toEqual({ ok: true, id });
    expect(isTenantId(id)).toBe(true);
  });

  it("refuses a raw id with no letter or digit, naming it", () => {
    expect(normaliseTenantId("---")).toEqual({ ok: false, reason: 'tenant "---" has no letter or digit a-z 0-9 to make a tenant id of' });
    expect(normaliseTenantId("ü")).toMatchObject({ ok: false });
    expect(normaliseTenantId("")).toMatchObject({ ok: false });
  });

  it("accepts 63 characters and refuses 64", () => {
    expect(normaliseTenantId("a".repeat(63))).toEqual({ ok: true, id: "a".repeat(63) });
    expect(normaliseTenantId(`${"a".repeat(63)}!`)).toEqual({ ok: true, id: "a".repeat(63) });
    expect(normaliseTenantId("A".repeat(64))).toEqual({
      ok: false,
      reason: `tenant "${"A".repeat(64)}" is 64 characters as a tenant id; the limit is 63`,
    });
  });
});

describe("the tenants of a migration", () => {
  it("gives the same id to the same raw id every time", () => {
    const tenants = new TenantIds();
    expect(tenants.resolve("School 1")).toEqual({ ok: true, id: "school-1" });
    expect(tenants.resolve("School 1")).toEqual({ ok: true, id: "school-1" });
    expect(tenants.size).toBe(1);
  });

  it("refuses a second raw id whose normal form is taken, so two legacy tenants never merge", () => {
    const tenants = new TenantIds();
    tenants.resolve("School 1");
    expect(tenants.resolve("school-1")).toEqual({ ok: false, reason: "School 1 and school-1 both normalise to school-1" });
    expect(tenants.resolve("SCHOOL/1")).toEqual({ ok: false, reason: "School 1 and SCHOOL/1 both normalise to school-1" });
    expect([...tenants.entries()]).toEqual([["school-1", "School 1"]]);
  });

  it("stops at maxTenants, and still resolves tenants it already knows", () => {
    const tenants = new TenantIds({ maxTenants: 2 });
    tenants.resolve("a");
    tenants.resolve("b");
    expect(tenants.resolve("c")).toEqual({ ok: false, reason: "tenant c would be tenant number 3, over the limit of 2" });
    expect(tenants.resolve("a")).toEqual({ ok: true, id: "a" });
    expect(tenants.size).toBe(2);
  });
});
