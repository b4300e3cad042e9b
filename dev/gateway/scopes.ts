import { randomBytes } from "node:crypto";
import { sameToken } from "./auth.ts";
import { Counters } from "./counters.ts";
import { FaultState } from "./fault-state.ts";

/**
 * A data token with faults and counters of its own. Test files running in parallel against one
 * gateway each take a scope, so one file's injected failures and request counts never leak into
 * another's. The gateway's main token is the default scope.
 */
export interface Scope {
  readonly token: string;
  readonly faults: FaultState;
  readonly counters: Counters;
}

export class Scopes {
  readonly #scopes: Scope[] = [];
  readonly main: Scope;

  constructor(mainToken: string) {
    this.main = this.#add(mainToken);
  }

  /** A new scope with a fresh random token. */
  create(): Scope {
    return this.#add(randomBytes(24).toString("hex"));
  }

  /** The scope `token` belongs to, compared in constant time. */
  find(token: string): Scope | undefined {
    return this.#scopes.find((scope) => sameToken(token, scope.token));
  }

  /** Closes every connection held by a hang, in every scope. */
  releaseHeld(): void {
    for (const scope of this.#scopes) scope.faults.releaseHeld();
  }

  #add(token: string): Scope {
    const scope: Scope = { token, faults: new FaultState(), counters: new Counters() };
    this.#scopes.push(scope);
    return scope;
  }
}
