/** Runs the Upstash-compatible gateway (gateway-process.ts); ends when the harness disconnects or goes away. */
import { createGateway } from "../../../dev/gateway/server.ts";

const redisUrl = process.argv[2];
if (!redisUrl) throw new Error("edge-cache bench: gateway-child.ts needs the Redis URL as its argument");
// Idle connections for every batch the CLI keeps in flight and then some: none is opened per request.
const gateway = await createGateway({ redisUrl, maxIdleConnections: 64 });
process.send?.({ url: gateway.url, token: gateway.token });
process.on("disconnect", () => {
  void gateway.stop().finally(() => process.exit(0));
});
