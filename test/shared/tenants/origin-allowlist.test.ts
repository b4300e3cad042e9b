import { describe, expect, it } from "vitest";
import { isOriginAllowed } from "../../../shared/tenants/origin-allowlist";

const policy = { allowedHosts: ["api.example.com", "*.cdn.example.com", "data.example.com:8443"] };
const allowed = (url: string, extra: Partial<typeof policy & { allowPrivate: boolean }> = {}) =>
  isOriginAllowed(new URL(url), { ...policy, ...extra });

describe("origin allowlist (SSRF gate)", () => {
  it("allows https URLs on listed hosts, subdomains for wildcards, and listed ports", () => {
    expect(allowed("https://api.example.com/items/1")).toBe(true);
    expect(allowed("https://img.cdn.example.com/a.png")).toBe(true);
    expect(allowed("https://data.example.com:8443/x")).toBe(true);
  });

  it("refuses other hosts, look-alikes, suffix tricks and unlisted ports", () => {
    for (const url of [
      "https://evil.com/",
      "https://api.example.com.evil.com/",
      "https://evilapi.example.com/",
      "https://cdn.example.com/",
      "https://xcdn.example.com/",
      "https://api.example.com:444/",
      "https://data.example.com/",
    ]) {
      expect(allowed(url), url).toBe(false);
    }
  });

  it("refuses http, credentials, IP literals and internal names", () => {
    const open = {
      allowedHosts: ["api.example.com", "127.0.0.1", "localhost", "[::1]", "169.254.169.254", "2130706433", "metadata.google.internal"],
    };
    for (const url of [
      "http://api.example.com/",
      "https://user:pass@api.example.com/",
      "https://127.0.0.1/",
      "https://[::1]/",
      "https://169.254.169.254/latest/meta-data",
      "https://2130706433/",
      "https://localhost/",
      "https://metadata.google.internal/",
      "file:///etc/passwd",
      "ftp://api.example.com/",
    ]) {
      expect(isOriginAllowed(new URL(url), open), url).toBe(false);
    }
  });

  it("lets development opt into http and loopback, still only on listed hosts", () => {
    expect(allowed("http://127.0.0.1:9000/x", { allowedHosts: ["127.0.0.1:9000"], allowPrivate: true })).toBe(true);
    expect(allowed("http://127.0.0.1:9001/x", { allowedHosts: ["127.0.0.1:9000"], allowPrivate: true })).toBe(false);
  });
});
