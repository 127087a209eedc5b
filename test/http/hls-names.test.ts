/** The URL layout both ways: names written by the playlists parse back; non-canonical names do not. */
import { hlsNames, parseHlsName, playlistTracks } from '../../lib/http/hls/names';
import { HlsStore } from '../../lib/http/hls/store';
import { FakePublish, kAudio } from './hls-feed-builder';

test('every name the writers use parses back to what it names', () => {
  expect(parseHlsName(hlsNames.master)).toEqual({ kind: 'master' });
  expect(parseHlsName(hlsNames.mpd)).toEqual({ kind: 'mpd' });
  expect(parseHlsName(hlsNames.playlist('audio'))).toEqual({ kind: 'playlist', track: 'audio' });
  expect(parseHlsName(hlsNames.init(3, 'video'))).toEqual({ kind: 'init', initId: 3, track: 'video' });
  expect(parseHlsName(hlsNames.segment(120, 'audio'))).toEqual({ kind: 'segment', msn: 120, track: 'audio' });
  expect(parseHlsName(hlsNames.part(0, 9, 'video'))).toEqual({ kind: 'part', msn: 0, part: 9, track: 'video' });
  expect(parseHlsName(hlsNames.tsSegment(7))).toEqual({ kind: 'ts', msn: 7 });
});

test('non-canonical or foreign names are not ours', () => {
  for (const name of [
    'seg-01-video.m4s',
    'seg--1-video.m4s',
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
