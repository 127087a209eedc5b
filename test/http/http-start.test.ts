/**
 * The start command, end to end: `node dist/lib/cli.js` with no flags but
 * free ports serves the player page and, once ffmpeg publishes over RTMP, the
 * stream over HLS: ffprobe reads the codecs and resolution from the master
 * playlist and from the MPD, and `ffmpeg -i …/index.m3u8 -c copy -f framemd5` gets the
 * published packets, byte for byte (video and audio). Every step time-boxed.
 */
import { type ChildProcess, execFile, spawn } from 'child_process';
import * as path from 'path';

import { compareWithSource, framemd5OfFile, parseFramemd5, playFramemd5, publish, stopAll } from '../e2e/helpers/ffmpeg';
import { makeClip } from '../e2e/helpers/media';
import { describeWithAddon } from '../helpers/addon';
import { ensureDist } from '../helpers/dist';

const ROOT = path.join(__dirname, '..', '..');
jest.setTimeout(180_000);

let cli: ChildProcess | undefined;
let ports: { rtmp: number; http: number } | undefined;

/** Starts the CLI on free ports; resolves with the ports from its "listening" log line. */
function startCli(): Promise<{ rtmp: number; http: number }> {
  const child = spawn(process.execPath, ['dist/lib/cli.js', '--port', '0', '--http-port', '0'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cli = child;
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`no "listening" line within 30 s:\n${buffered}`)), 30_000);
    child.stdout?.on('data', (d: Buffer) => {
      buffered += d.toString();
      for (const line of buffered.split('\n')) {
        if (!line.includes('"listening"')) continue;
        const r = JSON.parse(line) as { port: number; httpPort: number };
        clearTimeout(timer);
        resolve({ rtmp: r.port, http: r.httpPort });
        return;
      }
    });
    child.once('exit', (code) => reject(new Error(`the CLI exited with ${String(code)}:\n${buffered}`)));
  });
}

/** ffprobe's streams of a URL (codec, size), time-boxed. */
function probe(url: string): Promise<Array<{ codec_name: string; width?: number; height?: number }>> {
  const args = ['-v', 'error', '-show_entries', 'stream=codec_name,width,height', '-of', 'json', url];
  return new Promise((resolve, reject) => {
    execFile('ffprobe', args, { timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`ffprobe ${url} failed: ${stderr || err.message}`));
      else resolve((JSON.parse(stdout) as { streams: Array<{ codec_name: string; width?: number; height?: number }> }).streams);
    });
  });
}

/** Polls a URL until it answers 200 (time-boxed). */
async function until200(url: string, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = 0;
  while (Date.now() < deadline) {
    const res = await fetch(url).catch(() => undefined);
    last = res?.status ?? 0;
    if (res?.status === 200) return res.text();
    await res?.arrayBuffer();
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms (last ${last})`);
}

describeWithAddon('the start command (node dist/lib/cli.js)', () => {
  beforeAll(async () => {
    ensureDist();
    ports = await startCli();
  });

  afterAll(async () => {
    stopAll();
    if (cli && cli.exitCode === null) {
      const exited = new Promise((resolve) => cli?.once('exit', resolve));
      cli.kill('SIGTERM');
      const timer = setTimeout(() => cli?.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
  });

  test('serves the player page at / with no other flags', async () => {
    const res = await fetch(`http://127.0.0.1:${ports?.http}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  });

  test('an ffmpeg publish is served over HLS: ffprobe and framemd5 agree with the source', async () => {
    const clip = makeClip({ seconds: 6, size: '320x240', gop: 30 });
    publish(clip.file, `rtmp://127.0.0.1:${ports?.rtmp}/live/x`, { loop: true, timeoutMs: 150_000 });
    const base = `http://127.0.0.1:${ports?.http}/live/x`;
    const master = await until200(`${base}/index.m3u8`);
    expect(master).toContain('avc1.');
    expect(master).toContain('mp4a.40.2');
    expect(master).toContain('RESOLUTION=320x240');
    // Enough of a window for a player to start.
    const deadline = Date.now() + 30_000;
    while (!/-seg-2-video\.m4s$/m.test(await until200(`${base}/video.m3u8`))) {
      if (Date.now() > deadline) throw new Error('segment 2 was not listed within 30 s');
      await new Promise((r) => setTimeout(r, 200));
    }

    for (const entry of ['index.m3u8', 'index.mpd']) {
      const streams = await probe(`${base}/${entry}`);
      expect([entry, streams.find((s) => s.codec_name === 'h264')]).toEqual([entry, expect.objectContaining({ width: 320, height: 240 })]);
      expect([entry, streams.some((s) => s.codec_name === 'aac')]).toEqual([entry, true]);
    }

    const played = playFramemd5(`${base}/index.m3u8`, { seconds: 4, timeoutMs: 60_000 });
    await played.exited;
    const received = parseFramemd5(played.stdout());
    const source = await framemd5OfFile(clip.file);
    const streams = new Set(received.map((p) => p.stream));
    expect(streams.size).toBe(2);
    expect(received.length).toBeGreaterThan(60);
    expect(compareWithSource(source, received)).toBeNull();
  });
});
