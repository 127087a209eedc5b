/**
 * Starts an engine build (DIR/dist/lib/cli.js, this checkout or another one for a before/after
 * comparison) on 127.0.0.1 with a free port, for the bench scripts that attack or measure it.
 * Resolves once the server logs that it listens; bounded to 15 s.
 */
import { type ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as readline from 'readline';

export interface EngineProcess {
  child: ChildProcess;
  port: number;
  log: string[];
}

export function startEngine(engineDir: string, args: string[] = []): Promise<EngineProcess> {
  const cli = path.join(engineDir, 'dist/lib/cli.js');
  if (!fs.existsSync(cli)) throw new Error(`${cli} missing: build that checkout first`);
  const child = spawn(process.execPath, [cli, '--host', '127.0.0.1', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const log: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not report listening in 15 s')), 15_000);
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      log.push(line);
      try {
        const rec = JSON.parse(line) as { msg?: string; port?: number };
        if (rec.msg === 'listening' && rec.port) {
          clearTimeout(timer);
          resolve({ child, port: rec.port, log });
        }
      } catch {
        /* not JSON */
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before listening`)));
  });
}
