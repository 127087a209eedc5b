// MediaHeaders and PlaylistBodies: flat header arrays (and playlist bytes) built once per body.
import { MediaHeaders, PlaylistBodies } from '../../lib/http/media-headers';

describe('MediaHeaders', () => {
  const cors: Array<[string, string]> = [['Access-Control-Allow-Origin', '*']];

  test('one array per body and ETag, with its length, type, caching and the extra headers', () => {
    const h = new MediaHeaders('public, immutable', cors);
    const part = Buffer.alloc(1234);
    const a = h.of(part, '"e-part-video-1.3"', 'video/mp4');
    expect(a).toEqual([
      'Content-Type', 'video/mp4',
      'Cache-Control', 'public, immutable',
      'ETag', '"e-part-video-1.3"',
      'Accept-Ranges', 'bytes',
      'Content-Length', '1234',
      'Access-Control-Allow-Origin', '*',
    ]);
    expect(h.of(part, '"e-part-video-1.3"', 'video/mp4')).toBe(a);
  });

  test('a segment as its parts: the summed length, apart from its first part\'s own entry', () => {
    const h = new MediaHeaders('public, immutable');
    const parts = [Buffer.alloc(10), Buffer.alloc(20), Buffer.alloc(5)];
    const seg = h.of(parts, '"e-segment-video-1"', 'video/mp4');
    expect(seg[seg.indexOf('Content-Length') + 1]).toBe('35');
    const first = h.of(parts[0] as Buffer, '"e-part-video-1.0"', 'video/mp4');
    expect(first[first.indexOf('Content-Length') + 1]).toBe('10');
    expect(h.of(parts, '"e-segment-video-1"', 'video/mp4')).toBe(seg);
  });

  test('a Buffer shared by two resources never gets the other one\'s ETag', () => {
    const h = new MediaHeaders('public, immutable');
    const shared = Buffer.alloc(8);
    const one = h.of(shared, '"e-part-video-0.0"', 'video/mp4');
    const two = h.of(shared, '"e-part-video-0.1"', 'video/mp4');
    expect(one[one.indexOf('ETag') + 1]).toBe('"e-part-video-0.0"');
    expect(two[two.indexOf('ETag') + 1]).toBe('"e-part-video-0.1"');
  });
});

describe('PlaylistBodies', () => {
  test('one encoding per cached text, one header array per Cache-Control', () => {
    const bodies = new PlaylistBodies('application/vnd.apple.mpegurl', [['Access-Control-Allow-Origin', '*']]);
    const cached = { text: '#EXTM3U\n# é\n', etag: '"abc"' };
    const a = bodies.of(cached, 'no-cache');
    expect(a.bytes.toString()).toBe(cached.text);
    expect(a.headers).toEqual([
      'Content-Type', 'application/vnd.apple.mpegurl',
      'Cache-Control', 'no-cache',
      'ETag', '"abc"',
      'Content-Length', String(Buffer.byteLength(cached.text)),
      'Access-Control-Allow-Origin', '*',
    ]);
    const b = bodies.of(cached, 'public, max-age=2');
    expect(b.bytes).toBe(a.bytes);
    expect(b.headers[3]).toBe('public, max-age=2');
    expect(bodies.of(cached, 'no-cache').headers).toBe(a.headers);
    expect(bodies.of({ ...cached }, 'no-cache').bytes).not.toBe(a.bytes);
  });
});
