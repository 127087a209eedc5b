/**
 * Ping flood from a client that never reads (issue 10, defect 1): the server's RSS before,
 * during and after.
 *
 *   node dist/bench/ping-flood.js [--mb 60] [--engine DIR] [--io-threads 1] [--settle-ms 3000] [--rounds 1]
 *
 * Starts DIR/dist/lib/cli.js (default: this checkout) on 127.0.0.1 with a free port, then
 * floods it from one client at a time: plain handshake, then Ping Requests (User Control 6,
 * 10 bytes each: a type-2 chunk header and the 6-byte event) written as fast as the socket
 * takes them while the client never reads a byte of the answers. No `connect` is sent, so no
 * limit or auth rule applies. When the server closes a session (its output budget), the next
 * client takes over, until --mb megabytes of pings were taken by the kernel. RSS of the server
 * (VmRSS, /proc/PID/status) is sampled every 50 ms; the result is one JSON line.
 * --rounds N: the whole flood N times, RSS read after each (does a second flood reuse the memory
 * the first one left, or add to it?).
 * Bounded: 60 s per session, 180 s overall; the server is stopped at the end.
 */
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';

import { type EngineProcess, startEngine } from './engine-process';

interface Args {
  mb: number;
  engine: string;
  ioThreads: number;
  settleMs: number;
  rounds: number;
}

function parseArgs(argv: string[]): Args {
  const get = (name: string, fallback: string): string => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 && argv[i + 1] ? (argv[i + 1] as string) : fallback;
  };
  return {
    mb: Math.min(Number(get('mb', '60')), 1000),
    engine: path.resolve(get('engine', path.join(__dirname, '..', '..'))),
    ioThreads: Number(get('io-threads', '1')),
    settleMs: Number(get('settle-ms', '3000')),
    rounds: Math.min(Math.max(Number(get('rounds', '1')), 1), 5),
  };
}

function rssKiB(pid: number): number {
  const m = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts the engine's CLI; resolves with the child and the port it bound. */
function startServer(args: Args): Promise<EngineProcess> {
  return startEngine(args.engine, ['--io-threads', String(args.ioThreads)]);
}

/** 4096 Ping Requests on chunk stream 2: the first with a type-0 header, the rest type 2. */
function pingBlock(first: boolean): Buffer {
  const n = 4096;
  const out = Buffer.alloc((first ? 18 : 10) + (n - 1) * 10);
  let o = 0;
  for (let i = 0; i < n; i++) {
    if (i === 0 && first) {
      out[o] = 0x02; // fmt 0, csid 2
      out.writeUIntBE(0, o + 1, 3); // timestamp
      out.writeUIntBE(6, o + 4, 3); // length
      out[o + 7] = 4; // User Control
      out.writeUInt32LE(0, o + 8); // message stream 0
      o += 12;
    } else {
      out[o] = 0x82; // fmt 2 (timestamp delta only), csid 2
      out.writeUIntBE(0, o + 1, 3);
      o += 4;
    }
    out.writeUInt16BE(6, o); // Ping Request
    out.writeUInt32BE(i, o + 2);
    o += 6;
  }
  return out;
}

/** One non-reading client: handshake, then pings until the server closes it or `budget` bytes went out. */
async function floodOnce(port: number, budget: number): Promise<{ sent: number; closedByServer: boolean }> {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  // Handshake: C0+C1, read S0+S1+S2, send C2 (echo of S1).
  socket.write(Buffer.concat([Buffer.from([3]), Buffer.alloc(1536)]));
  await new Promise<void>((resolve, reject) => {
    let got = Buffer.alloc(0);
    const onData = (d: Buffer) => {
      got = Buffer.concat([got, d]);
      if (got.length >= 1 + 1536 * 2) {
        socket.off('data', onData);
        socket.write(got.subarray(1, 1 + 1536));
        resolve();
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
  socket.pause(); // never read again: the pongs pile up on the server's side
  let closed = false;
  socket.on('error', () => undefined);
  socket.once('close', () => (closed = true));
  let sent = 0;
  let first = true;
  const deadline = Date.now() + 60_000;
  while (!closed && sent < budget && Date.now() < deadline) {
    const block = pingBlock(first);
    first = false;
    const flushed = socket.write(block);
    if (!flushed) {
      // Wait for the kernel to take it, the close, or a stall of 5 s.
      const drained = await Promise.race([
        new Promise<boolean>((r) => socket.once('drain', () => r(true))),
        new Promise<boolean>((r) => socket.once('close', () => r(false))),
        sleep(5_000).then(() => false),
      ]);
      if (!drained) break;
    }
    if (!closed) sent += block.length;
  }
  const closedByServer = closed || socket.destroyed;
  if (!closed) {
    // The server stopped reading (closing): give it its flush deadline to close.
    await Promise.race([new Promise((r) => socket.once('close', r)), sleep(5_000)]);
  }
  socket.destroy();
  return { sent, closedByServer: closedByServer || closed };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const overall = setTimeout(() => {
    console.error('timed out (180 s)');
    process.exit(2);
  }, 180_000);
  const { child, port, log } = await startServer(args);
  const pid = child.pid!;
  try {
    await sleep(args.settleMs);
    const before = rssKiB(pid);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssKiB(pid))), 50);

    const target = args.mb * 1024 * 1024;
    let sent = 0;
    let sessions = 0;
    const afterEach: number[] = [];
    const started = Date.now();
    for (let round = 0; round < args.rounds; round++) {
      let roundSent = 0;
      while (roundSent < target) {
        const r = await floodOnce(port, target - roundSent);
        roundSent += r.sent;
        sessions++;
        if (r.sent === 0) break; // the server takes nothing more: stop rather than spin
      }
      sent += roundSent;
      await sleep(args.settleMs);
      afterEach.push(rssKiB(pid));
    }
    const floodMs = Date.now() - started;
    clearInterval(sampler);
    const after = rssKiB(pid);
    console.log(
      JSON.stringify({
        engine: args.engine,
        mbSent: +(sent / 1024 / 1024).toFixed(1),
        sessions,
        budgetCloses: log.filter((l) => l.includes('output budget exceeded')).length,
        floodMs,
        rssBeforeKiB: before,
        rssPeakKiB: peak,
        rssAfterKiB: after,
        growthKiB: peak - before,
        afterVsBeforePct: +(((after - before) / before) * 100).toFixed(1),
        rssAfterEachRoundKiB: afterEach,
      }),
    );
  } finally {
    child.kill('SIGTERM');
    await Promise.race([new Promise((r) => child.once('exit', r)), sleep(10_000)]);
    if (child.exitCode === null) child.kill('SIGKILL');
    clearTimeout(overall);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
