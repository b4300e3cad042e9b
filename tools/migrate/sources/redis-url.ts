import { isIP } from "node:net";
import type { RedisOptions } from "ioredis";
import { SourceError } from "../source-error.ts";

/** A Redis source's address, parsed from `redis://[user:password@]host[:port][/db]` or `rediss://…`. */
export interface RedisTarget {
  scheme: "redis" | "rediss";
  /** Without IPv6 brackets, as the socket wants it. */
  host: string;
  port: number;
  db: number;
  /** What ioredis needs to reach it: address, credentials, database, and TLS for `rediss://`. */
  connection: Pick<RedisOptions, "host" | "port" | "db" | "username" | "password" | "tls">;
  /** The URL without its password, for messages: `redis://user@host:6379/2`. */
  description: string;
  /** Scheme, host, port and db: what identifies the data, whoever logs in. */
  identity: string;
}

const DEFAULT_PORT = 6379;

/** Parses a Redis URL, throwing a SourceError that never repeats the password. */
export function parseRedisUrl(text: string): RedisTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch (error) {
    throw new SourceError(`${redactUrl(text)} is not a valid URL`, { cause: error });
  }
  const scheme = url.protocol === "redis:" ? "redis" : url.protocol === "rediss:" ? "rediss" : undefined;
  if (scheme === undefined) throw new SourceError(`${redactUrl(text)}: expected a redis:// or rediss:// URL`);
  if (url.hostname === "") throw new SourceError(`${redactUrl(text)}: the URL names no host`);
  const urlHost = url.hostname;
  const port = url.port === "" ? DEFAULT_PORT : Number(url.port);
  const username = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  const base = `${scheme}://${username ? `${url.username}@` : ""}${urlHost}:${port}`;
  // Options in a query (redis-py's ?ssl_cert_reqs=…, ioredis's ?family=…) would be silently
  // ignored here; refusing them says so before a run goes wrong in a less obvious way.
  if (url.search !== "" || url.hash !== "") throw new SourceError(`${base}: query parameters and fragments are not supported`);
  const path = url.pathname === "/" ? "" : url.pathname.slice(1);
  if (path !== "" && !/^\d+$/.test(path)) throw new SourceError(`${base}: the path must be a database number, not "${path}"`);
  const db = path === "" ? 0 : Number(path);

  const host = urlHost.startsWith("[") ? urlHost.slice(1, -1) : urlHost;
  const connection: RedisTarget["connection"] = { host, port, db };
  if (username) connection.username = username;
  if (password) connection.password = password;
  // SNI carries a host name only (RFC 6066 forbids an IP address there).
  if (scheme === "rediss") connection.tls = isIP(host) ? {} : { servername: host };
  return {
    scheme,
    host,
    port,
    db,
    connection,
    description: db === 0 ? base : `${base}/${db}`,
    identity: `${scheme}://${urlHost}:${port}/${db}`,
  };
}

/** The URL with any password replaced by `***`, for a message about a URL that did not parse. */
export function redactUrl(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*:)[^@/]*@/i, "$1***@");
}
