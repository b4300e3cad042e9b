/** The parts of a V8 CPU profile (Profiler.stop) that the summary reads. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; scriptId?: string }; children?: number[] }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface FunctionCost {
  name: string;
  /** Share of all samples spent in this function itself. */
  selfShare: number;
  /** Share of all samples with this function anywhere on the stack. */
  totalShare: number;
}

const frameName = (frame: CpuProfile["nodes"][number]["callFrame"]) => {
  const file = frame.url.split("/").at(-1) || "(native)";
  return `${frame.functionName || "(anonymous)"} ${file}:${frame.lineNumber + 1}`;
};

/**
 * Self and inclusive time per function, from sample counts (the sampling interval is constant).
 * Idle and program/GC pseudo-frames are kept: on a saturated worker, "(idle)" near zero is the
 * sign that the isolate, not the network, is the bottleneck.
 */
export function functionCosts(profile: CpuProfile): FunctionCost[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  for (const sample of profile.samples) {
    const leaf = byId.get(sample);
    if (!leaf) continue;
    const leafName = frameName(leaf.callFrame);
    self.set(leafName, (self.get(leafName) ?? 0) + 1);
    const seen = new Set<string>();
    for (let id: number | undefined = sample; id !== undefined; id = parent.get(id)) {
      const node = byId.get(id);
      if (!node) break;
      const name = frameName(node.callFrame);
      if (seen.has(name)) continue;
      seen.add(name);
      total.set(name, (total.get(name) ?? 0) + 1);
    }
  }
  const count = Math.max(1, profile.samples.length);
  return [...total.entries()]
    .map(([name, inclusive]) => ({ name, selfShare: (self.get(name) ?? 0) / count, totalShare: inclusive / count }))
    .sort((a, b) => b.selfShare - a.selfShare);
}

/** Where samples landed, summed by group: a code group (from `groupOfFrame`) or a V8 pseudo-frame. */
export function groupCosts(
  profile: CpuProfile,
  groupOfFrame: (frame: CpuProfile["nodes"][number]["callFrame"]) => string,
): Map<string, number> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const groups = new Map<string, number>();
  for (const sample of profile.samples) {
    const node = byId.get(sample);
    if (!node) continue;
    const group = groupOfFrame(node.callFrame);
    groups.set(group, (groups.get(group) ?? 0) + 1);
  }
  return groups;
}

/** Microseconds the isolate was busy (every sample but "(idle)"), from the sampled intervals. */
export function busyMicroseconds(profile: CpuProfile): number {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  let busy = 0;
  profile.samples.forEach((sample, index) => {
    if (byId.get(sample)?.callFrame.functionName !== "(idle)") busy += profile.timeDeltas[index] ?? 0;
  });
  return busy;
}
