/** Child Node processes that can load the TypeScript sources; every run is time-boxed. */
import { type ChildProcess, spawn } from 'child_process';
import * as path from 'path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const REGISTER_TS = path.join(__dirname, 'register-ts.js');

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface SpawnTsOptions {
  /** Variables added to (or overriding) this process's environment. */
  env?: Record<string, string>;
  /** Working directory (default: the repository root); give the script as an absolute path when it is elsewhere. */
  cwd?: string;
}

export function spawnTs(args: string[], options: SpawnTsOptions = {}): ChildProcess {
  return spawn(process.execPath, ['-r', REGISTER_TS, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '', ...options.env },
  });
}

/** Collects output until exit; kills the child (and fails) after timeoutMs. */
export function collect(child: ChildProcess, timeoutMs = 20_000): Promise<ChildResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child timed out after ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      // let the pipes flush
      setImmediate(() => resolve({ code, signal, stdout, stderr }));
    });
  });
}

export function runTs(args: string[], timeoutMs?: number, options?: SpawnTsOptions): Promise<ChildResult> {
  return collect(spawnTs(args, options), timeoutMs);
}

/** Resolves with the first stdout JSON line that matches. */
export function waitForJsonLine(
  child: ChildProcess,
  match: (record: Record<string, unknown>) => boolean,
  timeoutMs = 10_000,
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let pending = '';
    const timer = setTimeout(() => {
      child.stdout?.off('data', onData);
      reject(new Error(`no matching JSON line within ${timeoutMs} ms; got: ${pending}`));
    }, timeoutMs);
    const onData = (d: Buffer): void => {
      pending += d.toString();
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        let record: Record<string, unknown>;
        try {
          record = JSON.parse(line) as Record<string, unknown>;
        } catch {
          continue;
        }
        if (match(record)) {
          clearTimeout(timer);
          child.stdout?.off('data', onData);
          resolve(record);
          return;
        }
      }
    };
    child.stdout?.on('data', onData);
  });
}

/** Output a crashed process leaves behind (Node fatal errors, sanitizers, aborts). */
export const CRASH_PATTERN = /FATAL ERROR|Segmentation fault|Aborted|core dumped|AddressSanitizer|terminate called|napi_|Assertion/;
