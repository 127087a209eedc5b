/**
 * Sessions, streams and traffic: read from the engine's stats on scrape and
 * from the counters kept between scrapes (./server-metrics.ts).
 */
import type { Registry } from 'prom-client';

import type { LabelCounts } from './label-counts';
import { addFamily, type Row, single } from './family';
import type { ScrapeData } from './scrape';
import type { ServerMetrics } from './server-metrics';
import { OTHER_STREAMS } from './stream-labels';
import { HANDSHAKE_FAILURE_REASONS, IP_ACTIONS, IP_REFUSAL_RULES, LIMIT_NAMES } from '../snapshots';
import { INGEST_DROP_REASONS } from './traffic-ledger';

function rowsOf<L extends string>(counts: LabelCounts<L>): Row<L>[] {
  return [...counts.entries()].map(({ labels, value }) => [labels, value] as const);
}

/** Per-stream gauge rows: labelled streams as they are, the others summed under _other. */
function perStream(state: ServerMetrics, values: Iterable<[string, number]>): Row<'stream'>[] {
  const sums = new Map<string, number>();
  for (const [path, n] of values) {
    const label = state.traffic.labels.labelOf(path);
    sums.set(label, (sums.get(label) ?? 0) + n);
  }
  return [...sums].map(([stream, n]) => [{ stream }, n] as const);
}

export function addSessionFamilies(registry: Registry, read: () => ScrapeData, state: ServerMetrics): void {
  const counter = <L extends string>(spec: Parameters<typeof addFamily<L>>[3]): void =>
    addFamily(registry, 'counter', read, spec);
  const gauge = <L extends string>(spec: Parameters<typeof addFamily<L>>[3]): void =>
    addFamily(registry, 'gauge', read, spec);
  const { events, traffic } = state;

  gauge({
    name: 'rtmp_engine_io_threads',
    help: 'I/O loop threads of the engine.',
    labelNames: [],
    rows: (d) => single(d.stats.ioThreads),
  });
  const measured = (d: ScrapeData) => d.stats.loops.filter((l) => l.samples > 0);
  gauge({
    name: 'rtmp_engine_io_loop_lag_seconds',
    help: 'How late the last 1 s housekeeping tick of each I/O loop fired (a busy or starved loop is late).',
    labelNames: ['loop'],
    rows: (d) => measured(d).map((l) => [{ loop: String(l.index) }, l.lagMs / 1000] as const),
  });
  gauge({
    name: 'rtmp_engine_io_loop_max_lag_seconds',
    help: 'The largest lag of each I/O loop since the server started.',
    labelNames: ['loop'],
    rows: (d) => measured(d).map((l) => [{ loop: String(l.index) }, l.maxLagMs / 1000] as const),
  });
  gauge({
    name: 'rtmp_engine_io_loop_utilisation_ratio',
    help: 'Share of the last second each I/O loop was busy (not waiting for I/O), 0 to 1.',
    labelNames: ['loop'],
    rows: (d) => measured(d).map((l) => [{ loop: String(l.index) }, l.utilisation] as const),
  });
  counter({
    name: 'rtmp_engine_io_loop_idle_seconds_total',
    help: 'Time each I/O loop spent waiting for I/O (libuv idle time, sampled every second): 1 - rate() is its utilisation.',
    labelNames: ['loop'],
    rows: (d) => d.stats.loops.map((l) => [{ loop: String(l.index) }, l.idleMs / 1000] as const),
  });
  counter({
    name: 'rtmp_engine_connections_accepted_total',
    help: 'TCP connections accepted on the RTMP and RTMPS listeners.',
    labelNames: [],
    rows: (d) => single(d.stats.acceptedTotal),
  });
  gauge({
    name: 'rtmp_engine_sessions',
    help: 'Open RTMP sessions by role (publisher, player, unknown: no publish/play yet) and protocol (rtmp, rtmps: the listener it came through).',
    labelNames: ['role', 'protocol'],
    rows: (d) => {
      const counts = new Map<string, number>();
      for (const s of d.stats.sessions) {
        const key = `${s.role}\u0000${s.protocol}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      return [...counts].map(([key, n]) => {
        const [role, protocol] = key.split('\u0000') as [string, string];
        return [{ role, protocol }, n] as const;
      });
    },
  });
  counter({
    name: 'rtmp_engine_connects_total',
    help: 'Sessions whose NetConnection.connect was accepted, by protocol.',
    labelNames: ['protocol'],
    rows: () => rowsOf(events.connects),
  });
  counter({
    name: 'rtmp_engine_publishes_total',
    help: 'Publishes started, by protocol.',
    labelNames: ['protocol'],
    rows: () => rowsOf(events.publishes),
  });
  counter({
    name: 'rtmp_engine_plays_total',
    help: 'RTMP plays started, by protocol.',
    labelNames: ['protocol'],
    rows: () => rowsOf(events.plays),
  });
  counter({
    name: 'rtmp_engine_session_closes_total',
    help: 'Sessions closed, by the stable code of the reason (OK, ERR_RTMP_CLOSED: the peer left, ERR_RTMP_LIMIT, ...).',
    labelNames: ['code'],
    rows: () => rowsOf(events.closes),
  });
  counter({
    name: 'rtmp_engine_handshake_failures_total',
    help: 'Failed handshakes (engine counters), by listener and reason: RTMP version, digest or state; tls: RTMPS failing TLS before the RTMP handshake completed; timeout: not completed within rtmp.handshakeTimeoutMs.',
    labelNames: ['protocol', 'reason'],
    rows: (d) =>
      (['rtmp', 'rtmps'] as const).flatMap((protocol) =>
        HANDSHAKE_FAILURE_REASONS.map((reason) => [{ protocol, reason }, d.stats.handshakeFailures[protocol][reason]] as const),
      ),
  });
  counter({
    name: 'rtmp_engine_ip_refusals_total',
    help: 'Clients refused by an IP rule (engine counters), by rule (deny: a deny rule matched; notAllowed: no rule allowed it; ban: banned after failed authorizations, at connect) and door (connect, publish, play).',
    labelNames: ['rule', 'action'],
    rows: (d) =>
      IP_REFUSAL_RULES.flatMap((rule) =>
        IP_ACTIONS.filter((action) => rule !== 'ban' || action === 'connect').map(
          (action) => [{ rule, action }, d.stats.ipRefusals[rule][action]] as const,
        ),
      ),
  });
  counter({
    name: 'rtmp_engine_limit_refusals_total',
    help: 'Sessions turned away or closed by a configured limit, by limit (connections, publishers, pendingPerIp, ingestRate, authBan, ...).',
    labelNames: ['limit'],
    rows: (d) => LIMIT_NAMES.map((limit) => [{ limit }, d.stats.limitRefusals[limit] ?? 0] as const),
  });
  counter({
    name: 'rtmp_engine_auth_decisions_total',
    help: 'Authorization decisions by protocol, action, result and reason (authorizer, error, timeout, no_authorizer).',
    labelNames: ['protocol', 'action', 'result', 'reason'],
    rows: () => rowsOf(events.authDecisions),
  });

  gauge({
    name: 'rtmp_engine_streams',
    help: 'Streams being published.',
    labelNames: [],
    rows: (d) => single(d.stats.streams.length),
  });
  gauge({
    name: 'rtmp_engine_stream_players',
    help: `RTMP players of each published stream (at most metrics.maxStreams streams by name, the rest summed as stream="${OTHER_STREAMS}").`,
    labelNames: ['stream'],
    rows: (d) => perStream(state, d.stats.streams.map((s) => [s.path, s.players])),
  });
  gauge({
    name: 'rtmp_engine_stream_http_viewers',
    help: 'HLS/DASH viewer sessions of each stream by protocol (hls, dash; bounded like rtmp_engine_stream_players).',
    labelNames: ['stream', 'protocol'],
    rows: (d) => [
      ...perStream(state, [...d.viewers].map(([path, v]) => [path, v.hls] as [string, number])).map(
        ([l, n]) => [{ ...l, protocol: 'hls' }, n] as const,
      ),
      ...perStream(state, [...d.viewers].map(([path, v]) => [path, v.dash] as [string, number])).map(
        ([l, n]) => [{ ...l, protocol: 'dash' }, n] as const,
      ),
    ],
  });
  gauge({
    name: 'rtmp_engine_http_viewers',
    help: 'HLS/DASH viewer sessions of every live stream, by protocol (hls, dash).',
    labelNames: ['protocol'],
    rows: (d) => {
      let hls = 0;
      let dash = 0;
      for (const v of d.viewers.values()) {
        hls += v.hls;
        dash += v.dash;
      }
      return [[{ protocol: 'hls' }, hls] as const, [{ protocol: 'dash' }, dash] as const];
    },
  });
  gauge({
    name: 'rtmp_engine_gop_cache_bytes',
    help: 'Bytes held by the GOP caches of every stream.',
    labelNames: [],
    rows: (d) => single(d.stats.streams.reduce((n, s) => n + s.gopCache.bytes, 0)),
  });

  counter({
    name: 'rtmp_engine_received_bytes_total',
    help: 'Bytes received from RTMP peers (all sessions).',
    labelNames: [],
    rows: () => single(traffic.totals.bytesIn),
  });
  counter({
    name: 'rtmp_engine_sent_bytes_total',
    help: 'Bytes sent, by protocol: rtmp (RTMP and RTMPS sessions), http (HLS/DASH playlists, segments and parts, headers included).',
    labelNames: ['protocol'],
    rows: () => [[{ protocol: 'rtmp' }, traffic.totals.bytesOut] as const, [{ protocol: 'http' }, traffic.totals.httpBytesOut] as const],
  });
  counter({
    name: 'rtmp_engine_stream_received_bytes_total',
    help: `Bytes received from the sessions of each stream (at most metrics.maxStreams streams by name, the rest as stream="${OTHER_STREAMS}").`,
    labelNames: ['stream'],
    rows: () => [...traffic.streamTraffic()].map(([stream, t]) => [{ stream }, t.bytesIn] as const),
  });
  counter({
    name: 'rtmp_engine_stream_sent_bytes_total',
    help: 'Bytes sent for each stream by protocol: rtmp (its players), http (its HLS/DASH responses); bounded like rtmp_engine_stream_received_bytes_total.',
    labelNames: ['stream', 'protocol'],
    rows: () =>
      [...traffic.streamTraffic()].flatMap(([stream, t]) => [
        [{ stream, protocol: 'rtmp' }, t.bytesOut] as const,
        [{ stream, protocol: 'http' }, t.httpBytesOut] as const,
      ]),
  });
  counter({
    name: 'rtmp_engine_player_dropped_frames_total',
    help: 'Frames dropped for RTMP players that were too slow (slow-consumer policy), by track.',
    labelNames: ['track'],
    rows: () => [[{ track: 'video' }, traffic.totals.droppedVideo] as const, [{ track: 'audio' }, traffic.totals.droppedAudio] as const],
  });
  counter({
    name: 'rtmp_engine_ingest_dropped_messages_total',
    help: 'Publisher messages not forwarded, by reason.',
    labelNames: ['reason'],
    rows: () => INGEST_DROP_REASONS.map((reason, i) => [{ reason }, traffic.totals.ingestDrops[i] ?? 0] as const),
  });
}
