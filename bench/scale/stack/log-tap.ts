/**
 * Keeps the workers' JSON log lines about cron ticks (the scheduled handler's summary), so a tick
 * measurement can report what the worker says it did. Other lines are dropped as they arrive.
 */
export class TickLogTap {
  #lines: Record<string, unknown>[] = [];

  readonly onLine = (line: string): void => {
    if (!line.includes('"msg":"scheduled')) return;
    try {
      this.#lines.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // Not a JSON log line: nothing to report.
    }
  };

  /** The lines kept since the last call. */
  take(): Record<string, unknown>[] {
    const lines = this.#lines;
    this.#lines = [];
    return lines;
  }
}
