import { readFileSync, renameSync, writeFileSync } from "node:fs";

/** Where an import stands, so a rerun with the same `--state` file carries on after a failure. */
export interface ImportState {
  /** The input file, as given: a state file belongs to one input. */
  input: string;
  /** Every line up to and including this one is imported (or skipped as blank or expired). */
  committedLine: number;
  completed: boolean;
  updatedAt: string;
}

export function readState(path: string): ImportState | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const state = JSON.parse(text) as Partial<ImportState>;
  if (typeof state.input !== "string" || !Number.isInteger(state.committedLine)) throw new Error(`${path} is not an import state file`);
  return state as ImportState;
}

/** Written whole to a temporary file, then renamed over the old one: a crash never leaves half a state. */
export function writeState(path: string, state: Omit<ImportState, "updatedAt">): void {
  const temporary = `${path}.tmp`;
  writeFileSync(temporary, `${JSON.stringify({ ...state, updatedAt: new Date().toISOString() }, null, 2)}\n`);
  renameSync(temporary, path);
}
