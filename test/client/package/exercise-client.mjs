// Runs in Node and in Chromium alike, importing the package by its name as an application would
// (the page maps the name to the installed file with an import map). Every outcome is plain
// JSON, so a child process can print it and a page can hand it back to the test.
import { createClient, EdgeCacheError } from "@edge-cache/client";

/**
 * A read of a stored key, a miss, a conditional read with the first read's ETag, and a write the
 * token may not make.
 * @param {{ baseUrl: string, token: string, storedKey: string, missingKey: string }} config
 */
export async function exerciseClient({ baseUrl, token, storedKey, missingKey }) {
  const cache = createClient({ baseUrl, token });
  let etag = "";
  const hit = await outcome(async () => {
    const entry = await cache.get(storedKey);
    etag = entry?.etag ?? "";
    return entry && { text: entry.text(), etag: entry.etag, notModified: entry.notModified, contentType: entry.contentType };
  });
  const miss = await outcome(async () => typeof (await cache.get(missingKey)));
  const conditional = await outcome(async () => {
    const answer = await cache.get(storedKey, { ifNoneMatch: etag });
    return answer && { notModified: answer.notModified, etag: answer.etag, hasBytes: "value" in answer };
  });
  const forbiddenWrite = await outcome(() => cache.set(storedKey, "written with a read token"));
  return { hit, miss, conditional, forbiddenWrite };
}

/** @param {() => Promise<unknown>} call */
async function outcome(call) {
  try {
    return { value: await call() };
  } catch (error) {
    return {
      error: {
        isEdgeCacheError: error instanceof EdgeCacheError,
        name: error instanceof Error ? error.name : typeof error,
        code: error instanceof EdgeCacheError ? error.code : undefined,
        status: error instanceof EdgeCacheError ? error.status : undefined,
      },
    };
  }
}
