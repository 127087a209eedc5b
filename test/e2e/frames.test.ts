/**
 * server.frames() against a real publisher (Debian's ffmpeg, H.264 + AAC
 * FLV): the decoded yuv420p pictures are byte-identical (md5 of the visible
 * rows) to what `ffmpeg -copyts -i clip -pix_fmt yuv420p -f framemd5` decodes
 * from the same file, frame for frame with the same pts; the same for audio
 * as s16. break and abort free the native side (subscription, decoder, tap);
 * a consumer that holds its frames gets droppedBefore from a bounded pool.
 */
import { createHash } from 'crypto';

import type { AudioFrame, Frame, VideoFrame } from '../../lib';
import { describeWithAddon } from '../helpers/addon';
import { execText, publish, stopAll } from './helpers/ffmpeg';
import { makeClip } from './helpers/media';
import { delay, startServer, waitUntil } from './helpers/server';

interface RefFrame {
  ms: number;
  hash: string;
}

/** framemd5 lines of one stream, pts converted to ms with the stream's #tb. */
async function reference(file: string, kind: 'video' | 'audio'): Promise<RefFrame[]> {
  const select = kind === 'video' ? ['-map', '0:v', '-pix_fmt', 'yuv420p'] : ['-map', '0:a', '-c:a', 'pcm_s16le'];
  const text = await execText('ffmpeg', ['-v', 'error', '-copyts', '-i', file, ...select, '-f', 'framemd5', '-']);
  let tb = 1;
  const out: RefFrame[] = [];
  for (const line of text.split('\n')) {
    const m = /^#tb \d+: (\d+)\/(\d+)/.exec(line);
    if (m) tb = Number(m[1]) / Number(m[2]);
    if (line.startsWith('#') || !line.trim()) continue;
    const cols = line.split(',').map((c) => c.trim());
    out.push({ ms: Number(cols[2]) * tb * 1000, hash: cols[5]! });
  }
  return out;
}

/** md5 of the visible bytes of every plane, rows without their padding (what rawvideo hashes). */
function videoHash(f: VideoFrame): string {
  const h = createHash('md5');
  const chroma = f.format === 'yuv420p';
  f.planes.forEach((p, i) => {
    const width = chroma && i > 0 ? f.width / 2 : f.width;
    const rows = chroma && i > 0 ? f.height / 2 : f.height;
    for (let y = 0; y < rows; y++) h.update(p.data.subarray(y * p.stride, y * p.stride + width));
  });
  return h.digest('hex');
}

function audioHash(f: AudioFrame): string {
  return createHash('md5').update(f.data!).digest('hex');
}

/** Every frame's pts (relative to the first) equals the reference's, to the ms (RTMP is whole ms). */
function expectSamePts(ours: number[], ref: number[]): void {
  const rel = (list: number[]) => list.map((v) => Math.round(v - list[0]!));
  const a = rel(ours);
  const b = rel(ref);
  const off = a.map((v, i) => Math.abs(v - b[i]!)).filter((d) => d > 1);
  expect(off).toEqual([]);
}

describeWithAddon('frames() e2e', () => {
  afterEach(() => stopAll());

  it('yuv420p and s16 frames are byte-identical to ffmpeg framemd5 of the same clip', async () => {
    const clip = makeClip({ seconds: 4 });
    const [refVideo, refAudio] = [await reference(clip.file, 'video'), await reference(clip.file, 'audio')];
    expect(refVideo).toHaveLength(clip.seconds * 30);
    expect(refAudio.length).toBeGreaterThanOrEqual(Math.floor((clip.seconds * 44100) / 1024));
    const { server, url } = await startServer();
    try {
      const video: Array<{ pts: number; hash: string; frame: Partial<VideoFrame> }> = [];
      const audio: Array<{ pts: number; hash: string; frame: Partial<AudioFrame> }> = [];
      let dropped = 0;
      const iterator = server.frames('live/md5', {
        wait: 20_000,
        // Roomy queues: on a loaded machine this consumer must not drop.
        queue: { videoFrames: 256, audioMs: 20_000 },
      });
      const consumer = (async () => {
        for await (const f of iterator) {
          dropped += f.droppedBefore;
          if (f.kind === 'video') {
            video.push({ pts: f.pts, hash: videoHash(f), frame: { width: f.width, height: f.height, format: f.format } });
          } else {
            audio.push({ pts: f.pts, hash: audioHash(f), frame: { sampleRate: f.sampleRate, channels: f.channels, format: f.format } });
          }
          f.release();
          expect(f.released).toBe(true);
        }
      })();
      await waitUntil(() => server.frameSubscriptions().length === 1, 'the subscription');
      await publish(clip.file, url('live/md5'), { timeoutMs: 30_000 }).exited;
      await waitUntil(
        () => video.length >= refVideo.length && audio.length >= refAudio.length,
        `every frame (video ${video.length}/${refVideo.length}, audio ${audio.length}/${refAudio.length})`,
      );
      await iterator.return?.();
      await consumer;

      expect(dropped).toBe(0);
      expect(video[0]!.frame).toEqual({ width: 320, height: 240, format: 'yuv420p' });
      expect(audio[0]!.frame).toEqual({ sampleRate: 44100, channels: 2, format: 's16' });
      expect(video.map((f) => f.hash)).toEqual(refVideo.map((f) => f.hash));
      expect(audio.map((f) => f.hash)).toEqual(refAudio.map((f) => f.hash));
      expectSamePts(video.map((f) => f.pts), refVideo.map((f) => f.ms));
      expectSamePts(audio.map((f) => f.pts), refAudio.map((f) => f.ms));
      expect(server.frameSubscriptions()).toEqual([]);
      expect(server.frameDecoderCount()).toBe(0);
    } finally {
      await server.close({ graceMs: 2000 });
    }
  });

  it('break and abort free the native side; the callback form and its unsubscribe', async () => {
    const clip = makeClip({ seconds: 4 });
    const { server, url } = await startServer();
    try {
      publish(clip.file, url('live/loop'), { loop: true, timeoutMs: 30_000 });
      await waitUntil(() => server.streams().some((s) => s.path === 'live/loop' && s.videoFrames > 0), 'the publish');

      let taken = 0;
      let first: Frame | undefined;
      for await (const f of server.frames('live/loop', { audio: false, video: { format: 'rgba', width: 160 } })) {
        first ??= f;
        expect(server.frameDecoderCount()).toBe(1);
        if (++taken === 5) break;
      }
      expect(first).toMatchObject({ kind: 'video', width: 160, height: 120, format: 'rgba' });
      const plane = first!.planes[0]!;
      expect(plane.stride).toBeGreaterThanOrEqual(160 * 4);
      expect(first!.allocationSize()).toBe(plane.stride * 120);
      const copy = new Uint8Array(first!.allocationSize());
      await expect(first!.copyTo(copy)).resolves.toEqual([{ offset: 0, stride: plane.stride }]);
      expect(copy.subarray(0, 16)).toEqual(plane.data.subarray(0, 16));
      first!.close();
      await expect(first!.copyTo(copy)).rejects.toMatchObject({ code: 'ERR_RTMP_INVALID_ARGUMENT' });
      expect(server.frameSubscriptions()).toEqual([]);
      expect(server.frameDecoderCount()).toBe(0);

      const controller = new AbortController();
      const iterator = server.frames('live/loop', { video: false, signal: controller.signal });
      const a = await iterator.next();
      expect(a.value).toMatchObject({ kind: 'audio', format: 's16', channels: 2 });
      expect(server.frameSubscriptions()).toHaveLength(1);
      controller.abort();
      await expect(iterator.next()).rejects.toMatchObject({ code: 'ABORT_ERR' });
      expect(server.frameSubscriptions()).toEqual([]);
      expect(server.frameDecoderCount()).toBe(0);

      let calls = 0;
      const stop = server.onFrames('live/loop', { audio: { format: 'f32p' } }, (f) => {
        calls += 1;
        if (f.kind === 'audio') expect(f.planes).toHaveLength(2);
        f.release();
      });
      await waitUntil(() => calls >= 10, 'the callback frames');
      stop();
      expect(server.frameSubscriptions()).toEqual([]);
      expect(server.frameDecoderCount()).toBe(0);

      await expect(server.frames('live/nobody').next()).rejects.toMatchObject({ code: 'ERR_RTMP_STREAM_NOT_FOUND' });
      expect(() => server.frames('live/loop', { video: { format: 'yuv444p' as never } })).toThrow(
        expect.objectContaining({ code: 'ERR_RTMP_INVALID_OPTIONS' }),
      );
      expect(server.frameSubscriptions()).toEqual([]);
    } finally {
      await server.close({ graceMs: 2000 });
    }
  });

  it('the publisher leaves and comes back: the iteration goes on with a discontinuity', async () => {
    const clip = makeClip({ seconds: 2 });
    const { server, url } = await startServer();
    try {
      const got: Array<{ kind: string; discontinuity: boolean; keyframe: boolean }> = [];
      const iterator = server.frames('live/again', { wait: 20_000, audio: false, queue: { videoFrames: 128 } });
      const consumer = (async () => {
        for await (const f of iterator) {
          got.push({ kind: f.kind, discontinuity: f.discontinuity, keyframe: f.keyframe });
          f.release();
        }
      })();
      await waitUntil(() => server.frameSubscriptions().length === 1, 'the subscription');
      await publish(clip.file, url('live/again'), { timeoutMs: 20_000 }).exited;
      await waitUntil(() => got.length >= 60, 'the first publish');
      const firstRun = got.length;
      await publish(clip.file, url('live/again'), { timeoutMs: 20_000 }).exited;
      await waitUntil(() => got.length >= 2 * firstRun, 'the second publish');
      await iterator.return?.();
      await consumer;

      const breaks = got.flatMap((f, i) => (f.discontinuity ? [i] : []));
      // (The very first frame may say so too: the subscription predates the first publish.)
      expect(breaks.filter((i) => i > 0)).toEqual([firstRun]);
      expect(got[firstRun]!.keyframe).toBe(true);
      expect(server.frameDecoderCount()).toBe(0);
    } finally {
      await server.close({ graceMs: 2000 });
    }
  });

  it('a consumer that holds its frames: droppedBefore, a bounded pool', async () => {
    const clip = makeClip({ seconds: 4 });
    const { server, url } = await startServer();
    try {
      publish(clip.file, url('live/slow'), { loop: true, timeoutMs: 30_000 });
      await waitUntil(() => server.streams().some((s) => s.path === 'live/slow' && s.videoFrames > 0), 'the publish');

      const kept: Frame[] = [];
      let droppedSeen = 0;
      let maxBuffers = 0;
      let maxBytes = 0;
      let got = 0;
      for await (const f of server.frames('live/slow', { audio: false })) {
        // Keeps up to 3 frames unreleased and takes 100 ms per frame (the
        // stream brings one every 33 ms): the pool runs out, the engine drops.
        kept.push(f);
        if (kept.length > 3) kept.shift()!.release();
        droppedSeen += f.droppedBefore;
        const [s] = server.frameSubscriptions();
        maxBuffers = Math.max(maxBuffers, s!.poolBuffers);
        maxBytes = Math.max(maxBytes, s!.poolBytes);
        await delay(100);
        if (++got === 20) break;
      }
      for (const f of kept) f.release();
      expect(droppedSeen).toBeGreaterThan(0);
      // queue (2) + frames JS may hold (3): five 320x240 yuv420p buffers at most.
      expect(maxBuffers).toBeLessThanOrEqual(5);
      expect(maxBytes).toBeLessThanOrEqual(5 * 2 * 320 * 240);
      expect(server.frameSubscriptions()).toEqual([]);
    } finally {
      await server.close({ graceMs: 2000 });
    }
  });
});
