/** GET /api/v1/server: what the process runs, what it listens on, what flows through it, its limits. */
import type { RouteContext, RouteResult } from './context';
import { onlyParams } from './query-params';
import { versions } from './versions';

export function getServer(ctx: RouteContext): RouteResult {
  onlyParams(ctx.query, []);
  const { server } = ctx.host;
  const { options } = server;
  const stats = ctx.host.stats();
  const viewers = ctx.host.viewerSessions();
  const since = server.listeningSince();
  const rtmpPlayers = stats.sessions.filter((s) => s.role === 'player' && s.protocol === 'rtmp').length;
  const rtmpsPlayers = stats.sessions.filter((s) => s.role === 'player' && s.protocol === 'rtmps').length;
  const hls = viewers.filter((v) => v.protocol !== 'dash').length;
  const dash = viewers.length - hls;
  const address = server.address();
  const httpPort = server.httpPort();
  const rtmpsPort = server.rtmpsPort();
  return {
    body: {
      version: versions(),
      startedAtMs: since,
      uptimeSeconds: since === null ? 0 : Math.floor((Date.now() - since) / 1_000),
      ioThreads: stats.ioThreads,
      listeners: {
        rtmp: address ? { host: address.address, port: address.port } : null,
        rtmps: options.rtmps && rtmpsPort !== null ? { host: options.rtmps.host, port: rtmpsPort } : null,
        http: options.http && httpPort !== null ? { host: options.http.host, port: httpPort } : null,
      },
      totals: {
        connections: stats.sessions.length,
        acceptedTotal: stats.acceptedTotal,
        streams: stats.streams.length,
        publishers: stats.sessions.filter((s) => s.role === 'publisher').length,
        players: { rtmp: rtmpPlayers, rtmps: rtmpsPlayers, hls, dash, total: rtmpPlayers + rtmpsPlayers + hls + dash },
        ...ctx.sampler.totals(stats.sessions),
      },
      limits: { ...options.limits },
      bans: server.streamBans.list(),
    },
  };
}
