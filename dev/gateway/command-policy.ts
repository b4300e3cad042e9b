import { exists, hasFlag } from "@ioredis/commands";
import { type Command, commandName } from "./args.ts";

const reasons = new Map<string, string>();
const refuse = (why: string, names: string[]) => {
  for (const name of names) reasons.set(name, why);
};
// A connection that blocks, subscribes, changes database or stops replying cannot go back to the
// pool, and a request/response API has no way to stream.
refuse("it blocks the connection", [
  "blpop",
  "brpop",
  "brpoplpush",
  "blmove",
  "blmpop",
  "bzpopmin",
  "bzpopmax",
  "bzmpop",
  "wait",
  "waitaof",
]);
refuse("subscriptions need a streaming endpoint", [
  "subscribe",
  "psubscribe",
  "ssubscribe",
  "unsubscribe",
  "punsubscribe",
  "sunsubscribe",
  "monitor",
]);
refuse("transactions go to /multi-exec", ["multi", "exec", "discard", "watch", "unwatch"]);
refuse("it changes connection state the gateway owns", ["select", "hello", "auth", "reset", "quit", "sync", "psync", "replconf"]);
refuse("it would stop or reconfigure the server under every other user", ["shutdown", "debug", "failover", "replicaof", "slaveof"]);

/** Why the gateway will not run `command`, or undefined when it will. */
export function refusalReason(command: Command): string | undefined {
  const name = commandName(command);
  const args = command.slice(1).map((arg) => arg.toLowerCase());
  const why =
    reasons.get(name) ??
    ((name === "xread" || name === "xreadgroup") && args.includes("block") ? "it blocks the connection" : undefined) ??
    (name === "client" && args[0] === "reply" ? "it changes connection state the gateway owns" : undefined);
  return why && `ERR command '${name}' is not available through this gateway: ${why}`;
}

/**
 * Whether `command` cannot change data. Unknown commands count as writes: a spurious new sync
 * token costs nothing, a missing one would break read-your-writes.
 */
export function isReadOnly(command: Command): boolean {
  const name = commandName(command);
  return exists(name) && hasFlag(name, "readonly");
}
