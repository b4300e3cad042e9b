import { EdgeCacheError } from "../../client/index.ts";
import type { TransferCommand } from "./args.ts";
import { exportToFile } from "./export-command.ts";
import { ImportStopped, type ImportSummary, runImport } from "./import-command.ts";
import { countLines } from "./lines.ts";
import { Progress, type ProgressStream } from "./progress.ts";
import type { RetryOptions } from "./retry.ts";
import { readState } from "./state.ts";
import type { TransferClient } from "./transfer-client.ts";

export interface RunDeps {
  client: TransferClient;
  /** Progress and messages. */
  stderr: ProgressStream;
  retry?: RetryOptions;
}

/** Runs a parsed command; the exit code: 0 done, 1 stopped or invalid lines found. */
export async function runCommand(command: Exclude<TransferCommand, { name: "help" }>, deps: RunDeps): Promise<number> {
  const say = (text: string) => deps.stderr.write(`${text}\n`);
  const retry: RetryOptions = {
    ...deps.retry,
    onRetry: (error, delayMs) => {
      // Over the progress bar, which redraws on the next line read.
      if (deps.stderr.isTTY) deps.stderr.write("\r\x1b[K");
      say(`retrying in ${(delayMs / 1000).toFixed(1)} s: ${describe(error)}`);
    },
  };
  if (command.name === "invalidate") {
    try {
      const answer = await deps.client.invalidate({ tags: command.tags, prefixes: command.prefixes });
      say(`invalidated ${answer.invalidated.length} tags and ${answer.invalidatedPrefixes.length} prefixes`);
      return 0;
    } catch (error) {
      say(`invalidate failed: ${describe(error)}`);
      return 1;
    }
  }
  if (command.name === "export") {
    const progress = new Progress(deps.stderr, { label: "export", unit: "entries" });
    try {
      const summary = await exportToFile(command.out, {
        client: deps.client,
        count: command.count,
        retry,
        onProgress: (n) => progress.update(n),
      });
      progress.finish();
      say(`exported ${summary.entries} entries in ${summary.pages} pages to ${command.out}`);
      return 0;
    } catch (error) {
      progress.finish();
      say(`export failed: ${describe(error)}`);
      return 1;
    }
  }

  let fromLine = command.resumeFrom ?? 1;
  if (command.stateFile) {
    const state = readState(command.stateFile);
    if (state && state.input !== command.input) {
      say(`${command.stateFile} records an import of ${state.input}, not ${command.input}`);
      return 1;
    }
    if (state?.completed) {
      say(`${command.stateFile}: the import of ${command.input} is already complete (through line ${state.committedLine})`);
      return 0;
    }
    if (state) fromLine = state.committedLine + 1;
  }
  if (fromLine > 1) say(`resuming at line ${fromLine}`);
  const total = deps.stderr.isTTY ? await countLines(command.input) : undefined;
  const progress = new Progress(deps.stderr, { label: command.dryRun ? "check" : "import", unit: "lines", total });
  try {
    const summary = await runImport({
      input: command.input,
      client: deps.client,
      batchSize: command.batchSize,
      fromLine,
      dryRun: command.dryRun,
      stateFile: command.dryRun ? undefined : command.stateFile,
      retry,
      onProgress: (line) => progress.update(line),
    });
    progress.finish();
    say(importReport(summary, command.dryRun));
    return summary.invalid > 0 ? 1 : 0;
  } catch (error) {
    progress.finish();
    if (!(error instanceof ImportStopped)) throw error;
    say(importReport(error.summary, false));
    say(`stopped at ${error.message}`);
    say(`everything before line ${error.resumeFrom} is imported. To carry on:\n  ${resumeHint(command, error.resumeFrom)}`);
    // No cause: the line itself is invalid.
    if (error.cause === undefined) say(`(to skip line ${error.resumeFrom} instead of fixing it, resume from ${error.resumeFrom + 1})`);
    return 1;
  }
}

export function importReport(summary: ImportSummary, dryRun: boolean): string {
  const lines = [
    `${dryRun ? "would import" : "imported"} ${summary.imported} entries${dryRun ? "" : ` in ${summary.batches} batches`}; ` +
      `skipped ${summary.expired} expired (ttl 0) and ${summary.blank} blank lines; ${summary.invalid} invalid`,
  ];
  for (const problem of summary.problems) lines.push(`  line ${problem.line}: ${problem.reason}`);
  if (summary.invalid > summary.problems.length) lines.push(`  … and ${summary.invalid - summary.problems.length} more`);
  return lines.join("\n");
}

/** The command that carries on; the token is never printed, only where it comes from. */
export function resumeHint(command: Extract<TransferCommand, { name: "import" }>, resumeFrom: number): string {
  const parts = ["npm run transfer -- import", `--in ${quote(command.input)}`, `--url ${quote(command.url)}`];
  if (command.batchSize !== 100) parts.push(`--batch-size ${command.batchSize}`);
  parts.push(command.stateFile ? `--state ${quote(command.stateFile)}` : `--resume-from ${resumeFrom}`);
  return `EDGE_CACHE_TOKEN=… ${parts.join(" ")}`;
}

function quote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}

function describe(error: unknown): string {
  if (error instanceof EdgeCacheError) return `${error.status} ${error.code}: ${error.message}`;
  if (!(error instanceof Error)) return String(error);
  // fetch's "fetch failed" names the reason (ECONNREFUSED, ENOTFOUND…) only in its cause.
  const code = (error.cause as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? `${error.message} (${code})` : error.message;
}
