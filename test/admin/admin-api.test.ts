/**
 * The admin API over the built-in HTTP server with a fake engine: every route's
 * happy path and its 400/401/404/405 answers, pagination and filters, the
 * stable error codes, and the log line of every mutating call.
 */
import { RtmpServer } from '../../lib/server';
import type { NativeSessionSnapshot, NativeStats, NativeStreamSnapshot } from '../../types/native';
import { noHandshakeFailures, noIpRefusals, noLimitRefusals } from '../../lib/snapshots';
import { type FakeEngine, fakeFactory, noTiming } from '../helpers/fake-engine';
import { emptyCodec, nativeEvent } from '../helpers/native-event';
import { adminRequest } from './admin-request';

const TOKEN = 'admin-token-0123456789';
const OTHER = 'ops-token-abcdefghijkl';
const drops = { malformed: 0, empty: 0, tooLarge: 0, notPublishing: 0, authDenied: 0, authOverflow: 0, metadataTooLarge: 0 };

function session(id: number, role: NativeSessionSnapshot['role'], stream = 'cam', extra: Partial<NativeSessionSnapshot> = {}): NativeSessionSnapshot {
  return {
    id,
    ip: '127.0.0.1',
    port: 50000 + id,
    tls: false,
    role,
    app: 'live',
    stream: role === 'unknown' ? '' : stream,
    connectedAtMs: 1_000 + id,
    bytesIn: 0,
    bytesOut: 0,
    droppedFrames: 0,
    droppedVideo: 0,
    droppedAudio: 0,
    ingestDrops: { ...drops },
    loop: 0,
    waiting: false,
    ...extra,
  };
}

function stream(name: string, publisherId: number, players: number, extra: Partial<NativeStreamSnapshot> = {}): NativeStreamSnapshot {
  return {
    app: 'live',
    stream: name,
    publisherId,
    startedAtMs: 5_000,
    players,
    codec: emptyCodec({ videoCodec: 'H264', width: 640, height: 360, fps: 30, audioCodec: 'AAC', audioSampleRate: 44100, audioChannels: 2 }),
    bytesIn: 0,
    videoFrames: 0,
    audioFrames: 0,
    gopCacheFrames: 0,
    gopCacheBytes: 0,
    gopCacheOverflows: 0,
    ingestDrops: { ...drops },
    timing: noTiming(),
    ...extra,
  };
}

let server: RtmpServer;
let engine: FakeEngine;
let port = 0;
let lines: string[] = [];
let stats: NativeStats;

async function start(admin: object = { tokens: { ops: OTHER, ci: TOKEN } }): Promise<void> {
  const { factory, engines } = fakeFactory();
  lines = [];
  server = new RtmpServer(
    { rtmp: { host: '127.0.0.1', port: 0 }, http: { host: '127.0.0.1', port: 0 }, hls: false, admin },
    { createEngine: factory, writeLog: (l) => lines.push(l), drainPollMs: 5 },
  );
  const bound = await server.listen();
  port = bound.http as number;
  engine = engines[0] as FakeEngine;
  stats = {
    sessions: [session(1, 'publisher', 'cam', { bytesIn: 1_000 }), session(2, 'player'), session(3, 'player'), session(4, 'unknown'), session(5, 'publisher', 'two')],
    streams: [stream('cam', 1, 2, { bytesIn: 1_000, videoFrames: 30 }), stream('two', 5, 0)],
    acceptedTotal: 9,
    ioThreads: 2,
    limitRefusals: noLimitRefusals(),
    handshakeFailures: noHandshakeFailures(),
    ipRefusals: noIpRefusals(),
    loops: [],
  };
  engine.stats = () => stats;
  engine.kick = (id: number, reason: string) => {
    engine.kicked.push({ id, reason });
    return stats.sessions.some((s) => s.id === id);
  };
}

const logs = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
/** `null`: no Authorization header. */
const get = (path: string, token: string | null = TOKEN) => adminRequest(port, 'GET', path, token);
const del = (path: string, token: string | null = TOKEN) => adminRequest(port, 'DELETE', path, token);

afterEach(async () => {
  await server.close({ graceMs: 0 });
});

describe('admin API: auth', () => {
  beforeEach(() => start());

  it('answers 401 token_required without a token, with a Bearer challenge', async () => {
    const r = await get('/api/v1/server', null);
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ error: { code: 'token_required', message: expect.any(String) } });
    expect(r.headers['www-authenticate']).toMatch(/^Bearer /);
  });

  it('answers 401 token_invalid for a wrong token, also on unknown routes', async () => {
    expect((await get('/api/v1/server', 'x'.repeat(22))).body.error.code).toBe('token_invalid');
    const unknown = await get('/api/v1/nothing', 'wrong-token-0000000000');
    expect([unknown.status, unknown.body.error.code]).toEqual([401, 'token_invalid']);
  });

  it('takes every configured token', async () => {
    expect((await get('/api/v1/server', OTHER)).status).toBe(200);
    expect((await get('/api/v1/server', TOKEN)).status).toBe(200);
  });

  it('leaves paths outside /api/v1 to the next handler', async () => {
    const r = await adminRequest(port, 'GET', '/api/v10/server');
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('not_found');
  });
});

describe('admin API: routes', () => {
  beforeEach(() => start());

  it('GET /api/v1/server: version, uptime, threads, listeners, totals, limits', async () => {
    const r = await get('/api/v1/server');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.body).toMatchObject({
      version: { package: expect.any(String) },
      startedAtMs: expect.any(Number),
      uptimeSeconds: expect.any(Number),
      ioThreads: 2,
      listeners: { rtmp: { host: '127.0.0.1', port: 40000 }, rtmps: null, http: { host: '127.0.0.1', port } },
      totals: {
        connections: 5,
        acceptedTotal: 9,
        streams: 2,
        publishers: 2,
        players: { rtmp: 2, rtmps: 0, hls: 0, dash: 0, total: 2 },
        bytesIn: 1_000,
        bytesOut: 0,
      },
      limits: server.options.limits,
      bans: [],
    });
  });

  it('GET /api/v1/server counts the bytes of sessions that left', async () => {
    engine.deliver([nativeEvent({ kind: 'disconnect', sessionId: 9, bytesIn: 500, bytesOut: 70 })]);
    const r = await get('/api/v1/server');
    expect(r.body.totals).toMatchObject({ bytesIn: 1_500, bytesOut: 70 });
  });

  it('GET /api/v1/streams lists live streams sorted by path, with players by protocol and URLs', async () => {
    const r = await get('/api/v1/streams');
    expect(r.status).toBe(200);
    expect(r.body.streams.map((s: { path: string }) => s.path)).toEqual(['live/cam', 'live/two']);
    expect(r.body.streams[0]).toMatchObject({
      app: 'live',
      name: 'cam',
      publisher: { sessionId: 1, ip: '127.0.0.1', port: 50001, sinceMs: 5_000 },
      video: { codec: 'H264', width: 640, height: 360, fps: 30 },
      audio: { codec: 'AAC', sampleRate: 44100, channels: 2 },
      players: { rtmp: 2, rtmps: 0, hls: 0, dash: 0, total: 2 },
      bytesIn: 1_000,
      urls: { rtmp: 'rtmp://127.0.0.1:40000/live/cam' },
    });
    expect(r.body.streams[0].urls.hls).toBeUndefined(); // hls: false
  });

  it('GET /api/v1/streams/{app}/{name}: measured rates after two samples, and a history', async () => {
    const before = await get('/api/v1/streams/live/cam');
    expect(before.status).toBe(200);
    expect(before.body.history).toMatchObject({ intervalMs: 1_000 });
    const historyLength = async (n: number) => {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const r = await get('/api/v1/streams/live/cam');
        if (r.body.history.t.length >= n) return r;
        if (Date.now() > deadline) throw new Error(`no ${n} samples within 10 s`);
        await new Promise((res) => setTimeout(res, 50));
      }
    };
    // Nothing moved between the first two samples: zero rates.
    const still = await historyLength(1);
    expect(still.body.measured).toMatchObject({ fps: 0, bitrateInKbps: { last1s: 0 } });
    const n = still.body.history.t.length;
    // The next sample sees 30 more frames and 4000 more bytes.
    stats.streams[0] = { ...(stats.streams[0] as NativeStreamSnapshot), bytesIn: 5_000, videoFrames: 60 };
    const r = await historyLength(n + 1);
    expect(r.body.history.viewers.rtmp.at(-1)).toBe(2);
    expect(r.body.history.viewers.hls.at(-1)).toBe(0);
    expect(r.body.history.fps.at(-1)).toBeGreaterThan(0);
    expect(r.body.history.bitrateInKbps.at(-1)).toBeGreaterThan(0);
    expect(r.body.measured.bitrateInKbps.last1s).toBe(r.body.history.bitrateInKbps.at(-1));
  });

  it('GET /api/v1/streams/{app}/{name} is 404 for a stream that is not live, and decodes names', async () => {
    const r = await get('/api/v1/streams/live/nope');
    expect([r.status, r.body.error.code]).toEqual([404, 'not_found']);
    expect((await get('/api/v1/streams/live/%63am')).status).toBe(200);
    expect((await get('/api/v1/streams/live/%E0%A4%A')).status).toBe(400);
  });

  it('GET /api/v1/sessions lists, filters and paginates', async () => {
    const all = await get('/api/v1/sessions');
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ total: 5, offset: 0, limit: 100, nextOffset: null });
    expect(all.body.sessions.map((s: { id: string }) => s.id)).toEqual(['1', '2', '3', '4', '5']);
    expect(all.body.sessions[0]).toMatchObject({ id: '1', protocol: 'rtmp', role: 'publisher', stream: 'live/cam', ip: '127.0.0.1' });

    const players = await get('/api/v1/sessions?role=player&stream=live/cam&protocol=rtmp');
    expect(players.body.sessions.map((s: { id: string }) => s.id)).toEqual(['2', '3']);
    expect((await get('/api/v1/sessions?protocol=hls')).body.total).toBe(0);

    const page1 = await get('/api/v1/sessions?limit=2');
    expect(page1.body).toMatchObject({ total: 5, nextOffset: 2 });
    const page3 = await get('/api/v1/sessions?limit=2&offset=4');
    expect(page3.body.sessions.map((s: { id: string }) => s.id)).toEqual(['5']);
    expect(page3.body.nextOffset).toBeNull();
  });

  it('says rtmps for sessions of the TLS listener: the sessions filter, server totals and a stream\'s players', async () => {
    stats.sessions[2] = session(3, 'player', 'cam', { tls: true });
    stats.sessions.push(session(6, 'player', 'two', { tls: true }));
    stats.streams[1] = stream('two', 5, 1);
    const secure = await get('/api/v1/sessions?protocol=rtmps');
    expect(secure.body.sessions.map((s: { id: string; protocol: string }) => [s.id, s.protocol])).toEqual([
      ['3', 'rtmps'],
      ['6', 'rtmps'],
    ]);
    expect((await get('/api/v1/sessions?protocol=rtmp')).body.sessions.map((s: { id: string }) => s.id)).toEqual(['1', '2', '4', '5']);
    expect((await get('/api/v1/server')).body.totals.players).toEqual({ rtmp: 1, rtmps: 2, hls: 0, dash: 0, total: 3 });
    const streams = (await get('/api/v1/streams')).body.streams;
    expect(streams.map((s: { players: unknown }) => s.players)).toEqual([
      { rtmp: 1, rtmps: 1, hls: 0, dash: 0, total: 2 },
      { rtmp: 0, rtmps: 1, hls: 0, dash: 0, total: 1 },
    ]);
  });

  it.each([
    ['/api/v1/sessions?role=admin', /role must be one of/],
    ['/api/v1/sessions?protocol=srt', /protocol must be one of/],
    ['/api/v1/sessions?limit=0', /limit must be an integer in 1\.\.1000/],
    ['/api/v1/sessions?offset=-1', /offset must be an integer/],
    ['/api/v1/sessions?stream=cam', /stream must be "app\/name"/],
    ['/api/v1/sessions?colour=red', /unknown query parameter "colour"/],
    ['/api/v1/server?x=1', /unknown query parameter "x"/],
  ])('GET %s is 400 saying what was wrong', async (path, message) => {
    const r = await get(path);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('bad_request');
    expect(r.body.error.message).toMatch(message);
  });

  it('DELETE /api/v1/sessions/{id} kicks and logs who did it', async () => {
    const r = await del('/api/v1/sessions/2', OTHER);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ id: '2', kicked: true });
    expect(engine.kicked).toEqual([{ id: 2, reason: 'kicked by an operator' }]);
    expect(logs()).toContainEqual(
      expect.objectContaining({ msg: 'admin: session kicked', admin: 'token:ops', ip: '127.0.0.1', sessionId: '2' }),
    );
  });

  it('DELETE /api/v1/sessions/{id}: 404 unknown, 400 malformed; refused attempts are logged', async () => {
    expect((await del('/api/v1/sessions/77')).status).toBe(404);
    expect((await del('/api/v1/sessions/2', null)).status).toBe(401);
    expect(logs()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ msg: 'admin: request refused', admin: 'token:ci', method: 'DELETE', path: '/api/v1/sessions/77', status: 404 }),
        expect.objectContaining({ msg: 'admin: request refused', admin: 'unauthenticated', status: 401, code: 'token_required' }),
      ]),
    );
    expect(engine.kicked).toEqual([{ id: 77, reason: 'kicked by an operator' }]);
    expect((await del('/api/v1/sessions/viewer:nobody-here')).status).toBe(404);
    const bad = await del('/api/v1/sessions/abc');
    expect([bad.status, bad.body.error.code]).toEqual([400, 'bad_request']);
    expect((await del('/api/v1/sessions/2?reason=' + 'x'.repeat(201))).status).toBe(400);
  });

  it('DELETE /api/v1/streams/{app}/{name} kicks the publisher; ?ban= bans the stream', async () => {
    const r = await del('/api/v1/streams/live/cam?ban=60');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ stream: 'live/cam', stopped: true, publisherSessionId: 1, bannedUntilMs: expect.any(Number) });
    expect(engine.kicked).toEqual([{ id: 1, reason: 'stopped by an operator' }]);
    expect(server.streamBans.bannedUntil('live/cam')).toBe(r.body.bannedUntilMs);
    expect((await get('/api/v1/server')).body.bans).toEqual([{ stream: 'live/cam', untilMs: r.body.bannedUntilMs }]);
    expect(logs()).toContainEqual(
      expect.objectContaining({ msg: 'admin: stream stopped', admin: 'token:ci', stream: 'live/cam', banSeconds: 60 }),
    );
  });

  it('DELETE /api/v1/bans/{app}/{name} lifts a ban (404 when there is none)', async () => {
    server.streamBans.ban('live/cam', 600);
    const r = await del('/api/v1/bans/live/cam');
    expect([r.status, r.body]).toEqual([200, { stream: 'live/cam', lifted: true }]);
    expect(server.streamBans.list()).toEqual([]);
    expect(logs()).toContainEqual(expect.objectContaining({ msg: 'admin: ban lifted', admin: 'token:ci', stream: 'live/cam' }));
    expect((await del('/api/v1/bans/live/cam')).status).toBe(404);
    expect((await get('/api/v1/bans/live/cam')).status).toBe(405);
  });

  it('DELETE /api/v1/streams/{app}/{name}: 404 when not live (without a ban), 400 for a bad ban', async () => {
    expect((await del('/api/v1/streams/live/nope')).status).toBe(404);
    const banned = await del('/api/v1/streams/live/nope?ban=5');
    expect(banned.body).toMatchObject({ stopped: false, publisherSessionId: null });
    for (const ban of ['0', '-3', '1.5', 'soon', String(31 * 24 * 3600)]) {
      const r = await del(`/api/v1/streams/live/cam?ban=${ban}`);
      expect({ ban, status: r.status }).toEqual({ ban, status: 400 });
    }
    expect(engine.kicked).toEqual([]);
  });

  it('answers 404 JSON for unknown routes and 405 with Allow for wrong methods', async () => {
    for (const path of ['/api/v1', '/api/v1/', '/api/v1/streams/live', '/api/v1/streams/live/cam/extra', '/api/v1/metrics']) {
      const r = await get(path);
      expect({ path, status: r.status, code: r.body.error.code }).toEqual({ path, status: 404, code: 'not_found' });
    }
    const post = await adminRequest(port, 'POST', '/api/v1/streams', TOKEN);
    expect([post.status, post.body.error.code, post.headers.allow]).toEqual([405, 'method_not_allowed', 'GET, HEAD']);
    const put = await adminRequest(port, 'PUT', '/api/v1/streams/live/cam', TOKEN);
    expect([put.status, put.headers.allow]).toEqual([405, 'GET, HEAD, DELETE']);
    const delServer = await del('/api/v1/server');
    expect(delServer.status).toBe(405);
  });

  it('answers HEAD like GET without a body', async () => {
    const r = await adminRequest(port, 'HEAD', '/api/v1/streams', TOKEN);
    expect(r.status).toBe(200);
    expect(r.body).toBeUndefined();
  });
});

describe('admin API: configuration', () => {
  it('without tokens answers loopback clients and says so in the log at start', async () => {
    await start({});
    expect((await get('/api/v1/server', null)).status).toBe(200);
    expect(logs()).toContainEqual(expect.objectContaining({ level: 40, msg: expect.stringMatching(/no token configured.*loopback/) }));
    const r = await del('/api/v1/sessions/3', null);
    expect(r.status).toBe(200);
    expect(logs()).toContainEqual(expect.objectContaining({ msg: 'admin: session kicked', admin: 'loopback:127.0.0.1' }));
  });

  it('refuses a short RTMP_ENGINE_ADMIN_TOKEN at listen(), before anything starts', async () => {
    const { factory, engines } = fakeFactory();
    const saved = process.env.RTMP_ENGINE_ADMIN_TOKEN;
    process.env.RTMP_ENGINE_ADMIN_TOKEN = 'short';
    try {
      const refused = new RtmpServer({ rtmp: { host: '127.0.0.1', port: 0 }, http: { host: '127.0.0.1', port: 0 }, logLevel: 'silent' }, { createEngine: factory });
      await expect(refused.listen()).rejects.toMatchObject({ code: 'ERR_RTMP_INVALID_OPTIONS' });
      expect(engines).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env.RTMP_ENGINE_ADMIN_TOKEN;
      else process.env.RTMP_ENGINE_ADMIN_TOKEN = saved;
    }
    await start({});
  });

  it('admin: false serves no API and does not turn the authorize step on', async () => {
    await start(false as unknown as object);
    const r = await get('/api/v1/server');
    expect(r.status).toBe(404);
    expect(engine.config.authHook).toBe(false);
    expect(server.bansEnforced()).toBe(false);
  });

  it('with the API on the built-in server, publishes pass the ban check', async () => {
    await start();
    expect(engine.config.authHook).toBe(true);
    expect(server.bansEnforced()).toBe(true);
  });
});
