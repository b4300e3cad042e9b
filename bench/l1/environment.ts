import { cpus, platform, release } from "node:os";
import type { Environment } from "./results.ts";

/** Throughput numbers mean little without the machine they came from. */
export function describeEnvironment(): Environment {
  const cores = cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    cpu: cores[0]?.model.trim() ?? "unknown",
    cpus: cores.length,
    platform: `${platform()} ${release()}`,
  };
}
