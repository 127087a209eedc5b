/**
 * A live HLS + DASH stream made by Debian's ffmpeg alone (lavfi testsrc + sine,
 * real time, its dash muxer writing CMAF segments, an MPD and HLS playlists
 * over the same files) in a temp folder, and a small node:http server that
 * serves those files at /<app>/<name>/… beside a page handler. It proves the
 * page, hls.js, dash.js and chromium without the engine's own segmenter.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';

export interface StaticStream {
  /** Folder with index.m3u8, index.mpd and the segments. */
  dir: string;
  width: number;
  height: number;
  stop: () => void;
}

/** Starts ffmpeg; resolves once both playlists list `minSegments` segments. */
export async function startFfmpegLiveStream(
  { width = 320, height = 240, minSegments = 2, timeoutMs = 15_000 } = {},
): Promise<StaticStream> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rtmp-engine-page-'));
  const child: ChildProcess = spawn(
    'ffmpeg',
    [
      '-v', 'error', '-re',
      '-f', 'lavfi', '-i', `testsrc=size=${width}x${height}:rate=30`,
      '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100',
      '-t', '120',
      '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-g', '30', '-pix_fmt', 'yuv420p',
      '-c:a', 'aac', '-b:a', '64k',
      '-f', 'dash', '-seg_duration', '1', '-use_template', '1', '-use_timeline', '0', '-window_size', '10',
      '-adaptation_sets', 'id=0,streams=v id=1,streams=a',
      '-hls_playlist', '1', '-hls_master_name', 'index.m3u8',
      path.join(dir, 'index.mpd'),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 130_000);
  const stop = () => {
    clearTimeout(killer);
    child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + timeoutMs;
  const segments = (file: string) => {
    try {
      return (fs.readFileSync(path.join(dir, file), 'utf8').match(/^#EXTINF/gm) ?? []).length;
    } catch {
      return 0;
    }
  };
  while (segments('media_0.m3u8') < minSegments || segments('media_1.m3u8') < minSegments || !fs.existsSync(path.join(dir, 'index.mpd'))) {
    if (Date.now() > deadline || child.exitCode !== null) {
      stop();
      throw new Error(`ffmpeg made no live stream within ${timeoutMs} ms: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { dir, width, height, stop };
}

const TYPES: Record<string, string> = {
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.mpd': 'application/dash+xml',
  '.m4s': 'video/iso.segment',
  '.mp4': 'video/mp4',
};

export interface TestHttpServer {
  url: string;
  /** Every request's URL (path + query), in order. */
  requests: string[];
  close: () => Promise<void>;
}

/**
 * Serves `streams` folders at /<key>/<file> (key "app/name") and hands every
 * other request to `handler`; 404 when neither takes it.
 */
export async function serveStreams(
  streams: Record<string, string>,
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<boolean>,
): Promise<TestHttpServer> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    const m = /^\/([^/]+\/[^/]+)\/([A-Za-z0-9_.-]+)$/.exec(pathname);
    const dir = m ? streams[decodeURIComponent(m[1] as string)] : undefined;
    if (m && dir) {
      const file = m[2] as string;
      fs.readFile(path.join(dir, file), (err, body) => {
        if (err) {
          res.writeHead(404, { 'cache-control': 'no-cache' });
          res.end();
          return;
        }
        res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' });
        res.end(body);
      });
      return;
    }
    handler(req, res).then(
      (handled) => {
        if (handled) return;
        res.writeHead(404);
        res.end();
      },
      (err) => {
        res.writeHead(500);
        res.end(String(err));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
