type Cleanup = () => void;

const cleanups = new Set<Cleanup>();
let installed = false;

/**
 * Runs `cleanup` synchronously when this process exits or is interrupted, so a child such as
 * redis-server never outlives the process that started it. Returns a function that unregisters
 * the cleanup (call it once the resource has been released normally).
 */
export function onProcessExit(cleanup: Cleanup): () => void {
  installHandlers();
  cleanups.add(cleanup);
  return () => {
    cleanups.delete(cleanup);
  };
}

function runAll(): void {
  for (const cleanup of [...cleanups]) {
    cleanups.delete(cleanup);
    try {
      cleanup();
    } catch {
      // Best effort: one failing cleanup must not stop the others on the way out.
    }
  }
}

function installHandlers(): void {
  if (installed) return;
  installed = true;
  process.once("exit", runAll);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    const handler = () => {
      // Someone else (a test runner, `npm start`) handles this signal and will shut down in
      // order; the exit hook still catches whatever they leave behind.
      if (process.listenerCount(signal) > 1) return;
      runAll();
      // Listening to a signal cancels Node's default exit: restore it by re-raising the signal.
      process.removeListener(signal, handler);
      process.kill(process.pid, signal);
    };
    process.on(signal, handler);
  }
}
