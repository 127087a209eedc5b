/**
 * hls.folder with the real engine: Debian's ffmpeg publishes a clip, the
 * server's folder writer puts the stream on disk, and ffprobe / ffmpeg read
 * the folder's playlists from disk (not over HTTP): codecs and size, and
 * packets equal to the source's (framemd5, stream copy). Also: the live
 * window deletes old segment files, the VOD copy lists every segment and ends
 * with EXT-X-ENDLIST after unpublish (fMP4 and TS), and a folder that cannot
 * be written is logged while HTTP keeps serving.
 */
import { spawn } from 'child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { createServer as createNetServer } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';

import type { ServerOptions } from '../../lib/options';
import { describeWithAddon } from '../helpers/addon';
import { closeAllTestServers, testServer } from '../helpers/servers';
import { waitFor } from '../helpers/wait';
import { compareWithSource, execText, framemd5OfFile, parseFramemd5, publish, stopAll } from '../e2e/helpers/ffmpeg';
import { makeClip } from '../e2e/helpers/media';

jest.setTimeout(120_000);

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'hls-folder-e2e-'));
});

afterEach(async () => {
  stopAll();
  await closeAllTestServers();
  rmSync(root, { recursive: true, force: true });
});

const streamDir = (): string => join(root, 'live', 'cam');
/** Media names carry the stream instance's epoch (names.ts); the checks below read them without it. */
const plain = (s: string): string => s.replace(/(^|")[0-9a-z]+-(?=(?:seg|init)-)/gm, '$1');
const names = (): string[] => (existsSync(streamDir()) ? readdirSync(streamDir()).map(plain) : []);
const text = (name: string): string => plain(readFileSync(join(streamDir(), name), 'utf8'));
const has = (name: string): boolean => names().includes(name);

type Probed = Array<{ codec_name: string; width?: number; height?: number }>;

async function probe(file: string): Promise<Probed> {
  const args = ['-v', 'error', '-show_entries', 'stream=codec_name,width,height', '-of', 'json', file];
  return (JSON.parse(await execText('ffprobe', args)) as { streams: Probed }).streams;
}

async function packets(file: string) {
  return parseFramemd5(await execText('ffmpeg', ['-v', 'error', '-i', file, '-c', 'copy', '-f', 'framemd5', '-']));
}

/** Publishes the clip once to live/cam and waits until the folder's playlist ends. */
async function publishAndEnd(hls: ServerOptions['hls'], playlist: string): Promise<void> {
  const clip = makeClip({ seconds: 6, size: '320x240', gop: 30 });
  const server = testServer({ hls });
  const { port } = await server.listen();
  const pub = publish(clip.file, `rtmp://127.0.0.1:${port}/live/cam`, { timeoutMs: 60_000 });
  expect(await pub.exited).toBe(0);
  await waitFor('EXT-X-ENDLIST on disk', () => has(playlist) && text(playlist).includes('#EXT-X-ENDLIST'), 30_000, 50);
}

/** A free loopback port (closed again before nginx binds it). */
async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** nginx in the foreground serving `dir` at /hls/ (the docs/hls.md snippet); stop() kills it. */
async function nginx(dir: string): Promise<{ base: string; stop: () => void }> {
  const port = await freePort();
  const conf = join(root, 'nginx.conf');
  writeFileSync(
    conf,
    `daemon off; master_process off; pid ${join(root, 'nginx.pid')}; error_log ${join(root, 'nginx.err')};
events {}
http {
  access_log off;
  client_body_temp_path ${root}; proxy_temp_path ${root}; fastcgi_temp_path ${root};
  uwsgi_temp_path ${root}; scgi_temp_path ${root};
  map $uri $hls_cache_control { ~\.m3u8$ "no-cache"; default "public, max-age=3600"; }
  server {
    listen 127.0.0.1:${port};
    location /hls/ {
      alias ${dir}/;
      types { application/vnd.apple.mpegurl m3u8; video/mp4 mp4 m4s; video/mp2t ts; }
      add_header Cache-Control $hls_cache_control;
    }
  }
}
`,
  );
  const child = spawn('nginx', ['-p', root, '-c', conf], { stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}/hls`;
  await waitFor('nginx listening', () => existsSync(join(root, 'nginx.pid')), 10_000, 20);
  return { base, stop: () => child.kill('SIGKILL') };
}

describeWithAddon('hls.folder with a real publisher', () => {
  test('vod (fMP4): every segment on disk, a VOD playlist with ENDLIST, packets equal the source', async () => {
    const hls = { folder: root, folderVod: true, segmentDuration: 1, windowSegments: 2, endAfter: 0.2 };
    await publishAndEnd(hls, 'video.m3u8');
    const video = text('video.m3u8');
    expect(video).toContain('#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-MEDIA-SEQUENCE:0\n');
    expect(video.endsWith('#EXT-X-ENDLIST\n')).toBe(true);
    expect(video).not.toMatch(/EXT-X-PART|PRELOAD-HINT|EXT-X-GAP/);
    const listed = video.match(/^seg-\d+-video\.m4s$/gm) ?? [];
    expect(listed.length).toBeGreaterThanOrEqual(5); // 6 s of 1 s GOPs, far more than the 2-segment window
    expect(listed).toEqual(listed.map((_, i) => `seg-${i}-video.m4s`));
    for (const name of listed) expect(has(name) && has(name.replace('video', 'audio'))).toBe(true);
    expect(text('audio.m3u8').match(/^seg-\d+-audio\.m4s$/gm)).toHaveLength(listed.length);

    const master = join(streamDir(), 'index.m3u8');
    const streams = await probe(master);
    expect(streams.find((s) => s.codec_name === 'h264')).toMatchObject({ width: 320, height: 240 });
    expect(streams.some((s) => s.codec_name === 'aac')).toBe(true);
    // Every video packet of the source, in order; audio a contiguous run of it.
    const clip = makeClip({ seconds: 6, size: '320x240', gop: 30 });
    const source = await framemd5OfFile(clip.file);
    const received = await packets(master);
    const hashes = (list: typeof source, s: number) => list.filter((p) => p.stream === s).map((p) => p.hash);
    expect(hashes(received, 0)).toEqual(hashes(source, 0));
    expect(hashes(received, 1).length).toBeGreaterThan(hashes(source, 1).length * 0.9);
    expect(compareWithSource(source, received, false)).toBeNull();

    // The folder as a plain HTTP origin: nginx serves it, ffmpeg plays it over HTTP.
    const origin = await nginx(root);
    try {
      const res = await fetch(`${origin.base}/live/cam/video.m3u8`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      const overHttp = await packets(`${origin.base}/live/cam/index.m3u8`);
      expect(hashes(overHttp, 0)).toEqual(hashes(source, 0));
    } finally {
      origin.stop();
    }
  });

  test('vod (TS): seg-<msn>.ts files and one playlist that plays as the source', async () => {
    await publishAndEnd(
      { folder: root, folderVod: true, format: 'ts', segmentDuration: 1, endAfter: 0.2 },
      'video.m3u8',
    );
    const playlist = text('video.m3u8');
    expect(playlist).toMatch(/^#EXTM3U\n#EXT-X-VERSION:3\n/);
    expect(playlist).toContain('#EXT-X-PLAYLIST-TYPE:VOD');
    const listed = playlist.match(/^seg-\d+\.ts$/gm) ?? [];
    expect(listed.length).toBeGreaterThanOrEqual(5);
    expect(readdirSync(streamDir()).filter((n) => n.endsWith('.m4s') || n.endsWith('.mp4'))).toEqual([]);
    // TS carries H.264 as Annex B (with AUDs), so compare decoded pictures, every one.
    const clip = makeClip({ seconds: 6, size: '320x240', gop: 30 });
    const decoded = async (file: string) =>
      parseFramemd5(await execText('ffmpeg', ['-v', 'error', '-i', file, '-map', '0:v', '-f', 'framemd5', '-']));
    const received = await decoded(join(streamDir(), 'index.m3u8'));
    expect(received.length).toBe(180);
    expect(received.map((p) => p.hash)).toEqual((await decoded(clip.file)).map((p) => p.hash));
  });

  test('live: the window on disk slides, old segment files are deleted, the rest plays as the source', async () => {
    await publishAndEnd({ folder: root, segmentDuration: 1, windowSegments: 2, endAfter: 0.2 }, 'video.m3u8');
    const video = text('video.m3u8');
    expect(video).not.toContain('PLAYLIST-TYPE');
    const listed = video.match(/^seg-(\d+)-video\.m4s$/gm) ?? [];
    expect(listed).toHaveLength(2);
    const first = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(video)?.[1]);
    expect(first).toBeGreaterThanOrEqual(3);
    // Files that left the window go after their grace (segment + playlist duration, a few seconds).
    await waitFor('seg-0 deleted', () => !has('seg-0-video.m4s') && !has('seg-0-audio.m4s'), 30_000, 100);
    await waitFor(
      'only the window left',
      () => names().filter((n) => n.startsWith('seg-')).length === 4,
      30_000,
      100,
    );
    const clip = makeClip({ seconds: 6, size: '320x240', gop: 30 });
    const received = await packets(join(streamDir(), 'index.m3u8'));
    expect(received.filter((p) => p.stream === 0).length).toBeGreaterThan(30);
    expect(compareWithSource(await framemd5OfFile(clip.file), received, false)).toBeNull();
  });

  test('a folder that cannot be written: the reason is logged, HLS over HTTP keeps serving', async () => {
    const blocked = join(root, 'not-a-folder');
    writeFileSync(blocked, 'a file');
    const logs: Array<{ fields: Record<string, unknown>; msg: string }> = [];
    const logger = {
      info: () => undefined,
      warn: () => undefined,
      error: (fields: Record<string, unknown>, msg: string) => logs.push({ fields, msg }),
    };
    const clip = makeClip({ seconds: 6, size: '320x240', gop: 30 });
    const server = testServer({
      hls: { folder: blocked, segmentDuration: 1 },
      http: { host: '127.0.0.1', port: 0 },
      logger,
      logLevel: 'info',
    });
    const ports = await server.listen();
    publish(clip.file, `rtmp://127.0.0.1:${ports.rtmp}/live/cam`, { loop: true, timeoutMs: 60_000 });
    await waitFor('a folder error logged', () => logs.some((l) => l.msg.startsWith('hls folder:')), 30_000, 50);
    expect(logs.find((l) => l.msg.startsWith('hls folder:'))).toMatchObject({
      msg: 'hls folder: cannot create folder',
      fields: { stream: 'live/cam', code: 'ENOTDIR', reason: 'a path component is a file, not a folder' },
    });
    const base = `http://127.0.0.1:${ports.http}/live/cam`;
    let playlist = '';
    await waitFor(
      'two segments over HTTP',
      () => {
        void fetch(`${base}/video.m3u8`)
          .then(async (r) => (playlist = r.ok ? await r.text() : ''))
          .catch(() => undefined);
        return /-seg-1-video\.m4s/.test(playlist);
      },
      30_000,
      200,
    );
    const seg = await fetch(`${base}/${/^([0-9a-z]+)-seg-\d+-video\.m4s$/m.exec(playlist)?.[1]}-seg-0-video.m4s`);
    expect(seg.status).toBe(200);
    expect((await seg.arrayBuffer()).byteLength).toBeGreaterThan(1000);
  });
});
