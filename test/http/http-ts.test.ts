/**
 * `hls.format: 'ts'` over the built-in server with a real publisher: ffprobe
 * reads H.264 + AAC from the playlist; the decoded video frames are a
 * contiguous run of the source's decoded frames, and the AAC packets (ADTS
 * headers taken off) are the source's packets, byte for byte. Time-boxed.
 */
import { execFile } from 'child_process';

import { compareWithSource, parseFramemd5, publish, stopAll } from '../e2e/helpers/ffmpeg';
import { makeClip } from '../e2e/helpers/media';
import { describeWithAddon } from '../helpers/addon';
import { closeAllTestServers, testServer } from '../helpers/servers';

jest.setTimeout(120_000);

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: 60_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${cmd} failed: ${stderr || err.message}`)) : resolve(stdout),
    );
  });
}

async function until200(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const res = await fetch(url).catch(() => undefined);
    await res?.arrayBuffer();
    if (res?.status === 200) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}

describeWithAddon('HLS as MPEG-TS with a real publisher', () => {
  afterAll(async () => {
    stopAll();
    await closeAllTestServers();
  });

  test('ffprobe reads it; decoded video and AAC packets equal the source', async () => {
    const server = testServer({ http: { host: '127.0.0.1', port: 0 }, hls: { format: 'ts', segmentDuration: 1 } });
    const ports = await server.listen();
    const clip = makeClip({ seconds: 6, size: '320x240', gop: 30 });
    publish(clip.file, `rtmp://127.0.0.1:${ports.port}/live/ts`, { loop: true, timeoutMs: 110_000 });
    const base = `http://127.0.0.1:${ports.http}/live/ts`;
    const epoch = await (async () => {
      for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
        const e = server.hlsStore()?.get('live/ts')?.epoch;
        if (e !== undefined) return e;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('no stream in 30 s');
    })();
    await until200(`${base}/${epoch}-seg-2.ts`);
    const url = `${base}/index.m3u8`;

    const probe = JSON.parse(
      await run('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name,width,height', '-of', 'json', url]),
    ) as { streams: Array<{ codec_name: string; width?: number; height?: number }> };
    expect(probe.streams.find((s) => s.codec_name === 'h264')).toMatchObject({ width: 320, height: 240 });
    expect(probe.streams.some((s) => s.codec_name === 'aac')).toBe(true);

    // Video: TS carries Annex B (with AUDs), FLV carries AVCC, so compare decoded frames.
    // A live playlist never ends: the player side reads 3 s of it.
    const live = ['-t', '3'];
    const decoded = (input: string, extra: string[]) =>
      run('ffmpeg', ['-v', 'error', '-i', input, ...extra, '-map', '0:v', '-f', 'framemd5', '-']).then(parseFramemd5);
    const gotVideo = await decoded(url, live);
    expect(gotVideo.length).toBeGreaterThan(30);
    expect(compareWithSource(await decoded(clip.file, []), gotVideo)).toBeNull();

    // Audio: the packets themselves, once the ADTS headers are taken off.
    const aac = (input: string, extra: string[]) =>
      run('ffmpeg', ['-v', 'error', '-i', input, ...extra, '-map', '0:a', '-c', 'copy', '-bsf:a', 'aac_adtstoasc', '-f', 'framemd5', '-']).then(
        parseFramemd5,
      );
    const gotAudio = await aac(url, live);
    expect(gotAudio.length).toBeGreaterThan(30);
    expect(compareWithSource(await aac(clip.file, []), gotAudio)).toBeNull();
  });
});
