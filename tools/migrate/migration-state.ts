import { readFileSync, renameSync, writeFileSync } from "node:fs";
import type { MappingOptions } from "./args.ts";

/** Totals carried across the runs of one migration, so a resumed run reports the whole of it. */
export interface MigrationTotals {
  copied: number;
  bytes: number;
  expired: number;
  unmapped: number;
  oversized: number;
  skipped: number;
  refused: number;
}

/** Where a migration stands; rewritten after every committed window of keys. */
export interface MigrationState {
  version: 1;
  /** The source's identity (never a password) and the target: a state belongs to one pair. */
  source: string;
  target: string;
  /** What each key's mapping depends on: a resumed run must map keys as the first one did. */
  mapping: string;
  /** Resume point: the source's cursor after the last committed page ("0": the start). */
  cursor: string;
  completed: boolean;
  totals: MigrationTotals;
  startedAt: string;
  updatedAt: string;
}

/** The state file belongs to another migration: resuming from it would skip or remap keys. */
export class StateMismatchError extends Error {
  override readonly name = "StateMismatchError";
}

export const emptyTotals = (): MigrationTotals => ({ copied: 0, bytes: 0, expired: 0, unmapped: 0, oversized: 0, skipped: 0, refused: 0 });

/** The part of a command that decides where each key lands, as a stable string. */
export function mappingFingerprint(options: MappingOptions): string {
  return JSON.stringify({
    match: options.match ?? null,
    convert: options.convert ?? null,
    templates: options.templates,
    tenant: options.tenant ?? null,
    decode: options.decode,
    defaultTtlSeconds: options.defaultTtlSeconds ?? null,
    maxTenants: options.maxTenants,
  });
}

export function readMigrationState(path: string): MigrationState | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  let state: Partial<MigrationState>;
  try {
    state = JSON.parse(text) as Partial<MigrationState>;
  } catch {
    throw new StateMismatchError(`${path} is not a migration state file (not JSON): remove it or pass another --state`);
  }
  if (state.version !== 1 || typeof state.source !== "string" || typeof state.cursor !== "string") {
    throw new StateMismatchError(`${path} is not a migration state file: remove it or pass another --state`);
  }
  return state as MigrationState;
}

/** Refuses a state recorded for another source, target or mapping, naming the difference. */
export function assertSameMigration(path: string, state: MigrationState, expected: Pick<MigrationState, "source" | "target" | "mapping">) {
  const differs = (["source", "target", "mapping"] as const).find((field) => state[field] !== expected[field]);
  if (differs === undefined) return;
  throw new StateMismatchError(
    `${path} records a migration with another ${differs} (${state[differs]}, not ${expected[differs]}): ` +
      "rerun that migration's command to finish it, or pass another --state to start this one",
  );
}

/** Written whole to a temporary file, then renamed over the old one: a crash never leaves half a state. */
export function writeMigrationState(path: string, state: Omit<MigrationState, "updatedAt">): void {
  const temporary = `${path}.tmp`;
  writeFileSync(temporary, `${JSON.stringify({ ...state, updatedAt: new Date().toISOString() }, null, 2)}\n`);
  renameSync(temporary, path);
}
