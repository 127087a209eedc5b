/**
 * The DASH MPD: well-formed XML, the live attributes, one Period per run,
 * SegmentTimelines that add up to the listed segments, low-latency attributes.
 */
import { HlsStore } from '../../lib/http/hls/store';
import { renderMpd } from '../../lib/http/dash/mpd';
import type { HlsFeedItem } from '../../lib/http/hls/feed';
import { FakePublish } from './hls-feed-builder';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

beforeEach(() => jest.useFakeTimers({ now: T0 }));
afterEach(() => jest.useRealTimers());

function feed(store: HlsStore, items: HlsFeedItem | HlsFeedItem[]): void {
  for (const item of Array.isArray(items) ? items : [items]) store.ingest(item);
}

interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
}

/** A strict little XML reader: throws on bad nesting, bad attributes or stray text. */
function parseXml(text: string): XmlNode {
  const body = text.replace(/^<\?xml [^?]*\?>\s*/, '');
  const root: XmlNode = { name: '#root', attrs: {}, children: [] };
  const stack: XmlNode[] = [root];
  const re = /<(\/?)([A-Za-z][\w:]*)((?:\s+[\w:]+="[^"<]*")*)\s*(\/?)>|([^<]+)/g;
  let pos = 0;
  for (let m = re.exec(body); m !== null; m = re.exec(body)) {
    if (m.index !== pos) throw new Error(`unparsed text at ${pos}: ${body.slice(pos, pos + 40)}`);
    pos = re.lastIndex;
    if (m[5] !== undefined) {
      if (m[5].trim() !== '') throw new Error(`stray text: ${m[5]}`);
      continue;
    }
    const [, close, name, attrText, selfClose] = m;
    if (close) {
      const top = stack.pop();
      if (top?.name !== name) throw new Error(`</${name}> closes <${top?.name}>`);
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of (attrText ?? '').matchAll(/([\w:]+)="([^"]*)"/g)) {
      if (a[1]! in attrs) throw new Error(`duplicate attribute ${a[1]}`);
      if (/&(?!amp;|lt;|gt;|quot;)/.test(a[2]!)) throw new Error(`unescaped & in ${a[1]}`);
      attrs[a[1]!] = a[2]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
    }
    const node: XmlNode = { name: name!, attrs, children: [] };
    stack[stack.length - 1]!.children.push(node);
    if (!selfClose) stack.push(node);
  }
  if (pos !== body.length) throw new Error('trailing text');
  if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1]!.name}>`);
  if (root.children.length !== 1) throw new Error('one root element expected');
  return root.children[0]!;
}

function all(node: XmlNode, name: string): XmlNode[] {
  const found: XmlNode[] = [];
  for (const c of node.children) {
    if (c.name === name) found.push(c);
    found.push(...all(c, name));
  }
  return found;
}

/** [number, t, d] of every segment a SegmentTemplate addresses. */
function addressed(set: XmlNode): Array<[number, number, number]> {
  const tmpl = all(set, 'SegmentTemplate')[0]!;
  let n = Number(tmpl.attrs.startNumber);
  let t = 0;
  const out: Array<[number, number, number]> = [];
  for (const s of all(tmpl, 'S')) {
    if (s.attrs.t !== undefined) t = Number(s.attrs.t);
    const d = Number(s.attrs.d);
    for (let i = 0; i <= Number(s.attrs.r ?? 0); i++) {
      out.push([n++, t, d]);
      t += d;
    }
  }
  return out;
}

function seconds(iso: string): number {
  return Number(/^PT([\d.]+)S$/.exec(iso)![1]);
}

describe('MPD', () => {
  test('a live LL stream: dynamic, one Period, a timeline per track covering the window and the open segment', () => {
    const store = new HlsStore();
    const pub = new FakePublish();
    feed(store, pub.init());
    for (const d of [2000, 2400, 1800, 2000]) feed(store, pub.segment(d));
    feed(store, pub.segment().slice(0, 3));
    const view = store.get('live/cam')!;
    const text = renderMpd(view, { now: T0, query: 'token=a&b' })!;
    const mpd = parseXml(text);
    expect(mpd.name).toBe('MPD');
    expect(mpd.attrs).toMatchObject({
      xmlns: 'urn:mpeg:dash:schema:mpd:2011',
      type: 'dynamic',
      availabilityStartTime: new Date(T0).toISOString(),
      publishTime: new Date(T0).toISOString(),
      minimumUpdatePeriod: 'PT1.000S',
      timeShiftBufferDepth: 'PT8.200S',
      maxSegmentDuration: 'PT3.000S',
    });
    expect(seconds(mpd.attrs.suggestedPresentationDelay!)).toBeGreaterThan(0);
    const periods = all(mpd, 'Period');
    expect(periods.map((p) => [p.attrs.id, p.attrs.start])).toEqual([['p0', 'PT0.000S']]);
    const sets = all(mpd, 'AdaptationSet');
    expect(sets.map((s) => [s.attrs.contentType, s.attrs.mimeType])).toEqual([
      ['video', 'video/mp4'],
      ['audio', 'audio/mp4'],
    ]);
    const [video, audio] = sets;
    const vt = all(video!, 'SegmentTemplate')[0]!;
    expect(vt.attrs).toMatchObject({
      timescale: '90000',
      initialization: `${view.epoch}-init-0-video.mp4?token=a&b`,
      media: `${view.epoch}-seg-$Number$-video.m4s?token=a&b`,
      startNumber: '0',
      availabilityTimeOffset: '1.800',
      availabilityTimeComplete: 'false',
    });
    // The timeline adds up to the listed segments, then the open one at the segment target.
    const expected = [2000, 2400, 1800, 2000, 2000];
    let start = 0;
    const want = expected.map((ms, i) => {
      const row: [number, number, number] = [i, (start * 90000) / 1000, (ms * 90000) / 1000];
      start += ms;
      return row;
    });
    expect(addressed(video!)).toEqual(want);
    expect(addressed(audio!).map(([n, t, d]) => [n, (t * 1000) / 48000, (d * 1000) / 48000])).toEqual(
      want.map(([n, t, d]) => [n, (t * 1000) / 90000, (d * 1000) / 90000]),
    );
    expect(all(video!, 'Representation')[0]!.attrs).toMatchObject({
      id: 'video',
      codecs: 'avc1.64001f',
      width: '1280',
      height: '720',
      frameRate: '30',
    });
    expect(Number(all(video!, 'Representation')[0]!.attrs.bandwidth)).toBe(view.bandwidth('video').peak);
    expect(all(audio!, 'Representation')[0]!.attrs).toMatchObject({ codecs: 'mp4a.40.2', audioSamplingRate: '48000' });
    expect(all(audio!, 'AudioChannelConfiguration')[0]!.attrs.value).toBe('2');
    expect(all(mpd, 'UTCTiming')[0]!.attrs).toEqual({
      schemeIdUri: 'urn:mpeg:dash:utc:http-iso:2014',
      value: '/time',
    });
    // Same window, same bytes, whatever the time of the request.
    expect(renderMpd(view, { now: T0 + 5000, query: 'token=a&b' })).toBe(text);
    store.close();
  });

  test('a republish opens a new Period (new init, numbers continue); ids and starts stay as the window slides', () => {
    const store = new HlsStore({ windowSegments: 4 });
    const a = new FakePublish({ publishId: 1 });
    feed(store, a.init());
    feed(store, [...a.segment(), ...a.segment(), ...a.segment(), a.end()]);
    // The second publish's timeline starts at 0 again, 16 s of wall clock after the first.
    const b = new FakePublish({ publishId: 2, wall0: T0 + 16_000 });
    feed(store, b.init());
    feed(store, b.segment());
    const view = store.get('live/cam')!;
    let mpd = parseXml(renderMpd(view, { now: T0 })!);
    let periods = all(mpd, 'Period');
    expect(periods.map((p) => [p.attrs.id, p.attrs.start])).toEqual([
      ['p0', 'PT0.000S'],
      ['p3', 'PT16.000S'],
    ]);
    const second = all(periods[1]!, 'SegmentTemplate')[0]!;
    expect(second.attrs.startNumber).toBe('3');
    expect(second.attrs.initialization).toBe(`${view.epoch}-init-1-video.mp4`);
    feed(store, [...b.segment(), ...b.segment()]); // msn 0, 1 slide out
    mpd = parseXml(renderMpd(view, { now: T0 })!);
    periods = all(mpd, 'Period');
    expect(periods.map((p) => [p.attrs.id, p.attrs.start])).toEqual([
      ['p0', 'PT0.000S'],
      ['p3', 'PT16.000S'],
    ]);
    const first = all(periods[0]!, 'AdaptationSet')[0]!;
    expect(addressed(first)).toEqual([[2, 360000, 180000]]);
    store.close();
  });

  test('a gap splits the Period: its number is never addressed', () => {
    const store = new HlsStore();
    const pub = new FakePublish();
    feed(store, pub.init());
    feed(store, pub.segment());
    const lost = pub.segment();
    lost.splice(3, 1);
    feed(store, lost);
    feed(store, [...pub.segment(), ...pub.segment()]);
    const mpd = parseXml(renderMpd(store.get('live/cam')!, { now: T0 })!);
    const periods = all(mpd, 'Period');
    expect(periods.map((p) => p.attrs.id)).toEqual(['p0', 'p2']);
    const numbers = periods.map((p) => addressed(all(p, 'AdaptationSet')[0]!).map(([n]) => n));
    expect(numbers).toEqual([[0], [2, 3]]);
    // Both Periods share the publish's anchor: same start, the timeline gives the place.
    expect(periods.map((p) => p.attrs.start)).toEqual(['PT0.000S', 'PT0.000S']);
    expect(addressed(all(periods[1]!, 'AdaptationSet')[0]!)[0]![1]).toBe(4 * 90000);
    store.close();
  });

  test('classic (no parts): no availabilityTimeOffset, only complete segments; ended: no update period', () => {
    const store = new HlsStore({ endAfter: 1 });
    const pub = new FakePublish({ partMs: 0 });
    feed(store, pub.init());
    feed(store, [...pub.segment(), ...pub.segment()]);
    const view = store.get('live/cam')!;
    let mpd = parseXml(renderMpd(view, { now: T0 })!);
    const tmpl = all(mpd, 'SegmentTemplate')[0]!;
    expect(tmpl.attrs.availabilityTimeOffset).toBeUndefined();
    expect(all(mpd, 'ServiceDescription')).toEqual([]);
    expect(addressed(all(mpd, 'AdaptationSet')[0]!).map(([n]) => n)).toEqual([0, 1]);
    expect(mpd.attrs.minimumUpdatePeriod).toBe('PT1.000S');
    feed(store, pub.end());
    jest.advanceTimersByTime(1000);
    mpd = parseXml(renderMpd(view, { now: T0 })!);
    expect(mpd.attrs.minimumUpdatePeriod).toBeUndefined();
    store.close();
  });

  test('TS streams and streams without a segment have no MPD', () => {
    const store = new HlsStore();
    const ts = new FakePublish({ format: 'ts', stream: 'live/ts' });
    feed(store, ts.init());
    feed(store, ts.segment());
    expect(renderMpd(store.get('live/ts')!, { now: T0 })).toBeUndefined();
    const empty = new FakePublish({ stream: 'live/empty' });
    feed(store, empty.init());
    expect(renderMpd(store.get('live/empty')!, { now: T0 })).toBeUndefined();
    store.close();
  });
});
