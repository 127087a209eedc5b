/**
 * The admin API against real peers: Debian's ffmpeg publishing and playing
 * over RTMP, HTTP clients playing HLS. A kick really ends the ffmpeg
 * publisher and player; stopping a stream ends the publish; a ban refuses
 * the re-publish until it runs out; a kicked HLS viewer's next playlist
 * request gets 403. Every wait is time-boxed.
 */
import * as http from 'http';

import type { RtmpServer } from '../../lib';
import { type Proc, playDecode, publish, stopAll } from '../e2e/helpers/ffmpeg';
import { makeClip } from '../e2e/helpers/media';
import { waitForEvent } from '../e2e/helpers/server';
import { describeWithAddon } from '../helpers/addon';
import { closeAllTestServers, testServer } from '../helpers/servers';
import { until, withTimeout } from '../helpers/wait';
import { adminRequest } from './admin-request';
import { validateAnswer } from './openapi-schema';

jest.setTimeout(120_000);

const TOKEN = 'e2e-admin-token-0123456789';

let server: RtmpServer;
let rtmpPort = 0;
let httpPort = 0;

const api = (method: string, path: string) => adminRequest(httpPort, method, `/api/v1${path}`, TOKEN);

function httpGet(path: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: httpPort, path, timeout: 10_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path}: no answer`)));
    req.on('error', reject);
  });
}

const rtmpUrl = (path: string) => `rtmp://127.0.0.1:${rtmpPort}/${path}`;

async function startPublisher(path: string): Promise<{ proc: Proc; sessionId: number }> {
  const clip = makeClip({ seconds: 4 });
  const published = waitForEvent<{ path: string; sessionId: number }>(server, 'publish', (e) => e.path === path);
  const proc = publish(clip.file, rtmpUrl(path), { loop: true, timeoutMs: 110_000 });
  const event = await published;
  return { proc, sessionId: event.sessionId };
}

describeWithAddon('admin API with real peers', () => {
  beforeEach(async () => {
    server = testServer({ http: { host: '127.0.0.1', port: 0 }, admin: { tokens: [TOKEN] } });
    const bound = await server.listen();
    rtmpPort = bound.port;
    httpPort = bound.http as number;
  });

  afterEach(async () => {
    stopAll();
    await closeAllTestServers();
  });

  it('shows a live stream with measured rates, then a kick ends the ffmpeg player and the publisher', async () => {
    const { proc: publisher, sessionId: publisherId } = await startPublisher('live/cam');
    const played = waitForEvent<{ path: string; sessionId: number }>(server, 'play', (e) => e.path === 'live/cam');
    const player = playDecode(rtmpUrl('live/cam'), 100, 110_000);
    const playerId = (await played).sessionId;

    // Rates need two samples of a flowing stream.
    const stream = await until('measured fps and bitrate', async () => {
      const r = await api('GET', '/streams/live/cam');
      return r.body.measured && r.body.measured.fps > 0 && r.body.measured.bitrateInKbps.last1s > 0 ? r.body : undefined;
    });
    expect(stream).toMatchObject({
      path: 'live/cam',
      publisher: { sessionId: publisherId, ip: '127.0.0.1' },
      video: { codec: 'H264', width: 320, height: 240 },
      audio: { codec: 'AAC' },
      players: { rtmp: 1 },
      urls: { rtmp: `rtmp://127.0.0.1:${rtmpPort}/live/cam` },
    });
    expect(stream.history.t.length).toBeGreaterThan(0);

    // The engine keeps the stream's keyframe timing: the clip has a keyframe every 30 frames at 30 fps.
    const timing = await until('keyframe timing', async () => {
      const r = await api('GET', '/streams/live/cam');
      return r.body.timing.gopFrames !== null ? r.body.timing : undefined;
    });
    expect(timing).toMatchObject({ keyframeIntervalMs: 1000, gopFrames: 30 });
    expect(Math.abs(timing.avSkewMs)).toBeLessThan(500);
    // Real answers, with every number filled in, match docs/openapi.json.
    expect(validateAnswer('getStream', (await api('GET', '/streams/live/cam')).body)).toEqual([]);
    expect(validateAnswer('listStreams', (await api('GET', '/streams')).body)).toEqual([]);
    expect(validateAnswer('getServer', (await api('GET', '/server')).body)).toEqual([]);
    expect(validateAnswer('listSessions', (await api('GET', '/sessions')).body)).toEqual([]);
    // Nothing subscribed to the stream's packets to measure it.
    expect(server.packetSubscriptions()).toEqual([]);

    const list = await api('GET', '/streams');
    expect(list.body.streams.map((s: { path: string }) => s.path)).toEqual(['live/cam']);
    const totals = (await api('GET', '/server')).body.totals;
    expect(totals).toMatchObject({ publishers: 1, streams: 1, players: { rtmp: 1 } });
    expect(totals.bytesIn).toBeGreaterThan(0);
    expect(totals.bytesOut).toBeGreaterThan(0);
    const players = await api('GET', '/sessions?role=player&stream=live/cam');
    expect(players.body.sessions.map((s: { id: string }) => s.id)).toEqual([String(playerId)]);

    const stopped = waitForEvent(server, 'disconnect', (e: { sessionId: number }) => e.sessionId === playerId);
    expect((await api('DELETE', `/sessions/${playerId}`)).status).toBe(200);
    await stopped;
    await withTimeout('the ffmpeg player to exit', player.exited, 15_000);

    const left = waitForEvent(server, 'disconnect', (e: { sessionId: number }) => e.sessionId === publisherId);
    expect((await api('DELETE', `/sessions/${publisherId}`)).status).toBe(200);
    await left;
    expect(await withTimeout('the ffmpeg publisher to exit', publisher.exited, 15_000)).not.toBe(0);
    expect((await api('GET', '/streams/live/cam')).status).toBe(404);
  });

  it('says in words when keyframes are too far apart', async () => {
    const clip = makeClip({ seconds: 12, gop: 150 });
    const published = waitForEvent(server, 'publish', (e: { path: string }) => e.path === 'live/longgop');
    publish(clip.file, rtmpUrl('live/longgop'), { loop: true, timeoutMs: 110_000 });
    await published;
    const health = await until(
      'a keyframe interval note',
      async () => {
        const r = await api('GET', '/streams/live/longgop');
        return r.body.timing.keyframeIntervalMs !== null ? r.body : undefined;
      },
      40_000,
    );
    expect(health.timing).toMatchObject({ keyframeIntervalMs: 5000, gopFrames: 150 });
    expect(health.health.status).toBe('warning');
    expect(health.health.notes).toContainEqual({
      code: 'keyframe_interval_long',
      message: "keyframes every 5 s: set the encoder's keyframe interval to 2 s",
    });
  });

  it('stops a stream and refuses its re-publish while banned, then takes it again', async () => {
    const { proc: first } = await startPublisher('live/banned');
    const stop = await api('DELETE', '/streams/live/banned?ban=3');
    expect(stop.status).toBe(200);
    expect(stop.body).toMatchObject({ stream: 'live/banned', stopped: true });
    expect(await withTimeout('the stopped publisher to exit', first.exited, 15_000)).not.toBe(0);

    // Re-publishing at once is refused: ffmpeg gives up, the stream never starts.
    const publishes: string[] = [];
    server.on('publish', (e) => publishes.push(e.path));
    const reasons: string[] = [];
    server.on('disconnect', (e) => reasons.push(e.reason));
    const retry = publish(makeClip({ seconds: 4 }).file, rtmpUrl('live/banned'), { loop: true, timeoutMs: 30_000 });
    expect(await withTimeout('the refused publisher to exit', retry.exited, 20_000)).not.toBe(0);
    expect(publishes).toEqual([]);
    await until('the refused session to leave', async () => (reasons.length > 0 ? true : undefined), 10_000);
    expect(reasons).toEqual([expect.stringMatching(/stream live\/banned is banned by an operator/)]);
    expect(retry.stderr()).toMatch(/is banned by an operator/);

    // Once the ban has run out, the same stream publishes again.
    await until('the ban to run out', async () => (server.streamBans.bannedUntil('live/banned') === undefined ? true : undefined), 10_000);
    const again = await startPublisher('live/banned');
    expect(again.sessionId).toBeGreaterThan(0);
  });

  it('kicks an HLS viewer: listed as a session, its next playlist request gets 403', async () => {
    await startPublisher('live/hls');
    const master = await until('the master playlist', async () => {
      const r = await httpGet('/live/hls/index.m3u8');
      return r.status === 200 ? r.text : undefined;
    });
    const m = /video\.m3u8\?(?:[^"\s]*&)?session=([A-Za-z0-9_-]+)/.exec(master);
    if (!m) throw new Error(`no session in the master playlist:\n${master}`);
    const id = m[1] as string;
    const media = `/live/hls/video.m3u8?session=${id}`;
    expect((await httpGet(media)).status).toBe(200);

    // Every master request (the 503s before the first part too) opened a session of its own.
    const viewers = await api('GET', '/sessions?protocol=hls&stream=live/hls');
    expect(validateAnswer('listSessions', viewers.body)).toEqual([]);
    const ours = viewers.body.sessions.filter((s: { id: string }) => s.id === `viewer:${id}`);
    expect(ours).toEqual([expect.objectContaining({ protocol: 'hls', role: 'player', stream: 'live/hls' })]);
    const detail = await api('GET', '/streams/live/hls');
    expect(detail.body.players.hls).toBe(viewers.body.total);
    expect(detail.body.urls).toMatchObject({
      hls: `http://127.0.0.1:${httpPort}/live/hls/index.m3u8`,
      dash: `http://127.0.0.1:${httpPort}/live/hls/index.mpd`,
    });

    const kick = await api('DELETE', `/sessions/viewer:${id}`);
    expect(kick.status).toBe(200);
    const after = await httpGet(media);
    expect(after.status).toBe(403);
    expect(JSON.parse(after.text).error.code).toBe('forbidden');
    const rest = (await api('GET', '/sessions?protocol=hls')).body;
    expect(rest.total).toBe(viewers.body.total - 1);
    expect(rest.sessions.map((s: { id: string }) => s.id)).not.toContain(`viewer:${id}`);
  });
});
