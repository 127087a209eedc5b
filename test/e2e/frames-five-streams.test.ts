/**
 * Five streams decoded at once (five ffmpeg publishers, one frames()
 * subscription each, endOnUnpublish), then one publisher is killed
 * (SIGKILL, mid-stream): the other four go on delivering frames, with no
 * discontinuity and no decode error, and the killed stream's resources are
 * gone within 10 s (issue 12) as the engine's stats show: its subscription
 * (with its pool) out of frameSubscriptions(), its decoder out of
 * frameDecoderCount(), its stream and session out of the engine's stats.
 */
import type { Frame } from '../../lib';
import { describeWithAddon } from '../helpers/addon';
import { publish, stopAll, type Proc } from './helpers/ffmpeg';
import { makeClip } from './helpers/media';
import { startServer, waitUntil } from './helpers/server';

const STREAMS = 5;
const KILLED = 2;
const FREED_WITHIN_MS = 10_000;

interface Consumer {
  path: string;
  video: number;
  audio: number;
  discontinuities: number;
  errors: number;
  ended: boolean;
  done: Promise<void>;
  stop: () => Promise<unknown>;
}

describeWithAddon('frames() five streams', () => {
  afterEach(() => stopAll());

  it('one publisher killed: the other four go on, its decoder and subscription are freed within 10 s', async () => {
    const clip = makeClip({ seconds: 4 });
    const { server, url } = await startServer();
    try {
      const publishers: Proc[] = [];
      const consumers: Consumer[] = [];
      for (let i = 0; i < STREAMS; i++) {
        const path = `live/five${i}`;
        publishers.push(publish(clip.file, url(path), { loop: true, timeoutMs: 90_000 }));
        const iterator = server.frames(path, {
          wait: 20_000,
          endOnUnpublish: true,
          video: { format: 'gray' },
          onError: () => c.errors++,
        });
        const c: Consumer = {
          path,
          video: 0,
          audio: 0,
          discontinuities: 0,
          errors: 0,
          ended: false,
          done: Promise.resolve(),
          stop: async () => iterator.return?.(),
        };
        c.done = (async () => {
          let first = true;
          for await (const f of iterator as AsyncIterable<Frame>) {
            if (f.kind === 'video') c.video++;
            else c.audio++;
            // The first frame may be marked: the subscription can predate the publish.
            if (f.discontinuity && !first) c.discontinuities++;
            first = false;
            f.release();
          }
          c.ended = true;
        })();
        consumers.push(c);
      }
      await waitUntil(() => consumers.every((c) => c.video >= 30 && c.audio >= 30), 'frames from every stream');
      expect(server.frameDecoderCount()).toBe(STREAMS);
      expect(server.frameSubscriptions()).toHaveLength(STREAMS);

      const killed = consumers[KILLED]!;
      const atKill = consumers.map((c) => c.video);
      const killedAt = Date.now();
      publishers[KILLED]!.child.kill('SIGKILL');

      // Freed within 10 s, as the engine reports it (the wait's bound is the issue's).
      const freed = () =>
        killed.ended &&
        !server.frameSubscriptions().some((s) => s.stream === killed.path) &&
        server.frameDecoderCount() === STREAMS - 1 &&
        !server.streams().some((s) => s.path === killed.path) &&
        server.sessions().filter((s) => s.role === 'publisher').length === STREAMS - 1;
      await waitUntil(freed, `the killed stream's resources to go (within ${FREED_WITHIN_MS} ms)`, FREED_WITHIN_MS);
      await killed.done;
      // For the record only (shared machine: no wall-clock assertion beyond the wait's bound).
      console.log(`killed stream's subscription and decoder gone ${Date.now() - killedAt} ms after SIGKILL`);

      // The other four go on: two more seconds of pictures each.
      const others = consumers.filter((c) => c !== killed);
      await waitUntil(
        () => others.every((c) => c.video >= atKill[consumers.indexOf(c)]! + 60),
        'two more seconds of frames from the four others',
      );
      const afterKill = killed.video;
      for (const c of others) {
        expect(c.ended).toBe(false);
        expect(c.discontinuities).toBe(0);
        expect(c.errors).toBe(0);
      }
      expect(killed.errors).toBe(0);
      expect(killed.video).toBe(afterKill);
      expect(server.frameSubscriptions().map((s) => s.stream).sort()).toEqual(others.map((c) => c.path).sort());
      expect(server.frameDecoderCount()).toBe(STREAMS - 1);

      await Promise.all(others.map((c) => c.stop()));
      await Promise.all(others.map((c) => c.done));
      expect(server.frameSubscriptions()).toEqual([]);
      expect(server.frameDecoderCount()).toBe(0);
    } finally {
      await server.close({ graceMs: 2000 });
    }
  }, 120_000);
});
