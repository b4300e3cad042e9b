import { fromBase64, toBase64, utf8 } from "./bytes.js";
import { cachedValue } from "./cached-value.js";
import { isRawValue, type ValueCodec } from "./codec.js";
import type { BatchGetResult, BatchHit, BatchRequest, BatchResult, BatchSet } from "./types.js";

interface WireSet {
  key: string;
  value: string;
  encoding: "utf8" | "base64";
  ttl?: number;
  swr?: number;
  tags?: readonly string[];
  contentType?: string;
}

interface WireHit extends Omit<BatchHit, "value" | "text" | "json" | "decode"> {
  value: string;
  encoding: "utf8" | "base64";
}

type WireGet = Exclude<BatchGetResult, BatchHit> | WireHit;

/** The JSON body of POST /v1/batch; bytes travel as base64, structured values encoded by `codec`. */
export async function batchBody(request: BatchRequest, codec: ValueCodec): Promise<string> {
  const set = await Promise.all((request.set ?? []).map((op) => wireSet(op, codec)));
  return JSON.stringify({ get: request.get ?? [], set, delete: request.delete ?? [] });
}

async function wireSet(op: BatchSet, codec: ValueCodec): Promise<WireSet> {
  const { value, encoding, ...rest } = op;
  if (!isRawValue(value))
    return { ...rest, contentType: rest.contentType ?? codec.contentType, value: toBase64(codec.encode(value)), encoding: "base64" };
  if (typeof value === "string") return { ...rest, value, encoding: encoding ?? "utf8" };
  if (value instanceof Uint8Array) return { ...rest, value: toBase64(value), encoding: "base64" };
  const bytes = new Uint8Array(await value.arrayBuffer());
  return { ...rest, contentType: rest.contentType ?? (value.type || undefined), value: toBase64(bytes), encoding: "base64" };
}

/** Gives hits their bytes (decoded from text or base64) and the usual readings. */
export function batchResult(
  wire: { get: WireGet[]; set: BatchResult["set"]; delete: BatchResult["delete"] },
  codecs: readonly ValueCodec[],
): BatchResult {
  return {
    get: wire.get.map((result): BatchGetResult => {
      if (!isHit(result)) return result;
      const { value, encoding, ...fields } = result;
      return cachedValue(encoding === "base64" ? fromBase64(value) : utf8(value), fields, codecs);
    }),
    set: wire.set,
    delete: wire.delete,
  };
}

function isHit(result: WireGet): result is WireHit {
  return result.status === "hit" || result.status === "stale";
}
