import { causeMessage, SourceError } from "../source-error.ts";
import type { RedisConnection } from "./redis-connection.ts";

/**
 * The notification classes `--follow` listens to: generic (del, rename, expire…), string, list,
 * set, hash, sorted set, expired and evicted. "A" stands for all of them.
 */
const NEEDED_CLASSES = "g$lshzxe";

/**
 * `current` (a notify-keyspace-events value) with what `--follow` needs added: keyevent
 * notifications ("E") for every needed class. Undefined when it has them all already.
 */
export function withKeyEvents(current: string): string | undefined {
  let missing = current.includes("E") ? "" : "E";
  if (!current.includes("A")) {
    for (const flag of NEEDED_CLASSES) if (!current.includes(flag)) missing += flag;
  }
  return missing === "" ? undefined : `${current}${missing}`;
}

const SETTING = "notify-keyspace-events";

/**
 * Makes sure the server sends the keyevent notifications `--follow` needs, adding the missing
 * flags with CONFIG SET. Returns the value it replaced (to restore when following ends), or
 * undefined when nothing had to change. A server that refuses CONFIG (managed services often do)
 * is a SourceError saying what to set in its configuration instead.
 */
export async function enableKeyEvents(connection: RedisConnection): Promise<string | undefined> {
  const { client } = connection;
  let current: string;
  try {
    const reply = (await client.config("GET", SETTING)) as unknown[];
    current = String(reply[1] ?? "");
  } catch (error) {
    throw refused(connection, "GET", error, `"${withKeyEvents("") ?? ""}" or more`);
  }
  const wanted = withKeyEvents(current);
  if (wanted === undefined) return undefined;
  try {
    await client.config("SET", SETTING, wanted);
  } catch (error) {
    throw refused(connection, "SET", error, `"${wanted}"`);
  }
  return current;
}

/** Puts back the value enableKeyEvents replaced. */
export async function restoreKeyEvents(connection: RedisConnection, previous: string): Promise<void> {
  try {
    await connection.client.config("SET", SETTING, previous);
  } catch (error) {
    throw new SourceError(
      `could not set ${SETTING} on ${connection.description} back to "${previous}": ${causeMessage(error)}; set it back by hand`,
      { cause: error },
    );
  }
}

function refused(connection: RedisConnection, command: "GET" | "SET", error: unknown, value: string): SourceError {
  // A dropped connection is not a refusal: say what happened instead of what to configure.
  if (connection.client.status !== "ready") return connection.fail(`CONFIG ${command}`, error);
  return new SourceError(
    `${connection.description} refused CONFIG ${command} ${SETTING} (${causeMessage(error)}): ` +
      `set ${SETTING} to ${value} in the server's configuration (redis.conf, or a managed service's parameter group)`,
    { cause: error },
  );
}
