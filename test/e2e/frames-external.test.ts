/**
 * frames.buffers 'external' (decoded frames in external ArrayBuffers) against
 * a real publisher (Debian's ffmpeg):
 * - the same clip published to a 'pool' server and an 'external' server gives
 *   the same rgba pictures and s16 samples, frame for frame (md5 of the
 *   visible rows), with the same pts;
 * - release() detaches the frame's ArrayBuffer (its views read as empty) and
 *   the buffer comes back (the pool's busy count falls, frames flow again);
 *   frames that become garbage without release() give theirs back through
 *   the ArrayBuffer's finalizer after a GC;
 * - a consumer that holds every frame gets drops, counted, and the pool stays
 *   within its cap;
 * - a runtime that refuses external ArrayBuffers (forced here with the
 *   test-only RTMP_ENGINE_TEST_REFUSE_EXTERNAL_BUFFERS, as Electron 21+
 *   answers napi_no_external_buffers_allowed) gets the pool and one warning.
 */
import { createHash } from 'crypto';
import { once } from 'events';
import * as path from 'path';
import * as v8 from 'v8';
import * as vm from 'vm';
import { Worker } from 'worker_threads';

import type { Frame, RtmpServer, VideoFrame } from '../../lib';
import { describeWithAddon } from '../helpers/addon';
import { collect as collectChild, spawnTs } from '../helpers/child';
import { withTimeout } from '../helpers/wait';
import { publish, stopAll } from './helpers/ffmpeg';
import { makeClip } from './helpers/media';
import { startServer, waitUntil } from './helpers/server';

// Pool bound for video only with the default queue (2 frames) plus the 3 JS
// may hold (native/binding/frame_subscriptions.cc).
const VIDEO_CAP = 2 + 3;
const REFUSED_CHILD = path.join(__dirname, '..', 'helpers', 'external-refused-child.ts');
const WORKER = path.join(__dirname, '..', 'helpers', 'frames-worker.js');

function visibleHash(f: Frame): string {
  const h = createHash('md5');
  if (f.kind === 'audio') return h.update(f.data!).digest('hex');
  const p = f.planes[0]!;
  const rowBytes = f.width * 4; // rgba
  for (let y = 0; y < f.height; y++) h.update(p.data.subarray(y * p.stride, y * p.stride + rowBytes));
  return h.digest('hex');
}

interface Seen {
  kind: string;
  pts: number;
  hash: string;
}

/** Subscribes rgba + s16 with roomy queues (no drop on a loaded machine); collects hashes. */
function collect(server: RtmpServer, path: string): { seen: Seen[]; detached: { checked: number; empty: number }; stop: () => Promise<void> } {
  const seen: Seen[] = [];
  const detached = { checked: 0, empty: 0 };
  const iterator = server.frames(path, {
    wait: 20_000,
    video: { format: 'rgba' },
    queue: { videoFrames: 256, audioMs: 20_000 },
  });
  const done = (async () => {
    for await (const f of iterator) {
      seen.push({ kind: f.kind, pts: f.pts, hash: visibleHash(f) });
      const view = f.planes[0]!.data;
      f.release();
      detached.checked++;
      if (view.byteLength === 0) detached.empty++;
    }
  })();
  return {
    seen,
    detached,
    stop: async () => {
      await iterator.return?.();
      await done;
    },
  };
}

/** The gc() of `--expose-gc`, switched on for this process. */
function gcFunction(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

describeWithAddon('frames.buffers external', () => {
  afterEach(() => stopAll());

  it('delivers the same rgba pictures and s16 samples as the pool, and release() detaches', async () => {
    const clip = makeClip({ seconds: 4 });
    const pool = await startServer({ frames: { buffers: 'pool' } });
    const external = await startServer({ frames: { buffers: 'external' } });
    try {
      const a = collect(pool.server, 'live/same');
      const b = collect(external.server, 'live/same');
      await waitUntil(
        () => pool.server.frameSubscriptions().length === 1 && external.server.frameSubscriptions().length === 1,
        'both subscriptions',
      );
      expect(pool.server.frameSubscriptions()[0]!.buffers).toBe('pool');
      expect(external.server.frameSubscriptions()[0]!.buffers).toBe('external');
      const videoFrames = clip.seconds * 30;
      await Promise.all([
        publish(clip.file, pool.url('live/same'), { timeoutMs: 30_000 }).exited,
        publish(clip.file, external.url('live/same'), { timeoutMs: 30_000 }).exited,
      ]);
      const videoOf = (s: Seen[]) => s.filter((f) => f.kind === 'video');
      await waitUntil(
        () => videoOf(a.seen).length >= videoFrames && videoOf(b.seen).length >= videoFrames,
        `every picture (pool ${videoOf(a.seen).length}, external ${videoOf(b.seen).length} of ${videoFrames})`,
      );
      // The last audio blocks may trail the last picture.
      await waitUntil(() => b.seen.length >= a.seen.length && a.seen.length >= b.seen.length, 'the same frame count');
      await a.stop();
      await b.stop();

      const byKind = (s: Seen[], kind: string) => s.filter((f) => f.kind === kind);
      for (const kind of ['video', 'audio']) {
        expect(byKind(b.seen, kind).map((f) => f.hash)).toEqual(byKind(a.seen, kind).map((f) => f.hash));
        expect(byKind(b.seen, kind).map((f) => f.pts)).toEqual(byKind(a.seen, kind).map((f) => f.pts));
      }
      // External views are detached by release(); pool views stay (the pool reuses them).
      expect(b.detached.empty).toBe(b.detached.checked);
      expect(a.detached.empty).toBe(0);
      expect(external.server.frameSubscriptions()).toEqual([]);
      expect(external.server.frameDecoderCount()).toBe(0);
    } finally {
      await pool.server.close({ graceMs: 2000 });
      await external.server.close({ graceMs: 2000 });
    }
  }, 90_000);

  it('a holder of every frame gets counted drops; release() and garbage collection give the buffers back', async () => {
    const gc = gcFunction();
    const clip = makeClip({ seconds: 4 });
    const { server, url } = await startServer({ frames: { buffers: 'external' } });
    try {
      publish(clip.file, url('live/hold'), { loop: true, timeoutMs: 60_000 });
      await waitUntil(() => server.streams().some((s) => s.path === 'live/hold' && s.videoFrames > 0), 'the publish');
      let kept: VideoFrame[] = [];
      let droppedBefore = 0;
      const off = server.onFrames('live/hold', { audio: false, video: { format: 'rgba' } }, (f) => {
        droppedBefore += f.droppedBefore;
        kept.push(f as VideoFrame);
      });
      const stats = () => server.frameSubscriptions()[0]!;
      // 1. Held frames keep their buffers: the pool fills to its cap, then drops.
      await waitUntil(() => kept.length >= VIDEO_CAP && stats().videoDropped > 0, 'a full pool and a drop');
      const full = stats();
      expect(full.buffers).toBe('external');
      expect(full.poolBusy).toBe(VIDEO_CAP);
      expect(full.poolBuffers).toBe(VIDEO_CAP);
      expect(kept.length).toBe(VIDEO_CAP); // nothing delivered past the cap

      // 2. release(): the views are detached at once and the buffers come back.
      const views = kept.map((f) => f.planes[0]!.data);
      for (const f of kept) f.release();
      expect(views.every((v) => v.byteLength === 0)).toBe(true);
      kept = [];
      await waitUntil(() => kept.length > 0, 'a frame after release()');
      expect(droppedBefore).toBeGreaterThan(0); // the drops are reported on the next frame
      await waitUntil(() => kept.length >= VIDEO_CAP && stats().poolBusy === VIDEO_CAP, 'the pool full again');

      // 3. Frames that become garbage: their ArrayBuffers' finalizers give the buffers back.
      const delivered = stats().videoDelivered;
      kept = [];
      await waitUntil(
        () => {
          gc();
          return stats().videoDelivered > delivered && kept.length > 0;
        },
        'a frame after garbage collection',
      );
      expect(stats().poolBuffers).toBeLessThanOrEqual(VIDEO_CAP);
      for (const f of kept) f.release();
      off();
      expect(server.frameSubscriptions()).toEqual([]);
    } finally {
      await server.close({ graceMs: 2000 });
    }
  }, 90_000);

  it('falls back to the pool with one warning where external ArrayBuffers are refused', async () => {
    const clip = makeClip({ seconds: 4 });
    const child = spawnTs([REFUSED_CHILD, clip.file], { env: { RTMP_ENGINE_TEST_REFUSE_EXTERNAL_BUFFERS: '1' } });
    const run = await collectChild(child, 60_000);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout.trim()) as { readable: boolean[]; buffers: string[]; warnings: string[] };
    expect(out.readable.length).toBeGreaterThanOrEqual(8);
    expect(out.readable.every(Boolean)).toBe(true);
    expect(out.buffers).toEqual(['pool', 'pool']);
    // One warning per server, whatever the number of subscriptions.
    expect(out.warnings.filter((l) => l.includes('napi_no_external_buffers_allowed'))).toHaveLength(1);
  }, 90_000);

  it('frames JS holds at server.close() stay readable; release() after close is harmless', async () => {
    const gc = gcFunction();
    const clip = makeClip({ seconds: 4 });
    const { server, url } = await startServer({ frames: { buffers: 'external' } });
    const kept: Frame[] = [];
    let off: (() => void) | undefined;
    try {
      publish(clip.file, url('live/close'), { loop: true, timeoutMs: 60_000 });
      await waitUntil(() => server.streams().some((s) => s.path === 'live/close' && s.videoFrames > 0), 'the publish');
      off = server.onFrames('live/close', { audio: false, video: { format: 'rgba' } }, (f) => void kept.push(f));
      await waitUntil(() => kept.length >= 3, 'three held frames');
    } finally {
      off?.();
      await server.close({ graceMs: 2000 });
    }
    // The decoder is joined; the memory stays the frames' until they are finalized.
    const hashes = kept.map((f) => visibleHash(f));
    expect(kept.every((f) => f.planes[0]!.data.byteLength > 0)).toBe(true);
    for (const f of kept) f.release();
    expect(kept.map((f) => visibleHash(f))).toEqual(hashes); // not detached once the engine is gone
    kept.length = 0;
    gc();
    await new Promise((r) => setImmediate(r));
  }, 90_000);

  for (const how of ['terminate', 'exit'] as const) {
    it(`a worker ${how === 'terminate' ? 'terminated' : 'exiting'} while JS holds external frames`, async () => {
      const clip = makeClip({ seconds: 4 });
      const worker = new Worker(WORKER, { workerData: { path: 'live/w', count: 20, buffers: 'external' } });
      const next = () => withTimeout('a worker report', once(worker, 'message'), 30_000).then(([m]) => m as { port?: number; frames?: number; error?: string });
      const exited = withTimeout('the worker exit', once(worker, 'exit'), 60_000).then(([code]) => code as number);
      try {
        const { port, error } = await next();
        expect(error).toBeUndefined();
        publish(clip.file, `rtmp://127.0.0.1:${port}/live/w`, { loop: true, timeoutMs: 30_000 });
        await expect(next()).resolves.toEqual({ frames: 20 });
        if (how === 'terminate') await worker.terminate();
        else worker.postMessage('exit');
        await expect(exited).resolves.toBe(how === 'terminate' ? 1 : 0);
      } finally {
        await worker.terminate();
      }
    }, 90_000);
  }
});
