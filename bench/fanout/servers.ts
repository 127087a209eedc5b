/**
 * The servers under test. Each start() launches one FRESH server on a free
 * 127.0.0.1 port with its own temp dir, waits (bounded) until the port
 * accepts, and returns the PID rtmp-bench samples (the process that does the
 * relaying: node for the engine and NMS, the single nginx process, the relay).
 */
import * as fs from 'fs';
import * as path from 'path';

import { freePort, spawnTracked, stopTracked, Tracked, waitForPort } from './children';

export type ServerKind = 'engine' | 'ideal' | 'nginx' | 'nms';
export const SERVER_KINDS: readonly ServerKind[] = ['engine', 'ideal', 'nginx', 'nms'];

/** A server as configured: which kind, plus extra command-line arguments. */
export interface Variant {
  name: string;
  server: ServerKind;
  args: string[];
}

/**
 * Write-merge variants of issue #4, run at --merge-n. The engine flag is the
 * CLI form of the config key mergeWritesMs; override any of these with
 * --variant NAME=SERVER:ARGS when the flag is spelt differently.
 */
export const BUILTIN_VARIANTS: readonly Variant[] = [
  { name: 'engine-merge33', server: 'engine', args: ['--merge-writes-ms', '33'] },
  { name: 'engine-merge100', server: 'engine', args: ['--merge-writes-ms', '100'] },
  { name: 'ideal-merge33', server: 'ideal', args: ['--merge-ms', '33'] },
  { name: 'ideal-merge100', server: 'ideal', args: ['--merge-ms', '100'] },
];

export interface Paths {
  root: string; // repository root
  idealBin: string;
  nginxModule: string;
}

export interface RunningServer {
  variant: Variant;
  port: number;
  pid: number;
  dir: string;
  logFile: string;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 20_000;

interface Launch {
  command: string;
  args: string[];
  cwd?: string;
}

async function launchFor(variant: Variant, port: number, dir: string, paths: Paths): Promise<Launch> {
  switch (variant.server) {
    case 'engine': {
      // An engine variant may run another checkout's build (a before/after
      // comparison in one run): an argument '@DIR' names that checkout.
      const at = variant.args.findIndex((a) => a.startsWith('@'));
      const other = at < 0 ? undefined : (variant.args[at] as string).slice(1);
      const cliArgs = variant.args.filter((_, i) => i !== at);
      return {
        command: process.execPath,
        args: [
          path.join(other ?? paths.root, 'dist/lib/cli.js'),
          '--host',
          HOST,
          '--port',
          String(port),
          '--log-level',
          'warn',
          ...cliArgs,
        ],
        cwd: dir,
      };
    }
    case 'ideal':
      return { command: paths.idealBin, args: ['--host', HOST, '--port', String(port), ...variant.args] };
    case 'nginx': {
      const conf = path.join(dir, 'nginx.conf');
      fs.writeFileSync(conf, nginxConf(port, dir, paths.nginxModule, variant.args));
      // -p: every relative path under dir; -e: the startup error log too, so
      // nothing is opened under /var even though we run as root.
      return {
        command: 'nginx',
        args: ['-c', conf, '-p', dir + '/', '-e', path.join(dir, 'error.log')],
      };
    }
    case 'nms': {
      const httpPort = await freePort(HOST);
      return {
        command: process.execPath,
        args: [
          path.join(paths.root, 'bench/fanout/nms-server.js'),
          '--host',
          HOST,
          '--rtmp-port',
          String(port),
          '--http-port',
          String(httpPort),
          '--dir',
          dir,
          ...variant.args,
        ],
      };
    }
  }
}

/**
 * nginx-rtmp as the issue asks: one process (no master, so the PID sampled is
 * the one relaying), live application, 4096-byte chunks. Extra variant args
 * are inserted as directives into the application block.
 */
export function nginxConf(port: number, dir: string, module: string, directives: string[]): string {
  const extra = directives.length > 0 ? ` ${directives.join(' ')}` : '';
  return [
    `load_module ${module};`,
    'daemon off;',
    'master_process off;',
    'worker_processes 1;',
    `error_log ${path.join(dir, 'error.log')} warn;`,
    `pid ${path.join(dir, 'nginx.pid')};`,
    'events { worker_connections 8192; }',
    `rtmp { server { listen ${HOST}:${port}; chunk_size 4096; application live { live on;${extra} } } }`,
    '',
  ].join('\n');
}

/** Starts the server; one retry on a fresh port if the first start fails. */
export async function startServer(variant: Variant, paths: Paths, runDir: string): Promise<RunningServer> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 2; attempt++) {
    const dir = fs.mkdtempSync(path.join(runDir, `${variant.name}-`));
    const logFile = path.join(dir, 'server.log');
    const port = await freePort(HOST);
    const launch = await launchFor(variant, port, dir, paths);
    const t: Tracked = spawnTracked(launch.command, launch.args, logFile, { cwd: launch.cwd ?? dir });
    try {
      await waitForPort(HOST, port, START_TIMEOUT_MS, t);
      return {
        variant,
        port,
        pid: t.pid,
        dir,
        logFile,
        stop: () => stopTracked(t, 3000),
      };
    } catch (err) {
      lastError = err;
      await stopTracked(t, 1000);
      const tail = readTail(logFile, 800);
      process.stderr.write(`fanout: ${variant.name} failed to start (${String(err)}); log tail:\n${tail}\n`);
    }
  }
  throw new Error(`${variant.name}: could not start: ${String(lastError)}`);
}

export function readTail(file: string, bytes: number): string {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.slice(-bytes);
  } catch {
    return '(no log)';
  }
}
