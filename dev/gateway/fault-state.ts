import type { Socket } from "node:net";
import { type Faults, type FaultsPatch, noFaults } from "./faults.ts";

/** The faults in force for one scope, and the connections a hang is holding open. */
export class FaultState {
  #faults: Faults = noFaults;
  readonly #held = new Set<Socket>();

  get current(): Faults {
    return this.#faults;
  }

  update(patch: FaultsPatch): Faults {
    this.#faults = Object.freeze({ ...this.#faults, ...patch });
    if (!this.#faults.hang) this.releaseHeld();
    return this.#faults;
  }

  clear(): Faults {
    return this.update(noFaults);
  }

  /** Keeps a hung request's connection open until hang is cleared. */
  hold(socket: Socket): void {
    if (socket.destroyed) return;
    this.#held.add(socket);
    socket.once("close", () => this.#held.delete(socket));
  }

  /** Closes every held connection: the client sees it end without an answer. */
  releaseHeld(): void {
    for (const socket of this.#held) socket.destroy();
    this.#held.clear();
  }
}
