import { EdgeCacheError } from "../../client/index.ts";
import { AdminApiError, type AdminClient, createAdminClient } from "../admin/admin-client.ts";
import type { ProgressStream } from "../transfer/progress.ts";
import type { RetryOptions } from "../transfer/retry.ts";
import { type MigrateCommand, parseMigrateCommand, USAGE, UsageError } from "./args.ts";
import { globMatches } from "./glob-match.ts";
import { createKeyMapper, type KeyMapper } from "./key-mapping.ts";
import { StateMismatchError } from "./migration-state.ts";
import type { PlanContext } from "./record-plan.ts";
import { describe, runMigration } from "./run-migration.ts";
import { SourceError } from "./source-error.ts";
import type { Source } from "./source-record.ts";
import { openSource } from "./sources/open-source.ts";
import { subscribeKeyEvents } from "./sources/redis-key-events.ts";
import { TemplateError } from "./template-error.ts";
import { TenantAccess, UnknownTenantError } from "./tenant-access.ts";
import { TenantIds } from "./tenant-id.ts";
import { verify } from "./verify.ts";

export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: ProgressStream;
  /** Ctrl-C: a run stops at its next committed window. */
  signal: AbortSignal;
  retry?: RetryOptions;
  /** Keys per committed window (tests make it small). @default 5000 */
  windowKeys?: number;
}

/** `npm run migrate -- …` as a function: the exit code (0 done, 1 stopped or mismatches, 2 bad usage). */
export async function runCli(argv: readonly string[], env: Record<string, string | undefined>, io: CliIo): Promise<number> {
  const say = (text: string) => io.stderr.write(`${text}\n`);
  let command: MigrateCommand;
  let mapper: KeyMapper;
  try {
    command = parseMigrateCommand(argv, env);
    if (command.name === "help") {
      io.stdout.write(`${USAGE}\n`);
      return 0;
    }
    mapper = createKeyMapper({ templates: command.templates, ...(command.tenant !== undefined && { tenant: command.tenant }) });
  } catch (error) {
    if (!(error instanceof UsageError || error instanceof TemplateError)) throw error;
    say(`${error.message}\n\n${USAGE}`);
    return 2;
  }

  const admin = createAdminClient({ url: command.url, adminToken: command.adminToken });
  const unreachable = await checkService(admin, command.url);
  if (unreachable) {
    say(unreachable);
    return 1;
  }
  const onlyTemplate = mapper.templates.length === 1 ? mapper.templates[0] : undefined;
  const matchPattern = command.match ?? onlyTemplate?.scanPattern;
  const match = matchPattern === undefined ? undefined : Buffer.from(matchPattern);
  let source: Source;
  try {
    source = await openSource(command.from, {
      ...(matchPattern !== undefined && { match: matchPattern }),
      ...(command.convert && { convert: command.convert }),
    });
  } catch (error) {
    if (!(error instanceof SourceError)) throw error;
    say(error.message);
    return 1;
  }

  const access = new TenantAccess({
    admin,
    url: command.url,
    dryRun: command.name === "run" && command.dryRun,
    createTenants: command.name === "run" && command.createTenants,
    scopes: command.name === "verify" ? ["read"] : ["read", "write"],
  });
  const context: PlanContext = {
    mapper,
    tenantIds: new TenantIds({ maxTenants: command.maxTenants }),
    access,
    decoders: command.decode,
    defaultTtlSeconds: command.defaultTtlSeconds,
  };
  try {
    // A single tenant is checked before anything is read, so a mistyped --tenant stops at once.
    if (command.tenant !== undefined && mapper.templates.every((template) => !template.captures.includes("tenant"))) {
      const tenant = context.tenantIds.resolve(command.tenant);
      if (!tenant.ok) {
        say(`--tenant ${command.tenant}: ${tenant.reason}`);
        return 1;
      }
      await access.target(tenant.id);
    }
    if (command.name === "verify") {
      const summary = await verify({ source, context, sample: command.sample });
      if (command.json) io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      say(`verify: ${summary.compared} keys compared (from ${summary.scanned} read), ${summary.matched} match byte for byte`);
      for (const mismatch of summary.mismatches) say(`  ${mismatch.tenant} ${JSON.stringify(mismatch.key)}: ${mismatch.problem}`);
      if (summary.moreMismatches > 0) say(`  … and ${summary.moreMismatches} more mismatches`);
      return summary.mismatches.length + summary.moreMismatches > 0 ? 1 : 0;
    }
    return await runMigration(command, {
      source,
      context,
      admin,
      stdout: io.stdout,
      stderr: io.stderr,
      signal: io.signal,
      ...(io.retry && { retry: io.retry }),
      ...(io.windowKeys !== undefined && { windowKeys: io.windowKeys }),
      subscribe: async (dirty) =>
        subscribeKeyEvents(
          command.from,
          undefined,
          // Notifications cover the whole database: only keys the copy was given are followed.
          (key) => {
            if (match === undefined || globMatches(match, key)) dirty.add(key);
          },
          () => dirty.markGap(),
        ),
    });
  } catch (error) {
    if (error instanceof UnknownTenantError || error instanceof StateMismatchError || error instanceof SourceError) {
      say(error.message);
      return 1;
    }
    if (
      error instanceof AdminApiError ||
      error instanceof EdgeCacheError ||
      (error instanceof TypeError && error.message === "fetch failed")
    ) {
      say(`edge-cache at ${command.url}: ${describe(error)}`);
      return 1;
    }
    throw error;
  } finally {
    for (const problem of await access.close()) say(problem);
    await source.close();
  }
}

/** Why the service cannot be used (unreachable, admin token refused), or undefined. */
async function checkService(admin: AdminClient, url: string): Promise<string | undefined> {
  try {
    await admin.deploymentLimits();
    return undefined;
  } catch (error) {
    if (error instanceof AdminApiError && error.status === 401)
      return `edge-cache at ${url} refused the admin token (EDGE_CACHE_ADMIN_TOKEN)`;
    if (error instanceof AdminApiError) return `edge-cache at ${url} answered ${error.status} ${error.code}: ${error.message}`;
    return `cannot reach edge-cache at ${url}: ${describe(error)}`;
  }
}
