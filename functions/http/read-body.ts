import { readBoundedBody } from "../../shared/bounded-body";
import { tryDecodeUtf8 } from "../../shared/encoding";
import { ApiError } from "../../shared/errors";

/** A request body up to `maxBytes`, or 413 as soon as it is exceeded (never buffered whole). */
export async function readBodyWithLimit(request: Request, maxBytes: number): Promise<Uint8Array> {
  const body = await readBoundedBody(request, maxBytes);
  if (!body) throw tooLarge(maxBytes);
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
