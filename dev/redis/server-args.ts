export interface ServerArgsOptions {
  port: number;
  dir: string;
  persistence: boolean;
  extraArgs: readonly string[];
}

/**
 * Command line for redis-server. Loopback only and logging to stdout, so the launcher can read
 * why a start failed. Without persistence nothing is ever written to disk: tests start from an
 * empty database every time and stop without a final snapshot.
 */
export function buildServerArgs(options: ServerArgsOptions): string[] {
  const persistence = options.persistence ? ["--appendonly", "yes"] : ["--save", "", "--appendonly", "no"];
  return [
    "--port",
    String(options.port),
    "--bind",
    "127.0.0.1",
    "--dir",
    options.dir,
    "--daemonize",
    "no",
    "--logfile",
    "",
    ...persistence,
    ...options.extraArgs,
  ];
}
