/**
 * GET /api/v1/streams/{app}/{name}/thumbnail.jpg: the cache shares one
 * snapshot per stream and width for a second (requests in flight included),
 * keeps no failure, and the route answers JPEG, 404 JSON for an unknown or
 * audio-only stream, 400 for a bad width, 401 without the token (fake engine).
 */
import { ThumbnailCache } from '../../lib/admin/thumbnails';
import { ErrorCodes, RtmpEngineError } from '../../lib/errors';
import type { Snapshot } from '../../lib/media/snapshot';
import { RtmpServer } from '../../lib/server';
import type { NativeStats } from '../../types/native';
import { type FakeEngine, fakeFactory, noTiming } from '../helpers/fake-engine';
import { emptyCodec } from '../helpers/native-event';
import { adminRequest } from './admin-request';

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x00, 0xff, 0xd9]);

function picture(n: number): Snapshot {
  return { data: Buffer.from([n]), format: 'jpeg', width: 320, height: 180, timestamp: n, keyframe: true };
}

describe('ThumbnailCache', () => {
  test('one snapshot per stream and width for ttl ms, shared by requests in flight', async () => {
    let now = 1_000;
    const calls: string[] = [];
    const cache = new ThumbnailCache(
      async (path, o) => {
        calls.push(`${path}@${o.width}`);
        return picture(calls.length);
      },
      1_000,
      () => now,
    );
    const [a, b] = await Promise.all([cache.get('live/a', 320), cache.get('live/a', 320)]);
    expect(a).toBe(b);
    expect(calls).toEqual(['live/a@320']);
    now += 999;
    expect(await cache.get('live/a', 320)).toBe(a);
    await cache.get('live/a', 160);
    await cache.get('live/b', 320);
    expect(calls).toEqual(['live/a@320', 'live/a@160', 'live/b@320']);
    now += 1;
    const fresh = await cache.get('live/a', 320);
    expect(fresh).not.toBe(a);
    expect(calls).toHaveLength(4);
    // Old pictures are swept: only what was made in the last second stays.
    now += 5_000;
    await cache.get('live/c', 320);
    expect(cache.size()).toBe(1);
  });

  test('a failed snapshot is not kept: the next request tries again', async () => {
    let fail = true;
    const cache = new ThumbnailCache(async () => {
      if (fail) throw new RtmpEngineError(ErrorCodes.TIMEOUT, 'no picture');
      return picture(1);
    });
    await expect(cache.get('live/a', 320)).rejects.toMatchObject({ code: ErrorCodes.TIMEOUT });
    fail = false;
    await expect(cache.get('live/a', 320)).resolves.toMatchObject({ width: 320 });
  });
});

describe('the thumbnail route', () => {
  const TOKEN = 'thumb-token-0123456789';
  let server: RtmpServer;
  let engine: FakeEngine;
  let port = 0;
  let snapshots = 0;

  beforeAll(async () => {
    const { factory, engines } = fakeFactory();
    server = new RtmpServer(
      { rtmp: { host: '127.0.0.1', port: 0 }, http: { host: '127.0.0.1', port: 0 }, hls: false, admin: { tokens: [TOKEN] }, logLevel: 'silent' },
      { createEngine: factory },
    );
    port = (await server.listen()).http as number;
    engine = engines[0] as FakeEngine;
    engine.addSession(1, 'publisher');
    engine.addSession(2, 'publisher');
    const stats: NativeStats = engine.stats();
    const base = {
      app: 'live', publisherId: 1, startedAtMs: 1, players: 0,
      bytesIn: 10, videoFrames: 1, audioFrames: 1, gopCacheFrames: 1, gopCacheBytes: 10, gopCacheOverflows: 0,
      ingestDrops: { malformed: 0, empty: 0, tooLarge: 0, notPublishing: 0, authDenied: 0, authOverflow: 0, metadataTooLarge: 0 },
      timing: noTiming(),
    };
    stats.streams.push(
      { ...base, stream: 'cam', codec: emptyCodec({ videoCodec: 'H264', width: 640, height: 360, audioCodec: 'AAC' }) },
      { ...base, stream: 'radio', publisherId: 2, codec: emptyCodec({ audioCodec: 'AAC' }) },
    );
    engine.stats = () => ({ ...stats, sessions: [...engine.sessions] });
    engine.snapshot = (key, options, onDone) => {
      snapshots++;
      expect(key).toBe('live/cam');
      setTimeout(() => onDone(null, { data: JPEG, format: options.format, width: options.width, height: 0, pts: 0, keyframe: true }), 20);
      return snapshots;
    };
  });

  afterAll(() => server.close({ graceMs: 0 }));

  test('answers the JPEG, cacheable for a second; parallel requests share one snapshot', async () => {
    const before = snapshots;
    const answers = await Promise.all(
      [1, 2, 3].map(() => adminRequest(port, 'GET', '/api/v1/streams/live/cam/thumbnail.jpg?width=200', TOKEN)),
    );
    for (const r of answers) {
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toBe('image/jpeg');
      expect(r.headers['cache-control']).toBe('private, max-age=1');
      expect(Number(r.headers['content-length'])).toBe(JPEG.length);
    }
    expect(snapshots - before).toBe(1);
    const head = await adminRequest(port, 'HEAD', '/api/v1/streams/live/cam/thumbnail.jpg', TOKEN);
    expect(head.status).toBe(200);
    expect(head.body).toBeUndefined();
  });

  test.each([
    ['/api/v1/streams/live/nope/thumbnail.jpg', TOKEN, 404, 'not_found'],
    ['/api/v1/streams/live/radio/thumbnail.jpg', TOKEN, 404, 'not_found'],
    ['/api/v1/streams/live/cam/thumbnail.jpg?width=9', TOKEN, 400, 'bad_request'],
    ['/api/v1/streams/live/cam/thumbnail.jpg?w=100', TOKEN, 400, 'bad_request'],
    ['/api/v1/streams/live/cam/thumbnail.jpg', null, 401, 'token_required'],
  ])('%s (token: %s) → %i %s', async (path, token, status, code) => {
    const r = await adminRequest(port, 'GET', path, token);
    expect(r.status).toBe(status);
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(r.body.error.code).toBe(code);
  });

  test('DELETE is not allowed (405)', async () => {
    const r = await adminRequest(port, 'DELETE', '/api/v1/streams/live/cam/thumbnail.jpg', TOKEN);
    expect(r.status).toBe(405);
    expect(r.headers.allow).toBe('GET, HEAD');
  });
});
