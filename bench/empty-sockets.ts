/**
 * Sockets that connect and send nothing against a real client (issue 10, defect 3).
 *
 *   node dist/bench/empty-sockets.js [--sockets 1000] [--engine DIR]
 *
 * Starts DIR/dist/lib/cli.js (default: this checkout) on 127.0.0.1, opens --sockets TCP
 * connections that never send a byte and keeps them open, then lets ffmpeg publish a 2 s test
 * pattern over RTMP. Reports whether the real client got through, how long it took, and how
 * many of the empty sockets the server closed. One JSON line. Bounded: 30 s for ffmpeg, 60 s
 * overall; every socket and the server are closed at the end.
 */
import { spawn } from 'child_process';
import * as net from 'net';
import * as path from 'path';

import { startEngine } from './engine-process';

function arg(argv: string[], name: string, fallback: string): string {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? (argv[i + 1] as string) : fallback;
}

function openEmpty(port: number, closed: { count: number }): Promise<net.Socket> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
    socket.on('error', () => resolve(socket));
    socket.on('close', () => ++closed.count);
  });
}

function publish(port: number): Promise<{ ok: boolean; ms: number; stderr: string }> {
  const started = Date.now();
  const ffmpeg = spawn('ffmpeg', [
    '-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10', '-t', '2',
    '-c:v', 'libx264', '-g', '10', '-f', 'flv', `rtmp://127.0.0.1:${port}/live/door`,
  ]);
  let stderr = '';
  ffmpeg.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const killer = setTimeout(() => ffmpeg.kill('SIGKILL'), 30_000);
  return new Promise((resolve) => {
    ffmpeg.on('exit', (code) => {
      clearTimeout(killer);
      resolve({ ok: code === 0, ms: Date.now() - started, stderr: stderr.trim().split('\n').pop() ?? '' });
    });
  });
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const count = Math.min(Number(arg(argv, 'sockets', '1000')), 5000);
  const engine = path.resolve(arg(argv, 'engine', path.join(__dirname, '..', '..')));
  const overall = setTimeout(() => process.exit(3), 60_000);
  const server = await startEngine(engine);
  const closed = { count: 0 };
  const sockets: net.Socket[] = [];
  for (let i = 0; i < count; i++) sockets.push(await openEmpty(server.port, closed));
  await new Promise((r) => setTimeout(r, 1_000));
  const closedBefore = closed.count;
  const real = await publish(server.port);
  const result = {
    engine,
    emptySockets: count,
    closedByServerBeforeRealClient: closedBefore,
    realClientPublished: real.ok,
    realClientMs: real.ms,
    realClientError: real.ok ? undefined : real.stderr,
  };
  for (const s of sockets) s.destroy();
  server.child.kill('SIGTERM');
  clearTimeout(overall);
  console.log(JSON.stringify(result));
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
