// HLS/DASH responses count as a stream's output, next to RTMP: real HTTP
// fetches of playlists, the MPD, init segments and parts against an ffmpeg
// publish (no RTMP player at all) move the per-stream and total sent-bytes
// series (protocol="http") by at least the body bytes fetched and at most
// those plus headers, the admin API's out-bitrate and totals, and the live
// stats WebSocket; HLS and DASH viewers are told apart in the gauges.
import * as http from 'http';
import { WebSocket } from 'ws';

import type { RtmpServer } from '../../lib';
import { publish, stopAll } from '../e2e/helpers/ffmpeg';
import { makeClip } from '../e2e/helpers/media';
import { waitForEvent } from '../e2e/helpers/server';
import { describeWithAddon } from '../helpers/addon';
import { closeAllTestServers, testServer } from '../helpers/servers';
import { until as untilValue } from '../helpers/wait';
import { adminRequest } from '../admin/admin-request';
import { scrape, sumOf } from './scrape';

jest.setTimeout(120_000);

afterEach(async () => {
  stopAll();
  await closeAllTestServers();
});

/** A GET whose body is kept as bytes (segments are binary). */
function fetchBytes(url: string, headers: http.OutgoingHttpHeaders = {}): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url}: no answer within 10 s`)));
    req.on('error', reject);
  });
}

/** Fetches with `get` until `ok` holds for the answer (helpers/wait's until, by predicate). */
function until<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  return untilValue(what, async () => {
    const v = await get();
    return ok(v) ? v : undefined;
  });
}

describeWithAddon('HLS/DASH bytes and viewers in the metrics and the admin API', () => {
  let server: RtmpServer;

  it('counts what HTTP viewers were sent, per stream and in total, and HLS and DASH viewers apart', async () => {
    server = testServer({ http: { host: '127.0.0.1', port: 0 }, hls: { segmentDuration: 1, partDuration: 0.2 } });
    const ports = await server.listen();
    const httpPort = ports.http as number;
    const clip = makeClip({ seconds: 4, gop: 15 });
    const published = waitForEvent(server, 'publish');
    publish(clip.file, `rtmp://127.0.0.1:${ports.port}/live/cam`, { loop: true, timeoutMs: 90_000 });
    await published;

    const base = `http://127.0.0.1:${httpPort}/live/cam`;
    const master = await until('the master playlist', () => fetchBytes(`${base}/index.m3u8`), (r) => r.status === 200);
    let body = master.body.length;
    // An HLS viewer: its media playlist (with the session id) twice, then every part it lists.
    const mediaPath = /^(video\.m3u8\?[^\s]*)$/m.exec(master.body.toString())?.[1];
    expect(mediaPath).toBeDefined();
    let playlist = '';
    for (let i = 0; i < 2; i++) {
      const media = await fetchBytes(`${base}/${mediaPath as string}`);
      expect(media.status).toBe(200);
      body += media.body.length;
      playlist = media.body.toString();
    }
    const uris = [
      ...[...playlist.matchAll(/#EXT-X-MAP:URI="([^"]+)"/g)].map((m) => m[1] as string),
      ...[...playlist.matchAll(/#EXT-X-PART:[^\n]*URI="([^"]+)"/g)].map((m) => m[1] as string),
    ];
    expect(uris.length).toBeGreaterThan(1);
    for (const uri of uris) {
      const r = await fetchBytes(`${base}/${uri}`);
      if (r.status === 200) body += r.body.length;
    }
    // A DASH viewer (same address and user agent: one session) reloading the MPD.
    for (let i = 0; i < 2; i++) {
      const mpd = await fetchBytes(`${base}/index.mpd`, { 'User-Agent': 'dash-test-player' });
      expect(mpd.status).toBe(200);
      body += mpd.body.length;
    }
    const requests = 2 + 1 + uris.length + 2;
    expect(body).toBeGreaterThan(10_000);

    // /metrics: the stream's http series holds those bytes (headers on top).
    const families = await until(
      'a scrape with the HTTP bytes and both viewers',
      () => scrape(httpPort),
      (f) =>
        sumOf(f, 'rtmp_engine_stream_sent_bytes_total', { stream: 'live/cam', protocol: 'http' }) >= body &&
        sumOf(f, 'rtmp_engine_stream_http_viewers', { stream: 'live/cam', protocol: 'dash' }) === 1,
    );
    const httpBytes = sumOf(families, 'rtmp_engine_stream_sent_bytes_total', { stream: 'live/cam', protocol: 'http' });
    // Headers: a few hundred bytes per response at most (nothing but our own requests went out).
    expect(httpBytes).toBeLessThanOrEqual(body + 1_000 * requests);
    // RTMP: only what the publisher was sent (acknowledgements, status), no media.
    expect(sumOf(families, 'rtmp_engine_stream_sent_bytes_total', { stream: 'live/cam', protocol: 'rtmp' })).toBeLessThan(10_000);
    expect(sumOf(families, 'rtmp_engine_sent_bytes_total', { protocol: 'http' })).toBe(httpBytes);
    expect(sumOf(families, 'rtmp_engine_stream_http_viewers', { stream: 'live/cam', protocol: 'hls' })).toBe(1);
    expect(sumOf(families, 'rtmp_engine_stream_http_viewers', { stream: 'live/cam', protocol: 'dash' })).toBe(1);
    expect(sumOf(families, 'rtmp_engine_http_viewers', { protocol: 'hls' })).toBe(1);
    expect(sumOf(families, 'rtmp_engine_http_viewers', { protocol: 'dash' })).toBe(1);

    // Admin API: the server's bytes out include them, and the stream's out-bitrate is not 0
    // with no RTMP player (a one-second sample holds a share of those bytes).
    const serverAnswer = await until(
      'the server totals with the HTTP bytes',
      () => adminRequest(httpPort, 'GET', '/api/v1/server'),
      (r) => r.body.totals.bytesOut >= body,
    );
    expect(serverAnswer.body.totals.players).toMatchObject({ rtmp: 0, hls: 1, dash: 1 });
    const ws = new WebSocket(`ws://127.0.0.1:${httpPort}/api/v1/ws?stream=live/cam`);
    const outRates: number[] = [];
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString()) as { type: string; streams?: Array<{ bitrateOutKbps: number }> };
      if (m.type === 'stats') for (const s of m.streams ?? []) outRates.push(s.bitrateOutKbps);
    });
    try {
      // Keep fetching parts while the sampler ticks, so every second has HTTP bytes in it.
      const detail = await until(
        'an out-bitrate from HTTP alone',
        async () => {
          const media = await fetchBytes(`${base}/${mediaPath as string}`);
          const part = [...media.body.toString().matchAll(/#EXT-X-PART:[^\n]*URI="([^"]+)"/g)].pop()?.[1];
          if (part) await fetchBytes(`${base}/${part}`);
          return adminRequest(httpPort, 'GET', '/api/v1/streams/live/cam');
        },
        (r) => r.status === 200 && (r.body.history?.bitrateOutKbps ?? []).some((x: number) => x > 0) && outRates.some((x) => x > 0),
      );
      expect(detail.body.players).toMatchObject({ rtmp: 0, hls: 1, dash: 1 });
    } finally {
      ws.terminate();
    }
  });
});
