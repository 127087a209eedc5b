/**
 * The admin API's pieces without a server: the bounded history, the
 * once-a-second sampler (rates from counter differences, republish, sessions
 * that left), stream bans and their authorizer step, bearer/loopback auth,
 * the route matcher, and the `admin` option section.
 */
import type { IncomingMessage } from 'http';

import { authenticate, isLoopback, labelTokens } from '../../lib/admin/admin-auth';
import { History } from '../../lib/admin/history';
import { AdminHttpError } from '../../lib/admin/json';
import { matchRoute } from '../../lib/admin/routes';
import { StatsSampler, type ViewerCounts } from '../../lib/admin/stats-sampler';
import { StreamBans, withStreamBans } from '../../lib/admin/stream-bans';
import type { AuthRequest } from '../../lib/auth/types';
import { resolveOptions } from '../../lib/options';
import type { ServerStats } from '../../lib/server';
import { noHandshakeFailures, noIpRefusals, noLimitRefusals, type SessionInfo, type StreamInfo } from '../../lib/snapshots';
import { noTiming } from '../helpers/fake-engine';

describe('History', () => {
  it('keeps the newest samples, oldest first, and averages the newest n', () => {
    const h = new History(3, ['x'] as const);
    expect(h.mean('x', 2)).toBeUndefined();
    for (let i = 1; i <= 5; i++) h.push(i * 1000, { x: i * 10 });
    expect(h.size).toBe(3);
    expect(h.series()).toEqual({ t: [3000, 4000, 5000], x: [30, 40, 50] });
    expect(h.mean('x', 2)).toBe(45);
    expect(h.mean('x', 10)).toBe(40);
  });
});

const drops = { malformed: 0, empty: 0, tooLarge: 0, notPublishing: 0, authDenied: 0, authOverflow: 0, metadataTooLarge: 0 };

function sess(id: number, role: SessionInfo['role'], bytesIn: number, bytesOut: number, path = 'live/cam'): SessionInfo {
  const [app, stream] = path.split('/') as [string, string];
  return {
    id, ip: '127.0.0.1', port: 1, protocol: 'rtmp', role, app, stream, path, connectedAtMs: 0, bytesIn, bytesOut,
    droppedFrames: 0, droppedVideo: 0, droppedAudio: 0, ingestDrops: { ...drops }, loop: 0, waiting: false,
  };
}

function strm(publisherId: number, bytesIn: number, videoFrames: number, players = 0): StreamInfo {
  return {
    app: 'live', stream: 'cam', path: 'live/cam', publisherId, startedAtMs: 0, players,
    codec: { video: null, audio: null, encoder: null }, bytesIn, videoFrames, audioFrames: 0,
    gopCache: { frames: 0, bytes: 0, overflows: 0 }, ingestDrops: { ...drops }, timing: noTiming(),
  };
}

describe('StatsSampler', () => {
  let now = 0;
  let stats: ServerStats;
  let viewers: Map<string, ViewerCounts>;
  const sampler = () => new StatsSampler({ stats: () => stats, viewerCounts: () => viewers, now: () => now }, 300);

  beforeEach(() => {
    now = 10_000;
    viewers = new Map();
    stats = {
      sessions: [], streams: [], acceptedTotal: 0, ioThreads: 1, limitRefusals: noLimitRefusals(),
      handshakeFailures: noHandshakeFailures(), ipRefusals: noIpRefusals(), loops: [],
    };
  });

  it('measures bitrates and fps from counter differences, per stream and server-wide', () => {
    const s = sampler();
    stats.sessions = [sess(1, 'publisher', 1_000, 0), sess(2, 'player', 0, 500)];
    stats.streams = [strm(1, 1_000, 10, 1)];
    s.tick();
    expect(s.rates('live/cam')).toBeUndefined();
    now += 2_000;
    stats.sessions = [sess(1, 'publisher', 251_000, 0), sess(2, 'player', 0, 500_500)];
    stats.streams = [strm(1, 251_000, 70, 1)];
    viewers.set('live/cam', { hls: 2, dash: 1 });
    s.tick();
    // 250,000 bytes in 2 s = 1000 kbit/s; 60 frames in 2 s = 30 fps; 500,000 bytes out = 2000 kbit/s.
    expect(s.rates('live/cam')).toEqual({
      bitrateInKbps: { last1s: 1000, avg10s: 1000 },
      bitrateOutKbps: { last1s: 2000, avg10s: 2000 },
      fps: 30,
    });
    expect(s.history('live/cam')).toMatchObject({ t: [12_000], rtmp: [1], hls: [2], dash: [1] });
    expect(s.totals(stats.sessions)).toEqual({ bytesIn: 251_000, bytesOut: 500_500, bitrateInKbps: 1000, bitrateOutKbps: 2000 });
  });

  it('starts a republish from its own counters and forgets streams that ended', () => {
    const s = sampler();
    stats.streams = [strm(1, 900_000, 900)];
    s.tick();
    now += 1_000;
    // A new publisher with smaller counters: no negative (or made-up) rate, just a new baseline.
    stats.streams = [strm(2, 1_000, 1)];
    s.tick();
    expect(s.history('live/cam')?.t).toEqual([]);
    now += 1_000;
    stats.streams = [strm(2, 126_000, 31)];
    s.tick();
    expect(s.rates('live/cam')).toMatchObject({ bitrateInKbps: { last1s: 1000 }, fps: 30 });
    stats.streams = [];
    now += 1_000;
    s.tick();
    expect(s.rates('live/cam')).toBeUndefined();
  });

  it('adds the bytes of sessions that left to the totals', () => {
    const s = sampler();
    s.sessionEnded(100, 200);
    s.sessionEnded(1, 2);
    expect(s.totals([sess(3, 'player', 10, 20)])).toMatchObject({ bytesIn: 111, bytesOut: 222 });
  });
});

describe('StreamBans', () => {
  let now = 1_000_000;
  const bans = new StreamBans(() => now);
  const req = (action: 'publish' | 'play', name: string): AuthRequest => ({
    action, protocol: 'rtmp', app: 'live', name, query: {}, tcUrl: '', ip: '127.0.0.1', port: 1, tls: false, sessionId: 1,
  });

  it('bans for N seconds, lists soonest first, forgets expired bans', () => {
    bans.ban('live/a', 10);
    bans.ban('live/b', 5);
    expect(bans.list()).toEqual([
      { stream: 'live/b', untilMs: now + 5_000 },
      { stream: 'live/a', untilMs: now + 10_000 },
    ]);
    now += 5_000;
    expect(bans.bannedUntil('live/b')).toBeUndefined();
    expect(bans.list().map((b) => b.stream)).toEqual(['live/a']);
    expect(bans.lift('live/a')).toBe(true);
    expect(bans.list()).toEqual([]);
  });

  it('refuses publishes to a banned stream (asked or renamed to), lets plays and others through', async () => {
    bans.ban('live/public', 60);
    const renaming = withStreamBans(bans, (r) => (r.name === 'secret' ? { allow: true, name: 'public' } : { allow: true }));
    expect(await renaming(req('publish', 'public'))).toEqual({ allow: false, reason: 'stream live/public is banned by an operator for 60 more s' });
    expect(await renaming(req('publish', 'secret'))).toMatchObject({ allow: false });
    expect(await renaming(req('publish', 'other'))).toEqual({ allow: true });
    expect(await renaming(req('play', 'public'))).toEqual({ allow: true });
    const denying = withStreamBans(bans, () => ({ allow: false, reason: 'no' }));
    expect(await denying(req('play', 'x'))).toEqual({ allow: false, reason: 'no' });
    expect(await withStreamBans(bans, undefined)(req('publish', 'other'))).toEqual({ allow: true });
  });
});

describe('admin auth', () => {
  const request = (ip: string, authorization?: string) =>
    ({ socket: { remoteAddress: ip }, headers: authorization ? { authorization } : {} }) as unknown as IncomingMessage;
  const caught = (f: () => unknown): AdminHttpError => {
    try {
      f();
    } catch (e) {
      return e as AdminHttpError;
    }
    throw new Error('did not throw');
  };

  it('without tokens answers loopback only (403 loopback_only otherwise)', () => {
    expect(authenticate(request('127.0.0.1'), [])).toEqual({ who: 'loopback:127.0.0.1', ip: '127.0.0.1' });
    expect(authenticate(request('::ffff:127.0.0.5'), []).who).toBe('loopback:::ffff:127.0.0.5');
    expect(authenticate(request('::1'), []).who).toBe('loopback:::1');
    const e = caught(() => authenticate(request('203.0.113.7'), []));
    expect([e.status, e.code]).toEqual([403, 'loopback_only']);
    expect(isLoopback('128.0.0.1')).toBe(false);
    expect(isLoopback('::ffff:10.0.0.1')).toBe(false);
  });

  it('with tokens requires one, even on loopback, and names the caller by label', () => {
    const tokens = labelTokens({ ops: 'o'.repeat(16) }, 'e'.repeat(20));
    expect(tokens.map((t) => t.label)).toEqual(['ops', 'env']);
    expect(caught(() => authenticate(request('127.0.0.1'), tokens)).code).toBe('token_required');
    expect(caught(() => authenticate(request('127.0.0.1', 'Basic abc'), tokens)).code).toBe('token_required');
    expect(caught(() => authenticate(request('127.0.0.1', `Bearer ${'o'.repeat(15)}`), tokens)).code).toBe('token_invalid');
    expect(authenticate(request('203.0.113.7', `bearer ${'e'.repeat(20)}`), tokens)).toEqual({ who: 'token:env', ip: '203.0.113.7' });
    expect(labelTokens(['a'.repeat(16), 'b'.repeat(16)], undefined).map((t) => t.label)).toEqual(['token-1', 'token-2']);
  });

  it('refuses a short RTMP_ENGINE_ADMIN_TOKEN rather than accepting a guessable one', () => {
    expect(() => labelTokens(undefined, 'short')).toThrow(/RTMP_ENGINE_ADMIN_TOKEN must be at least 16 characters/);
    expect(labelTokens(undefined, '')).toEqual([]);
  });
});

describe('matchRoute', () => {
  it('matches templates, decodes parameters, answers HEAD as GET, tells 405 from 404', () => {
    expect(matchRoute('GET', '/api/v1/streams/live/c%20am/')).toMatchObject({ kind: 'found', params: { app: 'live', name: 'c am' } });
    expect(matchRoute('HEAD', '/api/v1/server')).toMatchObject({ kind: 'found', route: { operation: 'getServer' } });
    expect(matchRoute('DELETE', '/api/v1/sessions/viewer:abc')).toMatchObject({ kind: 'found', params: { id: 'viewer:abc' } });
    expect(matchRoute('POST', '/api/v1/sessions/1')).toEqual({ kind: 'method', allowed: ['DELETE'] });
    expect(matchRoute('GET', '/api/v1/streams//cam')).toEqual({ kind: 'none' });
    expect(matchRoute('GET', '/api/v1/streams/live/%ZZ').kind).toBe('bad');
  });
});

describe('admin options', () => {
  it('defaults, false, and readable errors', () => {
    expect(resolveOptions({}).admin).toEqual({ enabled: true, historySeconds: 300 });
    expect(resolveOptions({ admin: false }).admin.enabled).toBe(false);
    expect(resolveOptions({ admin: { tokens: { ci: 'c'.repeat(16) } } }).admin.tokens).toEqual({ ci: 'c'.repeat(16) });
    expect(() => resolveOptions({ admin: { tokens: ['short'] } })).toThrow(/admin\.tokens.*at least 16 characters/);
    expect(() => resolveOptions({ admin: { tokens: [] } })).toThrow(/admin\.tokens/);
    expect(() => resolveOptions({ admin: { historySeconds: 5 } })).toThrow(/admin\.historySeconds: must be an integer in 10\.\.3600/);
    expect(() => resolveOptions({ admin: { token: ['x'] } })).toThrow(/did you mean "admin\.tokens"/);
  });
});
