/**
 * What the engine itself now says about sessions and streams, seen through
 * the admin API, the WebSocket snapshot and /metrics with real ffmpeg peers:
 * a session that came through the RTMPS listener is "rtmps" everywhere
 * (sessions list and filter, server totals, a stream's players, the live
 * snapshot, the protocol label of rtmp_engine_sessions); keyframe interval,
 * GOP length and A/V skew are there for every stream without asking (an
 * ffmpeg publish with `-g 60` at 30 fps: keyframes every 2 s, GOP 60).
 */
import { WebSocket } from 'ws';

import type { RtmpServer } from '../../lib';
import { type Proc, playDecode, publish, stopAll } from '../e2e/helpers/ffmpeg';
import { makeClip } from '../e2e/helpers/media';
import { waitForEvent } from '../e2e/helpers/server';
import { selfSigned } from '../e2e/helpers/tls';
import { scrape, sumOf } from '../metrics/scrape';
import { describeWithAddon } from '../helpers/addon';
import { closeAllTestServers, testServer } from '../helpers/servers';
import { until, withTimeout } from '../helpers/wait';
import { adminRequest } from './admin-request';

jest.setTimeout(120_000);

const TOKEN = 'native-stats-token-0123456789';

let server: RtmpServer;
let rtmpPort = 0;
let rtmpsPort = 0;
let httpPort = 0;

const api = async (path: string) => {
  const r = await adminRequest(httpPort, 'GET', `/api/v1${path}`, TOKEN);
  expect(r.status).toBe(200);
  return r.body;
};

/** The first `stats` message of a new live-stats client. */
async function liveSnapshot(): Promise<any> {
  const ws = new WebSocket(`ws://127.0.0.1:${httpPort}/api/v1/ws?access_token=${TOKEN}`);
  try {
    return await withTimeout(
      'a live stats snapshot',
      new Promise((resolve, reject) => {
        ws.on('message', (data) => {
          const m = JSON.parse(data.toString());
          if (m.type === 'stats') resolve(m);
        });
        ws.once('error', reject);
      }),
      10_000,
    );
  } finally {
    ws.terminate();
  }
}

async function startPublisher(url: string, path: string, gop = 30, seconds = 4): Promise<Proc> {
  const clip = makeClip({ seconds, gop });
  const published = waitForEvent<{ path: string }>(server, 'publish', (e) => e.path === path);
  const proc = publish(clip.file, url, { loop: true, timeoutMs: 110_000 });
  await published;
  return proc;
}

describeWithAddon('native session and stream facts through the admin API and /metrics', () => {
  beforeAll(async () => {
    const tls = selfSigned('native-stats.example');
    server = testServer({
      rtmps: { host: '127.0.0.1', port: 0, cert: tls.cert, key: tls.key },
      http: { host: '127.0.0.1', port: 0 },
      admin: { tokens: [TOKEN] },
    });
    const bound = await server.listen();
    rtmpPort = bound.port;
    rtmpsPort = bound.rtmpsPort ?? 0;
    httpPort = bound.http as number;
  });

  afterEach(() => stopAll());
  afterAll(async () => {
    stopAll();
    await closeAllTestServers();
  });

  it('says rtmps for sessions that came through the RTMPS listener', async () => {
    expect(rtmpsPort).toBeGreaterThan(0);
    await startPublisher(`rtmps://127.0.0.1:${rtmpsPort}/live/secure`, 'live/secure');
    const tlsPlay = waitForEvent<{ path: string }>(server, 'play', (e) => e.path === 'live/secure');
    playDecode(`rtmps://127.0.0.1:${rtmpsPort}/live/secure`, 100, 110_000);
    await tlsPlay;
    const plainPlay = waitForEvent<{ path: string }>(server, 'play', (e) => e.path === 'live/secure');
    playDecode(`rtmp://127.0.0.1:${rtmpPort}/live/secure`, 100, 110_000);
    await plainPlay;

    const all = await api('/sessions?stream=live/secure');
    const byRole = Object.fromEntries(
      ['publisher', 'player'].map((role) => [role, all.sessions.filter((s: any) => s.role === role).map((s: any) => s.protocol).sort()]),
    );
    expect(byRole).toEqual({ publisher: ['rtmps'], player: ['rtmp', 'rtmps'] });
    const secure = await api('/sessions?protocol=rtmps');
    expect(secure.total).toBe(2);
    expect(secure.sessions.every((s: any) => s.protocol === 'rtmps')).toBe(true);
    expect((await api('/sessions?protocol=rtmp')).sessions.map((s: any) => s.role)).toEqual(['player']);

    const totals = (await api('/server')).totals;
    expect(totals.players).toEqual({ rtmp: 1, rtmps: 1, hls: 0, dash: 0, total: 2 });
    const stream = await api('/streams/live/secure');
    expect(stream.players).toEqual({ rtmp: 1, rtmps: 1, hls: 0, dash: 0, total: 2 });

    const live = await liveSnapshot();
    const line = live.streams.find((s: any) => s.path === 'live/secure');
    expect(line.viewers).toEqual({ rtmp: 1, rtmps: 1, hls: 0, dash: 0 });

    const families = await scrape(httpPort);
    expect(sumOf(families, 'rtmp_engine_sessions', { protocol: 'rtmps', role: 'publisher' })).toBe(1);
    expect(sumOf(families, 'rtmp_engine_sessions', { protocol: 'rtmps', role: 'player' })).toBe(1);
    expect(sumOf(families, 'rtmp_engine_sessions', { protocol: 'rtmp', role: 'player' })).toBe(1);
    expect(sumOf(families, 'rtmp_engine_publishes_total', { protocol: 'rtmps' })).toBe(1);

    // A kick of the RTMPS player is announced (and logged) as rtmps.
    const ws = new WebSocket(`ws://127.0.0.1:${httpPort}/api/v1/ws?access_token=${TOKEN}`);
    try {
      const kickEvent = withTimeout(
        'the kick event',
        new Promise<any>((resolve, reject) => {
          ws.on('message', (data) => {
            const m = JSON.parse(data.toString());
            if (m.type === 'event' && m.name === 'kick') resolve(m);
          });
          ws.once('error', reject);
        }),
        10_000,
      );
      await withTimeout('the live socket', new Promise((resolve) => ws.once('open', resolve)), 10_000);
      const player = secure.sessions.find((s: any) => s.role === 'player');
      const kicked = await adminRequest(httpPort, 'DELETE', `/api/v1/sessions/${player.id}`, TOKEN);
      expect(kicked.status).toBe(200);
      expect(await kickEvent).toMatchObject({ sessionId: String(player.id), protocol: 'rtmps' });
    } finally {
      ws.terminate();
    }
  });

  it('keeps keyframe interval, GOP and A/V skew for every stream, read without asking for it', async () => {
    // 20 s of media: no loop point (where timestamps jump) within the test.
    await startPublisher(`rtmp://127.0.0.1:${rtmpPort}/live/gop`, 'live/gop', 60, 20);
    // Keyframes at 0 and 2 s: the first interval is known after about 2 s of real time.
    const timing = await until('two keyframes', async () => {
      const t = server.streams().find((s) => s.path === 'live/gop')?.timing;
      return t && t.keyframeIntervalMs !== null ? t : undefined;
    });
    expect(timing.keyframeIntervalMs).toBe(2000);
    expect(timing.gopFrames).toBe(60);
    expect(timing.keyframes).toBeGreaterThanOrEqual(2);
    // ffmpeg interleaves audio and video by timestamp: within a video frame or two.
    expect(timing.avSkewMs).not.toBeNull();
    expect(Math.abs(timing.avSkewMs as number)).toBeLessThan(100);

    // The list answer has it for every stream (no GET of the stream first), and so does the live
    // snapshot. Both answer from the shared stats read, which may be up to about 1 s older than
    // the engine: wait for a read made after the second keyframe.
    const listed = await until('the stream list with its timing', async () => {
      const s = (await api('/streams')).streams.find((x: any) => x.path === 'live/gop');
      return s?.timing?.keyframeIntervalMs != null ? s : undefined;
    });
    expect(listed.timing).toMatchObject({ keyframeIntervalMs: 2000, gopFrames: 60 });
    expect(listed.health.notes.map((n: any) => n.code)).not.toContain('keyframe_interval_long');
    expect((await api('/streams/live/gop')).timing).toMatchObject({ keyframeIntervalMs: 2000, gopFrames: 60 });
    const live = await liveSnapshot();
    expect(live.streams.find((s: any) => s.path === 'live/gop').timing).toMatchObject({ keyframeIntervalMs: 2000, gopFrames: 60 });
    // Nothing subscribed to the stream's packets to measure it.
    expect(server.packetSubscriptions()).toEqual([]);
  });
});
