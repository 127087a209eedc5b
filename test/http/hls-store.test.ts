/**
 * HlsStore: numbering across republish, the window (count and bytes), lost
 * items, blocking-reload waiters and the end-of-stream timers (fake time).
 */
import { HlsStore } from '../../lib/http/hls/store';
import type { HlsFeedItem } from '../../lib/http/hls/feed';
import { FakePublish, kAudio } from './hls-feed-builder';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

function feed(store: HlsStore, items: HlsFeedItem | HlsFeedItem[]): void {
  for (const item of Array.isArray(items) ? items : [items]) store.ingest(item);
}

beforeEach(() => {
  jest.useFakeTimers({ now: T0 });
});
afterEach(() => {
  jest.useRealTimers();
});

describe('numbering', () => {
  test('segments are numbered from 0, parts listed in order, bytes served as the parts list', () => {
    const store = new HlsStore();
    const pub = new FakePublish();
    feed(store, pub.init());
    for (let i = 0; i < 3; i++) feed(store, pub.segment());
    const view = store.get('live/cam')!;
    expect(view.segments.map((s) => s.msn)).toEqual([0, 1, 2]);
    expect(view.segments.every((s) => !s.gap && s.parts.length === 10)).toBe(true);
    const seg = view.segment('video', 1);
    expect(Array.isArray(seg)).toBe(true);
    expect((seg as Buffer[]).length).toBe(10);
    expect((seg as Buffer[])[3]![0]).toBe(3);
    expect(view.part('audio', 2, 9)).toEqual(Buffer.alloc(100, 9));
    expect(view.init('video', 0)).toEqual(Buffer.from('init-v-1-0'));
    expect(view.nextMsn).toBe(3);
    expect(store.streams()).toEqual(['live/cam']);
    store.close();
  });

  test('a republish continues the Media Sequence Number with a discontinuity and a new init', () => {
    const store = new HlsStore();
    const a = new FakePublish({ publishId: 1 });
    feed(store, a.init());
    feed(store, [...a.segment(), ...a.segment(), a.end()]);
    const b = new FakePublish({ publishId: 2, wall0: T0 + 10_000 });
    feed(store, b.init());
    feed(store, [...b.segment(), ...b.segment()]);
    const view = store.get('live/cam')!;
    expect(view.segments.map((s) => [s.msn, s.initId, s.discontinuity])).toEqual([
      [0, 0, false],
      [1, 0, false],
      [2, 1, true],
      [3, 1, false],
    ]);
    expect(view.init('video', 1)).toEqual(Buffer.from('init-v-2-0'));
    expect(view.live).toBe(true);
    store.close();
  });

  test('a codec change mid-publish (initId + 1) starts a new segment with a discontinuity', () => {
    const store = new HlsStore();
    const pub = new FakePublish();
    feed(store, pub.init());
    feed(store, pub.segment());
    feed(store, pub.init(1));
    feed(store, pub.segment());
    const view = store.get('live/cam')!;
    expect(view.segments.map((s) => [s.msn, s.initId, s.discontinuity])).toEqual([
      [0, 0, false],
      [1, 1, true],
    ]);
    store.close();
  });

  test('the discontinuity sequence counts discontinuities that slid out of the window', () => {
    const store = new HlsStore({ windowSegments: 3 });
    for (let p = 1; p <= 3; p++) {
      const pub = new FakePublish({ publishId: p });
      feed(store, pub.init());
      feed(store, [...pub.segment(), ...pub.segment(), pub.end()]);
    }
    // msn 0,1 | 2*,3 | 4*,5  → window 3..5; the discontinuity at 2 slid out.
    const view = store.get('live/cam')!;
    expect(view.segments.map((s) => s.msn)).toEqual([3, 4, 5]);
    expect(view.discontinuitySequence).toBe(1);
    const pub = new FakePublish({ publishId: 4 });
    feed(store, pub.init());
    feed(store, [...pub.segment(), ...pub.segment()]); // 6*, 7 → window 5,6,7: msn 4 slid out
    expect(store.get('live/cam')!.discontinuitySequence).toBe(2);
    store.close();
  });
});

describe('window', () => {
  test('keeps windowSegments complete segments; older ones answer expired, later ones future or nothing', () => {
    const store = new HlsStore({ windowSegments: 6 });
    const pub = new FakePublish();
    feed(store, pub.init());
    for (let i = 0; i < 10; i++) feed(store, pub.segment());
    const items = pub.segment();
    feed(store, items.slice(0, 3)); // three parts of msn 10
    const view = store.get('live/cam')!;
    expect(view.segments.map((s) => s.msn)).toEqual([4, 5, 6, 7, 8, 9]);
    expect(view.open?.msn).toBe(10);
    expect(view.segment('video', 3)).toBe('expired');
    expect(view.part('video', 2, 0)).toBe('expired');
    expect(view.segment('video', 10)).toBe('future');
    expect(view.part('video', 10, 3)).toBe('future');
    expect(view.part('video', 11, 0)).toBe('future');
    expect(view.part('video', 20, 0)).toBeUndefined();
    expect(view.init('video', 5)).toBeUndefined();
    store.close();
  });

  test('maxStreamBytes trims the oldest segments first', () => {
    // Each segment holds 10 parts × (1000 video + 100 audio) = 11000 bytes.
    const store = new HlsStore({ windowSegments: 6, maxStreamBytes: 40_000 });
    const pub = new FakePublish();
    feed(store, pub.init());
    for (let i = 0; i < 8; i++) feed(store, pub.segment());
    const view = store.get('live/cam')!;
    expect(view.segments.map((s) => s.msn)).toEqual([5, 6, 7]);
    expect(view.segment('video', 4)).toBe('expired');
    store.close();
  });

  test('init segments no listed segment needs are dropped and answer expired', () => {
    const store = new HlsStore({ windowSegments: 2 });
    const a = new FakePublish({ publishId: 1 });
    feed(store, a.init());
    feed(store, [...a.segment(), a.end()]);
    const b = new FakePublish({ publishId: 2 });
    feed(store, b.init());
    feed(store, [...b.segment(), ...b.segment()]);
    const view = store.get('live/cam')!;
    expect(view.init('video', 0)).toBe('expired');
    expect(view.init('video', 1)).toBeInstanceOf(Buffer);
    expect(view.init('video', 2)).toBeUndefined();
    store.close();
  });

  test('measures peak and average bit rate per track from bytes and durations', () => {
    const store = new HlsStore();
    const pub = new FakePublish({ partMs: 0 });
    feed(store, pub.init());
    feed(store, pub.segment(2000, 25_000)); // 100 kbit/s video
    feed(store, pub.segment(1000, 25_000)); // 200 kbit/s video
    const view = store.get('live/cam')!;
    expect(view.bandwidth('video')).toEqual({ peak: 200_000, average: Math.ceil((50_000 * 8000) / 3000) });
    expect(view.bandwidth('audio').peak).toBe(20_000);
    store.close();
  });
});

describe('lost and reordered items', () => {
  test('a lost part makes its segment a gap (no parts, no bytes); the next segment is whole', () => {
    const store = new HlsStore();
    const pub = new FakePublish();
    feed(store, pub.init());
    feed(store, pub.segment());
    const items = pub.segment();
    items.splice(4, 1); // part 4 of msn 1 lost
    feed(store, items.slice(0, 6));
    const view = store.get('live/cam')!;
    expect(view.open?.parts.length).toBe(4); // listing stops at the hole
    expect(view.part('video', 1, 4)).toBeUndefined();
    feed(store, items.slice(6));
    feed(store, pub.segment());
    expect(view.segments.map((s) => [s.msn, s.gap, s.parts.length])).toEqual([
      [0, false, 10],
      [1, true, 0],
      [2, false, 10],
    ]);
    expect(view.segments[1]!.duration).toBe(2000);
    expect(view.segment('video', 1)).toBeUndefined();
    expect(store.counters().gapSegments).toBe(1);
    store.close();
  });

  test('a lost segment item alone loses nothing when the parts run up to the next segment', () => {
    const store = new HlsStore();
    const pub = new FakePublish();
    feed(store, pub.init());
    const items = pub.segment();
    feed(store, items.slice(0, -1)); // the segment item is lost
    feed(store, pub.segment());
    const view = store.get('live/cam')!;
    expect(view.segments.map((s) => [s.msn, s.gap, s.duration])).toEqual([
      [0, false, 2000],
      [1, false, 2000],
    ]);
    store.close();
  });

  test('whole segments lost in between become one gap segment spanning their time', () => {
    const store = new HlsStore();
    const pub = new FakePublish();
    feed(store, pub.init());
    feed(store, pub.segment());
    pub.segment();
    pub.segment(1500); // two segments (3.5 s) never arrive
    feed(store, pub.segment());
    const view = store.get('live/cam')!;
    expect(view.segments.map((s) => [s.msn, s.gap, s.start, s.duration])).toEqual([
      [0, false, 0, 2000],
      [1, true, 2000, 3500],
      [2, false, 5500, 2000],
    ]);
    store.close();
  });

  test('duplicate, stale and orphan items are ignored and counted', () => {
    const store = new HlsStore();
    const pub = new FakePublish();
    const first = pub.segment();
    feed(store, first[0]!); // before any init: ignored
    feed(store, pub.init());
    const items = pub.segment();
    feed(store, items.slice(0, 3));
    feed(store, items[1]!); // duplicate part
    feed(store, items.slice(3));
    feed(store, items[items.length - 1]!); // the segment again (stale)
    const view = store.get('live/cam')!;
    expect(view.segments.map((s) => [s.msn, s.gap, s.parts.length])).toEqual([[0, false, 10]]);
    expect(store.counters().ignoredItems).toBe(3);
    store.close();
  });
});

describe('blocking reloads', () => {
  test('1000 waiters on one part are released by the one ingest that lists it', async () => {
    const store = new HlsStore();
    const pub = new FakePublish();
    feed(store, pub.init());
    feed(store, pub.segment());
    const items = pub.segment();
    feed(store, items.slice(0, 2)); // parts 0, 1 of msn 1
    const waits = Array.from({ length: 1000 }, () => store.waitFor('live/cam', 1, 2, 10_000));
    const other = store.waitFor('live/cam', 1, 3, 10_000);
    expect(store.waiting()).toBe(1001);
    feed(store, items[2]!);
    expect(store.waiting()).toBe(1);
    const results = await Promise.all(waits);
    expect(results.every((r) => r === 'ready')).toBe(true);
    feed(store, items[3]!);
    await expect(other).resolves.toBe('ready');
    expect(jest.getTimerCount()).toBe(1); // only the stall check of the live stream
    store.close();
  });

  test('a whole-segment wait resolves when the segment is complete', async () => {
    const store = new HlsStore();
    const pub = new FakePublish();
    feed(store, pub.init());
    const items = pub.segment();
    const wait = store.waitFor('live/cam', 0, undefined, 10_000);
    feed(store, items.slice(0, -1));
    expect(store.waiting()).toBe(1);
    feed(store, items[items.length - 1]!);
    await expect(wait).resolves.toBe('ready');
    store.close();
  });

  test('a part past a segment\'s last is part 0 of the next one (RFC 8216bis §6.2.5.2)', async () => {
    const store = new HlsStore();
    const pub = new FakePublish();
    feed(store, pub.init());
    feed(store, pub.segment());
    const wait = store.waitFor('live/cam', 0, 10, 10_000);
    expect(store.waiting()).toBe(1);
    feed(store, pub.segment()[0]!);
    await expect(wait).resolves.toBe('ready');
    await expect(store.waitFor('live/cam', 0, 3, 10_000)).resolves.toBe('ready');
    store.close();
  });

  test('times out cleanly: the waiter and its timer are gone', async () => {
    const store = new HlsStore();
    const pub = new FakePublish();
    feed(store, pub.init());
    feed(store, pub.segment());
    const wait = store.waitFor('live/cam', 1, 0, 3000);
    jest.advanceTimersByTime(2999);
    expect(store.waiting()).toBe(1);
    jest.advanceTimersByTime(1);
    await expect(wait).resolves.toBe('timeout');
    expect(store.waiting()).toBe(0);
    expect(jest.getTimerCount()).toBe(1); // only the stall check of the live stream
    store.close();
  });

  test('too far: more than two segments past the last, or past the Advance Part Limit', async () => {
    const store = new HlsStore({ partDuration: 0.2 });
    const pub = new FakePublish();
    feed(store, pub.init());
    feed(store, pub.segment()); // last complete msn 0
    feed(store, pub.segment().slice(0, 2)); // msn 1 open with parts 0, 1
    await expect(store.waitFor('live/cam', 3, undefined, 1000)).resolves.toBe('too-far');
    await expect(store.waitFor('live/cam', 3, 0, 1000)).resolves.toBe('too-far');
    // Advance Part Limit at PART-TARGET 0.2 s: 3 / 0.2 = 15 parts past the last listed (1).
    await expect(store.waitFor('live/cam', 1, 17, 1000)).resolves.toBe('too-far');
    const within = store.waitFor('live/cam', 1, 16, 1000);
    const twoAhead = store.waitFor('live/cam', 2, undefined, 1000);
    expect(store.waiting()).toBe(2);
    store.close();
    await expect(within).resolves.toBe('gone');
    await expect(twoAhead).resolves.toBe('gone');
  });

  test('unknown streams and a closed store answer gone', async () => {
    const store = new HlsStore();
    await expect(store.waitFor('live/none', 0, 0, 1000)).resolves.toBe('gone');
    store.close();
    const pub = new FakePublish();
    store.ingest(pub.init());
    expect(store.get('live/cam')).toBeUndefined();
  });
});

describe('end of a publish', () => {
  test('end → still listed; after endAfter EXT-X-ENDLIST releases waiters; after keepEnded forgotten', async () => {
    const store = new HlsStore({ endAfter: 30, keepEnded: 60 });
    const pub = new FakePublish();
    feed(store, pub.init());
    feed(store, [...pub.segment(), ...pub.segment(), pub.end()]);
    const view = store.get('live/cam')!;
    expect(view.live).toBe(false);
    expect(view.ended).toBe(false);
    const wait = store.waitFor('live/cam', 2, 0, 60_000);
    jest.advanceTimersByTime(29_999);
    expect(view.ended).toBe(false);
    jest.advanceTimersByTime(1);
    expect(view.ended).toBe(true);
    await expect(wait).resolves.toBe('ready');
    expect(store.streams()).toEqual(['live/cam']);
    const late = store.waitFor('live/cam', 5, 0, 1000);
    await expect(late).resolves.toBe('ready'); // §6.2.5.2: ignored after ENDLIST
    jest.advanceTimersByTime(60_000);
    expect(store.streams()).toEqual([]);
    expect(store.get('live/cam')).toBeUndefined();
    expect(jest.getTimerCount()).toBe(0);
    store.close();
  });

  test('a new publish within endAfter cancels the end and continues numbering', () => {
    const store = new HlsStore({ endAfter: 30 });
    const a = new FakePublish({ publishId: 1 });
    feed(store, a.init());
    feed(store, [...a.segment(), a.end()]);
    jest.advanceTimersByTime(20_000);
    const b = new FakePublish({ publishId: 2, tracks: [kAudio] });
    feed(store, b.init());
    feed(store, b.segment());
    jest.advanceTimersByTime(20_000);
    const view = store.get('live/cam')!;
    expect(view.ended).toBe(false);
    expect(view.segments.map((s) => [s.msn, s.discontinuity])).toEqual([
      [0, false],
      [1, true],
    ]);
    expect(view.tracks.map((t) => t.kind)).toEqual(['audio']);
    store.close();
    expect(jest.getTimerCount()).toBe(0);
  });

  test('an open segment is closed by the end of its publish', () => {
    const store = new HlsStore();
    const pub = new FakePublish();
    feed(store, pub.init());
    feed(store, pub.segment().slice(0, 4));
    feed(store, pub.end());
    const view = store.get('live/cam')!;
    expect(view.open).toBeUndefined();
    expect(view.segments.map((s) => [s.msn, s.gap, s.duration])).toEqual([[0, false, 800]]);
    store.close();
  });
});

describe('memory', () => {
  test('heldBytes counts parts, segments and inits, and drops with the window', () => {
    const store = new HlsStore({ windowSegments: 2 });
    const pub = new FakePublish();
    feed(store, pub.init());
    const view = store.get('live/cam')!;
    const init = 'init-v-1-0'.length + 'init-a-1-0'.length;
    expect(view.heldBytes).toBe(init);
    for (let i = 0; i < 5; i++) feed(store, pub.segment());
    expect(view.heldBytes).toBe(init + 2 * 10 * 1100);
    feed(store, pub.segment().slice(0, 3));
    expect(view.heldBytes).toBe(init + 2 * 10 * 1100 + 3 * 1100);
    store.close();
  });
});

describe('liveness: a lost end item', () => {
  test('a live stream silent for max(3 × target duration, 10 s) ends as stalled, then endAfter runs', () => {
    const store = new HlsStore({ segmentDuration: 2, endAfter: 30 });
    const pub = new FakePublish();
    feed(store, pub.init());
    feed(store, pub.segment());
    const view = store.get('live/cam')!;
    jest.advanceTimersByTime(9_999);
    expect(view.live).toBe(true);
    jest.advanceTimersByTime(1);
    expect(view.live).toBe(false);
    expect(view.ended).toBe(false);
    expect(store.counters().stalledStreams).toBe(1);
    jest.advanceTimersByTime(30_000);
    expect(view.ended).toBe(true);
    store.close();
  });

  test('items keep it live; a long target duration stretches the limit; a real end stops the rule', () => {
    const store = new HlsStore({ segmentDuration: 6 });
    const pub = new FakePublish();
    feed(store, pub.init());
    const view = store.get('live/cam')!;
    for (let i = 0; i < 12; i++) {
      jest.advanceTimersByTime(9_000);
      feed(store, pub.segment());
    }
    expect(view.live).toBe(true);
    jest.advanceTimersByTime(17_999); // 3 × 6 s target duration
    expect(view.live).toBe(true);
    jest.advanceTimersByTime(1);
    expect(view.live).toBe(false);
    expect(store.counters().stalledStreams).toBe(1);

    const other = new HlsStore({ segmentDuration: 2 });
    const b = new FakePublish();
    feed(other, [b.init(), ...b.segment(), b.end()]);
    jest.advanceTimersByTime(60_000);
    expect(other.counters().stalledStreams).toBe(0);
    other.close();
    store.close();
    expect(jest.getTimerCount()).toBe(0);
  });
});
