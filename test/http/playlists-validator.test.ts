/**
 * An independent check: every playlist the store writes along an eventful
 * stream (republish, codec change, lost parts, lost segments, a long GOP, end)
 * is read back by hls-parser in strict mode, which throws on the RFC 8216bis
 * and LL-HLS rules it knows (EXTINF vs target, PART vs PART-TARGET, preload
 * hint, skip boundary, tag order, parts older than three target durations…).
 */
import { parse, setOptions } from 'hls-parser';
import type { MasterPlaylist, MediaPlaylist } from 'hls-parser/types';
import { HlsStore } from '../../lib/http/hls/store';
import { renderMediaPlaylist } from '../../lib/http/hls/media-playlist';
import { renderMasterPlaylist } from '../../lib/http/hls/master-playlist';
import type { HlsFeedItem } from '../../lib/http/hls/feed';
import { FakePublish, kAudio, kVideo } from './hls-feed-builder';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

beforeAll(() => setOptions({ strictMode: true }));
beforeEach(() => jest.useFakeTimers({ now: T0 }));
afterEach(() => jest.useRealTimers());

/** The items of an eventful stream, in feed order. */
function eventfulFeed(): HlsFeedItem[] {
  const items: HlsFeedItem[] = [];
  const a = new FakePublish({ publishId: 1 });
  items.push(a.init());
  for (let i = 0; i < 4; i++) items.push(...a.segment(2000));
  items.push(...a.segment(4600)); // a long GOP
  // Audio missing from one part, then from a whole segment.
  const withoutAudio = (list: HlsFeedItem[], which: (part: number) => boolean): HlsFeedItem[] =>
    list.map((it) => (it.type === 'part' && which(it.part) ? { ...it, audio: undefined } : it));
  items.push(...withoutAudio(a.segment(2000), (p) => p === 2));
  items.push(...withoutAudio(a.segment(2000), () => true));
  const lost = a.segment(2000);
  lost.splice(5, 1); // a lost part
  items.push(...lost);
  items.push(...a.segment(2000));
  a.segment(2000); // a lost segment
  items.push(...a.segment(1800));
  items.push(a.init(1)); // codec change
  for (let i = 0; i < 3; i++) items.push(...a.segment(2000));
  items.push(...a.segment(2000).slice(0, 4), a.end()); // leaves mid-segment
  const b = new FakePublish({ publishId: 2, wall0: T0 + 60_000, tracks: [kVideo, kAudio] });
  items.push(b.init());
  for (let i = 0; i < 9; i++) items.push(...b.segment(2000));
  items.push(b.end());
  return items;
}

test('every playlist along an eventful stream passes hls-parser strict mode', () => {
  const store = new HlsStore({ windowSegments: 8, endAfter: 10 });
  let checked = 0;
  const check = (): void => {
    const view = store.get('live/cam');
    if (view === undefined || view.segments.length + (view.open?.parts.length ?? 0) === 0) return;
    const master = parse(renderMasterPlaylist(view, { query: 'token=t' })) as MasterPlaylist;
    expect(master.isMasterPlaylist).toBe(true);
    expect(master.variants[0]!.codecs).toBe('avc1.64001f,mp4a.40.2');
    for (const track of ['video', 'audio'] as const) {
      for (const skip of [false, true]) {
        const text = renderMediaPlaylist(view, track, { skip });
        let media: MediaPlaylist;
        try {
          media = parse(text) as MediaPlaylist;
        } catch (e) {
          throw new Error(`${(e as Error).message}\n${text}`);
        }
        expect(media.isMasterPlaylist).toBe(false);
        const first = view.segments[0]?.msn ?? view.open?.msn ?? 0;
        expect(media.mediaSequenceBase).toBe(first);
        expect(media.discontinuitySequenceBase).toBe(view.discontinuitySequence);
        checked++;
      }
    }
  };
  for (const item of eventfulFeed()) {
    store.ingest(item);
    check();
  }
  jest.advanceTimersByTime(10_000);
  expect(store.get('live/cam')!.ended).toBe(true);
  check();
  expect(checked).toBeGreaterThan(500);
  const counters = store.counters();
  expect(counters.gapSegments).toBe(2);
  store.close();
});

test('the oracle bites: broken variants of a good playlist are refused', () => {
  const store = new HlsStore();
  const pub = new FakePublish();
  store.ingest(pub.init());
  for (let i = 0; i < 3; i++) for (const item of pub.segment(2000)) store.ingest(item);
  for (const item of pub.segment(2000).slice(0, 2)) store.ingest(item);
  const good = renderMediaPlaylist(store.get('live/cam')!, 'video');
  expect(() => parse(good)).not.toThrow();
  const broken = [
    good.replace('#EXT-X-TARGETDURATION:2', '#EXT-X-TARGETDURATION:1'),
    good.replace(/#EXT-X-PRELOAD-HINT:[^\n]*\n/, ''),
    good.replace('PART-TARGET=0.200', 'PART-TARGET=0.100'),
    good.replace('CAN-SKIP-UNTIL=12.000', 'CAN-SKIP-UNTIL=6.000'),
  ];
  for (const text of broken) {
    expect(text).not.toBe(good);
    expect(() => parse(text)).toThrow();
  }
  store.close();
});
