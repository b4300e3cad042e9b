/** redis-server could not be started: missing binary, a port that stayed taken, or no PING in time. */
export class RedisLaunchError extends Error {
  override readonly name = "RedisLaunchError";

  constructor(message: string, options?: { cause?: unknown; log?: string }) {
    super(options?.log ? `${message}\n--- redis-server log ---\n${options.log}` : message, options);
  }
}
