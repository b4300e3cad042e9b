import { tryDecodeUtf8 } from "../../shared/encoding";
import { ApiError } from "../../shared/errors";

/**
 * Reads a request body up to `maxBytes`, refusing as soon as it is exceeded: a declared
 * Content-Length over the limit is refused before reading, and a body that streams past it is
 * cancelled mid-way, so an oversized upload is never buffered whole.
 */
export async function readBodyWithLimit(request: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = request.headers.get("Content-Length");
  if (declared !== null && Number(declared) > maxBytes) throw tooLarge(maxBytes);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

function tooLarge(maxBytes: number): ApiError {
  return new ApiError(413, "payload_too_large", `Body exceeds the limit of ${maxBytes} bytes`);
}

/** Parses a JSON body read with a limit; 415 unless the client says it is JSON. */
export async function readJsonWithLimit(request: Request, maxBytes: number): Promise<unknown> {
  const type = request.headers.get("Content-Type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(type)) throw new ApiError(415, "unsupported_media_type", "Content-Type must be application/json");
  const bytes = await readBodyWithLimit(request, maxBytes);
  const text = tryDecodeUtf8(bytes);
  try {
    if (text === undefined) throw new SyntaxError("not UTF-8");
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, "invalid_body", "Body is not valid UTF-8 JSON");
  }
}
