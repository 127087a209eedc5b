/**
 * Reconnect with the same key: the publisher dies mid-stream (SIGKILL, as a
 * dropped connection would) and a new one publishes the same key at a
 * different size. The frames() iterations go on (no endOnUnpublish):
 * - video only: the first picture of the new publish is a keyframe at the
 *   new size with `discontinuity: true`, and it is the only frame so marked
 *   after the first one;
 * - video and audio: the first frame of each kind of the new publish is
 *   marked and no other after the first one (the new publisher's clock
 *   restarts at 0, so its frames are the ones whose pts went back); the first
 *   picture is the keyframe at the new size.
 */
import type { Frame } from '../../lib';
import { describeWithAddon } from '../helpers/addon';
import { publish, stopAll } from './helpers/ffmpeg';
import { makeClip } from './helpers/media';
import { startServer, waitForEvent, waitUntil } from './helpers/server';

interface Seen {
  kind: 'video' | 'audio';
  pts: number;
  width: number;
  height: number;
  keyframe: boolean;
  discontinuity: boolean;
}

function record(list: Seen[], f: Frame): void {
  list.push({
    kind: f.kind,
    pts: f.pts,
    width: f.kind === 'video' ? f.width : 0,
    height: f.kind === 'video' ? f.height : 0,
    keyframe: f.keyframe,
    discontinuity: f.discontinuity,
  });
  f.release();
}

/** Indexes (after the first) of the frames marked discontinuous. */
const marked = (list: Seen[]) => list.flatMap((f, i) => (i > 0 && f.discontinuity ? [i] : []));

describeWithAddon('frames() reconnect', () => {
  afterEach(() => stopAll());

  it('a killed publisher comes back at another size: the iterations go on, the first frame of each kind marked', async () => {
    const before = makeClip({ seconds: 4, size: '320x240' });
    const after = makeClip({ seconds: 4, size: '640x360' });
    const { server, url } = await startServer();
    try {
      const key = 'live/again';
      const videoOnly: Seen[] = [];
      const both: Seen[] = [];
      const queue = { videoFrames: 128, audioMs: 10_000 }; // no drops on a loaded machine
      const a = server.frames(key, { wait: 20_000, audio: false, queue });
      const b = server.frames(key, { wait: 20_000, queue });
      const consumers = [
        (async () => {
          for await (const f of a) record(videoOnly, f);
        })(),
        (async () => {
          for await (const f of b) record(both, f);
        })(),
      ];
      await waitUntil(() => server.frameSubscriptions().length === 2, 'the subscriptions');

      const first = publish(before.file, url(key), { loop: true, timeoutMs: 60_000 });
      // Killed mid-stream, well inside the second GOP.
      await waitUntil(() => videoOnly.length >= 50, 'the first publish');
      const gone = waitForEvent(server, 'unpublish', (e: any) => e.path === key);
      first.child.kill('SIGKILL');
      await gone;
      const firstRun = { video: videoOnly.length, both: both.length };

      const second = publish(after.file, url(key), { timeoutMs: 60_000 });
      await waitUntil(
        () => videoOnly.filter((f) => f.width === 640).length >= 30 && both.filter((f) => f.width === 640).length >= 30,
        'the second publish',
      );
      second.child.kill('SIGKILL');
      await Promise.all([a.return?.(), b.return?.()]);
      await Promise.all(consumers);

      // Video only: the first 640x360 picture is the one marked, and a keyframe.
      const switchAt = videoOnly.findIndex((f) => f.width === 640);
      expect(switchAt).toBeGreaterThanOrEqual(firstRun.video);
      expect(marked(videoOnly)).toEqual([switchAt]);
      expect(videoOnly[switchAt]).toMatchObject({ width: 640, height: 360, keyframe: true, discontinuity: true });
      expect(videoOnly.slice(0, switchAt).every((f) => f.width === 320 && f.height === 240)).toBe(true);
      expect(videoOnly.slice(switchAt).every((f) => f.width === 640 && f.height === 360)).toBe(true);

      // Video and audio: the new publish starts where the pts went back; its
      // first frame of each kind is marked, nothing else is.
      const restartAt = both.findIndex((f, i) => i > 0 && f.pts < both[i - 1]!.pts - 500);
      expect(restartAt).toBeGreaterThanOrEqual(firstRun.both);
      const firstOf = (kind: 'video' | 'audio') => both.findIndex((f, i) => i >= restartAt && f.kind === kind);
      expect(marked(both)).toEqual([firstOf('video'), firstOf('audio')].sort((x, y) => x - y));
      expect(both[firstOf('video')]).toMatchObject({ width: 640, height: 360, keyframe: true, discontinuity: true });
      expect(both.slice(0, restartAt).every((f) => f.kind === 'audio' || f.width === 320)).toBe(true);

      expect(server.frameSubscriptions()).toEqual([]);
      expect(server.frameDecoderCount()).toBe(0);
    } finally {
      await server.close({ graceMs: 2000 });
    }
  }, 90_000);
});
