export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** Fields of a log line. Callers pass ids, routes and counts: never tokens, values or secrets. */
export type LogFields = Record<string, unknown>;

export function logs(threshold: LogLevel, level: Exclude<LogLevel, "silent">): boolean {
  return RANK[level] >= RANK[threshold];
}

/** One JSON object per line, for Workers Logs and `wrangler tail`. */
export function log(threshold: LogLevel, level: Exclude<LogLevel, "silent">, msg: string, fields: LogFields = {}): void {
  if (!logs(threshold, level)) return;
  const line = JSON.stringify({ level, msg, ...fields });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}
