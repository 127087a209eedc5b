/**
 * Child process of the capacity bench: the floor of what Node's own `http` module costs per
 * request, with none of rtmp-engine's HTTP code. It serves the files nginx-rtmp writes (its
 * HLS folder, given by --dir) from memory: the playlist is re-read every 100 ms, a segment
 * once (they never change). Each answer is writeHead + end(buffer) with the headers nginx
 * sends (Content-Type, Content-Length, Cache-Control, CORS). Keep-alive as the built-in
 * server (65 s). Prints {"ready":{"rtmp":0,"http":PORT}} once it listens.
 *
 * Its CPU is the Node process alone; nginx still ingests and segments, uncounted.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { parseArgs } from 'util';

const TYPES: Record<string, string> = { '.m3u8': 'application/vnd.apple.mpegurl', '.ts': 'video/mp2t' };

function main(): void {
  const { values } = parseArgs({ options: { dir: { type: 'string' }, prefix: { type: 'string', default: '/live/' } } });
  if (!values.dir) throw new Error('--dir is required');
  const dir = values.dir;
  const prefix = values.prefix;
  const files = new Map<string, Buffer>();
  const playlists = new Set<string>();

  const load = (rel: string): Buffer | undefined => {
    try {
      const body = fs.readFileSync(path.join(dir, rel));
      files.set(rel, body);
      return body;
    } catch {
      return undefined;
    }
  };
  // Playlists change; segments do not (and are forgotten once nginx deletes them).
  const refresh = setInterval(() => {
    for (const rel of playlists) load(rel);
    if (files.size > 200) {
      for (const rel of files.keys()) if (!playlists.has(rel) && !fs.existsSync(path.join(dir, rel))) files.delete(rel);
    }
  }, 100);
  refresh.unref();

  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const pathname = q === -1 ? url : url.slice(0, q);
    if (!pathname.startsWith(prefix) || pathname.includes('..')) {
      res.writeHead(404, { 'Content-Length': 0 });
      res.end();
      return;
    }
    const rel = pathname.slice(prefix.length);
    const ext = path.extname(rel);
    if (ext === '.m3u8') playlists.add(rel);
    const body = files.get(rel) ?? load(rel);
    if (!body) {
      res.writeHead(404, { 'Content-Length': 0 });
      res.end();
      return;
    }
    res.writeHead(200, {
      'Content-Type': TYPES[ext] ?? 'application/octet-stream',
      'Content-Length': body.length,
      'Cache-Control': 'no-cache',
      'Access-Control-Allow-Origin': '*',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    const port = address && typeof address === 'object' ? address.port : 0;
    process.stdout.write(`${JSON.stringify({ ready: { rtmp: 0, http: port } })}\n`);
  });
  const stop = (): void => {
    server.close();
    server.closeAllConnections();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main();
