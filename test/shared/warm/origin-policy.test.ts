import { describe, expect, it } from "vitest";
import { tenantOriginCheck } from "../../../shared/warm/origin-policy";

const active = (originHosts: string[]) => ({ status: "active" as const, originHosts });
const allowed = (check: (url: URL) => boolean, url: string) => check(new URL(url));

describe("warm origin check (SSRF)", () => {
  it("allows only https hosts on the tenant's allowlist", () => {
    const check = tenantOriginCheck(active(["api.example.com", "*.cdn.example.com"]));
    expect(allowed(check, "https://api.example.com/a")).toBe(true);
    expect(allowed(check, "https://img.cdn.example.com/a")).toBe(true);
    expect(allowed(check, "https://evil.example.org/a")).toBe(false);
    expect(allowed(check, "http://api.example.com/a")).toBe(false);
    expect(allowed(check, "https://user:pass@api.example.com/a")).toBe(false);
  });

  it("denies loopback, IP literals and local names unless private hosts are allowed explicitly", () => {
    const hosts = ["127.0.0.1:8080", "localhost:8080"];
    const strict = tenantOriginCheck(active(hosts));
    expect(allowed(strict, "http://127.0.0.1:8080/")).toBe(false);
    expect(allowed(strict, "https://localhost:8080/")).toBe(false);
    const local = tenantOriginCheck(active(hosts), { allowPrivateHosts: true });
    expect(allowed(local, "http://127.0.0.1:8080/")).toBe(true);
    expect(allowed(local, "http://127.0.0.1:9090/")).toBe(false);
    expect(allowed(local, "file:///etc/passwd")).toBe(false);
  });

  it("denies everything for a missing or disabled tenant", () => {
    expect(allowed(tenantOriginCheck(undefined), "https://api.example.com/")).toBe(false);
    expect(allowed(tenantOriginCheck({ status: "disabled", originHosts: ["api.example.com"] }), "https://api.example.com/")).toBe(false);
  });
});
