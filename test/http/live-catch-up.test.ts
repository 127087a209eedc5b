/**
 * lib/http/page/public/live-catch-up.js, the LL-HLS catch-up of the watch page
 * and the dashboard's player, run in a vm with a stand-in hls.js and video
 * element: it speeds up while behind the target with enough buffered, never
 * while the buffer is thin, leaves DVR distances alone, and the pages turn
 * hls.js's own catch-up off so the two never fight over the rate.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import vm from 'vm';

const ROOT = join(__dirname, '..', '..');
const PUBLIC = join(ROOT, 'lib/http/page/public');

interface CatchUp {
  start(hls: FakeHls, video: FakeVideo): () => void;
  rateFor(behind: number): number;
  MIN_AHEAD_S: number;
}
interface FakeHls {
  latency: number;
  targetLatency: number | null;
  latestLevelDetails: { live: boolean; targetduration: number } | null;
}
interface FakeVideo {
  paused: boolean;
  seeking: boolean;
  currentTime: number;
  playbackRate: number;
  buffered: { length: number; start(i: number): number; end(i: number): number };
}

/** Loads the script into a fresh context; `tick()` runs what setInterval registered. */
function load(): { catchUp: CatchUp; tick(): void; timers: number } {
  const callbacks = new Map<number, () => void>();
  let next = 1;
  const context: Record<string, unknown> = {
    Math,
    setInterval: (fn: () => void) => (callbacks.set(next, fn), next++),
    clearInterval: (id: number) => callbacks.delete(id),
  };
  context.window = context;
  vm.runInNewContext(readFileSync(join(PUBLIC, 'live-catch-up.js'), 'utf8'), context);
  return {
    catchUp: context.rtmpEngineLiveCatchUp as CatchUp,
    tick: () => callbacks.forEach((fn) => fn()),
    get timers() {
      return callbacks.size;
    },
  };
}

function video(currentTime: number, bufferedEnd: number): FakeVideo {
  return {
    paused: false,
    seeking: false,
    currentTime,
    playbackRate: 1,
    buffered: { length: 1, start: () => 0, end: () => bufferedEnd },
  };
}

const live = { live: true, targetduration: 2 };

describe('live catch-up (LL-HLS, less than 1 s buffered)', () => {
  it('follows hls.js’s curve: 1 at the target, faster the further behind, at most 1.5x', () => {
    const { catchUp } = load();
    expect(catchUp.rateFor(0)).toBe(1);
    expect(catchUp.rateFor(0.2)).toBe(1.05);
    expect(catchUp.rateFor(0.4)).toBe(1.15);
    expect(catchUp.rateFor(5)).toBe(1.5);
  });

  it('speeds up while behind with more than the margin buffered, and stops at the target', () => {
    const { catchUp, tick } = load();
    const hls: FakeHls = { latency: 1.05, targetLatency: 0.6, latestLevelDetails: live };
    const v = video(10, 10.85); // what hls.js left: 0.45 s behind, 0.85 s buffered
    catchUp.start(hls, v);
    tick();
    expect(v.playbackRate).toBe(1.15);
    hls.latency = 0.64; // caught up to within 50 ms
    tick();
    expect(v.playbackRate).toBe(1);
  });

  it('never speeds up with the buffer at or under the margin (a stall would cost more)', () => {
    const { catchUp, tick } = load();
    const hls: FakeHls = { latency: 1.2, targetLatency: 0.6, latestLevelDetails: live };
    const v = video(0, catchUp.MIN_AHEAD_S);
    catchUp.start(hls, v);
    tick();
    expect(v.playbackRate).toBe(1);
    v.buffered.end = () => 0.5;
    tick();
    expect(v.playbackRate).toBeGreaterThan(1);
    v.buffered.end = () => 0.2; // the buffer thinned while catching up
    tick();
    expect(v.playbackRate).toBe(1);
  });

  it('leaves playback far behind the edge (DVR), paused, seeking or not live alone', () => {
    const { catchUp, tick } = load();
    const hls: FakeHls = { latency: 30, targetLatency: 0.6, latestLevelDetails: live };
    const v = video(10, 12);
    catchUp.start(hls, v);
    tick();
    expect(v.playbackRate).toBe(1); // 29.4 s behind: more than target + a target duration
    hls.latency = 1.2;
    v.paused = true;
    tick();
    expect(v.playbackRate).toBe(1);
    v.paused = false;
    hls.latestLevelDetails = { live: false, targetduration: 2 };
    tick();
    expect(v.playbackRate).toBe(1);
  });

  it('stop() ends the timer and puts the rate back to 1', () => {
    const loaded = load();
    const hls: FakeHls = { latency: 1.2, targetLatency: 0.6, latestLevelDetails: live };
    const v = video(10, 11);
    const stop = loaded.catchUp.start(hls, v);
    loaded.tick();
    expect(v.playbackRate).toBeGreaterThan(1);
    stop();
    expect(v.playbackRate).toBe(1);
    expect(loaded.timers).toBe(0);
  });

  it('the watch page and the dashboard turn hls.js’s own catch-up off and start this one', () => {
    for (const file of ['player.js', 'dash-player.js']) {
      const text = readFileSync(join(PUBLIC, file), 'utf8');
      expect(text).toMatch(/maxLiveSyncPlaybackRate: 1,/);
      expect(text).toMatch(/rtmpEngineLiveCatchUp\.start\(hls, video\)/);
    }
  });
});
