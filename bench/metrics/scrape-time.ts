/**
 * How long a /metrics scrape takes with many live streams.
 *
 *   node -r ./test/helpers/register-ts.js bench/metrics/scrape-time.ts --streams 200 --players 1 --scrapes 50
 *
 * Starts a server in this process (the scrape runs on the server's own JS
 * thread, as in production), publishes --streams streams with the project's
 * small RTMP client (connect, publish, one AAC header + frame each), attaches
 * --players RTMP players per stream, then times --scrapes sequential
 * scrapes: the registry alone (registry.metrics(): the engine reads and the
 * text), and GET /metrics over loopback HTTP (plus the handler, the socket
 * and the client's read). The clients are idle while scraping. Prints one
 * JSON object: milliseconds (median, p95, max), the body size, the number of
 * samples, and the machine's load average before and after.
 * Bounded: at most 2000 streams, every step time-boxed.
 */
import * as http from 'http';
import * as os from 'os';
import { performance } from 'perf_hooks';

import { createServer, metricsRegistry } from '../../lib';
import { RtmpTestClient } from '../../test/helpers/rtmp-test-client';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} takes an integer >= 0`);
  return value;
}

const streams = Math.min(arg('streams', 200), 2000);
const players = Math.min(arg('players', 1), 10);
const scrapes = Math.max(arg('scrapes', 50), 1);
const maxStreams = arg('max-streams', 100);

function get(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/metrics', timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`status ${res.statusCode}`))));
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 10 s')));
    req.on('error', reject);
  });
}

function summary(ms: number[]): { median: number; p95: number; max: number } {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => Number((s[Math.min(s.length - 1, Math.floor(q * s.length))] as number).toFixed(2));
  return { median: at(0.5), p95: at(0.95), max: Number((s[s.length - 1] as number).toFixed(2)) };
}

async function inBatches(n: number, width: number, fn: (i: number) => Promise<void>): Promise<void> {
  for (let start = 0; start < n; start += width) {
    await Promise.all(Array.from({ length: Math.min(width, n - start) }, (_, k) => fn(start + k)));
  }
}

async function main(): Promise<void> {
  const loadBefore = os.loadavg();
  const server = createServer({
    rtmp: { host: '127.0.0.1', port: 0 },
    http: { host: '127.0.0.1', port: 0 },
    hls: false,
    limits: { maxPublishers: 0, maxConnections: 0 },
    metrics: { maxStreams },
    logLevel: 'silent',
  });
  const { port, http: httpPort } = await server.listen();
  const clients: RtmpTestClient[] = [];
  try {
    await inBatches(streams, 10, async (i) => {
      const c = await RtmpTestClient.connect(port, 'live');
      clients.push(c);
      await c.publish(`s${i}`);
      c.sendAacAudio();
    });
    await inBatches(streams * players, 10, async (i) => {
      const c = await RtmpTestClient.connect(port, 'live');
      clients.push(c);
      await c.play(`s${i % streams}`);
    });
    const registry = metricsRegistry(server);
    for (let i = 0; i < 5; i++) await registry.metrics(); // warm-up
    const direct: number[] = [];
    for (let i = 0; i < scrapes; i++) {
      const t = performance.now();
      await registry.metrics();
      direct.push(performance.now() - t);
    }
    const overHttp: number[] = [];
    let body = '';
    for (let i = 0; i < scrapes; i++) {
      const t = performance.now();
      body = await get(httpPort as number);
      overHttp.push(performance.now() - t);
    }
    const samples = body.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
    console.log(
      JSON.stringify({
        streams,
        sessions: server.sessions().length,
        maxStreams,
        scrapes,
        registryMs: summary(direct),
        httpMs: summary(overHttp),
        bodyBytes: Buffer.byteLength(body),
        samples,
        cpus: os.cpus().length,
        loadavgBefore: loadBefore.map((l) => Number(l.toFixed(2))),
        loadavgAfter: os.loadavg().map((l) => Number(l.toFixed(2))),
        node: process.version,
      }),
    );
  } finally {
    for (const c of clients) c.destroy();
    await server.close({ graceMs: 0 });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
