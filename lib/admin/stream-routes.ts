/**
 * GET /api/v1/streams, GET and DELETE /api/v1/streams/{app}/{name}: live
 * streams with what the engine knows (codecs, counters) and what the sampler
 * measured (bitrates, fps, history), and stopping a publisher (optionally
 * banning its stream for a while); DELETE /api/v1/bans/{app}/{name} lifts a ban.
 */
import type { ServerStats } from '../server';
import type { SessionInfo, StreamInfo } from '../snapshots';
import type { RouteContext, RouteResult } from './context';
import { AdminErrorCodes, AdminHttpError } from './json';
import { intParam, onlyParams } from './query-params';
import type { ViewerCounts } from './stats-sampler';
import { streamHealth } from './stream-health';

/** The longest ban the API sets: 30 days. */
const MAX_BAN_SECONDS = 30 * 24 * 3_600;

/** scheme://host[:port] the client reached us by, for the URLs we hand back. */
function hostName(ctx: RouteContext): string {
  const header = ctx.req.headers.host ?? '127.0.0.1';
  // "[::1]:8000" → "[::1]", "example.com:8000" → "example.com".
  return header.startsWith('[') ? header.slice(0, header.indexOf(']') + 1) : (header.split(':')[0] as string);
}

/** Where a stream plays (RTMP, RTMPS, HLS, DASH), with the host the request came to. */
export function urls(ctx: RouteContext, s: StreamInfo): Record<string, string> {
  const { server } = ctx.host;
  const host = hostName(ctx);
  const path = `${encodeURIComponent(s.app)}/${encodeURIComponent(s.stream)}`;
  const out: Record<string, string> = {};
  const rtmp = server.address();
  if (rtmp) out.rtmp = `rtmp://${host}:${rtmp.port}/${path}`;
  const rtmps = server.rtmpsPort();
  if (rtmps !== null) out.rtmps = `rtmps://${host}:${rtmps}/${path}`;
  const http = server.httpPort();
  const view = server.hlsStore()?.get(s.path);
  if (http !== null && view) {
    out.hls = `http://${host}:${http}/${path}/index.m3u8`;
    if (view.format === 'fmp4') out.dash = `http://${host}:${http}/${path}/index.mpd`;
  }
  return out;
}

/** One read of the engine and the viewer sessions, shared by every stream of an answer. */
interface Snapshot {
  stats: ServerStats;
  sessions: Map<number, SessionInfo>;
  players: Map<string, SessionInfo[]>;
  viewers: Map<string, ViewerCounts>;
}

function snapshot(ctx: RouteContext): Snapshot {
  const stats = ctx.host.stats();
  const sessions = new Map(stats.sessions.map((x) => [x.id, x]));
  const players = new Map<string, SessionInfo[]>();
  for (const x of stats.sessions) {
    if (x.role !== 'player') continue;
    const list = players.get(x.path);
    if (list) list.push(x);
    else players.set(x.path, [x]);
  }
  return { stats, sessions, players, viewers: ctx.host.viewerCounts() };
}

function summary(ctx: RouteContext, snap: Snapshot, s: StreamInfo): Record<string, unknown> {
  const { timing } = s;
  const publisher = snap.sessions.get(s.publisherId);
  const players = snap.players.get(s.path) ?? [];
  const hls = snap.viewers.get(s.path)?.hls ?? 0;
  const dash = snap.viewers.get(s.path)?.dash ?? 0;
  // The stream counts its RTMP players; the sessions say which came through RTMPS.
  const rtmps = Math.min(s.players, players.filter((p) => p.protocol === 'rtmps').length);
  const rates = ctx.sampler.rates(s.path);
  const trend = ctx.sampler.bitrateTrend(s.path);
  const playerDroppedVideo = players.reduce((n, p) => n + p.droppedVideo, 0);
  const health = streamHealth({
    hasVideo: s.codec.video !== null,
    declaredFps: s.codec.video?.fps ?? null,
    measuredFps: rates?.fps ?? null,
    samples: trend?.fpsSamples ?? 0,
    recentKbps: trend?.recentKbps ?? null,
    earlierKbps: trend?.earlierKbps ?? null,
    keyframeIntervalMs: timing.keyframeIntervalMs,
    avSkewMs: timing.avSkewMs,
    ingestDrops: Object.values(s.ingestDrops).reduce((a, b) => a + b, 0),
    playerDroppedVideo,
  });
  return {
    app: s.app,
    name: s.stream,
    path: s.path,
    publisher: {
      sessionId: s.publisherId,
      ip: publisher?.ip ?? null,
      port: publisher?.port ?? null,
      sinceMs: s.startedAtMs,
      // From the publisher's onMetaData, when it sends one.
      encoder: s.codec.encoder,
    },
    video: s.codec.video,
    audio: s.codec.audio,
    // Measured here from the engine's counters, once a second (null before the second sample).
    measured: rates
      ? { fps: rates.fps, bitrateInKbps: rates.bitrateInKbps, bitrateOutKbps: rates.bitrateOutKbps }
      : null,
    players: { rtmp: s.players - rtmps, rtmps, hls, dash, total: s.players + hls + dash },
    bytesIn: s.bytesIn,
    frames: { video: s.videoFrames, audio: s.audioFrames },
    dropped: {
      // Frames RTMP players were too slow for (players connected now).
      playerVideoFrames: playerDroppedVideo,
      playerAudioFrames: players.reduce((n, p) => n + p.droppedAudio, 0),
      ingest: s.ingestDrops,
      gopCacheOverflows: s.gopCache.overflows,
    },
    gopCache: { frames: s.gopCache.frames, bytes: s.gopCache.bytes },
    // Kept by the engine for every stream as frames arrive.
    timing: { keyframeIntervalMs: timing.keyframeIntervalMs, gopFrames: timing.gopFrames, avSkewMs: timing.avSkewMs },
    urls: urls(ctx, s),
    health,
  };
}

function findStream(ctx: RouteContext, snap: Snapshot): StreamInfo | undefined {
  const path = `${ctx.params.app}/${ctx.params.name}`;
  return snap.stats.streams.find((s) => s.path === path);
}

export function listStreams(ctx: RouteContext): RouteResult {
  onlyParams(ctx.query, []);
  const snap = snapshot(ctx);
  const streams = [...snap.stats.streams].sort((a, b) => a.path.localeCompare(b.path));
  return { body: { streams: streams.map((s) => summary(ctx, snap, s)) } };
}

export function getStream(ctx: RouteContext): RouteResult {
  onlyParams(ctx.query, []);
  const snap = snapshot(ctx);
  const s = findStream(ctx, snap);
  if (!s) throw new AdminHttpError(404, AdminErrorCodes.NOT_FOUND, `no live stream ${ctx.params.app}/${ctx.params.name}`);
  const history = ctx.sampler.history(s.path);
  return {
    body: {
      ...summary(ctx, snap, s),
      history: {
        intervalMs: 1_000,
        t: history?.t ?? [],
        bitrateInKbps: history?.bitrateInKbps ?? [],
        bitrateOutKbps: history?.bitrateOutKbps ?? [],
        fps: history?.fps ?? [],
        viewers: { rtmp: history?.rtmp ?? [], hls: history?.hls ?? [], dash: history?.dash ?? [] },
      },
    },
  };
}

/** Ends the publish (the publisher's session is closed) and, with ?ban=N, refuses the stream for N s. */
export function stopStream(ctx: RouteContext): RouteResult {
  onlyParams(ctx.query, ['ban', 'reason']);
  const ban = intParam(ctx.query, 'ban', 1, MAX_BAN_SECONDS);
  const reason = ctx.query.get('reason') ?? 'stopped by an operator';
  if (reason.length > 200) throw new AdminHttpError(400, AdminErrorCodes.BAD_REQUEST, 'reason must be at most 200 characters');
  const { server, logger } = ctx.host;
  const path = `${ctx.params.app}/${ctx.params.name}`;
  if (ban !== undefined && !server.bansEnforced()) {
    throw new AdminHttpError(
      409,
      AdminErrorCodes.BANS_UNAVAILABLE,
      'this server does not check publishes against bans (it needs the built-in HTTP server or an authorizer)',
    );
  }
  const s = findStream(ctx, snapshot(ctx));
  if (!s && ban === undefined) throw new AdminHttpError(404, AdminErrorCodes.NOT_FOUND, `no live stream ${path}`);
  // Ban first, so a publisher reconnecting at once is already refused.
  const bannedUntilMs = ban === undefined ? null : server.streamBans.ban(path, ban);
  const stopped = s ? server.kick(s.publisherId, reason) : false;
  logger.info(
    {
      admin: ctx.caller.who,
      ip: ctx.caller.ip,
      stream: path,
      sessionId: s?.publisherId,
      ...(ban !== undefined ? { banSeconds: ban } : {}),
      reason,
    },
    'admin: stream stopped',
  );
  ctx.notify('stopStream', { path, stopped, sessionId: s?.publisherId ?? null, bannedUntilMs, reason });
  return { body: { stream: path, stopped, publisherSessionId: s?.publisherId ?? null, bannedUntilMs } };
}

/** Lifts a ban before it runs out. */
export function liftBan(ctx: RouteContext): RouteResult {
  onlyParams(ctx.query, []);
  const path = `${ctx.params.app}/${ctx.params.name}`;
  const { server, logger } = ctx.host;
  if (server.streamBans.bannedUntil(path) === undefined) {
    throw new AdminHttpError(404, AdminErrorCodes.NOT_FOUND, `stream ${path} is not banned`);
  }
  server.streamBans.lift(path);
  logger.info({ admin: ctx.caller.who, ip: ctx.caller.ip, stream: path }, 'admin: ban lifted');
  return { body: { stream: path, lifted: true } };
}
