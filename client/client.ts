import { batchBody, batchResult } from "./batch.js";
import { textOf } from "./bytes.js";
import { cachedValue } from "./cached-value.js";
import { isRawValue, jsonCodec, type RawValue, type ValueCodec } from "./codec.js";
import { errorFromResponse } from "./errors.js";
import { nextCursor, parseExportLines } from "./export-page.js";
import { createSend, entryPath, type Send } from "./transport.js";
import type {
  BatchRequest,
  BatchResult,
  CacheEntry,
  CacheStatus,
  CallOptions,
  ClientOptions,
  ExportedEntry,
  ExportPage,
  ExportPageOptions,
  GetOptions,
  Invalidated,
  InvalidationTargets,
  LifetimePolicy,
  NotModified,
  SetOptions,
  SetResult,
  SetValue,
  Stats,
} from "./types.js";

/** A client of one tenant's edge-cache API, on fetch alone: browsers, Workers, Node, Deno, Bun. */
export class EdgeCacheClient {
  readonly #send: Send;
  /** Encodes structured values this client writes (JSON unless given another). */
  readonly #codec: ValueCodec;
  /** Decodes by content type, beside JSON and text (CachedValue.decode). */
  readonly #codecs: readonly ValueCodec[];

  constructor(options: ClientOptions) {
    this.#send = createSend(options);
    this.#codec = options.codec ?? jsonCodec;
    this.#codecs = options.codec ? [options.codec] : [];
  }

  /** The entry, or undefined when there is none. With `ifNoneMatch`, NotModified when it matches. */
  get(key: string, options?: CallOptions & { ifNoneMatch?: undefined }): Promise<CacheEntry | undefined>;
  get(key: string, options: GetOptions): Promise<CacheEntry | NotModified | undefined>;
  async get(key: string, options: GetOptions = {}): Promise<CacheEntry | NotModified | undefined> {
    const response = await this.#send("GET", entryPath(key), {
      headers: { "If-None-Match": options.ifNoneMatch },
      signal: options.signal,
      accept: [304, 404],
    });
    if (response.status === 404) {
      // Only the entry route marks a miss; any other 404 (a wrong baseUrl) is an error.
      if (response.headers.get("X-Cache") !== "MISS") throw await errorFromResponse(response);
      await response.body?.cancel();
      return undefined;
    }
    const headers = response.headers;
    const meta = {
      etag: headers.get("ETag") ?? "",
      cache: (headers.get("X-Cache") ?? "HIT-L2") as CacheStatus,
      age: Number(headers.get("Age")) || 0,
      maxAge: Number(/max-age=(\d+)/.exec(headers.get("Cache-Control") ?? "")?.[1] ?? 0),
    };
    if (response.status === 304) return { notModified: true, ...meta };
    const value = new Uint8Array(await response.arrayBuffer());
    return cachedValue(
      value,
      { notModified: false as const, ...meta, contentType: headers.get("Content-Type") ?? "application/octet-stream" },
      this.#codecs,
    );
  }

  /**
   * Text, bytes and Blobs are stored as they are; any other value (object, array, number, boolean,
   * null) is encoded by `options.codec`, else the client's codec, else as JSON, and stored with
   * that codec's content type: read it back with `decode<T>()` (or `json<T>()` for JSON).
   */
  async set(key: string, value: SetValue, options: SetOptions = {}): Promise<SetResult> {
    const { body, contentType } = encodeValue(value, options.codec ?? this.#codec, options.contentType);
    const response = await this.#send("PUT", entryPath(key), {
      query: { ttl: options.ttl, swr: options.swr, tags: options.tags?.length ? options.tags.join(",") : undefined },
      headers: { "Content-Type": contentType, "If-None-Match": options.ifNoneMatch },
      body: body as BodyInit,
      signal: options.signal,
    });
    return (await response.json()) as SetResult;
  }

  /** Idempotent: deleting a missing key succeeds. */
  async delete(key: string, options: CallOptions = {}): Promise<void> {
    const response = await this.#send("DELETE", entryPath(key), { signal: options.signal });
    await response.body?.cancel();
  }

  /** Gets, then sets, then deletes, in one request; each operation succeeds or fails alone. */
  async batch(request: BatchRequest, options: CallOptions = {}): Promise<BatchResult> {
    const response = await this.#send("POST", "/v1/batch", {
      headers: { "Content-Type": "application/json" },
      body: await batchBody(request, this.#codec),
      signal: options.signal,
    });
    return batchResult(await response.json(), this.#codecs);
  }

  /** Drops every entry of the tenant (scope `manage`). */
  async clear(options: CallOptions = {}): Promise<void> {
    const response = await this.#send("DELETE", "/v1/cache", { signal: options.signal });
    await response.body?.cancel();
  }

  /**
   * Once this resolves, no read returns an entry written before it that carries one of the tags
   * or whose key starts with one of the prefixes (1 to 100 in all; scope `write`). An array is
   * taken as tags, as earlier versions took them.
   */
  async invalidate(targets: InvalidationTargets | readonly string[], options: CallOptions = {}): Promise<Invalidated> {
    const { tags = [], prefixes = [] } = isTagList(targets) ? { tags: targets } : targets;
    const response = await this.#send("POST", "/v1/invalidate", {
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ tags, prefixes }),
      signal: options.signal,
    });
    return (await response.json()) as Invalidated;
  }

  /** The tenant's lifetime policies, in order (scope `manage`). */
  async lifetimePolicies(options: CallOptions = {}): Promise<LifetimePolicy[]> {
    const response = await this.#send("GET", "/v1/policies/lifetimes", { signal: options.signal });
    return ((await response.json()) as { policies: LifetimePolicy[] }).policies;
  }

  /**
   * Replaces the tenant's lifetime policies (scope `manage`): writes without a ttl of their own
   * take the first that matches. Every isolate applies them within TOKEN_CACHE_SECONDS.
   */
  async setLifetimePolicies(policies: readonly LifetimePolicy[], options: CallOptions = {}): Promise<LifetimePolicy[]> {
    const response = await this.#send("PUT", "/v1/policies/lifetimes", {
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ policies }),
      signal: options.signal,
    });
    return ((await response.json()) as { policies: LifetimePolicy[] }).policies;
  }

  /** The tenant's counters over every isolate (scope `manage`). */
  async stats(options: CallOptions = {}): Promise<Stats> {
    return (await (await this.#send("GET", "/v1/stats", { signal: options.signal })).json()) as Stats;
  }

  /** One page of the tenant's live entries (scope `manage`); pass its `cursor` back for the next. */
  async exportPage(options: ExportPageOptions = {}): Promise<ExportPage> {
    const response = await this.#send("GET", "/v1/export", {
      query: { cursor: options.cursor, count: options.count },
      signal: options.signal,
    });
    const cursor = nextCursor(response.headers.get("X-Next-Cursor"));
    return { entries: parseExportLines(textOf(new Uint8Array(await response.arrayBuffer()))), cursor };
  }

  /** Every live entry, page after page. An entry written during the walk may or may not appear. */
  async *exportAll(options: Omit<ExportPageOptions, "cursor"> = {}): AsyncGenerator<ExportedEntry> {
    let cursor: string | undefined = "0";
    do {
      const page: ExportPage = await this.exportPage({ ...options, cursor });
      yield* page.entries;
      cursor = page.cursor;
    } while (cursor !== undefined);
  }
}

export function createClient(options: ClientOptions): EdgeCacheClient {
  return new EdgeCacheClient(options);
}

/** The body and content type a value is sent with: raw values as they are, others through the codec. */
function encodeValue(value: SetValue, codec: ValueCodec, given: string | undefined): { body: RawValue; contentType: string } {
  if (!isRawValue(value)) return { body: codec.encode(value), contentType: given ?? codec.contentType };
  if (given !== undefined) return { body: value, contentType: given };
  if (typeof value === "string") return { body: value, contentType: "text/plain; charset=utf-8" };
  if (value instanceof Uint8Array) return { body: value, contentType: "application/octet-stream" };
  return { body: value, contentType: value.type || "application/octet-stream" };
}

function isTagList(targets: InvalidationTargets | readonly string[]): targets is readonly string[] {
  return Array.isArray(targets);
}
