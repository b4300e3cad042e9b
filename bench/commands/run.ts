/**
 * `npm run bench -- --commands`: Redis commands per 1,000 served GETs (Upstash bills per
 * command), for hot-key, Zipf and mixed workloads, with 1 and 4 isolates simulated with the real
 * store code, with the L1's refresh ahead off (each copy checked by the reader that finds it run
 * out: the behaviour before it) and on (copies due together checked in one script call behind the
 * response). Writes bench/COMMANDS.md (and `--report <file>` JSON). `--smoke`: a tenth of the
 * keys, 2 s per cell, no table.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startLocalStack } from "../../dev/stack.ts";
import { createGatewayControl } from "../../test/helpers/worker/gateway-control.ts";
import { describeEnvironment } from "../l1/environment.ts";
import { runStoreWorkload, type StoreRunResult } from "./store-run.ts";
import { runWorkerWorkload, type WorkerRunResult } from "./worker-run.ts";
import { workloads } from "./workloads.ts";

export interface CommandsCell extends StoreRunResult {
  workload: string;
  label: string;
  isolates: number;
  refreshAhead: boolean;
}

export interface WorkerCell extends WorkerRunResult {
  hotKeys: number;
  refreshAhead: boolean;
  rateLimited: boolean;
}

export interface CommandsResults {
  measuredAt: string;
  environment: ReturnType<typeof describeEnvironment>;
  method: { seconds: number; concurrency: number; l1MaxTtlMs: number; rate: number };
  cells: CommandsCell[];
  /** The whole Worker (one Miniflare isolate): every command a served GET triggers. */
  worker: WorkerCell[];
}

export async function runCommandsBenchmark(root: string, argv: readonly string[]): Promise<number> {
  const smoke = argv.includes("--smoke");
  const reportIndex = argv.indexOf("--report");
  const reportPath = reportIndex >= 0 ? argv[reportIndex + 1] : undefined;
  const method = { seconds: smoke ? 2 : 10, concurrency: 32, l1MaxTtlMs: 1000, rate: 5000 };
  const stack = await startLocalStack();
  const control = createGatewayControl({ controlUrl: stack.gateway.controlUrl, controlToken: stack.gateway.controlToken });
  const cells: CommandsCell[] = [];
  const worker: WorkerCell[] = [];
  try {
    for (const workload of workloads(smoke ? 0.1 : 1)) {
      for (const isolates of [1, 4]) {
        for (const refreshAhead of [false, true]) {
          const result = await runStoreWorkload({
            gatewayUrl: stack.gateway.url,
            scope: await control.createScope(),
            workload,
            isolates,
            refreshAhead,
            ...method,
          });
          cells.push({ workload: workload.name, label: workload.label, isolates, refreshAhead, ...result });
          console.log(
            `${workload.name}, ${isolates} isolate(s), refresh ahead ${refreshAhead ? "on" : "off"}: ${result.commandsPer1000Gets} commands per 1,000 GETs (${result.gets} GETs, ${result.commands} commands, L1 ${Math.round(result.l1Share * 100)}%)`,
          );
        }
      }
    }
    for (const rateLimited of [false, true]) {
      for (const refreshAhead of [false, true]) {
        // One Miniflare isolate answers about 1,000 GETs a second here: 100 keys are each read ~10 times a bound.
        const hotKeys = 100;
        const result = await runWorkerWorkload({
          gatewayUrl: stack.gateway.url,
          scope: await control.createScope(),
          hotKeys,
          seconds: method.seconds,
          concurrency: 16,
          refreshAhead,
          rateLimited,
        });
        worker.push({ hotKeys, refreshAhead, rateLimited, ...result });
        console.log(
          `worker, ${hotKeys} hot keys, rate limit ${rateLimited ? "on" : "off"}, refresh ahead ${refreshAhead ? "on" : "off"}: ${result.commandsPer1000Gets} commands per 1,000 GETs (${result.gets} GETs) ${JSON.stringify(result.byName)}`,
        );
      }
    }
  } finally {
    await stack.stop();
  }
  const results: CommandsResults = { measuredAt: new Date().toISOString(), environment: describeEnvironment(), method, cells, worker };
  if (reportPath) writeFileSync(reportPath, `${JSON.stringify(results, null, 2)}\n`);
  if (!smoke) writeFileSync(join(root, "bench/COMMANDS.md"), render(results));
  return cells.every((cell) => cell.gets > 0) && worker.every((cell) => cell.gets > 0) ? 0 : 1;
}

function workerRows(results: CommandsResults): string[] {
  return [false, true].flatMap((rateLimited) => {
    const [off, on] = [false, true].map((refreshAhead) =>
      results.worker.find((cell) => cell.rateLimited === rateLimited && cell.refreshAhead === refreshAhead),
    );
    if (!off || !on) return [];
    const names = Object.entries(on.byName)
      .map(([name, count]) => `${name} ${count}`)
      .join(", ");
    return [
      `| ${rateLimited ? "with a rate limit" : "no rate limit"} | ${off.commandsPer1000Gets} | ${on.commandsPer1000Gets} | ${on.gets.toLocaleString("en")} | ${names} |`,
    ];
  });
}

function render(results: CommandsResults): string {
  const rows: string[] = [];
  const cellsOf = (workload: string, isolates: number) =>
    results.cells.filter((cell) => cell.workload === workload && cell.isolates === isolates);
  for (const workload of [...new Set(results.cells.map((cell) => cell.workload))]) {
    for (const isolates of [1, 4]) {
      const [before, after] = [false, true].map((on) => cellsOf(workload, isolates).find((cell) => cell.refreshAhead === on));
      if (!before || !after) continue;
      rows.push(
        `| ${before.label} | ${isolates} | ${before.commandsPer1000Gets} | ${after.commandsPer1000Gets} | ${Math.round(after.l1Share * 100)}% | ${after.gets.toLocaleString("en")} |`,
      );
    }
  }
  return `# Redis commands per 1,000 served GETs

\`npm run bench -- --commands\` (bench/commands/), measured ${results.measuredAt} on ${results.environment.cpu}
(${results.environment.cpus} cores), Node ${results.environment.node}. Upstash bills per command, and a
script call is one command however many keys it reads.

Isolates are simulated with the real store code (one \`TieredStore\` with its own L1 per isolate,
over one \`UpstashStore\` and a local redis-server behind the gateway); each GET goes to a random
isolate, ${results.method.rate.toLocaleString("en")} operations a second in all (paced: the ratio depends on how many GETs share
each bound; the same traffic spread over 4 isolates gives each a quarter of it), ${results.method.concurrency} in flight, for ${results.method.seconds} s after a warm-up; \`L1_MAX_TTL_SECONDS\` = ${results.method.l1MaxTtlMs / 1000}.
Commands are the gateway's count for the run (writes included in the mixed workload).
"Before" is refresh ahead off (\`L1_REFRESH_AHEAD_MS=0\`: each copy checked by the reader that finds
it run out, one command per key per isolate per bound); "after" the default (every copy read while
it is served is queued, and the queue checked in one script call a fifth of the bound before the
first queued copy runs out, behind the response; a checked copy is carried into the next check
once, so a key read about once a bound does not run out every other bound).

| workload | isolates | commands per 1,000 GETs, before | after | GETs served from L1 (after) | GETs counted (after) |
| --- | ---: | ---: | ---: | ---: | ---: |
${rows.join("\n")}

- Refresh ahead removes the per-key check of copies read while they are served; it cannot remove
  misses. With 4 isolates the same traffic gives each a quarter of it: 1,000 keys are read about
  1.25 times a bound in each, so copies run out unread and are read again from Redis, and every
  isolate's first read of a key is a miss. Zipf's long tail is mostly such reads, and the mixed
  workload's writes are a command each. The simulated isolates share one Node process with the
  harness on two cores; rows whose GETs counted fall short of 50,000 are where it could not keep
  the pace.

The whole Worker, one Miniflare isolate, ${results.worker[0]?.hotKeys.toLocaleString("en") ?? "?"} hot keys read uniformly over HTTP (16 connections,
as fast as they answer, ${results.method.seconds} s after a warm-up): every command a served GET triggers, the read's
own, token re-verification (a token every \`TOKEN_CACHE_SECONDS\`, 5 s), the stats flush (every
\`STATS_FLUSH_INTERVAL_MS\`, 5 s) and, for a tenant with a rate limit, the limit's check.

| tenant | commands per 1,000 GETs, refresh ahead off | on | GETs counted (on) | commands by name (on) |
| --- | ---: | ---: | ---: | --- |
${workerRows(results).join("\n")}

- A tenant (or token) with a rate limit (here 1,000,000 requests a minute, so none is refused)
  pays one command per lease: an isolate takes requests of the limit's sliding window in leases
  that double while it uses them up within a window, up to a tenth of the limit
  (shared/limits/rate-limiter.ts), so a busy tenant's limit costs a few commands a window, not
  one per request. Tenants without a limit pay nothing for it.
`;
}
