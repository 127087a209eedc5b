// GET /metrics on the built-in HTTP server of a real engine: the whole output
// parses strictly and follows the naming rules, every family of the issue is
// there, and the endpoint answers only as it should (method, access, off).
import express from 'express';
import { readFileSync } from 'fs';
import { join } from 'path';
import type { AddressInfo } from 'net';

import { createMetricsHandler } from '../../lib';
import { describeWithAddon } from '../helpers/addon';
import { closeAllTestServers, testServer } from '../helpers/servers';
import { parsePrometheusText } from './prom-text-parser';
import { checkNaming, httpGet, scrape } from './scrape';

const TOKEN = 'a-long-enough-scrape-token';

/** The families the server must always expose (values may be 0). */
const EXPECTED = [
  'rtmp_engine_io_threads',
  'rtmp_engine_io_loop_lag_seconds',
  'rtmp_engine_io_loop_max_lag_seconds',
  'rtmp_engine_io_loop_utilisation_ratio',
  'rtmp_engine_io_loop_idle_seconds_total',
  'rtmp_engine_connections_accepted_total',
  'rtmp_engine_sessions',
  'rtmp_engine_connects_total',
  'rtmp_engine_publishes_total',
  'rtmp_engine_plays_total',
  'rtmp_engine_session_closes_total',
  'rtmp_engine_handshake_failures_total',
  'rtmp_engine_limit_refusals_total',
  'rtmp_engine_auth_decisions_total',
  'rtmp_engine_streams',
  'rtmp_engine_stream_players',
  'rtmp_engine_stream_http_viewers',
  'rtmp_engine_gop_cache_bytes',
  'rtmp_engine_received_bytes_total',
  'rtmp_engine_sent_bytes_total',
  'rtmp_engine_stream_received_bytes_total',
  'rtmp_engine_stream_sent_bytes_total',
  'rtmp_engine_player_dropped_frames_total',
  'rtmp_engine_ingest_dropped_messages_total',
  'rtmp_engine_hls_requests_total',
  'rtmp_engine_hls_blocking_reload_wait_seconds',
  'rtmp_engine_hls_items_total',
  'rtmp_engine_hls_feed_dropped_items_total',
  'rtmp_engine_hls_feed_dropped_bytes_total',
  'rtmp_engine_hls_streams',
  'rtmp_engine_hls_waiting_requests',
  'rtmp_engine_hls_gap_segments_total',
  'rtmp_engine_hls_stalled_streams_total',
  'rtmp_engine_decoder_subscriptions',
  'rtmp_engine_decoders',
  'rtmp_engine_decoder_queued_frames',
  'rtmp_engine_decoder_held_frames',
  'rtmp_engine_decoder_pool_bytes',
  'rtmp_engine_decoder_frames_total',
  'rtmp_engine_decoder_errors_total',
  'rtmp_engine_packet_subscriptions',
  'rtmp_engine_packets_total',
  // prom-client's defaults
  'process_cpu_seconds_total',
  'process_resident_memory_bytes',
  'nodejs_eventloop_lag_seconds',
  'nodejs_heap_size_used_bytes',
];

afterEach(closeAllTestServers);

describeWithAddon('GET /metrics', () => {
  it('serves the whole exposition: strict parse, naming rules, every family', async () => {
    const server = testServer({ http: { host: '127.0.0.1', port: 0 } });
    const { http } = await server.listen();
    const answer = await httpGet(`http://127.0.0.1:${http}/metrics`);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(answer.headers['cache-control']).toBe('no-store');
    const families = parsePrometheusText(answer.body);
    checkNaming(families);
    const missing = EXPECTED.filter((name) => !families.has(name));
    expect(missing).toEqual([]);
    expect(families.get('rtmp_engine_io_threads')?.samples[0]?.value).toBe(2);
    expect(families.get('rtmp_engine_hls_blocking_reload_wait_seconds')?.type).toBe('histogram');
    // Idle server: no session, no stream.
    expect(families.get('rtmp_engine_sessions')?.samples).toEqual([]);
    expect(families.get('rtmp_engine_streams')?.samples[0]?.value).toBe(0);
    // docs/operations.md lists every family of ours by its full name.
    const docs = readFileSync(join(__dirname, '..', '..', 'docs', 'operations.md'), 'utf8');
    const undocumented = [...families.keys()].filter((name) => name.startsWith('rtmp_engine_') && !docs.includes(`\`${name}\``));
    expect(undocumented).toEqual([]);
  });

  it('answers HEAD without a body, other methods with 405', async () => {
    const server = testServer({ http: { host: '127.0.0.1', port: 0 } });
    const { http } = await server.listen();
    const head = await httpGet(`http://127.0.0.1:${http}/metrics`, { method: 'HEAD' });
    expect([head.status, head.body]).toEqual([200, '']);
    const post = await httpGet(`http://127.0.0.1:${http}/metrics`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    expect(JSON.parse(post.body)).toMatchObject({ error: { code: 'method_not_allowed' } });
  });

  it('with tokens, wants the bearer token even from loopback', async () => {
    const server = testServer({ http: { host: '127.0.0.1', port: 0 }, metrics: { tokens: [TOKEN] } });
    const { http } = await server.listen();
    const url = `http://127.0.0.1:${http}/metrics`;
    const none = await httpGet(url);
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer /);
    expect(JSON.parse(none.body)).toMatchObject({ error: { code: 'token_required' } });
    const wrong = await httpGet(url, { headers: { Authorization: 'Bearer not-the-token-at-all' } });
    expect(wrong.status).toBe(401);
    await expect(scrape(http as number, { Authorization: `Bearer ${TOKEN}` })).resolves.toBeInstanceOf(Map);
  });

  it('follows metrics.path, and metrics: false serves nothing', async () => {
    const moved = testServer({ http: { host: '127.0.0.1', port: 0 }, metrics: { path: '/prom' } });
    const a = await moved.listen();
    expect((await httpGet(`http://127.0.0.1:${a.http}/prom`)).status).toBe(200);
    expect((await httpGet(`http://127.0.0.1:${a.http}/metrics`)).status).toBe(404);
    const off = testServer({ http: { host: '127.0.0.1', port: 0 }, metrics: false });
    const b = await off.listen();
    expect((await httpGet(`http://127.0.0.1:${b.http}/metrics`)).status).toBe(404);
  });

  it('mounts in Express with the same registry as the built-in endpoint', async () => {
    const server = testServer({ http: false });
    await server.listen();
    const app = express();
    app.get('/stats/prom', createMetricsHandler(server, { path: false }));
    const listener = app.listen(0, '127.0.0.1');
    await new Promise((r) => listener.once('listening', r));
    try {
      const port = (listener.address() as AddressInfo).port;
      const answer = await httpGet(`http://127.0.0.1:${port}/stats/prom`);
      expect(answer.status).toBe(200);
      const families = parsePrometheusText(answer.body);
      checkNaming(families);
      expect(families.has('rtmp_engine_sessions')).toBe(true);
      expect((await httpGet(`http://127.0.0.1:${port}/elsewhere`)).status).toBe(404);
    } finally {
      await new Promise((r) => listener.close(r));
    }
  });
});
