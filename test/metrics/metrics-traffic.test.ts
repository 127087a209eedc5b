// Counters move with real traffic: ffmpeg publishes and plays over RTMP, HTTP
// clients read HLS (one blocking reload), the authorizer allows and denies,
// a peer fails the handshake. Every scrape parses strictly, and totals never
// fall, even after the sessions have gone.
import * as net from 'net';

import type { RtmpServer } from '../../lib';
import { playFramemd5, publish, stopAll } from '../e2e/helpers/ffmpeg';
import { makeClip } from '../e2e/helpers/media';
import { waitForEvent, waitUntil } from '../e2e/helpers/server';
import { describeWithAddon } from '../helpers/addon';
import { RtmpTestClient, socketClosed } from '../helpers/rtmp-test-client';
import { closeAllTestServers, testServer } from '../helpers/servers';
import type { Family } from './prom-text-parser';
import { httpGet, scrape, sumOf } from './scrape';

jest.setTimeout(120_000);

afterEach(async () => {
  stopAll();
  await closeAllTestServers();
});

/** Totals that must never fall from one scrape to the next. */
const MONOTONIC = [
  'rtmp_engine_received_bytes_total',
  'rtmp_engine_sent_bytes_total',
  'rtmp_engine_connections_accepted_total',
  'rtmp_engine_connects_total',
  'rtmp_engine_session_closes_total',
  'rtmp_engine_hls_requests_total',
  'rtmp_engine_hls_items_total',
  'rtmp_engine_io_loop_idle_seconds_total',
];

describeWithAddon('metrics with real traffic', () => {
  let server: RtmpServer;
  let httpPort = 0;
  let rtmpPort = 0;
  const history: Array<Map<string, Family>> = [];

  async function take(): Promise<Map<string, Family>> {
    const families = await scrape(httpPort);
    const last = history[history.length - 1];
    if (last) {
      for (const name of MONOTONIC) {
        expect({ name, now: sumOf(families, name) >= sumOf(last, name) }).toEqual({ name, now: true });
      }
    }
    history.push(families);
    return families;
  }

  it('counts sessions, bytes per stream, HLS, auth decisions and handshake failures', async () => {
    server = testServer({ http: { host: '127.0.0.1', port: 0 }, hls: { segmentDuration: 1, partDuration: 0.2 } });
    server.authorize((req) => (req.name === 'denied' ? { allow: false, reason: 'not this one' } : { allow: true }));
    const ports = await server.listen();
    httpPort = ports.http as number;
    rtmpPort = ports.port;
    const idle = await take();
    expect(sumOf(idle, 'rtmp_engine_received_bytes_total')).toBe(0);

    // A publisher (ffmpeg, looping a clip in real time).
    const clip = makeClip({ seconds: 4, gop: 15 });
    const published = waitForEvent(server, 'publish');
    const publisher = publish(clip.file, `rtmp://127.0.0.1:${rtmpPort}/live/cam`, { loop: true, timeoutMs: 90_000 });
    await published;
    const a = await take();
    expect(sumOf(a, 'rtmp_engine_sessions', { role: 'publisher', protocol: 'rtmp' })).toBe(1);
    expect(sumOf(a, 'rtmp_engine_streams')).toBe(1);
    expect(sumOf(a, 'rtmp_engine_publishes_total', { protocol: 'rtmp' })).toBe(1);
    expect(sumOf(a, 'rtmp_engine_auth_decisions_total', { protocol: 'rtmp', action: 'publish', result: 'allow', reason: 'authorizer' })).toBe(1);

    // A player (ffmpeg) for a few seconds.
    const played = waitForEvent(server, 'play');
    const player = playFramemd5(`rtmp://127.0.0.1:${rtmpPort}/live/cam`, { seconds: 3, timeoutMs: 30_000 });
    await played;
    await waitUntil(() => server.sessions().some((s) => s.role === 'player' && s.bytesOut > 50_000), 'the player receiving media');
    // A scrape answers from the engine read shared with the admin API (at most ~1 s old).
    let b = await take();
    await waitUntilAsync(async () => {
      b = await take();
      return sumOf(b, 'rtmp_engine_stream_sent_bytes_total', { stream: 'live/cam' }) > 50_000;
    }, 'a scrape counting the bytes the player received');
    expect(sumOf(b, 'rtmp_engine_sessions', { role: 'player', protocol: 'rtmp' })).toBe(1);
    expect(sumOf(b, 'rtmp_engine_stream_players', { stream: 'live/cam' })).toBe(1);
    expect(sumOf(b, 'rtmp_engine_plays_total', { protocol: 'rtmp' })).toBe(1);
    expect(sumOf(b, 'rtmp_engine_received_bytes_total')).toBeGreaterThan(sumOf(a, 'rtmp_engine_received_bytes_total'));
    expect(sumOf(b, 'rtmp_engine_stream_received_bytes_total', { stream: 'live/cam' })).toBeGreaterThan(0);
    expect(sumOf(b, 'rtmp_engine_stream_sent_bytes_total', { stream: 'live/cam' })).toBeGreaterThan(50_000);
    expect(sumOf(b, 'rtmp_engine_sent_bytes_total')).toBeGreaterThan(50_000);

    // HLS: the master, a media playlist, then a blocking reload for the next part.
    const base = `http://127.0.0.1:${httpPort}/live/cam`;
    await waitUntilAsync(async () => (await httpGet(`${base}/index.m3u8`)).status === 200, 'the HLS master playlist');
    const media = await httpGet(`${base}/video.m3u8`);
    expect(media.status).toBe(200);
    const next = nextPart(media.body);
    const blocking = await httpGet(`${base}/video.m3u8?_HLS_msn=${next.msn}&_HLS_part=${next.part}`);
    expect(blocking.status).toBe(200);
    const c = await take();
    expect(sumOf(c, 'rtmp_engine_hls_requests_total', { kind: 'master' })).toBeGreaterThanOrEqual(1);
    expect(sumOf(c, 'rtmp_engine_hls_requests_total', { kind: 'media' })).toBe(2);
    expect(sumOf(c, 'rtmp_engine_hls_blocking_reload_wait_seconds_count', { status: '200' })).toBe(1);
    expect(sumOf(c, 'rtmp_engine_hls_items_total', { type: 'init' })).toBeGreaterThanOrEqual(1);
    expect(sumOf(c, 'rtmp_engine_hls_items_total', { type: 'part' })).toBeGreaterThan(0);
    expect(sumOf(c, 'rtmp_engine_hls_items_total', { type: 'segment' })).toBeGreaterThan(0);
    expect(sumOf(c, 'rtmp_engine_hls_streams')).toBe(1);

    // A denied publish, and a peer that speaks RTMPE (version byte 6).
    const denied = await RtmpTestClient.connect(rtmpPort, 'live');
    const status = await denied.publish('denied');
    expect(String(status.code)).toBe('NetStream.Publish.Unauthorized');
    denied.destroy();
    const bad = net.connect({ port: rtmpPort, host: '127.0.0.1' });
    bad.on('error', () => undefined);
    bad.resume();
    bad.write(Buffer.concat([Buffer.from([6]), Buffer.alloc(1536)]));
    await socketClosed(bad);
    await waitUntilAsync(
      async () => sumOf(await take(), 'rtmp_engine_handshake_failures_total', { protocol: 'rtmp', reason: 'version' }) === 1,
      'the handshake failure counted',
    );
    const d = history[history.length - 1] as Map<string, Family>;
    expect(sumOf(d, 'rtmp_engine_auth_decisions_total', { action: 'publish', result: 'deny', reason: 'authorizer' })).toBe(1);
    expect(sumOf(d, 'rtmp_engine_session_closes_total', { code: 'ERR_RTMP_HANDSHAKE_VERSION' })).toBe(1);

    // Everyone leaves: the stream's series go, the totals stay.
    await player.exited;
    publisher.child.kill('SIGKILL');
    await waitUntil(() => server.sessions().length === 0, 'every session gone');
    await waitUntilAsync(async () => sumOf(await take(), 'rtmp_engine_streams') === 0, 'the stream gone');
    const e = await take();
    expect(sumOf(e, 'rtmp_engine_stream_received_bytes_total', { stream: 'live/cam' })).toBe(0);
    expect(sumOf(e, 'rtmp_engine_sessions')).toBe(0);
    expect(sumOf(e, 'rtmp_engine_received_bytes_total')).toBeGreaterThanOrEqual(sumOf(b, 'rtmp_engine_received_bytes_total'));
    expect(sumOf(e, 'rtmp_engine_session_closes_total')).toBeGreaterThanOrEqual(4);
    // Each of the 2 I/O loops has been measured (the test ran for more than its 1 s period).
    const busy = e.get('rtmp_engine_io_loop_utilisation_ratio')?.samples ?? [];
    expect(busy.map((s) => s.labels.loop).sort()).toEqual(['0', '1']);
    for (const s of busy) expect(s.value >= 0 && s.value <= 1).toBe(true);
    expect(e.get('rtmp_engine_io_loop_lag_seconds')?.samples.length).toBe(2);
    const idleNow = sumOf(e, 'rtmp_engine_io_loop_idle_seconds_total');
    expect(idleNow).toBeGreaterThan(sumOf(idle, 'rtmp_engine_io_loop_idle_seconds_total'));
    // The ledger follows no session once they are all gone.
    expect(server.metricsState.traffic.followed()).toBe(0);
  });
});

/** The part after the last one listed in a LL-HLS media playlist. */
function nextPart(playlist: string): { msn: number; part: number } {
  const sequence = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(playlist)?.[1] ?? NaN);
  const lines = playlist.split('\n');
  const segments = lines.filter((l) => l.startsWith('#EXTINF')).length;
  // Parts of the open segment are listed after the last complete segment.
  let openParts = 0;
  for (const line of lines) {
    if (line.startsWith('#EXTINF')) openParts = 0;
    else if (line.startsWith('#EXT-X-PART:')) openParts++;
  }
  return { msn: sequence + segments, part: openParts };
}

async function waitUntilAsync(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
