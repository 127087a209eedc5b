/**
 * Child processes of the fan-out harness: every child is tracked from spawn to
 * exit, and all that are still alive are killed when the harness exits for any
 * reason (normal end, error, SIGINT/SIGTERM). Every wait is time-boxed.
 */
import { ChildProcess, spawn, SpawnOptions } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';

const live = new Set<ChildProcess>();
let guardsInstalled = false;

function killAllNow(): void {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  live.clear();
}

/** Installs the exit/signal hooks once; called by spawnTracked. */
function installGuards(): void {
  if (guardsInstalled) return;
  guardsInstalled = true;
  process.on('exit', killAllNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      process.stderr.write(`\nfanout: ${signal}, killing ${live.size} child process(es)\n`);
      killAllNow();
      process.exit(130);
    });
  }
}

export interface Tracked {
  child: ChildProcess;
  pid: number;
  /** Resolves with the exit code (or 128+signal) once the child has exited. */
  exited: Promise<number>;
  hasExited(): boolean;
}

/**
 * Spawns `command` with stdout/stderr appended to `logFile` (or piped when
 * logFile is null, for the caller to read), tracked for kill-on-exit.
 */
export function spawnTracked(
  command: string,
  args: string[],
  logFile: string | null,
  options: SpawnOptions = {},
): Tracked {
  installGuards();
  let stdio: SpawnOptions['stdio'] = ['ignore', 'pipe', 'pipe'];
  let fd: number | null = null;
  if (logFile !== null) {
    fd = fs.openSync(logFile, 'a');
    stdio = ['ignore', fd, fd];
  }
  const child = spawn(command, args, { ...options, stdio });
  if (fd !== null) fs.closeSync(fd);
  live.add(child);
  let done = false;
  const exited = new Promise<number>((resolve) => {
    child.on('error', (err) => {
      process.stderr.write(`fanout: could not start ${command}: ${err.message}\n`);
      done = true;
      live.delete(child);
      resolve(127);
    });
    child.on('exit', (code, signal) => {
      done = true;
      live.delete(child);
      resolve(code ?? 128 + (signal ? signalNumber(signal) : 0));
    });
  });
  return { child, pid: child.pid ?? -1, exited, hasExited: () => done };
}

function signalNumber(signal: NodeJS.Signals): number {
  return signal === 'SIGKILL' ? 9 : signal === 'SIGTERM' ? 15 : signal === 'SIGINT' ? 2 : 1;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves true if `promise` settled within `ms`. */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const settled = promise.then(
    () => true,
    () => true,
  );
  const result = await Promise.race([settled, timeout]);
  if (timer) clearTimeout(timer);
  return result;
}

/** SIGTERM, then SIGKILL after graceMs; waits (bounded) for the exit. */
export async function stopTracked(t: Tracked, graceMs = 3000): Promise<void> {
  if (t.hasExited()) return;
  t.child.kill('SIGTERM');
  if (await within(t.exited, graceMs)) return;
  t.child.kill('SIGKILL');
  await within(t.exited, 2000);
}

/** A port the kernel just handed out on host (closed again before return). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no port'))));
    });
  });
}

function tryConnect(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

/**
 * Waits until host:port accepts a TCP connection, at most timeoutMs. Fails
 * early when `child` exits first.
 */
export async function waitForPort(
  host: string,
  port: number,
  timeoutMs: number,
  child?: Tracked,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child?.hasExited()) throw new Error(`exited before listening on ${host}:${port}`);
    if (await tryConnect(host, port, 500)) return;
    await sleep(100);
  }
  throw new Error(`${host}:${port} did not accept connections within ${timeoutMs} ms`);
}

/** Runs a command to completion (bounded), returning exit code and output. */
export async function runCaptured(
  command: string,
  args: string[],
  timeoutMs: number,
): Promise<{ code: number; stdout: string; stderr: string; timedOut: boolean }> {
  const t = spawnTracked(command, args, null);
  let stdout = '';
  let stderr = '';
  t.child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  t.child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  // 'close' comes after 'exit' once the pipes are drained: wait for it too.
  const closed = new Promise<void>((resolve) => t.child.on('close', () => resolve()));
  const finished = await within(t.exited, timeoutMs);
  if (!finished) await stopTracked(t, 1000);
  const code = await t.exited;
  await within(closed, 2000);
  return { code, stdout, stderr, timedOut: !finished };
}
