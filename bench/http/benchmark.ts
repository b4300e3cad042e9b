import { startFixture } from "./fixture.ts";
import { startLoad } from "./load-choice.ts";
import type { RunRecord } from "./run-types.ts";
import { seed } from "./seed.ts";
import { runSuite, type SuiteOptions } from "./suite.ts";

/**
 * The HTTP benchmark end to end: its own redis-server and gateway, the workers built and served,
 * a tenant and token issued, data seeded, the suite run from a separate load process, and
 * everything stopped again, whatever happens.
 */
export async function runHttpBenchmark(repoRoot: string, options: SuiteOptions): Promise<RunRecord[]> {
  const fixture = await startFixture(repoRoot, { log: options.log });
  const load = startLoad(repoRoot, options.load);
  try {
    await seed(fixture, { mixedKeyCount: options.mixedKeyCount, log: options.log });
    return await runSuite(fixture, load, options);
  } finally {
    await load.stop();
    await fixture.stop();
  }
}
