import { SourceError } from "../source-error.ts";
import { redactUrl } from "./redis-url.ts";

/** A memcached server's address, parsed from `memcached://host[:port]`. */
export interface MemcachedAddress {
  /** Without IPv6 brackets, as the socket wants it. */
  host: string;
  port: number;
  /** `memcached://host:port`, for messages and as the source's identity. */
  description: string;
}

const DEFAULT_PORT = 11211;

/** Parses a memcached URL, throwing a SourceError for anything but a host and a port. */
export function parseMemcachedUrl(text: string): MemcachedAddress {
  let url: URL;
  try {
    url = new URL(text);
  } catch (error) {
    throw new SourceError(`${redactUrl(text)} is not a valid URL`, { cause: error });
  }
  if (url.protocol !== "memcached:") throw new SourceError(`${redactUrl(text)}: expected a memcached:// URL`);
  if (url.hostname === "") throw new SourceError(`${redactUrl(text)}: the URL names no host`);
  const port = url.port === "" ? DEFAULT_PORT : Number(url.port);
  const description = `memcached://${url.hostname}:${port}`;
  // The text protocol has no login (SASL needs the binary one), and memcached has no databases.
  if (url.username !== "" || url.password !== "")
    throw new SourceError(`${description}: memcached's text protocol takes no user or password`);
  if ((url.pathname !== "" && url.pathname !== "/") || url.search !== "" || url.hash !== "") {
    throw new SourceError(`${description}: a memcached URL is only a host and a port`);
  }
  const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  return { host, port, description };
}
