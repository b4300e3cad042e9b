import type { ClientOutcomes, ExerciseConfig } from "./consumer-outcomes";
import { runCommand } from "./run-command";

/** `node run-in-node.mjs` in the consumer project: the package as Node resolves it by name. */
export async function exerciseInNode(projectDir: string, config: ExerciseConfig): Promise<ClientOutcomes> {
  const stdout = await runCommand(process.execPath, ["run-in-node.mjs", JSON.stringify(config)], { cwd: projectDir });
  return JSON.parse(stdout) as ClientOutcomes;
}
