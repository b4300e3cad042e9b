import { describe, expect, it } from "vitest";
import { SourceError } from "../../../../tools/migrate/source-error.ts";
import { parseRedisUrl } from "../../../../tools/migrate/sources/redis-url.ts";

describe("redis URL", () => {
  it("selects TLS for rediss://, with the host name for SNI", () => {
    const target = parseRedisUrl("rediss://cache.example.com:6380");
    expect(target.scheme).toBe("rediss");
    expect(target.connection.tls).toEqual({ servername: "cache.example.com" });
  });

  it("selects TLS without SNI for an IP address, and no TLS for redis://", () => {
    expect(parseRedisUrl("rediss://10.0.0.5").connection.tls).toEqual({});
    expect(parseRedisUrl("redis://10.0.0.5").connection).not.toHaveProperty("tls");
  });

  it("takes user, password and database from the URL, and shows neither password nor user where it must not", () => {
    const target = parseRedisUrl("redis://app%40team:p%40ss%2Fword@cache.internal:7000/4");
    expect(target.connection).toEqual({ host: "cache.internal", port: 7000, db: 4, username: "app@team", password: "p@ss/word" });
    expect(target.description).toBe("redis://app%40team@cache.internal:7000/4");
    expect(target.identity).toBe("redis://cache.internal:7000/4");
  });

  it("defaults to port 6379 and database 0, and takes a password without a user", () => {
    const target = parseRedisUrl("redis://:secret@[::1]");
    expect(target.connection).toEqual({ host: "::1", port: 6379, db: 0, password: "secret" });
    expect(target.description).toBe("redis://[::1]:6379");
  });

  it.each([
    ["redis://:hunter2@host/cache", /the path must be a database number, not "cache"/],
    ["redis://:hunter2@host?ssl_cert_reqs=none", /query parameters and fragments are not supported/],
    ["memcached://:hunter2@host", /expected a redis:\/\/ or rediss:\/\/ URL/],
    ["redis://:hunter2@exa mple:1", /is not a valid URL/],
  ])("refuses %s with a SourceError that hides the password", (url, message) => {
    let error: unknown;
    try {
      parseRedisUrl(url);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SourceError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain("hunter2");
  });
});
