/**
 * Media and master playlist text: the RFC 8216bis rules a player relies on,
 * checked on playlists written from windows built by synthetic feeds.
 */
import { HlsStore } from '../../lib/http/hls/store';
import { renderMediaPlaylist as renderWithEpoch } from '../../lib/http/hls/media-playlist';
import { renderMasterPlaylist } from '../../lib/http/hls/master-playlist';
import type { HlsFeedItem } from '../../lib/http/hls/feed';
import type { HlsStoreOptions } from '../../lib/http/hls/store';
import type { HlsStreamView } from '../../lib/http/hls/view';
import { FakePublish, kAudio, kVideo } from './hls-feed-builder';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

beforeEach(() => jest.useFakeTimers({ now: T0 }));
afterEach(() => jest.useRealTimers());

function feed(store: HlsStore, items: HlsFeedItem | HlsFeedItem[]): void {
  for (const item of Array.isArray(items) ? items : [items]) store.ingest(item);
}

/** A store with `segments` complete segments of the given durations and `openParts` parts of the next. */
function build(
  durations: number[],
  openParts = 0,
  options: HlsStoreOptions & { partMs?: number; format?: 'fmp4' | 'ts' } = {},
): { store: HlsStore; view: HlsStreamView; pub: FakePublish } {
  const store = new HlsStore(options);
  const pub = new FakePublish({ partMs: options.partMs, format: options.format });
  feed(store, pub.init());
  for (const d of durations) feed(store, pub.segment(d));
  if (openParts > 0) feed(store, pub.segment().slice(0, openParts));
  return { store, view: store.get('live/cam')!, pub };
}

/**
 * The media playlist with the stream instance's epoch prefix taken out of its
 * URIs, so the expectations below read as the layout (names.ts tests the prefix).
 */
function renderMediaPlaylist(...args: Parameters<typeof renderWithEpoch>): string {
  return renderWithEpoch(...args).split(`${args[0].epoch}-`).join('');
}

function attr(line: string, name: string): string | undefined {
  const m = new RegExp(`(?:[:,])${name}=("[^"]*"|[^,]*)`).exec(line);
  return m?.[1]?.replace(/^"|"$/g, '');
}

function lines(text: string, tag: string): string[] {
  return text.split('\n').filter((l) => l.startsWith(tag));
}

/** The URI lines (segments), in order. */
function uris(text: string): string[] {
  return text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
}

describe('media playlist (LL-HLS)', () => {
  test('the header tags, one PDT per segment, parts for the last two segments and the open one', () => {
    const { store, view } = build([2000, 2000, 2000, 2000], 3);
    const text = renderMediaPlaylist(view, 'video');
    expect(text.startsWith('#EXTM3U\n#EXT-X-VERSION:9\n#EXT-X-TARGETDURATION:2\n')).toBe(true);
    expect(text).toContain('#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=12.000,PART-HOLD-BACK=0.600\n');
    expect(text).toContain('#EXT-X-PART-INF:PART-TARGET=0.200\n');
    expect(text).toContain('#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-DISCONTINUITY-SEQUENCE:0\n');
    expect(lines(text, '#EXT-X-MAP')).toEqual(['#EXT-X-MAP:URI="init-0-video.mp4"']);
    expect(uris(text)).toEqual([0, 1, 2, 3].map((m) => `seg-${m}-video.m4s`));
    expect(lines(text, '#EXT-X-PROGRAM-DATE-TIME')).toEqual(
      [0, 2000, 4000, 6000, 8000].map((ms) => `#EXT-X-PROGRAM-DATE-TIME:${new Date(T0 + ms).toISOString()}`),
    );
    const parts = lines(text, '#EXT-X-PART:');
    expect(parts.length).toBe(10 + 10 + 3);
    expect(parts[0]).toBe('#EXT-X-PART:DURATION=0.200,URI="part-2-0-video.m4s",INDEPENDENT=YES');
    expect(parts[1]).toBe('#EXT-X-PART:DURATION=0.200,URI="part-2-1-video.m4s"');
    expect(parts[22]).toBe('#EXT-X-PART:DURATION=0.200,URI="part-4-2-video.m4s"');
    expect(lines(text, '#EXT-X-PRELOAD-HINT')).toEqual(['#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part-4-3-video.m4s"']);
    expect(lines(text, '#EXT-X-RENDITION-REPORT')).toEqual([
      '#EXT-X-RENDITION-REPORT:URI="audio.m3u8",LAST-MSN=4,LAST-PART=2',
    ]);
    expect(text).not.toContain('#EXT-X-ENDLIST');
    store.close();
  });

  test('target duration ≥ every segment\'s rounded duration, and part durations ≤ PART-TARGET', () => {
    const { store, view } = build([2000, 4400, 1800, 2600], 2, { partMs: 250 });
    const text = renderMediaPlaylist(view, 'video');
    const target = Number(lines(text, '#EXT-X-TARGETDURATION:')[0]!.split(':')[1]);
    expect(target).toBe(5);
    for (const l of lines(text, '#EXTINF:')) {
      expect(Math.round(parseFloat(l.slice('#EXTINF:'.length)))).toBeLessThanOrEqual(target);
    }
    const partTarget = Number(attr(lines(text, '#EXT-X-PART-INF')[0]!, 'PART-TARGET'));
    expect(partTarget).toBe(0.25);
    const partDurations = lines(text, '#EXT-X-PART:').map((l) => Number(attr(l, 'DURATION')));
    expect(partDurations.length).toBeGreaterThan(0);
    for (const d of partDurations) expect(d).toBeLessThanOrEqual(partTarget);
    const holdBack = Number(attr(lines(text, '#EXT-X-SERVER-CONTROL')[0]!, 'PART-HOLD-BACK'));
    expect(holdBack).toBeGreaterThanOrEqual(3 * partTarget);
    expect(Number(attr(lines(text, '#EXT-X-SERVER-CONTROL')[0]!, 'CAN-SKIP-UNTIL'))).toBe(6 * target);
    store.close();
  });

  test('PART-HOLD-BACK is partHoldBack parts (default 3, never under the RFC\'s 2)', () => {
    const holdBack = (options: Parameters<typeof build>[2]): number => {
      const { store, view } = build([2000], 2, options);
      const text = renderMediaPlaylist(view, 'video');
      store.close();
      return Number(attr(lines(text, '#EXT-X-SERVER-CONTROL')[0]!, 'PART-HOLD-BACK'));
    };
    expect(holdBack({})).toBe(0.6);
    expect(holdBack({ partHoldBack: 2 })).toBe(0.4);
    expect(holdBack({ partHoldBack: 2.5, partMs: 100, partDuration: 0.1 })).toBe(0.25);
    expect(holdBack({ partHoldBack: 1 })).toBe(0.4);
  });

  test('the target duration never shrinks once a long GOP went through', () => {
    const { store, view, pub } = build([2000, 6200], 0, { windowSegments: 2 });
    for (let i = 0; i < 3; i++) feed(store, pub.segment(2000));
    expect(view.segments.every((s) => s.duration === 2000)).toBe(true);
    expect(renderMediaPlaylist(view, 'video')).toContain('#EXT-X-TARGETDURATION:7\n');
    store.close();
  });

  test('a republish: discontinuity, a new EXT-X-MAP, numbering continued, sequence bumped as it slides out', () => {
    const store = new HlsStore({ windowSegments: 3 });
    const a = new FakePublish({ publishId: 1 });
    feed(store, a.init());
    feed(store, [...a.segment(), ...a.segment(), a.end()]);
    const b = new FakePublish({ publishId: 2, wall0: T0 + 60_000 });
    feed(store, b.init());
    feed(store, b.segment());
    const view = store.get('live/cam')!;
    let text = renderMediaPlaylist(view, 'video');
    expect(text).toContain(
      'seg-1-video.m4s\n#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI="init-1-video.mp4"\n' +
        `#EXT-X-PROGRAM-DATE-TIME:${new Date(T0 + 60_000).toISOString()}\n`,
    );
    expect(uris(text)).toEqual(['seg-0-video.m4s', 'seg-1-video.m4s', 'seg-2-video.m4s']);
    feed(store, [...b.segment(), ...b.segment(), ...b.segment()]); // window 3..5: msn 2 slid out
    text = renderMediaPlaylist(view, 'video');
    expect(text).toContain('#EXT-X-MEDIA-SEQUENCE:3\n#EXT-X-DISCONTINUITY-SEQUENCE:1\n');
    expect(text).not.toContain('#EXT-X-DISCONTINUITY\n');
    expect(lines(text, '#EXT-X-MAP')).toEqual(['#EXT-X-MAP:URI="init-1-video.mp4"']);
    store.close();
  });

  test('a gap segment: EXT-X-GAP and no parts; past a lost part the hint is the next segment', () => {
    const { store, view, pub } = build([2000]);
    const items = pub.segment();
    items.splice(2, 1);
    feed(store, items.slice(0, 4));
    let text = renderMediaPlaylist(view, 'video');
    expect(lines(text, '#EXT-X-PART:').map((l) => attr(l, 'URI'))).toContain('part-1-1-video.m4s');
    expect(lines(text, '#EXT-X-PRELOAD-HINT')).toEqual(['#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part-2-0-video.m4s"']);
    feed(store, items.slice(4));
    feed(store, pub.segment());
    text = renderMediaPlaylist(view, 'video');
    expect(text).toContain('#EXT-X-GAP\n#EXTINF:2.000,\nseg-1-video.m4s\n');
    expect(text).not.toContain('part-1-');
    store.close();
  });

  test('a delta update skips segments older than CAN-SKIP-UNTIL and lists the rest unchanged', () => {
    const { store, view } = build(Array(12).fill(1000), 2, { windowSegments: 12, segmentDuration: 1 });
    // target 1 s → CAN-SKIP-UNTIL 6 s; 12 × 1 s: the first 6 end ≥ 6 s before the end.
    const full = renderMediaPlaylist(view, 'video');
    const delta = renderMediaPlaylist(view, 'video', { skip: true });
    expect(lines(delta, '#EXT-X-SKIP')).toEqual(['#EXT-X-SKIP:SKIPPED-SEGMENTS=6']);
    const skipped = Number(attr(lines(delta, '#EXT-X-SKIP')[0]!, 'SKIPPED-SEGMENTS'));
    expect(uris(delta)).toEqual(uris(full).slice(skipped));
    expect(delta).toContain('#EXT-X-MEDIA-SEQUENCE:0\n');
    // The parts and the hint are the same in both.
    expect(lines(delta, '#EXT-X-PART:')).toEqual(lines(full, '#EXT-X-PART:'));
    expect(lines(delta, '#EXT-X-PRELOAD-HINT')).toEqual(lines(full, '#EXT-X-PRELOAD-HINT'));
    // Only as many as are old enough: a short window skips nothing.
    const short = build([2000, 2000, 2000], 1);
    expect(renderMediaPlaylist(short.view, 'video', { skip: true })).not.toContain('#EXT-X-SKIP');
    short.store.close();
    store.close();
  });

  test('a delta update never skips a discontinuity (the count of later segments would change)', () => {
    const store = new HlsStore({ windowSegments: 12, segmentDuration: 1 });
    const a = new FakePublish({ publishId: 1 });
    feed(store, a.init());
    for (let i = 0; i < 3; i++) feed(store, a.segment(1000));
    feed(store, a.end());
    const b = new FakePublish({ publishId: 2 });
    feed(store, b.init());
    for (let i = 0; i < 9; i++) feed(store, b.segment(1000));
    const view = store.get('live/cam')!;
    // 12 × 1 s, CAN-SKIP-UNTIL 6 s: six are old enough, but msn 3 starts the second publish.
    const delta = renderMediaPlaylist(view, 'video', { skip: true });
    expect(lines(delta, '#EXT-X-SKIP')).toEqual(['#EXT-X-SKIP:SKIPPED-SEGMENTS=3']);
    expect(delta).toContain(
      '#EXT-X-SKIP:SKIPPED-SEGMENTS=3\n#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI="init-1-video.mp4"\n',
    );
    store.close();
  });

  test('the same window gives the same bytes; query goes on every URL', () => {
    const { store, view } = build([2000, 2000, 2000], 2);
    const a = renderMediaPlaylist(view, 'audio', { query: 'token=abc' });
    expect(renderMediaPlaylist(view, 'audio', { query: 'token=abc' })).toBe(a);
    const urls = [
      ...uris(a),
      ...lines(a, '#EXT-X-MAP').map((l) => attr(l, 'URI')!),
      ...lines(a, '#EXT-X-PART:').map((l) => attr(l, 'URI')!),
      ...lines(a, '#EXT-X-PRELOAD-HINT').map((l) => attr(l, 'URI')!),
      ...lines(a, '#EXT-X-RENDITION-REPORT').map((l) => attr(l, 'URI')!),
    ];
    expect(urls.length).toBe(3 + 1 + 22 + 1 + 1);
    for (const u of urls) expect(u).toMatch(/^(seg|init|part|video)[-.][^?]*\?token=abc$/);
    expect(lines(a, '#EXT-X-RENDITION-REPORT')[0]).toBe(
      '#EXT-X-RENDITION-REPORT:URI="video.m3u8?token=abc",LAST-MSN=3,LAST-PART=1',
    );
    store.close();
  });

  test('after end: the hint names the next segment\'s first part; after endAfter: EXT-X-ENDLIST, no hint', () => {
    const { store, view, pub } = build([2000, 2000], 0, { endAfter: 5 });
    let text = renderMediaPlaylist(view, 'video');
    expect(lines(text, '#EXT-X-PRELOAD-HINT')).toEqual(['#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part-2-0-video.m4s"']);
    feed(store, pub.segment().slice(0, 2));
    feed(store, pub.end());
    text = renderMediaPlaylist(view, 'video');
    expect(text).not.toContain('#EXT-X-ENDLIST');
    expect(lines(text, '#EXT-X-PRELOAD-HINT')).toEqual(['#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part-3-0-video.m4s"']);
    jest.advanceTimersByTime(5000);
    text = renderMediaPlaylist(view, 'video');
    expect(text.endsWith('\n#EXT-X-ENDLIST\n')).toBe(true);
    expect(uris(text)).toEqual(['seg-0-video.m4s', 'seg-1-video.m4s', 'seg-2-video.m4s']);
    expect(text).not.toContain('#EXT-X-PRELOAD-HINT');
    store.close();
  });
});

describe('media playlist (classic)', () => {
  test('fMP4 without parts: no LL tags, version 6, EXT-X-MAP', () => {
    const { store, view } = build([2000, 2000], 0, { partMs: 0 });
    const text = renderMediaPlaylist(view, 'video', { skip: true });
    expect(text.startsWith('#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n')).toBe(true);
    for (const tag of ['SERVER-CONTROL', 'PART', 'PRELOAD-HINT', 'RENDITION-REPORT', 'SKIP']) {
      expect(text).not.toContain(`#EXT-X-${tag}`);
    }
    expect(text).toContain('#EXT-X-MAP:URI="init-0-video.mp4"\n');
    expect(uris(text)).toEqual(['seg-0-video.m4s', 'seg-1-video.m4s']);
    expect(view.segment('audio', 1)).toEqual(Buffer.alloc(100, 2));
    store.close();
  });

  test('TS: seg-<msn>.ts, no EXT-X-MAP, version 3; the muxed bytes whatever the track', () => {
    const { store, view } = build([2000, 2000, 2000], 0, { format: 'ts' });
    const text = renderMediaPlaylist(view, 'video');
    expect(text).toContain('#EXT-X-VERSION:3\n');
    expect(text).not.toContain('#EXT-X-MAP');
    expect(text).not.toContain('#EXT-X-PART');
    expect(uris(text)).toEqual(['seg-0.ts', 'seg-1.ts', 'seg-2.ts']);
    expect(lines(text, '#EXT-X-PROGRAM-DATE-TIME').length).toBe(3);
    expect(view.segment('audio', 2)).toEqual(Buffer.alloc(1000, 7));
    expect(view.etag('segment', 'video', 2)).toBe(view.etag('segment', 'audio', 2));
    store.close();
  });
});

describe('master playlist', () => {
  test('video + audio: an AUDIO rendition, exact codecs, resolution, frame rate, bandwidth', () => {
    const { store, view } = build([2000, 1000], 0, {});
    const text = renderMasterPlaylist(view, { query: 'token=abc&hls_sid=s1' });
    const bwVideo = view.bandwidth('video');
    const bwAudio = view.bandwidth('audio');
    expect(bwVideo.peak).toBe(40_000); // 5 parts × 1000 bytes in 1 s
    expect(text).toBe(
      [
        '#EXTM3U',
        '#EXT-X-VERSION:6',
        '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",NAME="audio",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2",' +
          'URI="audio.m3u8?token=abc&hls_sid=s1"',
        `#EXT-X-STREAM-INF:BANDWIDTH=${bwVideo.peak + bwAudio.peak},` +
          `AVERAGE-BANDWIDTH=${bwVideo.average + bwAudio.average},` +
          'CODECS="avc1.64001f,mp4a.40.2",RESOLUTION=1280x720,FRAME-RATE=30.000,AUDIO="audio"',
        'video.m3u8?token=abc&hls_sid=s1',
        '',
      ].join('\n'),
    );
    store.close();
  });

  test('audio-only: the audio playlist is the variant', () => {
    const store = new HlsStore();
    const pub = new FakePublish({ tracks: [kAudio] });
    feed(store, pub.init());
    feed(store, pub.segment());
    const view = store.get('live/cam')!;
    const text = renderMasterPlaylist(view);
    expect(text).not.toContain('#EXT-X-MEDIA');
    expect(text).toContain('CODECS="mp4a.40.2"');
    expect(text).not.toContain('RESOLUTION');
    expect(text.endsWith('\naudio.m3u8\n')).toBe(true);
    const media = renderMediaPlaylist(view, 'audio');
    expect(media).not.toContain('#EXT-X-RENDITION-REPORT');
    expect(media).toContain('#EXT-X-MAP:URI="init-0-audio.mp4"');
    store.close();
  });

  test('TS: one muxed variant with both codecs, no rendition', () => {
    const { store, view } = build([2000], 0, { format: 'ts' });
    const text = renderMasterPlaylist(view);
    expect(text).not.toContain('#EXT-X-MEDIA');
    expect(text).toContain('CODECS="avc1.64001f,mp4a.40.2"');
    expect(text.endsWith('\nvideo.m3u8\n')).toBe(true);
    store.close();
  });

  test('video-only: the video playlist, no AUDIO group', () => {
    const store = new HlsStore();
    const pub = new FakePublish({ tracks: [kVideo] });
    feed(store, pub.init());
    feed(store, pub.segment());
    const text = renderMasterPlaylist(store.get('live/cam')!);
    expect(text).not.toContain('AUDIO');
    expect(text).toContain('CODECS="avc1.64001f"');
    store.close();
  });
});

describe('a track without samples', () => {
  test('a part without audio is GAP=YES in the audio playlist only; a segment without audio is EXT-X-GAP', () => {
    const store = new HlsStore();
    const pub = new FakePublish();
    feed(store, pub.init());
    const noAudio = (items: HlsFeedItem[], which: (part: number) => boolean): HlsFeedItem[] =>
      items.map((it) => (it.type === 'part' && which(it.part) ? { ...it, audio: undefined } : it));
    feed(store, noAudio(pub.segment(), (p) => p === 3));
    feed(store, noAudio(pub.segment(), () => true));
    feed(store, pub.segment().slice(0, 2));
    const view = store.get('live/cam')!;
    const audio = renderMediaPlaylist(view, 'audio');
    const video = renderMediaPlaylist(view, 'video');
    expect(lines(audio, '#EXT-X-PART:')[3]).toBe('#EXT-X-PART:DURATION=0.200,URI="part-0-3-audio.m4s",GAP=YES');
    expect(lines(audio, '#EXT-X-PART:')[4]).toBe('#EXT-X-PART:DURATION=0.200,URI="part-0-4-audio.m4s"');
    expect(lines(audio, '#EXT-X-PART:').slice(10, 20).every((l) => l.endsWith(',GAP=YES'))).toBe(true);
    expect(audio).toContain('#EXT-X-GAP\n#EXTINF:2.000,\nseg-1-audio.m4s\n');
    expect(audio.match(/#EXT-X-GAP\n/g)?.length).toBe(1);
    expect(video).not.toContain('GAP');
    expect(view.part('audio', 0, 3)).toBeUndefined();
    expect(view.segment('audio', 1)).toBeUndefined();
    expect((view.segment('audio', 0) as Buffer[]).length).toBe(9);
    store.close();
  });
});
