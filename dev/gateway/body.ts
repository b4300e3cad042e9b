import type { IncomingMessage } from "node:http";
import { GatewayHttpError } from "./http-error.ts";

/** Reads the whole body, refusing with 413 once it passes `maxBytes`. */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new GatewayHttpError(413, `ERR request body larger than ${maxBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Parses a JSON body; a body that is not JSON is a malformed request (400). */
export function parseJsonBody(body: Buffer): unknown {
  return parse(body);
}

/**
 * Parses a command body keeping every number as the exact text that was sent: `JSON.parse` alone
 * would round `12345678901234567890` before it ever reached Redis.
 */
export function parseCommandBody(body: Buffer): unknown {
  return parse(body, (_key, value, context?: { source?: string }) =>
    typeof value === "number" && context?.source !== undefined ? new RawNumber(context.source) : value,
  );
}

function parse(body: Buffer, reviver?: (key: string, value: unknown, context?: { source?: string }) => unknown): unknown {
  try {
    return JSON.parse(body.toString("utf8"), reviver as Parameters<typeof JSON.parse>[1]);
  } catch (error) {
    throw new GatewayHttpError(400, `ERR failed to parse request body as JSON: ${(error as Error).message}`);
  }
}

/** A JSON number as sent, before any rounding. */
export class RawNumber {
  constructor(readonly text: string) {}
}
