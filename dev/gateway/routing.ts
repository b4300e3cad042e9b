import type { EndpointKind } from "./counters.ts";
import { CONTROL_PREFIX } from "./options.ts";

export type Route = { kind: "data"; endpoint: EndpointKind } | { kind: "control"; path: string } | { kind: "not-found" };

/** Which handler a path belongs to. The SDK strips one trailing slash from its base URL. */
export function route(pathname: string, mountPath: string): Route {
  if (pathname === CONTROL_PREFIX || pathname.startsWith(`${CONTROL_PREFIX}/`)) {
    return { kind: "control", path: pathname.slice(CONTROL_PREFIX.length).replace(/\/+$/, "") || "/" };
  }
  const base = mountPath === "/" ? "" : mountPath;
  if (pathname !== base && !pathname.startsWith(`${base}/`)) return { kind: "not-found" };
  const rest = pathname.slice(base.length).replace(/\/+$/, "");
  if (rest === "") return { kind: "data", endpoint: "single" };
  if (rest === "/pipeline") return { kind: "data", endpoint: "pipeline" };
  if (rest === "/multi-exec") return { kind: "data", endpoint: "multi-exec" };
  return { kind: "not-found" };
}
