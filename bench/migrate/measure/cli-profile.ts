import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { busyMicroseconds, type CpuProfile, functionCosts, groupCosts } from "../../profile/cpu-profile.ts";

/** Where the CLI's own CPU went, from a V8 profile of a copy (`node --cpu-prof`). */
export interface CliProfile {
  keys: number;
  /** The profiled copy's rate: profiling slows the CLI a little, so this is not the measured rate. */
  keysPerSecond: number;
  /** CPU seconds sampled busy (everything but "(idle)"). */
  busySeconds: number;
  /** Share of the CLI's lifetime it sat idle, waiting on the Worker or the legacy Redis. */
  idleShare: number;
  /** Self time by part of the code, as shares of busy time. */
  groups: { group: string; busyShare: number }[];
  /** The functions with the most self time, as shares of busy time. */
  functions: { name: string; busyShare: number; totalBusyShare: number }[];
}

const FUNCTIONS_KEPT = 12;
const PSEUDO_FRAMES = new Set(["(idle)", "(program)", "(garbage collector)", "(root)"]);

/** Which part of the code a frame belongs to: the question is whose code the CLI spends its CPU in. */
function groupOf(frame: CpuProfile["nodes"][number]["callFrame"]): string {
  const { url, functionName } = frame;
  if (PSEUDO_FRAMES.has(functionName)) return functionName === "(garbage collector)" ? "garbage collection" : functionName;
  if (url.includes("/client/")) return "edge-cache client (client/)";
  if (url.includes("/tools/migrate/")) return "CLI (tools/migrate/)";
  if (url.includes("/tools/")) return "other tools/ modules (admin, transfer)";
  if (url.includes("node_modules/ioredis") || url.includes("node_modules/redis-parser")) return "ioredis (reading the legacy Redis)";
  if (url.includes("undici")) return "fetch (undici)";
  if (url.includes("node_modules/")) return "other packages";
  if (url.startsWith("node:") || url === "") return "Node internals and natives";
  return "other";
}

/** Reads the one profile `node --cpu-prof --cpu-prof-dir dir` left in `dir`. */
export function readCliProfile(dir: string, keys: number, wallSeconds: number): CliProfile {
  const file = readdirSync(dir).find((name) => name.endsWith(".cpuprofile"));
  if (!file) throw new Error(`edge-cache bench: the CLI left no CPU profile in ${dir}`);
  const profile = JSON.parse(readFileSync(join(dir, file), "utf8")) as CpuProfile;
  const busy = busyMicroseconds(profile);
  const span = profile.endTime - profile.startTime;
  const samples = Math.max(1, profile.samples.length);
  const idleSamples = groupCosts(profile, groupOf).get("(idle)") ?? 0;
  // Shares of all samples, rescaled to shares of the busy ones.
  const busyScale = samples / Math.max(1, samples - idleSamples);
  return {
    keys,
    keysPerSecond: keys / wallSeconds,
    busySeconds: busy / 1e6,
    idleShare: span > 0 ? 1 - busy / span : 0,
    groups: [...groupCosts(profile, groupOf).entries()]
      .filter(([group]) => group !== "(idle)")
      .map(([group, count]) => ({ group, busyShare: (count / samples) * busyScale }))
      .sort((a, b) => b.busyShare - a.busyShare),
    functions: functionCosts(profile)
      .filter((f) => ![...PSEUDO_FRAMES].some((pseudo) => f.name.startsWith(pseudo)))
      .slice(0, FUNCTIONS_KEPT)
      // Line numbers are of the code tsx compiled, not of the .ts file: the file names the place.
      .map((f) => ({
        name: f.name.replace(/\.ts:\d+$/, ".ts"),
        busyShare: f.selfShare * busyScale,
        totalBusyShare: f.totalShare * busyScale,
      })),
  };
}
