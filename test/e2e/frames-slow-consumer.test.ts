/**
 * A deliberately slow frames() consumer (it sleeps 100 ms per frame; a 720p30
 * stream with AAC brings ~73 frames/s) beside an RTMP player of the same
 * stream (ffmpeg, stream copy):
 * - the engine drops for the consumer and counts it (droppedBefore on the
 *   frames it gets, videoDropped/audioDropped in frameSubscriptions());
 * - memory stays bounded: the subscription's pool never holds more buffers
 *   than its queue plus the frames JS may hold, per kind (so video is not
 *   starved by audio: both kinds get through), and the process RSS does not
 *   grow with the frames refused (unbounded queuing would add ~40 MB per
 *   second of 720p yuv420p);
 * - the player still receives every packet: its framemd5 is a contiguous run
 *   of the source's, byte for byte, as long as it asked for.
 */
import type { FrameSubscriptionInfo } from '../../lib';
import { describeWithAddon } from '../helpers/addon';
import { compareWithSource, framemd5OfFile, parseFramemd5, playFramemd5, publish, stopAll } from './helpers/ffmpeg';
import { makeClip } from './helpers/media';
import { delay, startServer, waitUntil } from './helpers/server';

const WIDTH = 1280;
const HEIGHT = 720;
const PLAYER_SECONDS = 10;
// Pool bound with the default queue (2 video frames, 200 ms of audio): the
// queue's frames plus 3 JS may hold, per kind (native/binding/frame_subscriptions.cc).
const MAX_VIDEO_BUFFERS = 2 + 3;
const MAX_AUDIO_BUFFERS = 200 / 20 + 1 + 3;
const VIDEO_BUFFER_BYTES = WIDTH * HEIGHT * 1.5; // yuv420p, 1280 is already 32-aligned
const AUDIO_BUFFER_BYTES = 2 * 2 * 2048; // s16 stereo, generous for one AAC frame
// RSS may move with the JS heap and the allocator's caches, not with the refused frames.
const MAX_RSS_GROWTH = 64 << 20;

describeWithAddon('frames() slow consumer', () => {
  afterEach(() => stopAll());

  it('drops and counts, keeps memory bounded, and an RTMP player still gets every packet', async () => {
    const clip = makeClip({ seconds: 6, size: `${WIDTH}x${HEIGHT}`, bitrate: '1500k' });
    const source = await framemd5OfFile(clip.file);
    const { server, url } = await startServer();
    try {
      publish(clip.file, url('live/slow'), { loop: true, timeoutMs: 90_000 });
      await waitUntil(() => server.streams().some((s) => s.path === 'live/slow' && s.videoFrames > 0), 'the publish');

      const seen = { video: 0, audio: 0, videoDroppedBefore: 0, audioDroppedBefore: 0 };
      let maxBuffers = 0;
      let maxBytes = 0;
      let rssBase = 0;
      let rssMax = 0;
      let stats: FrameSubscriptionInfo | undefined;
      let stop = false;
      const consumer = (async () => {
        for await (const f of server.frames('live/slow')) {
          if (f.kind === 'video') {
            seen.video++;
            seen.videoDroppedBefore += f.droppedBefore;
            expect([f.width, f.height, f.format]).toEqual([WIDTH, HEIGHT, 'yuv420p']);
          } else {
            seen.audio++;
            seen.audioDroppedBefore += f.droppedBefore;
          }
          f.release();
          stats = server.frameSubscriptions()[0];
          maxBuffers = Math.max(maxBuffers, stats!.poolBuffers);
          maxBytes = Math.max(maxBytes, stats!.poolBytes);
          const rss = process.memoryUsage.rss();
          // The baseline once the pool has had time to fill up.
          if (seen.video + seen.audio === 20) rssBase = rss;
          if (rssBase) rssMax = Math.max(rssMax, rss);
          if (stop) break;
          await delay(100); // the slow part
        }
      })();
      await waitUntil(() => (server.frameSubscriptions()[0]?.videoDropped ?? 0) > 0, 'the first video drop');

      const player = playFramemd5(url('live/slow'), { seconds: PLAYER_SECONDS, timeoutMs: 60_000 });
      expect(await player.exited).toBe(0);
      stop = true;
      await consumer;

      // Drops are counted, and reported on the frames that got through.
      expect(seen.videoDroppedBefore).toBeGreaterThan(0);
      expect(seen.audioDroppedBefore).toBeGreaterThan(0);
      expect(stats!.videoDropped).toBeGreaterThanOrEqual(seen.videoDroppedBefore);
      expect(stats!.audioDropped).toBeGreaterThanOrEqual(seen.audioDroppedBefore);
      expect(stats!.videoDelivered).toBeGreaterThanOrEqual(seen.video);
      // Memory: the pool stays within its cap, the process does not grow with the drops.
      // Per kind: an audio block never sits in a picture-sized buffer (it did
      // once: the pool reached 13.9 MB here, and video starved).
      expect(maxBuffers).toBeLessThanOrEqual(MAX_VIDEO_BUFFERS + MAX_AUDIO_BUFFERS);
      expect(maxBytes).toBeLessThanOrEqual(MAX_VIDEO_BUFFERS * VIDEO_BUFFER_BYTES + MAX_AUDIO_BUFFERS * AUDIO_BUFFER_BYTES);
      const growth = rssMax - rssBase;
      console.log(
        `slow consumer: took ${seen.video} video / ${seen.audio} audio frames, ` +
          `dropped ${stats!.videoDropped} video / ${stats!.audioDropped} audio; ` +
          `pool max ${maxBuffers} buffers, ${(maxBytes / 1e6).toFixed(1)} MB; RSS growth ${(growth / 1e6).toFixed(1)} MB`,
      );
      expect(growth).toBeLessThan(MAX_RSS_GROWTH);
      // Neither kind starves: the frames taken follow the two budgets (5
      // picture buffers to 14 audio ones: ~26% video; 12% when audio could
      // take picture buffers).
      expect(seen.video / (seen.video + seen.audio)).toBeGreaterThan(0.16);

      // The player got every packet of the time it played, byte for byte.
      const received = parseFramemd5(player.stdout());
      expect(received.filter((p) => p.stream === 0).length).toBeGreaterThanOrEqual((PLAYER_SECONDS - 1) * 30);
      expect(received.filter((p) => p.stream === 1).length).toBeGreaterThanOrEqual((PLAYER_SECONDS - 1) * 43);
      expect(compareWithSource(source, received)).toBeNull();
      expect(server.frameSubscriptions()).toEqual([]);
      expect(server.frameDecoderCount()).toBe(0);
    } finally {
      await server.close({ graceMs: 2000 });
    }
  }, 120_000);
});
