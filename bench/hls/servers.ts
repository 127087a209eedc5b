/**
 * The two HLS origins of the side-by-side benches, each started fresh on free 127.0.0.1 ports
 * in its own temp dir, with the same lifetime rules as bench/fanout (tracked children, bounded
 * waits, SIGTERM then SIGKILL):
 * - nginx + libnginx-mod-rtmp (Debian): `hls on; hls_fragment 2s`, nested per stream, one
 *   process (no master, one worker: a per-core comparison), plus an http server block serving
 *   the HLS folder with sendfile. Playlist: /live/<name>/index.m3u8 (MPEG-TS segments).
 * - rtmp-engine: createServer({ rtmp, http, hls }) from a checkout's dist/lib, in a child
 *   process (bench/hls/engine-server.ts) so its CPU is its own. Playlists: /<app>/<name>/...
 * - node-bare: nginx-rtmp writing the files and bench/hls/bare-origin.ts (Node's http module
 *   alone) serving them; its pid is the Node process, so the figures are Node's own floor.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as readline from 'readline';

import { freePort, spawnTracked, stopTracked, Tracked, waitForPort } from '../fanout/children';
import { nginxConf, readTail } from '../fanout/servers';

export const HOST = '127.0.0.1';
export type OriginKind = 'nginx' | 'engine' | 'synthetic' | 'node-bare';
export const NGINX_RTMP_MODULE = '/usr/lib/nginx/modules/ngx_rtmp_module.so';

export interface HlsOrigin {
  kind: OriginKind;
  /** Whether it needs a publisher (the synthetic origin feeds itself). */
  needsPublisher: boolean;
  pid: number;
  rtmpUrl(stream: string): string; // stream = "app/name"
  /** The playlist a classic player opens (nginx: its only one; engine: the master). */
  playlistUrl(stream: string): string;
  /** The media playlist of the video track (engine), or the only playlist (nginx). */
  mediaPlaylistUrl(stream: string): string;
  hlsDir?: string; // nginx: where the files are (for mtimes)
  dir: string;
  stop(): Promise<void>;
}

export interface NginxHlsOptions {
  runDir: string;
  hls?: boolean; // false: the same nginx with HLS off (for CPU per stream of segmenting)
  fragmentS?: number;
  playlistS?: number;
}

/** nginx config: the fan-out bench's rtmp block with HLS directives, plus an http block. */
export function nginxHlsConf(rtmpPort: number, httpPort: number, dir: string, o: NginxHlsOptions): string {
  const hlsDir = path.join(dir, 'hls');
  const hls =
    o.hls === false
      ? []
      : [
          'hls on;',
          `hls_path ${hlsDir};`,
          `hls_fragment ${o.fragmentS ?? 2}s;`,
          `hls_playlist_length ${o.playlistS ?? 12}s;`,
          'hls_nested on;',
        ];
  const http = [
    'http {',
    '  access_log off;',
    '  sendfile on;',
    '  tcp_nopush on;',
    '  keepalive_requests 1000000;',
    '  keepalive_timeout 75s;',
    '  types { application/vnd.apple.mpegurl m3u8; video/mp2t ts; }',
    `  server { listen ${HOST}:${httpPort};`,
    `    location /live/ { alias ${hlsDir}/;`,
    '      add_header Cache-Control no-cache; add_header Access-Control-Allow-Origin *; } }',
    '}',
    '',
  ];
  return nginxConf(rtmpPort, dir, NGINX_RTMP_MODULE, hls) + http.join('\n');
}

export async function startNginxHls(o: NginxHlsOptions): Promise<HlsOrigin> {
  const dir = fs.mkdtempSync(path.join(o.runDir, 'nginx-hls-'));
  fs.mkdirSync(path.join(dir, 'hls'));
  const rtmpPort = await freePort(HOST);
  const httpPort = await freePort(HOST);
  const conf = path.join(dir, 'nginx.conf');
  fs.writeFileSync(conf, nginxHlsConf(rtmpPort, httpPort, dir, o));
  const logFile = path.join(dir, 'server.log');
  const t = spawnTracked('nginx', ['-c', conf, '-p', dir + '/', '-e', path.join(dir, 'error.log')], logFile);
  try {
    await waitForPort(HOST, rtmpPort, 20_000, t);
    await waitForPort(HOST, httpPort, 5_000, t);
  } catch (err) {
    await stopTracked(t, 1000);
    throw new Error(`nginx did not start: ${(err as Error).message}\n${readTail(path.join(dir, 'error.log'), 800)}`);
  }
  return {
    kind: 'nginx',
    needsPublisher: true,
    pid: t.pid,
    dir,
    hlsDir: path.join(dir, 'hls'),
    rtmpUrl: (s) => `rtmp://${HOST}:${rtmpPort}/${s}`,
    playlistUrl: (s) => `http://${HOST}:${httpPort}/${s}/index.m3u8`,
    mediaPlaylistUrl: (s) => `http://${HOST}:${httpPort}/${s}/index.m3u8`,
    stop: () => stopTracked(t, 3000),
  };
}

export interface EngineHlsOptions {
  runDir: string;
  /** Checkout whose dist/lib is run (built with npm run build). */
  root: string;
  /** Passed as the hls option (false disables HLS). */
  hls?: Record<string, unknown> | false;
  /** More createServer options for the engine (e.g. { limits: { maxPublishers: 100 } }). */
  options?: Record<string, unknown>;
  /** Append {stream, segment, part, t} per feed item the HLS store ingests (engine-server). */
  traceIngest?: string;
  /** Run the Node origin under `node --cpu-prof`, writing its profile here when it stops. */
  profileDir?: string;
}

/** Node flags of an origin child: a CPU profile when asked for. */
function nodeFlags(o: EngineHlsOptions): string[] {
  return o.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(o.profileDir)}`] : [];
}

/** Starts bench/hls/engine-server.js (compiled beside this file) on free ports. */
export function startEngineHls(o: EngineHlsOptions): Promise<HlsOrigin> {
  const args = ['--root', o.root, '--hls', JSON.stringify(o.hls ?? {})];
  if (o.traceIngest) args.push('--trace-ingest', o.traceIngest);
  if (o.options) args.push('--options', JSON.stringify(o.options));
  return startChildOrigin('engine', 'engine-server.js', args, o.runDir, nodeFlags(o));
}

/** Starts bench/hls/synthetic-origin.js: the TS HLS side fed by a timer (no engine). */
export function startSyntheticHls(o: EngineHlsOptions): Promise<HlsOrigin> {
  const args = ['--root', o.root];
  if (o.traceIngest) args.push('--trace-ingest', o.traceIngest);
  return startChildOrigin('synthetic', 'synthetic-origin.js', args, o.runDir, nodeFlags(o));
}

/** nginx-rtmp writes the HLS files; a bare node:http child serves them (bare-origin.ts). */
export async function startBareNodeHls(o: EngineHlsOptions): Promise<HlsOrigin> {
  const nginx = await startNginxHls({ runDir: o.runDir });
  try {
    const bare = await startChildOrigin('node-bare', 'bare-origin.js', ['--dir', nginx.hlsDir as string], o.runDir, nodeFlags(o));
    return {
      ...bare,
      needsPublisher: true,
      hlsDir: nginx.hlsDir,
      rtmpUrl: nginx.rtmpUrl,
      // nginx's layout: /live/<name>/index.m3u8 is both (bare-origin serves /live/ from its folder).
      mediaPlaylistUrl: (s) => bare.playlistUrl(s),
      stop: async () => {
        await bare.stop();
        await nginx.stop();
      },
    };
  } catch (err) {
    await nginx.stop();
    throw err;
  }
}

export function startOrigin(kind: OriginKind, o: EngineHlsOptions & { nginxHls?: boolean }): Promise<HlsOrigin> {
  if (kind === 'nginx') return startNginxHls({ runDir: o.runDir, hls: o.nginxHls ?? true });
  if (kind === 'node-bare') return startBareNodeHls(o);
  return kind === 'engine' ? startEngineHls(o) : startSyntheticHls(o);
}

/**
 * A node child (bench/hls/`scriptName`, run from its own temp folder under `runDir`, stderr
 * to server.log there) that prints {"ready":{"rtmp":PORT,"http":PORT}} once it listens.
 */
export async function startChildOrigin(
  kind: OriginKind,
  scriptName: string,
  scriptArgs: string[],
  runDir: string,
  flags: string[] = [],
): Promise<HlsOrigin & { httpPort: number }> {
  const dir = fs.mkdtempSync(path.join(runDir, `${kind}-hls-`));
  const args = [...flags, path.join(__dirname, scriptName), ...scriptArgs];
  const t: Tracked = spawnTracked(process.execPath, args, null, { cwd: dir });
  const logFile = path.join(dir, 'server.log');
  const log = fs.createWriteStream(logFile);
  t.child.stderr?.pipe(log);
  const ports = await new Promise<{ rtmp: number; http: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${scriptName} did not report its ports in 20 s`)), 20_000);
    readline.createInterface({ input: t.child.stdout! }).on('line', (line) => {
      log.write(`${line}\n`);
      try {
        const rec = JSON.parse(line) as { ready?: { rtmp: number; http: number } };
        if (rec.ready) {
          clearTimeout(timer);
          resolve(rec.ready);
        }
      } catch {
        /* a log line */
      }
    });
    void t.exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${scriptName} exited (${code}) before listening; log ${logFile}`));
    });
  }).catch(async (err) => {
    await stopTracked(t, 1000);
    throw err;
  });
  return {
    kind,
    needsPublisher: kind !== 'synthetic',
    pid: t.pid,
    dir,
    httpPort: ports.http,
    rtmpUrl: (s) => `rtmp://${HOST}:${ports.rtmp}/${s}`,
    playlistUrl: (s) => `http://${HOST}:${ports.http}/${s}/index.m3u8`,
    mediaPlaylistUrl: (s) => `http://${HOST}:${ports.http}/${s}/video.m3u8`,
    stop: () => stopTracked(t, 3000),
  };
}
