import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { runCommand } from "./run-command";

const REPO = resolve(import.meta.dirname, "../../..");
/** Copied next to the installed package: they import it by its name, as an application would. */
const CONSUMER_FILES = ["exercise-client.mjs", "run-in-node.mjs"];

export interface PackageManifest {
  name: string;
  version: string;
  type?: string;
  exports?: Record<string, unknown>;
  types?: string;
  dependencies?: Record<string, string>;
}

export interface InstalledClient {
  /** A fresh project outside the repository, with the tarball installed and the consumer files beside it. */
  projectDir: string;
  /** What `npm pack` put in the tarball. */
  packedFiles: string[];
  /** The package.json as installed in the project's node_modules. */
  manifest: PackageManifest;
  /** The installed package's directory. */
  packageDir: string;
  dispose(): void;
}

/**
 * `npm run build:client`, `npm pack` of client/, and `npm install <tarball>` into a new project
 * in a temporary directory. Offline, with a cache of its own: a package with no dependencies
 * needs no registry, so a runtime dependency creeping in fails the install.
 */
export async function installPackedClient(): Promise<InstalledClient> {
  const root = mkdtempSync(join(tmpdir(), "edge-cache-client-package-"));
  try {
    const env = npmEnvironment(join(root, "npm-cache"));
    await runCommand("npm", ["run", "build:client"], { cwd: REPO, env });
    const stdout = await runCommand("npm", ["pack", "--json", "--pack-destination", root], { cwd: join(REPO, "client"), env });
    const [packed] = JSON.parse(stdout) as { name: string; filename: string; files: { path: string }[] }[];
    if (!packed) throw new Error(`npm pack reported no tarball: ${stdout}`);

    const projectDir = join(root, "project");
    mkdirSync(projectDir);
    writeFileSync(join(projectDir, "package.json"), JSON.stringify({ name: "client-consumer", private: true, type: "module" }));
    await runCommand("npm", ["install", join(root, packed.filename), "--offline", "--no-audit", "--no-fund"], { cwd: projectDir, env });
    for (const file of CONSUMER_FILES) copyFileSync(join(import.meta.dirname, file), join(projectDir, file));

    const packageDir = join(projectDir, "node_modules", ...packed.name.split("/"));
    return {
      projectDir,
      packedFiles: packed.files.map((file) => file.path).sort(),
      manifest: JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as PackageManifest,
      packageDir,
      dispose: () => rmSync(root, { recursive: true, force: true }),
    };
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
}

/**
 * The environment without what `npm run`/`npx` exported to this process (npm_config_*, the
 * repository's npm_package_*), which would otherwise configure the installs in the temporary project.
 */
function npmEnvironment(cache: string): Record<string, string | undefined> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith("npm_")));
  return { ...env, npm_config_cache: cache, npm_config_update_notifier: "false" };
}
