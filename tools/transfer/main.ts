/** `npm run transfer -- export|import|invalidate …`: a tenant's entries, moved between instances or invalidated. See USAGE. */
import { createClient } from "../../client/index.ts";
import { parseCommand, USAGE, UsageError } from "./args.ts";
import { runCommand } from "./run-command.ts";

try {
  const command = parseCommand(process.argv.slice(2), process.env);
  if (command.name === "help") {
    console.log(USAGE);
  } else {
    const client = createClient({ baseUrl: command.url, token: command.token });
    process.exitCode = await runCommand(command, { client, stderr: process.stderr });
  }
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`${error.message}\n\n${USAGE}`);
  process.exitCode = 2;
}
