/** memcached could not be started: missing binary, a port that stayed taken, or no answer in time. */
export class MemcachedLaunchError extends Error {
  override readonly name = "MemcachedLaunchError";

  constructor(message: string, options?: { cause?: unknown; log?: string }) {
    super(options?.log ? `${message}\n--- memcached log ---\n${options.log}` : message, options);
  }
}
