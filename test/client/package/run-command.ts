import { execFile } from "node:child_process";

export interface CommandOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
}

/** A command's stdout; when it fails, an error that carries what it printed, not just its name. */
export function runCommand(file: string, args: string[], { cwd, env }: CommandOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd, env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error)
        reject(new Error(`${file} ${args.join(" ")} failed (${error.code ?? error.signal}):\n${stdout}${stderr}`, { cause: error }));
      else resolve(stdout);
    });
  });
}
