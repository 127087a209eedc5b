/**
 * server.packets() against a real publisher (Debian's ffmpeg, H.264 + AAC
 * FLV): every packet of the clip arrives, in order, byte-identical to what
 * `ffmpeg -c copy -f framemd5` reads from the source (AVCC video, raw AAC),
 * counts equal ffprobe's; break and abort free the native side; a slow
 * consumer gets droppedBefore, a bounded engine queue and keyframe restarts.
 */
import { createHash } from 'crypto';

import type { Packet } from '../../lib';
import { describeWithAddon } from '../helpers/addon';
import { execText, framemd5OfFile, publish, stopAll } from './helpers/ffmpeg';
import { makeClip } from './helpers/media';
import { startServer, waitUntil } from './helpers/server';

const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');

async function packetCounts(file: string): Promise<{ video: number; audio: number }> {
  const out = await execText('ffprobe', [
    '-v', 'error', '-count_packets', '-show_entries', 'stream=codec_type,nb_read_packets', '-of', 'csv=p=0', file,
  ]);
  const counts = { video: 0, audio: 0 };
  for (const line of out.split('\n').filter(Boolean)) {
    const [type, n] = line.split(',');
    if (type === 'video' || type === 'audio') counts[type] = Number(n);
  }
  return counts;
}

describeWithAddon('packets() e2e', () => {
  afterEach(() => stopAll());

  it('every packet of the source, in order, byte-identical, described for WebCodecs', async () => {
    const clip = makeClip({ seconds: 4 });
    const { server, url } = await startServer();
    try {
      // Subscribed before the publish starts: the whole clip is in range.
      const packets: Packet[] = [];
      const done = (async () => {
        for await (const p of server.packets('live/all', { wait: 20_000, endOnUnpublish: true })) packets.push(p);
      })();
      await waitUntil(() => server.packetSubscriptions().length === 1, 'the subscription');
      const pub = publish(clip.file, url('live/all'), { timeoutMs: 30_000 });
      await pub.exited;
      await done;

      const source = await framemd5OfFile(clip.file);
      const counts = await packetCounts(clip.file);
      const video = packets.filter((p) => p.kind === 'video');
      const audio = packets.filter((p) => p.kind === 'audio');
      expect({ video: video.length, audio: audio.length }).toEqual(counts);
      expect(video.map((p) => md5(p.data))).toEqual(source.filter((p) => p.stream === 0).map((p) => p.hash));
      expect(audio.map((p) => md5(p.data))).toEqual(source.filter((p) => p.stream === 1).map((p) => p.hash));

      // In order per kind, nothing dropped, no discontinuity.
      for (const list of [video, audio]) {
        for (let i = 1; i < list.length; i++) expect(list[i]!.dts).toBeGreaterThanOrEqual(list[i - 1]!.dts);
      }
      expect(packets.every((p) => p.droppedBefore === 0 && !p.discontinuity)).toBe(true);

      const first = video[0]!;
      expect(first).toMatchObject({ keyframe: true, type: 'key', width: 320, height: 240 });
      expect(first.codec).toMatch(/^avc1\.[0-9a-f]{6}$/);
      expect(first.description?.[0]).toBe(1); // avcC configurationVersion
      expect(first.decoderConfig).toMatchObject({ codec: first.codec, codedWidth: 320, codedHeight: 240 });
      expect(video.slice(1).every((p) => p.decoderConfig === undefined)).toBe(true);
      expect(video.filter((p) => p.keyframe).length).toBe(Math.ceil(video.length / clip.gop));
      expect(audio[0]).toMatchObject({ codec: 'mp4a.40.2', sampleRate: 44100, channels: 2 });
      expect(audio[0]!.decoderConfig).toMatchObject({ codec: 'mp4a.40.2', sampleRate: 44100, numberOfChannels: 2 });
      expect(first.timestampUs).toBe(first.pts * 1000);
      expect(server.packetSubscriptions()).toEqual([]);
    } finally {
      await server.close({ graceMs: 2000 });
    }
  });

  it('a late joiner starts at the cached keyframe; break and abort free the native side', async () => {
    const clip = makeClip({ seconds: 4 });
    const { server, url } = await startServer();
    try {
      publish(clip.file, url('live/loop'), { loop: true, timeoutMs: 30_000 });
      await waitUntil(() => server.streams().some((s) => s.path === 'live/loop' && s.videoFrames > 0), 'the publish');

      let taken = 0;
      let firstVideo: Packet | undefined;
      for await (const p of server.packets('live/loop', { audio: false })) {
        firstVideo ??= p;
        if (++taken === 10) break;
      }
      expect(firstVideo).toMatchObject({ kind: 'video', keyframe: true });
      expect(firstVideo!.description).toBeDefined();
      await waitUntil(() => server.packetSubscriptions().length === 0, 'the unsubscribe after break');

      const controller = new AbortController();
      const iterator = server.packets('live/loop', { signal: controller.signal });
      await iterator.next();
      expect(server.packetSubscriptions()).toHaveLength(1);
      controller.abort();
      await expect(iterator.next()).rejects.toMatchObject({ code: 'ABORT_ERR' });
      expect(server.packetSubscriptions()).toEqual([]);

      await expect(server.packets('live/nobody').next()).rejects.toMatchObject({ code: 'ERR_RTMP_STREAM_NOT_FOUND' });
      expect(server.packetSubscriptions()).toEqual([]);
    } finally {
      await server.close({ graceMs: 2000 });
    }
  });

  it('the publisher leaves and comes back: the iteration goes on with a discontinuity', async () => {
    const clip = makeClip({ seconds: 2 });
    const { server, url } = await startServer();
    try {
      const got: Packet[] = [];
      const iterator = server.packets('live/again', { wait: 20_000 });
      const consumer = (async () => {
        for await (const p of iterator) got.push(p);
      })();
      await waitUntil(() => server.packetSubscriptions().length === 1, 'the subscription');
      await publish(clip.file, url('live/again'), { timeoutMs: 20_000 }).exited;
      const firstRun = got.length;
      await publish(clip.file, url('live/again'), { timeoutMs: 20_000 }).exited;
      await waitUntil(() => got.length >= 2 * firstRun - 2, 'the second publish');
      await iterator.return?.();
      await consumer;

      const breaks = got.flatMap((p, i) => (p.discontinuity ? [i] : []));
      expect(breaks).toHaveLength(1);
      const video = got.slice(breaks[0]).filter((p) => p.kind === 'video');
      expect(video[0]).toMatchObject({ keyframe: true, type: 'key' });
      expect(video[0]!.decoderConfig?.description).toBeDefined();
      expect(server.packetSubscriptions()).toEqual([]);
    } finally {
      await server.close({ graceMs: 2000 });
    }
  });

  it('a slow consumer: droppedBefore, a bounded queue, video restarts at keyframes', async () => {
    const clip = makeClip({ seconds: 4, gop: 15 });
    const { server, url } = await startServer();
    try {
      publish(clip.file, url('live/slow'), { loop: true, timeoutMs: 30_000 });
      await waitUntil(() => server.streams().some((s) => s.path === 'live/slow' && s.videoFrames > 0), 'the publish');

      const max = 8;
      const got: Packet[] = [];
      let maxQueued = 0;
      let engineDropped = 0;
      // Video only: with audio in the queue too, the credits the slow consumer
      // frees mostly go to audio (it comes more often), and video (dropped
      // first, as everywhere in the engine) would rarely get back in.
      for await (const p of server.packets('live/slow', { audio: false, queue: { maxPackets: max } })) {
        got.push(p);
        for (const s of server.packetSubscriptions()) {
          maxQueued = Math.max(maxQueued, s.queued);
          engineDropped = s.dropped;
        }
        await new Promise((r) => setTimeout(r, 100)); // ~10 packets/s against 30 sent
        if (got.length === 30) break;
      }
      expect(maxQueued).toBeLessThanOrEqual(max);
      const dropped = got.reduce((n, p) => n + p.droppedBefore, 0);
      expect(dropped).toBeGreaterThan(0);
      // The engine's total also counts what no packet has reported yet.
      expect(engineDropped).toBeGreaterThanOrEqual(dropped);
      // A gap in the video (more than one frame interval) only ever ends on a keyframe.
      const video = got.filter((p) => p.kind === 'video');
      expect(video[0]!.keyframe).toBe(true);
      let gaps = 0;
      for (let i = 1; i < video.length; i++) {
        if (video[i]!.dts - video[i - 1]!.dts > 40) {
          gaps++;
          expect(video[i]!.keyframe).toBe(true);
        }
      }
      expect(gaps).toBeGreaterThan(0);
      await waitUntil(() => server.packetSubscriptions().length === 0, 'the unsubscribe');
    } finally {
      await server.close({ graceMs: 2000 });
    }
  });
});
