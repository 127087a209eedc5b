/**
 * server.packets() latency (issue 12): publish → packet in a JS callback, on
 * one clock. The project's RTMP test client publishes from this same process
 * (so the publisher and the consumer share performance.now()): an AVC
 * sequence header, then 30 video messages a second, each carrying its own
 * number; onPackets() notes when each arrives.
 *
 *   node -r ./test/helpers/register-ts.js bench/packets-latency.ts [--frames 300] [--bytes 20000]
 *
 * One JSON line: p50/p90/p99/max in ms over the frames, and how many arrived.
 * Includes loopback TCP, RTMP parsing, the post to the tap's loop, the bounded
 * channel's wake-up of the JS thread and the copy into a Buffer; the JS thread
 * is also the sender's, which only adds to the figures.
 */
import { createServer } from '../lib';
import { RtmpTestClient } from '../test/helpers/rtmp-test-client';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? Number(process.argv[i + 1]) : fallback;
}

// FLV video body: AVC sequence header (x264's 1280x720 High@3.1 avcC).
const SEQUENCE_HEADER = Buffer.from(
  '1700000000016400 1fffe1001a67 64001facd940 5005bb011000 0003001000 0003 03c0f18319 60 01 0006 68ebe3cb22c0 fdf8f800'.replace(/ /g, ''),
  'hex',
);

function frame(n: number, bytes: number): Buffer {
  const nal = Buffer.alloc(bytes);
  nal[0] = n % 30 === 0 ? 0x65 : 0x41; // IDR or non-IDR slice
  nal.writeUInt32BE(n, 1);
  const head = Buffer.from([n % 30 === 0 ? 0x17 : 0x27, 0x01, 0, 0, 0, 0, 0, 0, 0]);
  head.writeUInt32BE(bytes, 5);
  return Buffer.concat([head, nal]);
}

async function main(): Promise<void> {
  const frames = arg('frames', 300);
  const bytes = arg('bytes', 20_000);
  const server = createServer({ rtmp: { host: '127.0.0.1', port: 0 }, http: false, logLevel: 'silent' });
  const { port } = await server.listen();
  const sent = new Map<number, number>();
  const latencies: number[] = [];
  const stop = server.onPackets('live/lat', { wait: true }, (p) => {
    const n = p.data.readUInt32BE(4 + 1); // after the 4-byte NAL length and the NAL header
    const at = sent.get(n);
    if (at !== undefined) latencies.push(performance.now() - at);
  });
  const client = await RtmpTestClient.connect(port, 'live');
  await client.publish('lat');
  client.sendMedia(9, SEQUENCE_HEADER);
  for (let n = 0; n < frames; n++) {
    sent.set(n, performance.now());
    client.sendMedia(9, frame(n, bytes));
    await new Promise((r) => setTimeout(r, 33));
  }
  await new Promise((r) => setTimeout(r, 500));
  stop();
  client.destroy();
  await server.close({ graceMs: 500 });
  latencies.sort((a, b) => a - b);
  const q = (f: number) => +(latencies[Math.min(latencies.length - 1, Math.floor(f * latencies.length))] ?? NaN).toFixed(2);
  console.log(JSON.stringify({ frames, bytes, arrived: latencies.length, p50: q(0.5), p90: q(0.9), p99: q(0.99), max: q(1) }));
}

void main();
