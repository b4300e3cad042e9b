import { parseArgs } from "node:util";
import { startLocalStack } from "../stack.ts";
import type { GatewayOptions } from "./options.ts";
import { createGateway } from "./server.ts";

const usage = `Usage: tsx dev/gateway/main.ts [options]

An Upstash-compatible REST gateway in front of Redis. Without --redis-url (or REDIS_URL) it starts
a throwaway redis-server of its own.

  --redis-url URL        Redis to use                        env REDIS_URL
  --port N               port to listen on (default: free)   env GATEWAY_PORT
  --host HOST            interface (default 127.0.0.1)       env GATEWAY_HOST
  --token T              data token (default: random)        env GATEWAY_TOKEN
  --control-token T      control token (default: random)     env GATEWAY_CONTROL_TOKEN
  --mount-path PATH      mount the REST API under PATH       env GATEWAY_MOUNT_PATH
  -h, --help`;

const { values } = parseArgs({
  options: {
    "redis-url": { type: "string" },
    port: { type: "string" },
    host: { type: "string" },
    token: { type: "string" },
    "control-token": { type: "string" },
    "mount-path": { type: "string" },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help) {
  console.log(usage);
  process.exit(0);
}

const redisUrl = values["redis-url"] ?? process.env.REDIS_URL;
const port = values.port ?? process.env.GATEWAY_PORT;
const options: GatewayOptions = {
  port: port === undefined ? 0 : Number(port),
  host: values.host ?? process.env.GATEWAY_HOST,
  token: values.token ?? process.env.GATEWAY_TOKEN,
  controlToken: values["control-token"] ?? process.env.GATEWAY_CONTROL_TOKEN,
  mountPath: values["mount-path"] ?? process.env.GATEWAY_MOUNT_PATH,
};

const { gateway, redisNote, stop } = await start();

console.log(`Upstash-compatible gateway ready
  UPSTASH_REDIS_REST_URL=${gateway.url}
  UPSTASH_REDIS_REST_TOKEN=${gateway.token}
  control API:   ${gateway.controlUrl}  (Bearer ${gateway.controlToken})
  redis:         ${redisNote}
Ctrl-C to stop.`);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void stop().finally(() => process.exit(0));
  });
}

async function start() {
  if (redisUrl) {
    const gateway = await createGateway({ ...options, redisUrl });
    return { gateway, redisNote: redisUrl, stop: () => gateway.stop() };
  }
  const stack = await startLocalStack({ gateway: options });
  return { gateway: stack.gateway, redisNote: `${stack.redis.url} (started here, removed on exit)`, stop: () => stack.stop() };
}
