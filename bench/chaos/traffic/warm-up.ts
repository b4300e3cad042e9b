import { setTimeout as sleep } from "node:timers/promises";
import { getEntry } from "./entry-ops.ts";
import { keyName } from "./key-space.ts";
import type { Access, TrafficContext } from "./send.ts";

/**
 * A read per token until it answers: a token's first use needs Redis (nothing is cached yet), so
 * on a busy machine it can time out and answer 503. The run's subject is what happens after that
 * first lookup. Journaled like any read (of a key nobody writes), so stats and limits add up.
 */
export async function warmTokens(ctx: TrafficContext, tokens: readonly Access[]): Promise<void> {
  for (const access of tokens) {
    for (let attempt = 0; attempt < 20; attempt++) {
      if ((await getEntry(ctx, access, keyName("cold", 0, 0), "cold")) !== 503) break;
      await sleep(250);
    }
  }
}
