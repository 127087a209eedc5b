/** The pure pieces of the HTTP layer: byte ranges, ETag matching, the URL layout. */
import { parseHlsPath } from '../../lib/http/hls-routes';
import { etagMatches, etagOf, parseRange } from '../../lib/http/responses';

describe('parseRange (RFC 9110 §14.1.2)', () => {
  test.each([
    ['bytes=0-9', { start: 0, end: 9 }],
    ['bytes=10-', { start: 10, end: 99 }],
    ['bytes=-10', { start: 90, end: 99 }],
    ['bytes=-500', { start: 0, end: 99 }],
    ['bytes=50-5000', { start: 50, end: 99 }],
    ['bytes=100-', 'unsatisfiable'],
    ['bytes=-0', 'unsatisfiable'],
    ['bytes=9-3', 'none'],
    ['bytes=0-1,5-6', 'none'],
    ['items=0-1', 'none'],
    ['bytes=-', 'none'],
  ])('%s of 100 bytes', (header, expected) => {
    expect(parseRange(header, 100)).toEqual(expected);
  });
  test('no header', () => {
    expect(parseRange(undefined, 100)).toBe('none');
  });
});

describe('ETags', () => {
  test('same bytes, same tag (for one buffer or a list)', () => {
    const a = Buffer.from('abc');
    expect(etagOf(a)).toBe(etagOf(Buffer.from('abc')));
    expect(etagOf('abc')).not.toBe(etagOf('abd'));
    expect(etagOf([a, Buffer.from('d')])).toBe(etagOf([Buffer.from('abc'), Buffer.from('d')]));
    expect(etagOf([a])).toBe(etagOf(a));
  });
  test('If-None-Match: lists, weak prefixes and *', () => {
    expect(etagMatches('"x"', '"x"')).toBe(true);
    expect(etagMatches('"y", W/"x"', '"x"')).toBe(true);
    expect(etagMatches('*', '"x"')).toBe(true);
    expect(etagMatches('"y"', '"x"')).toBe(false);
    expect(etagMatches(undefined, '"x"')).toBe(false);
  });
});

describe('parseHlsPath', () => {
  test('every resource of the layout', () => {
    const route = (p: string) => parseHlsPath(p)?.route;
    expect(parseHlsPath('/live/cam/index.m3u8')).toEqual({ stream: 'live/cam', app: 'live', name: 'cam', route: { kind: 'master' } });
    expect(route('/live/cam/audio.m3u8')).toEqual({ kind: 'media', track: 'audio' });
    expect(route('/live/cam/index.mpd')).toEqual({ kind: 'mpd' });
    const epoch = 'mj3k1q2a';
    expect(route('/live/cam/mj3k1q2a-init-3-video.mp4')).toEqual({ kind: 'init', epoch, initId: 3, track: 'video' });
    expect(route('/live/cam/mj3k1q2a-seg-42-audio.m4s')).toEqual({ kind: 'segment', epoch, msn: 42, track: 'audio' });
    expect(route('/live/cam/mj3k1q2a-part-42-7-video.m4s')).toEqual({
      kind: 'part',
      epoch,
      msn: 42,
      part: 7,
      track: 'video',
    });
    expect(route('/live/cam/mj3k1q2a-seg-9.ts')).toEqual({ kind: 'ts', epoch, msn: 9 });
  });
  test('names are percent-decoded; anything else is not ours', () => {
    expect(parseHlsPath('/live/my%20cam/index.m3u8')?.stream).toBe('live/my cam');
    for (const p of [
      '/',
      '/live/cam',
      '/live/cam/',
      '/live/cam/index.m3u8/x',
      '/a/b/c/index.m3u8',
      '/live/a%2Fb/index.m3u8',
      '/live/%E0%A4%A/index.m3u8',
      '/live/cam/seg-1-video.m4s',
      '/live/cam/e-seg-01-video.m4s',
      '/live/cam/e-seg-1-subs.m4s',
      '/live/cam/e-seg-9999999999999999-video.m4s',
      '//cam/index.m3u8',
    ]) {
      expect([p, parseHlsPath(p)]).toEqual([p, undefined]);
    }
  });
});
