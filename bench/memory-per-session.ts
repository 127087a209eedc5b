/**
 * Measures the server's memory per idle connection and per player.
 *
 *   node dist/bench/memory-per-session.js --url rtmp://127.0.0.1:1935/live/x --pid SERVER_PID --n 200 --mode players
 *
 * --mode idle: N raw TCP connections that only complete the RTMP handshake.
 * --mode players: N players that connect + play the stream and read what
 * arrives (a minimal RTMP client: plain handshake, AMF0 commands, bytes
 * discarded). The server's RSS (from /proc/PID/status) is sampled before and
 * after; the result is the RSS delta divided by N, printed as JSON. Run each
 * mode against a fresh server so allocator reuse does not hide memory.
 * Everything is bounded: N ≤ 5000, each step waits at most 30 s.
 */
import * as fs from 'fs';
import * as net from 'net';

interface Args {
  url: string;
  mode: 'idle' | 'players';
  pid: number;
  n: number;
  settleMs: number;
}

function parseArgs(argv: string[]): Args {
  const get = (name: string, fallback?: string): string => {
    const i = argv.indexOf(`--${name}`);
    if (i >= 0 && argv[i + 1]) return argv[i + 1] as string;
    if (fallback === undefined) throw new Error(`missing --${name}`);
    return fallback;
  };
  const n = Math.min(Number(get('n', '200')), 5000);
  const mode = get('mode', 'players');
  if (mode !== 'idle' && mode !== 'players') throw new Error('--mode is idle or players');
  return { url: get('url'), mode, pid: Number(get('pid')), n, settleMs: Number(get('settle-ms', '2000')) };
}

function rssKiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = status.match(/VmRSS:\s+(\d+) kB/);
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]);
}

// --- a minimal AMF0 + chunk encoder for the three commands a player sends ---
function amfString(s: string): Buffer {
  const b = Buffer.alloc(3 + Buffer.byteLength(s));
  b[0] = 0x02;
  b.writeUInt16BE(Buffer.byteLength(s), 1);
  b.write(s, 3);
  return b;
}
function amfNumber(n: number): Buffer {
  const b = Buffer.alloc(9);
  b[0] = 0x00;
  b.writeDoubleBE(n, 1);
  return b;
}
function amfObject(props: Record<string, string | number>): Buffer {
  const parts: Buffer[] = [Buffer.from([0x03])];
  for (const [k, v] of Object.entries(props)) {
    const key = Buffer.alloc(2 + Buffer.byteLength(k));
    key.writeUInt16BE(Buffer.byteLength(k), 0);
    key.write(k, 2);
    parts.push(key, typeof v === 'string' ? amfString(v) : amfNumber(v));
  }
  parts.push(Buffer.from([0x00, 0x00, 0x09]));
  return Buffer.concat(parts);
}
const AMF_NULL = Buffer.from([0x05]);

/** One message in one chunk (type-0 header); the payload must fit the chunk size. */
function chunk(csid: number, typeId: number, streamId: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(12);
  h[0] = csid & 0x3f;
  h.writeUIntBE(0, 1, 3);
  h.writeUIntBE(payload.length, 4, 3);
  h[7] = typeId;
  h.writeUInt32LE(streamId, 8);
  return Buffer.concat([h, payload]);
}

function setChunkSize(size: number): Buffer {
  const p = Buffer.alloc(4);
  p.writeUInt32BE(size, 0);
  return chunk(2, 1, 0, p);
}

function handshake(socket: net.Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    const c1 = Buffer.alloc(1536);
    socket.write(Buffer.concat([Buffer.from([3]), c1]));
    let got = Buffer.alloc(0);
    const onData = (d: Buffer) => {
      got = Buffer.concat([got, d]);
      if (got.length >= 1 + 1536 * 2) {
        socket.off('data', onData);
        socket.write(got.subarray(1, 1 + 1536)); // C2 echoes S1
        resolve();
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}

async function openIdle(host: string, port: number): Promise<net.Socket> {
  const socket = net.connect(port, host);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  await handshake(socket);
  return socket;
}

async function openPlayer(host: string, port: number, app: string, name: string, counter: { bytes: number }): Promise<net.Socket> {
  const socket = await openIdle(host, port);
  socket.on('data', (d: Buffer) => (counter.bytes += d.length));
  const tcUrl = `rtmp://${host}:${port}/${app}`;
  socket.write(
    Buffer.concat([
      setChunkSize(4096),
      chunk(3, 20, 0, Buffer.concat([amfString('connect'), amfNumber(1), amfObject({ app, tcUrl, flashVer: 'LNX 9,0,124,2', objectEncoding: 0 })])),
      chunk(3, 20, 0, Buffer.concat([amfString('createStream'), amfNumber(2), AMF_NULL])),
      chunk(8, 20, 1, Buffer.concat([amfString('play'), amfNumber(0), AMF_NULL, amfString(name), amfNumber(-2)])),
    ]),
  );
  return socket;
}

async function settle(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const url = new URL(args.url);
  const [app, ...rest] = url.pathname.replace(/^\//, '').split('/');
  const host = url.hostname;
  const port = Number(url.port || 1935);
  const sockets: net.Socket[] = [];
  const deadline = (what: string) => setTimeout(() => {
    console.error(`timed out: ${what}`);
    process.exit(2);
  }, 30_000);

  await settle(args.settleMs);
  const base = rssKiB(args.pid);

  const counter = { bytes: 0 };
  const t = deadline(args.mode);
  for (let i = 0; i < args.n; i++) {
    sockets.push(args.mode === 'idle' ? await openIdle(host, port) : await openPlayer(host, port, app as string, rest.join('/'), counter));
  }
  clearTimeout(t);
  await settle(args.settleMs * 2);
  const after = rssKiB(args.pid);
  const bytesBefore = counter.bytes;
  await settle(2000);
  const mbitPerSession = ((counter.bytes - bytesBefore) * 8) / 2 / 1e6 / args.n;
  for (const s of sockets.splice(0)) s.destroy();

  console.log(
    JSON.stringify({
      mode: args.mode,
      n: args.n,
      rssBaseKiB: base,
      rssAfterKiB: after,
      kiBPerSession: +((after - base) / args.n).toFixed(2),
      deliveredMbitPerSession: +mbitPerSession.toFixed(3),
    }),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
