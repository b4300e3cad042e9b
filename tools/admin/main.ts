/** `npm run admin -- …`: manage tenants and tokens of a running edge-cache. See USAGE. */
import { resolve } from "node:path";
import { readDevVars } from "../../dev/start/dev-vars.ts";
import { AdminApiError, createAdminClient } from "./admin-client.ts";
import { parseCommand, USAGE, UsageError } from "./commands.ts";

try {
  const command = parseCommand(process.argv.slice(2));
  const adminToken = process.env.EDGE_CACHE_ADMIN_TOKEN ?? readDevVars(resolve(import.meta.dirname, "../../.dev.vars")).ADMIN_TOKEN;
  if (!adminToken && !command.help) throw new UsageError("no admin token: set EDGE_CACHE_ADMIN_TOKEN (npm start prints one)");
  const client = createAdminClient({
    url: command.url ?? process.env.EDGE_CACHE_URL ?? "http://127.0.0.1:8787",
    adminToken: adminToken ?? "",
  });
  const result = await command.run(client, (line) => console.error(line));
  if (typeof result === "string") console.log(result);
  else if (result !== undefined) console.log(JSON.stringify(result, null, 2));
} catch (error) {
  if (error instanceof UsageError || (error instanceof Error && error.name === "TypeError" && "code" in error)) {
    console.error(`${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (error instanceof AdminApiError) {
    console.error(`edge-cache answered ${error.status} ${error.code}: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
