/**
 * Stops live servers when this environment exits. process.exit() on the main
 * thread skips native cleanup hooks, and engine threads left running while the
 * process tears down can crash it; a synchronous 'exit' listener stops them
 * first. Module state is per environment: each worker has its own set.
 */
export interface ExitStoppable {
  /** Synchronous, idempotent, must not throw. */
  stopNow(): void;
}

const live = new Set<ExitStoppable>();
let installed = false;

function stopAll(): void {
  const servers = [...live];
  live.clear();
  for (const server of servers) {
    try {
      server.stopNow();
    } catch {
      // exiting anyway; the native exit guard is the last line
    }
  }
}

export function guardUntilClosed(server: ExitStoppable): void {
  live.add(server);
  if (!installed) {
    installed = true;
    process.on('exit', stopAll);
  }
}

export function releaseGuard(server: ExitStoppable): void {
  live.delete(server);
}
