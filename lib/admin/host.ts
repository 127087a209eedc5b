/**
 * What the admin API reads and does, gathered from one RtmpServer (and,
 * when the HLS handler is mounted elsewhere, that handler's viewer sessions),
 * so the routes depend on this small surface rather than on the server class.
 */
import type { HlsHandler } from '../http/hls-handler';
import type { ServedBytes } from '../http/served-bytes';
import type { ViewerSession } from '../http/viewer-sessions';
import type { LoggerLike } from '../logger';
import { type SharedStats, sharedStats } from '../metrics/shared-stats';
import type { RtmpServer, ServerStats } from '../server';
import type { ViewerCounts } from './stats-sampler';

/** A handler mounted elsewhere; without bytesSent its HTTP bytes are not in the out-bitrates. */
export type ViewerSource = Pick<HlsHandler, 'viewerSessions' | 'kickViewer'> & Partial<Pick<HlsHandler, 'bytesSent'>>;

export interface AdminHost {
  server: RtmpServer;
  logger: Pick<LoggerLike, 'info' | 'warn'>;
  /** The engine read shared with the sampler, live stats and /metrics (at most ~1 s old). */
  shared: SharedStats;
  /** The shared read's stats: what every route answers from. */
  stats(): ServerStats;
  viewerSessions(): readonly Readonly<ViewerSession>[];
  kickViewer(id: string): boolean;
  viewerCounts(): Map<string, ViewerCounts>;
  /** Bytes sent over HLS/DASH (monotonic, per stream and in total). */
  httpBytes(): ServedBytes;
}

export function adminHost(server: RtmpServer, logger: Pick<LoggerLike, 'info' | 'warn'>, viewers?: ViewerSource): AdminHost {
  const sessions = (): readonly Readonly<ViewerSession>[] => (viewers ? viewers.viewerSessions() : server.viewerSessions());
  const shared = sharedStats(server);
  return {
    server,
    logger,
    shared,
    stats: () => shared.get().stats,
    viewerSessions: sessions,
    kickViewer: (id) => (viewers ? viewers.kickViewer(id) : server.kickViewer(id)),
    httpBytes: () => viewers?.bytesSent?.() ?? (viewers ? { total: 0, byStream: new Map() } : server.httpBytesSent()),
    viewerCounts: () => {
      const counts = new Map<string, ViewerCounts>();
      for (const s of sessions()) {
        let c = counts.get(s.stream);
        if (!c) counts.set(s.stream, (c = { hls: 0, dash: 0 }));
        if (s.protocol === 'dash') c.dash++;
        else c.hls++;
      }
      return counts;
    },
  };
}
