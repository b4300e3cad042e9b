import { inject } from "vitest";
import { createGatewayControl, type GatewayControl } from "../worker/gateway-control.ts";

export interface GatewayUnderTest {
  url: string;
  token: string;
  controlUrl: string;
  controlToken: string;
  /** Controls the faults and counters of `token`'s scope only. */
  control: GatewayControl;
}

/** The gateway the global setup started, with its main token. */
export function sharedGateway(): GatewayUnderTest & { redisUrl: string } {
  const controlUrl = inject("gatewayControlUrl");
  const controlToken = inject("gatewayControlToken");
  return {
    url: inject("gatewayUrl"),
    token: inject("gatewayToken"),
    controlUrl,
    controlToken,
    control: createGatewayControl({ controlUrl, controlToken }),
    redisUrl: inject("redisUrl"),
  };
}

/**
 * The shared gateway under a scope of its own: faults set and requests counted here touch no
 * other test file running at the same time.
 */
export async function scopedGateway(): Promise<GatewayUnderTest> {
  const shared = sharedGateway();
  const { token, control } = await shared.control.createScope();
  return { ...shared, token, control };
}
