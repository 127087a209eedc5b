/**
 * The window under a lossy, shuffled feed: items dropped, duplicated and
 * swapped at random (seeded, so a failure replays), republishes and codec
 * changes in between. Whatever arrives, the invariants a player relies on
 * hold after every item, and every playlist passes hls-parser strict mode.
 */
import { parse, setOptions } from 'hls-parser';
import { HlsStore } from '../../lib/http/hls/store';
import { renderMediaPlaylist } from '../../lib/http/hls/media-playlist';
import { renderMpd } from '../../lib/http/dash/mpd';
import type { HlsFeedItem } from '../../lib/http/hls/feed';
import type { HlsStreamView } from '../../lib/http/hls/view';
import { FakePublish } from './hls-feed-builder';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

beforeAll(() => setOptions({ strictMode: true }));
beforeEach(() => jest.useFakeTimers({ now: T0 }));
afterEach(() => jest.useRealTimers());

/** mulberry32: a small seeded PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function lossyFeed(rand: () => number): HlsFeedItem[] {
  const clean: HlsFeedItem[] = [];
  for (let p = 1; p <= 3; p++) {
    const pub = new FakePublish({ publishId: p, wall0: T0 + p * 100_000 });
    clean.push(pub.init());
    for (let i = 0; i < 12; i++) {
      if (i === 6) clean.push(pub.init(1));
      clean.push(...pub.segment(1000 + Math.floor(rand() * 3) * 600, 500));
    }
    clean.push(pub.end());
  }
  const out: HlsFeedItem[] = [];
  for (const item of clean) {
    const r = rand();
    if (item.type !== 'init' && r < 0.04) continue; // dropped
    out.push(item);
    if (r > 0.98) out.push(item); // duplicated
  }
  for (let i = 1; i < out.length; i++) {
    if (rand() < 0.02) [out[i - 1], out[i]] = [out[i]!, out[i - 1]!]; // swapped
  }
  return out;
}

/** Throws with the first broken invariant (plain checks: this runs after every item). */
function checkInvariants(view: HlsStreamView, maxBytes: number): void {
  const fail = (what: string): never => {
    throw new Error(`${what}\n${JSON.stringify(view.segments.map((s) => [s.msn, s.gap, s.duration]))}`);
  };
  const all = [...view.segments, ...(view.open ? [view.open] : [])];
  all.forEach((s, i) => {
    if (i > 0 && s.msn !== all[i - 1]!.msn + 1) fail(`msn ${s.msn} after ${all[i - 1]!.msn}`);
    if (s !== view.open && !(s.duration > 0)) fail(`msn ${s.msn}: duration ${s.duration}`);
    if (s !== view.open && Math.round(s.duration / 1000) > view.targetDuration) fail(`msn ${s.msn} > target`);
    s.parts.forEach((p, j) => {
      if (p.index !== j) fail(`msn ${s.msn}: part ${p.index} listed at ${j}`);
      if (p.duration / 1000 > view.partTarget) fail(`msn ${s.msn}: part ${j} > PART-TARGET`);
    });
    if (s.gap && s.parts.length > 0) fail(`gap msn ${s.msn} lists parts`);
    for (const track of ['video', 'audio'] as const) {
      if (s.gap && view.segment(track, s.msn) !== undefined) fail(`gap msn ${s.msn} has bytes`);
      for (let j = 0; j < s.parts.length; j++) {
        if (!Buffer.isBuffer(view.part(track, s.msn, j))) fail(`msn ${s.msn} part ${j}: no bytes`);
      }
    }
  });
  const last = all[all.length - 1];
  if (last !== undefined && view.nextMsn !== last.msn + 1) fail(`nextMsn ${view.nextMsn}`);
  const held = view.heldBytes;
  const openBytes = (view.open?.bytes.video ?? 0) + (view.open?.bytes.audio ?? 0);
  if (view.segments.length > 0 && held - openBytes > maxBytes) fail(`held ${held} > ${maxBytes}`);
}

test.each([1, 2, 3, 4, 5])('seed %i: the window stays consistent and every playlist valid', (seed) => {
  const rand = prng(seed);
  const maxBytes = 30_000;
  const store = new HlsStore({ windowSegments: 6, maxStreamBytes: maxBytes, segmentDuration: 2 });
  for (const item of lossyFeed(rand)) {
    store.ingest(item);
    const view = store.get('live/cam');
    if (view === undefined) continue;
    checkInvariants(view, maxBytes);
    for (const track of ['video', 'audio'] as const) {
      for (const skip of [false, true]) {
        const text = renderMediaPlaylist(view, track, { skip });
        try {
          parse(text);
        } catch (e) {
          throw new Error(`seed ${seed}: ${(e as Error).message}\n${text}`);
        }
      }
    }
    const mpd = renderMpd(view, {});
    if (mpd !== undefined) {
      // Every number the MPD addresses is a whole segment in the window (or the open one).
      const whole = [...view.segments.filter((s) => !s.gap), ...(view.open ? [view.open] : [])];
      const listed = new Set(whole.map((s) => s.msn));
      for (const m of mpd.matchAll(/startNumber="(\d+)"/g)) expect(listed.has(Number(m[1]))).toBe(true);
    }
  }
  expect(store.counters().gapSegments).toBeGreaterThan(0);
  store.close();
});
