/**
 * Child process of the HLS benches: rtmp-engine's createServer({ rtmp, http, hls }) from a
 * checkout's dist/lib (--root), on 127.0.0.1 with free ports. Prints one JSON line
 * {"ready":{"rtmp":PORT,"http":PORT}} on stdout once listening; exits on SIGTERM after close().
 */
import * as path from 'path';
import { parseArgs } from 'util';

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
    options: { root: { type: 'string' }, hls: { type: 'string', default: '{}' } },
  });
  const root = path.resolve(values.root ?? process.cwd());
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const lib = require(path.join(root, 'dist/lib')) as { createServer(o: unknown): LooseServer };
  const hls = JSON.parse(values.hls) as unknown;
  const server = lib.createServer({
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
