import { settle } from "../../http/settle.ts";
import type { ScaleStack } from "../stack/scale-stack.ts";
import type { WorkerRole } from "../stack/scale-worker.ts";

/** What the noisy-neighbour scenario reads besides its load: gateway counts, health, warm runs. */

/** Runs `work` with every role's gateway counters at zero; reads them once the worker went quiet. */
export async function counted<T>(stack: ScaleStack, work: () => Promise<T>): Promise<{ value: T; requests: Record<WorkerRole, number> }> {
  const roles = Object.keys(stack.scopes) as WorkerRole[];
  await Promise.all(roles.map((role) => stack.scopes[role].resetCounters()));
  const value = await work();
  for (const role of roles) await settle(stack.scopes[role], { quietMs: 300, maxMs: 30_000 });
  const counters = await Promise.all(roles.map(async (role) => [role, (await stack.scopes[role].counters()).requests.total] as const));
  return { value, requests: Object.fromEntries(counters) as Record<WorkerRole, number> };
}

/** What `/health` of the serving isolate says: its circuit breaker, as the flood left it. */
export async function readHealth(url: string): Promise<{ status: string; circuit: string }> {
  const body = (await (await fetch(`${url}/health`)).json()) as { status?: string; redis?: { circuit?: string } };
  return { status: body.status ?? "unknown", circuit: body.redis?.circuit ?? "unknown" };
}

const RUN_DELIVERY_MS = 5000;

/**
 * Warm plan chunks the floods' ticks ran, per tenant (from their run history: chunks that started
 * between a flood's first tick and a few seconds after it ended), and how many of those ticks
 * found B's every-minute plan due: the first of each minute after the one it was put in, as no
 * tick fires outside a flood.
 */
export async function warmChunksDuring(
  url: string,
  tokens: { flooderToken: string; steadyToken: string; steadyPlanAt: number },
  floods: readonly { ticksAt: readonly number[]; endedAt: number }[],
): Promise<{ flooderChunks: number; steadyChunks: number; steadyDueTicks: number }> {
  // A run a flood's last tick dispatched may start a little after the flood: its message waits for delivery.
  const windows = floods.flatMap(({ ticksAt, endedAt }) =>
    ticksAt.length > 0 ? [[Math.min(...ticksAt), endedAt + RUN_DELIVERY_MS] as const] : [],
  );
  const inWindow = (at: number) => windows.some(([from, to]) => at >= from && at <= to);
  const chunks = async (token: string) => {
    const response = await fetch(`${url}/v1/warm/runs`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await response.json()) as { runs?: { trigger: string; startedAt: number }[] };
    return (body.runs ?? []).filter((run) => run.trigger === "cron" && inWindow(run.startedAt)).length;
  };
  const minute = (at: number) => Math.floor(at / 60_000);
  const tickMinutes = new Set(floods.flatMap(({ ticksAt }) => ticksAt.map(minute)));
  const steadyDueTicks = [...tickMinutes].filter((m) => m > minute(tokens.steadyPlanAt)).length;
  return { flooderChunks: await chunks(tokens.flooderToken), steadyChunks: await chunks(tokens.steadyToken), steadyDueTicks };
}

export interface HealthSamples {
  /** Samples by the circuit state `/health` reported. */
  circuit: Record<string, number>;
  /** Samples by the status `/health` reported. */
  status: Record<string, number>;
}

/**
 * Polls `/health` every `everyMs` until `until` settles: whether the serving isolate's circuit
 * breaker opened while the flood ran (and degraded every tenant's requests), not only how it ended.
 */
export async function sampleHealthWhile<T>(url: string, until: Promise<T>, everyMs = 500): Promise<{ value: T; health: HealthSamples }> {
  const health: HealthSamples = { circuit: {}, status: {} };
  let done = false;
  const sampling = (async () => {
    while (!done) {
      const { status, circuit } = await readHealth(url).catch(() => ({ status: "unreachable", circuit: "unreachable" }));
      health.circuit[circuit] = (health.circuit[circuit] ?? 0) + 1;
      health.status[status] = (health.status[status] ?? 0) + 1;
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  try {
    return { value: await until, health };
  } finally {
    done = true;
    await sampling;
  }
}
