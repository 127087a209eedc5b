/**
 * Child process of the HLS benches: rtmp-engine's TypeScript HLS side alone — the HlsStore,
 * createHlsHandler and the built-in HttpServer from a checkout's dist/lib — fed by a timer
 * instead of the engine's segmenter. Feed items follow lib/http/hls/feed.ts: one stream
 * "live/bench" (and the stream names given by --streams), fMP4, a 200 ms part every 200 ms of
 * wall clock with the byte sizes of the bench stream (2.5 Mbit/s video, 128 kbit/s audio), a
 * segment every 10 parts (2 s, independent). Part bytes are zero-filled buffers shared by all
 * parts: the serving path does not look inside.
 *
 * It measures the HTTP side (playlists, blocking reloads, part and segment serving) without
 * the segmenter's cost, and works before the engine's feed exists. Prints
 * {"ready":{"rtmp":0,"http":PORT}}; --trace-ingest as engine-server.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';

interface FeedItem {
  type: string;
  stream: string;
  [key: string]: unknown;
}

interface Store {
  ingest(item: FeedItem): void;
  close(): void;
}

const PART_MS = 200;
const PARTS_PER_SEGMENT = 10;
const VIDEO_BYTES_PER_PART = (2_500_000 / 8) * (PART_MS / 1000);
const AUDIO_BYTES_PER_PART = (128_000 / 8) * (PART_MS / 1000);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      root: { type: 'string' },
      streams: { type: 'string', default: 'live/bench' },
      'trace-ingest': { type: 'string' },
    },
  });
  const root = path.resolve(values.root ?? process.cwd());
  /* eslint-disable @typescript-eslint/no-var-requires */
  const lib = require(path.join(root, 'dist/lib')) as {
    HlsStore: new (o: Record<string, unknown>) => Store;
    createHlsHandler(o: { store: Store }): (req: unknown, res: unknown) => Promise<boolean>;
  };
  const { HttpServer } = require(path.join(root, 'dist/lib/http/server')) as {
    HttpServer: new (
      handlers: unknown[],
      o: { port: number; host: string; onError(err: unknown): void },
    ) => { listen(): Promise<number>; close?(): Promise<void> };
  };
  /* eslint-enable @typescript-eslint/no-var-requires */
  const store = new lib.HlsStore({ segmentDuration: 2, partDuration: PART_MS / 1000 });
  const trace = values['trace-ingest'] ? fs.openSync(values['trace-ingest'], 'a') : undefined;
  const ingest = (item: FeedItem) => {
    const t = performance.timeOrigin + performance.now();
    // Fed the moment it "arrived": arrivedAt is the feed time, as the engine's tap would say.
    if (item.type === 'part' || item.type === 'segment') item.arrivedAt = Math.floor(t);
    store.ingest(item);
    if (trace !== undefined && (item.type === 'part' || item.type === 'segment')) {
      const part = item.type === 'part' ? item.part : -1;
      const line = { stream: item.stream, segment: item.segment, part, t, arrivedAt: item.arrivedAt };
      fs.writeSync(trace, `${JSON.stringify(line)}\n`);
    }
  };
  const handler = lib.createHlsHandler({ store });
  const http = new HttpServer([handler], {
    port: 0,
    host: '127.0.0.1',
    onError: (err) => process.stderr.write(`synthetic-origin: ${String(err)}\n`),
  });
  const port = await http.listen();

  const video = Buffer.alloc(VIDEO_BYTES_PER_PART);
  const audio = Buffer.alloc(AUDIO_BYTES_PER_PART);
  const streams = values.streams.split(',');
  const base = { publishId: 1, initId: 0 };
  for (const stream of streams) {
    ingest({
      type: 'init',
      stream,
      ...base,
      format: 'fmp4',
      tracks: [
        { kind: 'video', codec: 'avc1.64001f', timescale: 90000, width: 1280, height: 720, frameRate: 30 },
        { kind: 'audio', codec: 'mp4a.40.2', timescale: 48000, sampleRate: 48000, channels: 2 },
      ],
      video: Buffer.alloc(700),
      audio: Buffer.alloc(600),
    });
  }
  // Parts on a wall-clock grid: part k ends at t0 + (k + 1) × 200 ms, and is fed then.
  const t0 = Date.now();
  let k = 0;
  const tick = () => {
    const segment = Math.floor(k / PARTS_PER_SEGMENT);
    const part = k % PARTS_PER_SEGMENT;
    for (const stream of streams) {
      ingest({
        type: 'part',
        stream,
        ...base,
        segment,
        part,
        start: k * PART_MS,
        duration: PART_MS,
        independent: part === 0,
        programDateTime: t0 + k * PART_MS,
        video,
        audio,
      });
      if (part === PARTS_PER_SEGMENT - 1) {
        ingest({
          type: 'segment',
          stream,
          ...base,
          segment,
          start: segment * PART_MS * PARTS_PER_SEGMENT,
          duration: PART_MS * PARTS_PER_SEGMENT,
          parts: PARTS_PER_SEGMENT,
          independent: true,
          programDateTime: t0 + segment * PART_MS * PARTS_PER_SEGMENT,
        });
      }
    }
    k++;
    setTimeout(tick, Math.max(0, t0 + (k + 1) * PART_MS - Date.now()));
  };
  setTimeout(tick, PART_MS);
  process.stdout.write(`${JSON.stringify({ ready: { rtmp: 0, http: port } })}\n`);
  const stop = () => {
    store.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err) => {
  process.stderr.write(`synthetic-origin: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
