/** `npm run doctor -- --url URL`: checks a running edge-cache deployment end to end. See USAGE. */
import { parseDoctorArgs, USAGE, UsageError } from "./args.ts";
import { createDeploymentClient } from "./deployment-client.ts";
import { redact } from "./redact.ts";
import { exitCodeOf, renderJson, renderText } from "./report.ts";
import { runDoctor } from "./run-doctor.ts";

try {
  const options = parseDoctorArgs(process.argv.slice(2), process.env);
  if (options.help) {
    console.log(USAGE);
  } else {
    const client = createDeploymentClient({ baseUrl: options.url, timeoutMs: options.timeoutMs });
    const report = await runDoctor(client, options);
    const text = options.json ? renderJson(report) : renderText(report);
    console.log(redact(text, [options.adminToken]));
    process.exitCode = exitCodeOf(report);
  }
} catch (error) {
  if (error instanceof UsageError) {
    console.error(`${error.message}\n\n${USAGE}`);
    process.exitCode = 2;
  } else {
    // A bug, not a finding: its stack, with nothing secret in it.
    const tokens = [process.env.EDGE_CACHE_ADMIN_TOKEN, process.env.ADMIN_TOKEN];
    console.error(redact(`doctor stopped: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`, tokens));
    process.exitCode = 1;
  }
}
