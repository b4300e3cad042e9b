export interface WranglerDevOptions {
  port: number;
  vars: Record<string, string>;
}

/**
 * `wrangler dev` arguments. Vars go on the command line (`--var NAME:VALUE`, split at the first
 * colon, so URLs and JSON survive) and override wrangler.toml and `.dev.vars` without writing a
 * file. `--test-scheduled` exposes `/__scheduled?cron=…`. The interactive session is off: wrangler
 * runs in its own process group, away from the terminal's keyboard.
 */
export function wranglerDevArgs(options: WranglerDevOptions): string[] {
  return [
    "dev",
    "--ip",
    "127.0.0.1",
    "--port",
    String(options.port),
    "--test-scheduled",
    "--show-interactive-dev-session=false",
    ...Object.entries(options.vars).flatMap(([name, value]) => ["--var", `${name}:${value}`]),
  ];
}
