import type { BatchSet } from "../../client/index.ts";
import type { Decoder } from "./args.ts";
import { setBodyBytes } from "./batch-writer.ts";
import { detectContentType } from "./content-type.ts";
import type { KeyMapper } from "./key-mapping.ts";
import { lifetimeOf } from "./lifetime.ts";
import type { SourceRecord } from "./source-record.ts";
import type { TenantAccess, TenantTarget } from "./tenant-access.ts";
import type { TenantIds } from "./tenant-id.ts";
import { decodeValue } from "./value-decoding.ts";

/** What becomes of one legacy key. */
export type RecordPlan =
  | {
      kind: "set";
      target: TenantTarget;
      set: BatchSet;
      /** The value as stored (after decoding); `set` carries it as base64. */
      value: Buffer;
      /** Bytes of the value as stored (after decoding). */
      valueBytes: number;
      bodyBytes: number;
      contentType: string;
      ttlSeconds: number;
      /** The key had no TTL: the default was given. */
      defaulted: boolean;
      clamped: boolean;
      decodedBy: string | undefined;
      undecodable: boolean;
    }
  | { kind: "unmapped"; reason: string }
  | { kind: "expired"; tenant: string }
  /** A type that is not copied (a hash without --convert json), or could not be converted. */
  | { kind: "skipped"; tenant: string; reason: string }
  | { kind: "oversized"; tenant: string; key: string; valueBytes: number; maxValueBytes: number };

export interface PlanContext {
  mapper: KeyMapper;
  tenantIds: TenantIds;
  access: TenantAccess;
  decoders: readonly Decoder[];
  /** --default-ttl; else each tenant's default. */
  defaultTtlSeconds: number | undefined;
}

/** Maps, checks and encodes one record, the same way for a run, a dry run, follow and verify. */
export async function planRecord(record: SourceRecord, context: PlanContext): Promise<RecordPlan> {
  const mapped = context.mapper.map(record.key);
  if (mapped.kind === "unmapped") return mapped;
  const tenantId = context.tenantIds.resolve(mapped.tenant);
  if (!tenantId.ok) return { kind: "unmapped", reason: tenantId.reason };
  const tenant = tenantId.id;
  if (record.ttlMs !== undefined && record.ttlMs <= 0) return { kind: "expired", tenant };
  if (record.value === undefined) {
    return { kind: "skipped", tenant, reason: record.skipReason ?? `${record.type} (copy it as JSON with --convert json)` };
  }
  const target = await context.access.target(tenant);
  const decoded = decodeValue(record.value, context.decoders);
  const value = decoded.bytes;
  if (value.byteLength > target.limits.maxValueBytes) {
    return { kind: "oversized", tenant, key: mapped.key, valueBytes: value.byteLength, maxValueBytes: target.limits.maxValueBytes };
  }
  const lifetime = lifetimeOf(record.ttlMs, {
    defaultTtlSeconds: context.defaultTtlSeconds ?? target.limits.defaultTtlSeconds,
    maxTtlSeconds: target.limits.maxTtlSeconds,
  });
  if (lifetime.kind === "expired") return { kind: "expired", tenant };
  // An NDJSON export names its own content type; a decoded value is described as what it became.
  const contentType = (decoded.decodedBy === undefined ? record.contentType : undefined) ?? detectContentType(value, record.flags);
  // Encoded here with Node's native base64: the web-platform client's btoa path costs tens of µs per KiB.
  const set: BatchSet = { key: mapped.key, value: value.toString("base64"), encoding: "base64", contentType, ttl: lifetime.seconds };
  if (record.swr !== undefined) set.swr = record.swr;
  if (record.tags !== undefined) set.tags = record.tags;
  return {
    kind: "set",
    target,
    set,
    value,
    valueBytes: value.byteLength,
    bodyBytes: setBodyBytes(set, value.byteLength),
    contentType,
    ttlSeconds: lifetime.seconds,
    defaulted: lifetime.defaulted,
    clamped: lifetime.clamped,
    decodedBy: decoded.decodedBy,
    undecodable: decoded.undecodable ?? false,
  };
}
