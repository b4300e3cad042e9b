import type { RequestPlan } from "./request-plan.ts";
import type { Scenario } from "./scenarios.ts";

/**
 * One request like the scenario's, checked against what it must answer: a misconfigured worker or
 * a broken build fails here with its status and body, instead of as a run of fast errors.
 */
export async function probe(
  scenario: Scenario,
  plan: RequestPlan,
  url: string,
  authorization: string,
  headerReferenceUrl?: string,
): Promise<void> {
  const send = () => fetch(`${url}${pathOf(plan)}`, requestOf(plan, authorization));
  let response = await send();
  // The first read after seeding may still be an L2 read; the second must show the steady state.
  if (scenario.probe.xCache) {
    await response.arrayBuffer();
    response = await send();
  }
  const body = await response.text();
  const xCache = response.headers.get("x-cache");
  if (response.status !== scenario.probe.status || (scenario.probe.xCache && xCache !== scenario.probe.xCache)) {
    throw new Error(
      `edge-cache bench: ${scenario.id} probe answered ${response.status} (X-Cache ${xCache}), expected ${scenario.probe.status}` +
        `${scenario.probe.xCache ? ` (${scenario.probe.xCache})` : ""}: ${body.slice(0, 300)}`,
    );
  }
  if (headerReferenceUrl) {
    // Twice, as above: the reference's steady answer (an L1 hit) is the one to match.
    await (await fetch(`${headerReferenceUrl}${pathOf(plan)}`, requestOf(plan, authorization))).arrayBuffer();
    const reference = await fetch(`${headerReferenceUrl}${pathOf(plan)}`, requestOf(plan, authorization));
    await reference.arrayBuffer();
    const names = (headers: Headers) => {
      const list: string[] = [];
      headers.forEach((_, name) => {
        list.push(name);
      });
      return list.sort().join(", ");
    };
    if (names(response.headers) !== names(reference.headers))
      throw new Error(
        `edge-cache bench: ${scenario.id} answers with headers ${names(response.headers)}; ` +
          `the worker it stands in for answers with ${names(reference.headers)}`,
      );
  }
}

function pathOf(plan: RequestPlan): string {
  return plan.kind === "mixed" ? `${plan.keyPrefix}0` : plan.path;
}

function requestOf(plan: RequestPlan, authorization: string): RequestInit {
  switch (plan.kind) {
    case "get":
    case "mixed":
      return { headers: { authorization } };
    case "put":
      return { method: "PUT", headers: { authorization, "content-type": plan.contentType }, body: plan.body };
    case "post-json":
      return { method: "POST", headers: { authorization, "content-type": "application/json" }, body: plan.body };
  }
}
