/**
 * What the handler uses beside the store: the URL layout both ways (names
 * written by the playlists parse back, non-canonical ones do not), byte ranges
 * over a parts list (lib/http/responses.ts), and the handler's playlist cache.
 */
import { hlsNames, parseHlsName, playlistTracks } from '../../lib/http/hls/names';
import { HlsStore } from '../../lib/http/hls/store';
import { PlaylistCache } from '../../lib/http/playlist-cache';
import { byteLength, etagOf, sliceBytes } from '../../lib/http/responses';
import { FakePublish, kAudio } from './hls-feed-builder';

test('every name the writers use parses back to what it names', () => {
  expect(parseHlsName(hlsNames.master)).toEqual({ kind: 'master' });
  expect(parseHlsName(hlsNames.mpd)).toEqual({ kind: 'mpd' });
  expect(parseHlsName(hlsNames.playlist('audio'))).toEqual({ kind: 'playlist', track: 'audio' });
  const epoch = 'mj3k1q2a';
  expect(hlsNames.segment(epoch, 120, 'audio')).toBe('mj3k1q2a-seg-120-audio.m4s');
  expect(parseHlsName(hlsNames.init(epoch, 3, 'video'))).toEqual({ kind: 'init', epoch, initId: 3, track: 'video' });
  expect(parseHlsName(hlsNames.segment(epoch, 120, 'audio'))).toEqual({ kind: 'segment', epoch, msn: 120, track: 'audio' });
  expect(parseHlsName(hlsNames.part(epoch, 0, 9, 'video'))).toEqual({ kind: 'part', epoch, msn: 0, part: 9, track: 'video' });
  expect(parseHlsName(hlsNames.tsSegment(epoch, 7))).toEqual({ kind: 'ts', epoch, msn: 7 });
  expect(hlsNames.segmentTemplate(epoch, 'video')).toBe('mj3k1q2a-seg-$Number$-video.m4s');
});

test('every stream instance has its own epoch in its media names, even in the same millisecond', () => {
  const now = (): number => 1_700_000_000_000;
  const a = new HlsStore({ now });
  const b = new HlsStore({ now });
  a.ingest(new FakePublish().init());
  b.ingest(new FakePublish().init());
  const ea = a.get('live/cam')!.epoch;
  const eb = b.get('live/cam')!.epoch;
  expect(ea).toMatch(/^[1-9a-z][0-9a-z]*$/);
  expect(ea).not.toBe(eb);
  expect(hlsNames.segment(ea, 0, 'video')).not.toBe(hlsNames.segment(eb, 0, 'video'));
  a.close();
  b.close();
});

test('non-canonical or foreign names are not ours', () => {
  for (const name of [
    'seg-1-video.m4s',
    'init-0-video.mp4',
    'seg-1.ts',
    'abc-seg-01-video.m4s',
    '0abc-seg-1-video.m4s',
    'ABC-seg-1-video.m4s',
    'abc-seg--1-video.m4s',
    'seg-1-text.m4s',
    'seg-1e3-video.m4s',
    'part-1-video.m4s',
    'init-0-video.m4s',
    'seg-9999999999999999-video.m4s',
    'INDEX.m3u8',
    'index.m3u8x',
    '../index.m3u8',
    'seg-1.ts?x',
    '',
  ]) {
    expect(parseHlsName(name)).toBeUndefined();
  }
});

test('the media playlists a stream has: per track for fMP4, one for TS', () => {
  const store = new HlsStore();
  store.ingest(new FakePublish({ stream: 'live/av' }).init());
  store.ingest(new FakePublish({ stream: 'live/a', tracks: [kAudio] }).init());
  store.ingest(new FakePublish({ stream: 'live/ts', format: 'ts' }).init());
  expect(playlistTracks(store.get('live/av')!)).toEqual(['video', 'audio']);
  expect(playlistTracks(store.get('live/a')!)).toEqual(['audio']);
  expect(playlistTracks(store.get('live/ts')!)).toEqual(['video']);
  store.close();
});

test('the playlist cache renders and hashes once per state and variant, and again after a change', () => {
  const store = new HlsStore();
  const pub = new FakePublish();
  store.ingest(pub.init());
  const cache = new PlaylistCache();
  const view = store.get('live/cam')!;
  let renders = 0;
  const render = (): string => `v${view.version}:${++renders}`;
  const first = cache.get(view, 'video.m3u8', render);
  expect(first.etag).toBe(etagOf(first.text));
  for (let i = 0; i < 1000; i++) expect(cache.get(view, 'video.m3u8', render)).toBe(first);
  expect(renders).toBe(1);
  cache.get(view, 'audio.m3u8', render);
  expect(renders).toBe(2);
  const before = view.version;
  store.ingest(pub.segment()[0]!);
  expect(view.version).toBe(before + 1);
  const after = cache.get(view, 'video.m3u8', render);
  expect(after.text).not.toBe(first.text);
  expect(after.etag).not.toBe(first.etag);
  expect(renders).toBe(3);
  store.close();
});

describe('bytes helpers', () => {
  test('length and ranges over a parts list, without copying', () => {
    const list = [Buffer.from('abc'), Buffer.from('defg'), Buffer.from('hi')];
    expect(byteLength(list)).toBe(9);
    expect(byteLength(Buffer.from('xy'))).toBe(2);
    expect(Buffer.concat(sliceBytes(list, 2, 8)).toString()).toBe('cdefgh');
    expect(Buffer.concat(sliceBytes(list, 0, 100)).toString()).toBe('abcdefghi');
    expect(sliceBytes(list, 3, 7)).toEqual([Buffer.from('defg')]);
    expect(sliceBytes(list, 3, 7)[0]).toBe(list[1]);
    expect(sliceBytes(list, 9, 12)).toEqual([]);
    expect(Buffer.concat(sliceBytes(Buffer.from('hello'), 1, 3)).toString()).toBe('el');
    expect(byteLength('é')).toBe(2);
  });
});
