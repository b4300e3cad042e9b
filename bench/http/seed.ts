import { VALUE } from "../workers/value.ts";
import type { Fixture } from "./fixture.ts";
import { BATCH_SIZE, batchKeys, CONTENT_TYPE, HOT_KEY, LONG_KEY, LONG_TTL_QUERY, MIXED_PREFIX, PREFIX_MARKS } from "./scenarios.ts";

async function expectStatus(response: Response, status: number, what: string): Promise<void> {
  const body = await response.text();
  if (response.status !== status) throw new Error(`edge-cache bench: seeding ${what} answered ${response.status}: ${body.slice(0, 200)}`);
}

/**
 * Writes what the scenarios read, each through the API of the worker that will read it (the peer's
 * Upstash-only key through its seed route), so every value is in the format its reader expects.
 */
export async function seed(fixture: Fixture, options: { mixedKeyCount: number; log: (line: string) => void }): Promise<void> {
  const { targets, authorization } = fixture;
  const put = (base: string, path: string) =>
    fetch(`${base}${path}`, { method: "PUT", headers: { authorization, "content-type": CONTENT_TYPE }, body: VALUE });

  await expectStatus(await put(targets.naive.worker.url, `/v1/cache/${HOT_KEY}`), 201, "naive hot key");
  for (const key of batchKeys) await expectStatus(await put(targets.naive.worker.url, `/v1/cache/${key}`), 201, "naive batch keys");
  await expectStatus(await put(targets.peer.worker.url, "/v1/cache/hot-memory"), 201, "peer hot key (through the cache)");
  await expectStatus(await put(targets.peer.worker.url, "/seed-l2/hot-upstash"), 201, "peer hot key (Upstash only)");
  await expectStatus(await put(targets.edge.worker.url, `/v1/cache/${HOT_KEY}${LONG_TTL_QUERY}`), 201, "edge-cache hot key");
  // The same long key for both tenants; the prefixed one also has prefix watermarks of 32 lengths.
  await expectStatus(await put(targets.edge.worker.url, `/v1/cache/${LONG_KEY}${LONG_TTL_QUERY}`), 201, "edge-cache long key");
  const asPrefixed = { authorization: fixture.prefixedAuthorization };
  await expectStatus(
    await fetch(`${targets.edge.worker.url}/v1/cache/${LONG_KEY}${LONG_TTL_QUERY}`, {
      method: "PUT",
      headers: { ...asPrefixed, "content-type": CONTENT_TYPE },
      body: VALUE,
    }),
    201,
    "prefixed tenant's long key",
  );
  await expectStatus(
    await fetch(`${targets.edge.worker.url}/v1/invalidate`, {
      method: "POST",
      headers: { ...asPrefixed, "content-type": "application/json" },
      body: JSON.stringify({ prefixes: PREFIX_MARKS }),
    }),
    200,
    "prefixed tenant's prefix invalidations",
  );

  const setBatch = (keys: string[]) =>
    fetch(`${targets.edge.worker.url}/v1/batch`, {
      method: "POST",
      headers: { authorization, "content-type": "application/json" },
      body: JSON.stringify({ set: keys.map((key) => ({ key, value: VALUE, ttl: 86_400, contentType: CONTENT_TYPE })) }),
    });
  await expectStatus(await setBatch(batchKeys), 200, "batch keys");

  options.log(`seeding ${options.mixedKeyCount} keys for the mixed scenario`);
  // A few batches in flight at once: seeding 100k keys one batch at a time would take minutes.
  const batches = Math.ceil(options.mixedKeyCount / BATCH_SIZE);
  let next = 0;
  const worker = async () => {
    while (next < batches) {
      const start = next++ * BATCH_SIZE;
      const keys = Array.from({ length: Math.min(BATCH_SIZE, options.mixedKeyCount - start) }, (_, i) => `${MIXED_PREFIX}${start + i}`);
      await expectStatus(await setBatch(keys), 200, "mixed keys");
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
}
