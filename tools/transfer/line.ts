import * as z from "zod";
import type { BatchSet } from "../../client/index.ts";

/**
 * One line of an export file, checked against what POST /v1/batch accepts wherever that does not
 * depend on the deployment (its TTL and size limits are checked by the server).
 */
const tagSchema = z
  .string()
  .min(1)
  .max(128)
  .refine((tag) => !tag.includes(","), "tags cannot contain ','");

const lineSchema = z.object({
  key: z
    .string()
    .min(1, "key is empty")
    .refine((key) => key.isWellFormed() && new TextEncoder().encode(key).byteLength <= 512, "key must be 1 to 512 bytes of UTF-8"),
  value: z.string(),
  encoding: z.enum(["utf8", "base64"]).default("utf8"),
  contentType: z
    .string()
    .max(255)
    .regex(/^[\x20-\x7e]*$/, "contentType must be printable ASCII")
    .optional(),
  ttl: z.number().int("ttl must be whole seconds").min(0).optional(),
  swr: z.number().int("swr must be whole seconds").min(0).optional(),
  tags: z.array(tagSchema).max(32, "at most 32 tags").optional(),
});

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export type ParsedLine =
  | { kind: "blank" }
  | { kind: "entry"; set: BatchSet; bytes: number }
  /** ttl 0: stale or expired when exported, so there is nothing fresh to import. */
  | { kind: "expired"; key: string }
  | { kind: "invalid"; reason: string };

export function parseLine(text: string): ParsedLine {
  if (text.trim() === "") return { kind: "blank" };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { kind: "invalid", reason: "not JSON" };
  }
  const parsed = lineSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { kind: "invalid", reason: `${issue?.path.join(".") || "line"}: ${issue?.message ?? "invalid"}` };
  }
  const line = parsed.data;
  if (line.encoding === "base64" && !BASE64.test(line.value)) return { kind: "invalid", reason: "value: not base64" };
  if (line.ttl === 0) return { kind: "expired", key: line.key };
  const set: BatchSet = { key: line.key, value: line.value, encoding: line.encoding };
  if (line.contentType !== undefined) set.contentType = line.contentType;
  if (line.ttl !== undefined) set.ttl = line.ttl;
  if (line.swr !== undefined) set.swr = line.swr;
  if (line.tags !== undefined) set.tags = line.tags;
  // What the set adds to the batch body: the line's own size is a close upper bound.
  return { kind: "entry", set, bytes: Buffer.byteLength(text) };
}
