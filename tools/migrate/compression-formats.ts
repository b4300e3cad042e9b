import { gunzipSync, inflateSync, type ZlibOptions } from "node:zlib";

/** gzip's magic number and its only compression method, deflate (RFC 1952), on at least a header's length. */
export function hasGzipMagic(bytes: Uint8Array): boolean {
  return bytes.length >= 10 && bytes[0] === 0x1f && bytes[1] === 0x8b && bytes[2] === 0x08;
}

/**
 * RFC 1950's two header bytes: deflate with a window of at most 32 KiB, a check value that makes
 * the pair a multiple of 31, and no preset dictionary (one we could never know). The check is
 * weak (the printable `x^` passes it), so callers also require the stream to inflate.
 */
export function hasZlibHeader(bytes: Uint8Array): boolean {
  const [cmf, flg] = bytes;
  if (bytes.length < 8 || cmf === undefined || flg === undefined) return false;
  return (cmf & 0x0f) === 8 && cmf >> 4 <= 7 && (cmf * 256 + flg) % 31 === 0 && (flg & 0x20) === 0;
}

/** `tooLarge`: the stream was sound as far as the output limit let it go. */
export type Inflated = { ok: true; bytes: Buffer } | { ok: false; reason: string; tooLarge: boolean };

/** Inflates a zlib stream that must fill the whole value: bytes after it would otherwise be lost unnoticed. */
export function inflateZlib(bytes: Uint8Array, maxOutputBytes: number): Inflated {
  return decompress(bytes, maxOutputBytes, inflateSync);
}

/** Gunzips a value (several gzip members are joined, as gzip itself does). */
export function gunzip(bytes: Uint8Array, maxOutputBytes: number): Inflated {
  return decompress(bytes, maxOutputBytes, gunzipSync);
}

type Decompress = (bytes: Uint8Array, options: ZlibOptions) => Buffer;

function decompress(bytes: Uint8Array, maxOutputBytes: number, run: Decompress): Inflated {
  try {
    // With `info`, Node returns the engine as well, whose bytesWritten is the input it consumed.
    const result = run(bytes, { info: true, maxOutputLength: maxOutputBytes }) as unknown as {
      buffer: Buffer;
      engine: { bytesWritten: number };
    };
    const trailing = bytes.length - result.engine.bytesWritten;
    if (trailing > 0) return { ok: false, reason: `${trailing} bytes follow the compressed stream`, tooLarge: false };
    return { ok: true, bytes: result.buffer };
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    if (code === "ERR_BUFFER_TOO_LARGE") return { ok: false, reason: `inflates to more than ${maxOutputBytes} bytes`, tooLarge: true };
    return { ok: false, reason: message, tooLarge: false };
  }
}
