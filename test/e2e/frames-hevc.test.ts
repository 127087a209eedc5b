/**
 * HEVC over Enhanced RTMP into server.frames(): the project's test client
 * publishes a libx265 clip as E-RTMP `hvc1` tags (Debian's ffmpeg cannot put
 * HEVC in FLV), and the decoded yuv420p pictures are byte-identical (md5 of
 * the visible rows) to `ffmpeg -f framemd5` of the same file, in the same
 * order, with the same pts steps (B-frames included).
 */
import { createHash } from 'crypto';

import type { VideoFrame } from '../../lib';
import { describeWithAddon } from '../helpers/addon';
import { RtmpTestClient } from '../helpers/rtmp-test-client';
import { execText, stopAll } from './helpers/ffmpeg';
import { eRtmpVideoTags, makeHevcClip, readFragmentedMp4 } from './helpers/hevc';
import { startServer, waitUntil } from './helpers/server';

function videoHash(f: VideoFrame): string {
  const h = createHash('md5');
  f.planes.forEach((p, i) => {
    const width = i > 0 ? f.width / 2 : f.width;
    const rows = i > 0 ? f.height / 2 : f.height;
    for (let y = 0; y < rows; y++) h.update(p.data.subarray(y * p.stride, y * p.stride + width));
  });
  return h.digest('hex');
}

/** framemd5 of the file's video: pts (ms) and md5 per frame, in output order. */
async function reference(file: string): Promise<Array<{ ms: number; hash: string }>> {
  const text = await execText('ffmpeg', ['-v', 'error', '-i', file, '-map', '0:v', '-pix_fmt', 'yuv420p', '-f', 'framemd5', '-']);
  let tb = 1;
  const out: Array<{ ms: number; hash: string }> = [];
  for (const line of text.split('\n')) {
    const m = /^#tb \d+: (\d+)\/(\d+)/.exec(line);
    if (m) tb = Number(m[1]) / Number(m[2]);
    if (line.startsWith('#') || !line.trim()) continue;
    const cols = line.split(',').map((c) => c.trim());
    out.push({ ms: Number(cols[2]) * tb * 1000, hash: cols[5]! });
  }
  return out;
}

describeWithAddon('frames() HEVC over Enhanced RTMP', () => {
  afterEach(() => stopAll());

  it('decodes hvc1 tags from the own client byte-identically to ffmpeg framemd5', async () => {
    const clip = makeHevcClip({ seconds: 2 });
    const track = readFragmentedMp4(clip.file);
    expect(track.samples).toHaveLength(clip.frames);
    expect(track.samples.some((s) => s.cts !== track.samples[0]!.cts)).toBe(true); // B-frames: reordered
    const ref = await reference(clip.file);
    expect(ref).toHaveLength(clip.frames);

    const { server, port } = await startServer();
    const client = await RtmpTestClient.connect(port, 'live');
    try {
      const got: Array<{ pts: number; hash: string; width: number; height: number }> = [];
      let dropped = 0;
      const iterator = server.frames('live/hevc', { wait: 20_000, audio: false, queue: { videoFrames: 256 } });
      const consumer = (async () => {
        for await (const f of iterator) {
          if (f.kind !== 'video') continue;
          dropped += f.droppedBefore;
          got.push({ pts: f.pts, hash: videoHash(f), width: f.width, height: f.height });
          f.release();
        }
      })();
      await waitUntil(() => server.frameSubscriptions().length === 1, 'the subscription');
      await client.publish('hevc');
      for (const tag of eRtmpVideoTags(track)) client.sendMedia(9, tag.body, tag.timestamp);
      await waitUntil(() => got.length >= clip.frames - 2, `the decoded frames (${got.length}/${clip.frames})`);
      const codec = server.streams().find((s) => s.path === 'live/hevc')?.codec.video;
      // The last frames leave the decoder when it is drained: the publisher ends the stream.
      client.destroy();
      await waitUntil(() => got.length >= clip.frames, `every frame (${got.length}/${clip.frames})`);
      await iterator.return?.();
      await consumer;

      expect(dropped).toBe(0);
      expect(got[0]).toMatchObject({ width: 320, height: 240 });
      expect(got.map((f) => f.hash)).toEqual(ref.map((f) => f.hash));
      const steps = (list: number[]) => list.map((v) => Math.round(v - list[0]!));
      expect(steps(got.map((f) => f.pts))).toEqual(steps(ref.map((f) => f.ms)));
      expect(codec).toMatchObject({ codec: 'HEVC', width: 320, height: 240 });
    } finally {
      client.destroy();
      await server.close({ graceMs: 1000 });
    }
  });
});
