import { fileURLToPath } from "node:url";
import { SourceError } from "../source-error.ts";
import type { Source } from "../source-record.ts";
import { createMemcachedSource } from "./memcached-source.ts";
import { createNdjsonSource } from "./ndjson-source.ts";
import { createRedisSource, type RedisSourceOptions } from "./redis-source.ts";
import { redactUrl } from "./redis-url.ts";

/** What `--match` and `--convert` say; only a Redis source has a use for them. */
export type OpenSourceOptions = Omit<RedisSourceOptions, "url">;

/**
 * The source `--from` names: `redis://` and `rediss://` URLs, `memcached://host:port`, a
 * `file://` URL, or else a path to an export file. Any other `scheme://` is a SourceError.
 */
export async function openSource(spec: string, options: OpenSourceOptions = {}): Promise<Source> {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(spec)?.[1]?.toLowerCase();
  switch (scheme) {
    case "redis":
    case "rediss":
      return createRedisSource({ ...options, url: spec });
    case "memcached":
      return createMemcachedSource({ url: spec });
    case "file":
      return createNdjsonSource({ path: fileURLToPath(spec) });
    case undefined:
      return createNdjsonSource({ path: spec });
    default:
      throw new SourceError(
        `${redactUrl(spec)}: unknown source scheme "${scheme}://" (expected redis://, rediss://, memcached://, or a file)`,
      );
  }
}
