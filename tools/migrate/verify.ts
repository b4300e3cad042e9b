import type { BatchGetResult } from "../../client/index.ts";
import { type PlanContext, planRecord, type RecordPlan } from "./record-plan.ts";
import type { Source } from "./source-record.ts";
import { printableKey } from "./sources/printable-key.ts";
import { UnknownTenantError } from "./tenant-access.ts";

type SetPlan = Extract<RecordPlan, { kind: "set" }>;

export interface Mismatch {
  tenant: string;
  key: string;
  problem: string;
}

export interface VerifySummary {
  /** Keys compared (mapped, not expired, not oversized or skipped). */
  compared: number;
  matched: number;
  mismatches: Mismatch[];
  /** Mismatches beyond those listed. */
  moreMismatches: number;
  /** Keys read from the source to pick the sample from. */
  scanned: number;
}

export interface VerifyOptions {
  source: Source;
  context: PlanContext;
  /** Keys to compare. */
  sample: number;
  /** @default 50 */
  maxListed?: number;
}

const GETS_PER_REQUEST = 100;

/**
 * Compares a uniform sample of the source's keys, read again as they are now, with what edge-cache
 * answers for them: bytes and content type, byte for byte, after the same mapping and decoding a
 * run applies.
 */
export async function verify(options: VerifyOptions): Promise<VerifySummary> {
  const summary: VerifySummary = { compared: 0, matched: 0, mismatches: [], moreMismatches: 0, scanned: 0 };
  const maxListed = options.maxListed ?? 50;
  let chosen: SetPlan[] = [];
  const compare = async () => {
    for (const mismatch of await compareWithService(chosen)) {
      if (summary.mismatches.length < maxListed) summary.mismatches.push(mismatch);
      else summary.moreMismatches++;
    }
    summary.compared += chosen.length;
    chosen = [];
  };
  const sample = await sampleKeys(options, summary);
  for (let i = 0; i < sample.length; i += GETS_PER_REQUEST) {
    const keys = sample.slice(i, i + GETS_PER_REQUEST);
    // Read again now: what the scan saw may have changed since, and only the current value counts.
    for (const record of await options.source.read(keys)) {
      if (!record) continue;
      let plan: RecordPlan;
      try {
        plan = await planRecord(record, options.context);
      } catch (error) {
        if (!(error instanceof UnknownTenantError)) throw error;
        summary.compared++;
        if (summary.mismatches.length < maxListed)
          summary.mismatches.push({ tenant: error.tenant, key: printableKey(record.key), problem: error.message });
        else summary.moreMismatches++;
        continue;
      }
      if (plan.kind === "set") chosen.push(plan);
    }
    await compare();
  }
  summary.matched = summary.compared - summary.mismatches.length - summary.moreMismatches;
  return summary;
}

/**
 * A uniform sample of the keys a copy would send, drawn over one scan of the whole source
 * (reservoir sampling): its size does not depend on knowing how many keys match, and memory holds
 * the sample's keys only.
 */
async function sampleKeys(options: VerifyOptions, summary: VerifySummary): Promise<Buffer[]> {
  const sample: Buffer[] = [];
  let candidates = 0;
  for await (const page of options.source.pages("0")) {
    for (const record of page.records) {
      summary.scanned++;
      if (record.value === undefined || (record.ttlMs !== undefined && record.ttlMs <= 0)) continue;
      if (options.context.mapper.map(record.key).kind !== "mapped") continue;
      candidates++;
      if (sample.length < options.sample) sample.push(record.key);
      else {
        const slot = Math.floor(Math.random() * candidates);
        if (slot < options.sample) sample[slot] = record.key;
      }
    }
    if (page.done) break;
  }
  return sample;
}

async function compareWithService(plans: readonly SetPlan[]): Promise<Mismatch[]> {
  const byTenant = Map.groupBy(plans, (plan) => plan.target.tenant);
  const mismatches: Mismatch[] = [];
  for (const [tenant, group] of byTenant) {
    const client = group[0]?.target.client;
    if (!client) throw new Error(`no client for tenant ${tenant}`);
    const answer = await client.batch({ get: group.map((plan) => plan.set.key) });
    for (const [i, plan] of group.entries()) {
      const problem = problemOf(plan, answer.get[i]);
      if (problem) mismatches.push({ tenant, key: plan.set.key, problem });
    }
  }
  return mismatches;
}

function problemOf(plan: SetPlan, got: BatchGetResult | undefined): string | undefined {
  if (!got || got.status === "miss") return "missing in edge-cache";
  if (got.status === "error") return `edge-cache answered ${got.error.code}: ${got.error.message}`;
  const expected = plan.value;
  if (!Buffer.from(got.value).equals(expected)) {
    const at = firstDifference(expected, got.value);
    return `bytes differ: source ${expected.byteLength} bytes, edge-cache ${got.value.byteLength}, first difference at byte ${at}`;
  }
  if (got.contentType !== plan.contentType) return `content type differs: source ${plan.contentType}, edge-cache ${got.contentType}`;
  return undefined;
}

function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.byteLength, b.byteLength);
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return i;
  return length;
}
