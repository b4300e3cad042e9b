/**
 * Reads a request's or response's body up to `maxBytes`. A declared Content-Length over the
 * limit is refused before reading; a body that streams past it is cancelled mid-way, so an
 * oversized body is never held whole. Undefined means "over the limit".
 */
export async function readBoundedBody(message: Request | Response, maxBytes: number): Promise<Uint8Array | undefined> {
  const declared = message.headers.get("Content-Length");
  if (declared !== null && Number(declared) > maxBytes) {
    await message.body?.cancel().catch(() => {});
    return undefined;
  }
  if (!message.body) return new Uint8Array(0);
  // A request's declared length delimits its body on the wire (responses are decompressed past
  // theirs), so within the limit it is read in one call rather than chunk by chunk.
  if (declared !== null && message instanceof Request && !message.headers.has("Content-Encoding")) {
    const body = new Uint8Array(await message.arrayBuffer());
    return body.byteLength > maxBytes ? undefined : body;
  }
  const reader = message.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      return undefined;
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
