/**
 * dist/ (the compiled SDK, `npm run build:ts` = scripts/build-ts.js) for tests that run it as a user
 * would: `node dist/lib/cli.js`, the benchmark tools. Jest runs test files in
 * parallel workers, so two of them may need it at once: the build happens
 * under a lock directory (mkdir is atomic), and only when a source is newer
 * than the last build, so one worker never reads files another is writing.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const LOCK = path.join(ROOT, 'build', '.dist-build-lock');
const STAMP = path.join(ROOT, 'dist', '.built');
const SOURCES = ['lib', 'types', 'tsconfig.build.json', 'package.json'];
/** A lock left by a killed run is taken over after this long. */
const STALE_LOCK_MS = 5 * 60_000;

function newestMtime(entry: string): number {
  const stat = fs.statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of fs.readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, name)));
  return newest;
}

function upToDate(): boolean {
  if (!fs.existsSync(STAMP) || !fs.existsSync(path.join(ROOT, 'dist', 'types', 'native.d.ts'))) return false;
  const built = fs.statSync(STAMP).mtimeMs;
  return SOURCES.every((s) => newestMtime(path.join(ROOT, s)) <= built);
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function acquire(timeoutMs: number): void {
  fs.mkdirSync(path.dirname(LOCK), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      fs.mkdirSync(LOCK);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    try {
      if (Date.now() - fs.statSync(LOCK).mtimeMs > STALE_LOCK_MS) fs.rmSync(LOCK, { recursive: true, force: true });
    } catch {
      // released between the two calls
    }
    if (Date.now() > deadline) throw new Error(`dist/: the build lock ${LOCK} was not released within ${timeoutMs} ms`);
    sleepSync(200);
  }
}

/** Builds dist/ unless it is newer than every source; safe from parallel Jest workers. */
export function ensureDist(timeoutMs = 180_000): void {
  acquire(timeoutMs);
  try {
    if (upToDate()) return;
    // tsc plus the copy of types/*.d.ts that dist/lib/*.d.ts import.
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build-ts.js')], { cwd: ROOT, timeout: timeoutMs });
    fs.writeFileSync(STAMP, `${new Date().toISOString()}\n`);
  } finally {
    fs.rmSync(LOCK, { recursive: true, force: true });
  }
}
