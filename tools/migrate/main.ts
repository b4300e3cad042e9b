/** `npm run migrate -- …`: copies a legacy Redis or Memcached cache into edge-cache. See USAGE. */
import { runCli } from "./cli.ts";

const controller = new AbortController();
process.on("SIGINT", () => {
  // The first Ctrl-C lets the window in flight commit, so the state file stays exact; the second quits.
  if (controller.signal.aborted) process.exit(130);
  process.stderr.write("\nstopping after the keys in flight are committed (Ctrl-C again to quit now)…\n");
  controller.abort();
});
process.exitCode = await runCli(process.argv.slice(2), process.env, {
  stdout: process.stdout,
  stderr: process.stderr,
  signal: controller.signal,
});
