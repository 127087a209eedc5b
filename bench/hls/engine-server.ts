/**
 * Child process of the HLS benches: rtmp-engine's createServer({ rtmp, http, hls }) from a
 * checkout's dist/lib (--root), on 127.0.0.1 with free ports. Prints one JSON line
 * {"ready":{"rtmp":PORT,"http":PORT}} on stdout once listening; exits on SIGTERM after close().
 *
 * --options JSON: more createServer options (e.g. limits), merged under rtmp/http/hls.
 * --trace-ingest FILE: appends one JSON line {stream, segment, part, t, arrivedAt} (t: wall
 * ms, sub-ms; arrivedAt: the item's own, when its last packet reached the engine's HLS tap,
 * whole ms) per part or segment item the HLS store ingests (part -1 for a segment item), by
 * wrapping HlsStore.prototype.ingest of that dist/lib, for bench/hls/listing.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';

interface FeedItemLike {
  type: string;
  stream?: string;
  segment?: number;
  part?: number;
  arrivedAt?: number;
}

type IngestFn = (this: unknown, item: FeedItemLike) => void;

/** Wraps HlsStore.prototype.ingest to log when each part/segment item reaches the store. */
function traceIngest(lib: { HlsStore?: { prototype: { ingest: IngestFn } } }, file: string): void {
  const proto = lib.HlsStore?.prototype;
  if (!proto) throw new Error('--trace-ingest: this dist/lib exports no HlsStore');
  const original = proto.ingest;
  const fd = fs.openSync(file, 'a');
  proto.ingest = function (this: unknown, item: FeedItemLike) {
    const t = performance.timeOrigin + performance.now();
    original.call(this, item);
    if (item.type === 'part' || item.type === 'segment') {
      const part = item.type === 'part' ? item.part : -1;
      const line = { stream: item.stream, segment: item.segment, part, t, arrivedAt: item.arrivedAt };
      fs.writeSync(fd, `${JSON.stringify(line)}\n`);
    }
  };
}

interface LooseServer {
  listen(): Promise<unknown>;
  close(o?: { graceMs?: number }): Promise<unknown>;
}

/** The HTTP port from listen()'s answer ({ rtmp, http } objects or numbers; contract §HTTP). */
function portOf(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (v && typeof v === 'object' && typeof (v as { port?: unknown }).port === 'number') {
    return (v as { port: number }).port;
  }
  return undefined;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      root: { type: 'string' },
      hls: { type: 'string', default: '{}' },
      'trace-ingest': { type: 'string' },
      options: { type: 'string', default: '{}' },
    },
  });
  const root = path.resolve(values.root ?? process.cwd());
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const lib = require(path.join(root, 'dist/lib')) as {
    createServer(o: unknown): LooseServer;
    HlsStore?: { prototype: { ingest: IngestFn } };
  };
  if (values['trace-ingest']) traceIngest(lib, values['trace-ingest']);
  const hls = JSON.parse(values.hls) as unknown;
  const extra = JSON.parse(values.options) as Record<string, unknown>;
  const server = lib.createServer({
    ...extra,
    rtmp: { host: '127.0.0.1', port: 0 },
    http: { host: '127.0.0.1', port: 0 },
    hls,
    logLevel: 'warn',
  });
  const answer = (await server.listen()) as Record<string, unknown>;
  const rtmp = portOf(answer.rtmp) ?? portOf(answer);
  const http = portOf(answer.http);
  if (rtmp === undefined || http === undefined) throw new Error(`listen() answered ${JSON.stringify(answer)}`);
  process.stdout.write(`${JSON.stringify({ ready: { rtmp, http } })}\n`);
  const stop = () => {
    void server.close({ graceMs: 500 }).finally(() => process.exit(0));
    setTimeout(() => process.exit(1), 3000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err) => {
  process.stderr.write(`engine-server: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
