import { type Command, commandName } from "./args.ts";

export type EndpointKind = "single" | "pipeline" | "multi-exec";

export interface CountersSnapshot {
  requests: { total: number } & Record<EndpointKind, number>;
  /**
   * Commands in request bodies the gateway could parse, by lower-case name; EVALSHA calls also by
   * the script's SHA, which tells one script's calls from another's.
   */
  commands: { total: number; byName: Record<string, number>; byScript: Record<string, number> };
}

/** What arrived at one scope's data endpoints since the last reset. */
export class Counters {
  #snapshot = emptySnapshot();

  recordRequest(kind: EndpointKind): void {
    this.#snapshot.requests.total++;
    this.#snapshot.requests[kind]++;
  }

  recordCommands(commands: readonly Command[]): void {
    const { byName, byScript } = this.#snapshot.commands;
    for (const command of commands) {
      const name = commandName(command);
      this.#snapshot.commands.total++;
      byName[name] = (byName[name] ?? 0) + 1;
      const sha = name === "evalsha" ? command[1]?.toLowerCase() : undefined;
      if (sha) byScript[sha] = (byScript[sha] ?? 0) + 1;
    }
  }

  snapshot(): CountersSnapshot {
    return structuredClone(this.#snapshot);
  }

  reset(): void {
    this.#snapshot = emptySnapshot();
  }
}

function emptySnapshot(): CountersSnapshot {
  return {
    requests: { total: 0, single: 0, pipeline: 0, "multi-exec": 0 },
    // No prototype: a command named "__proto__" is counted like any other.
    commands: { total: 0, byName: Object.create(null) as Record<string, number>, byScript: Object.create(null) as Record<string, number> },
  };
}
