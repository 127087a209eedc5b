/**
 * One read of the server's state per scrape. prom-client asks every metric
 * family for its values in the same tick, so the first family to ask reads
 * (the engine's stats through the read shared with the admin API, at most
 * ~1 s old: ./shared-stats.ts; one call per subscription list) and the rest
 * reuse that read until the tick ends. The traffic ledger advances on each
 * fresh read.
 */
import type { HlsFeedCounters } from '../http/hls/feed';
import type { HlsStoreCounters } from '../http/hls/store';
import type { ServedBytes } from '../http/served-bytes';
import type { FrameSubscriptionInfo, PacketSubscriptionInfo, ServerStats } from '../server';
import { GrowthLedger } from './growth-ledger';
import { sharedStats } from './shared-stats';
import type { ServerMetrics } from './server-metrics';

/** What the metrics read of a server (RtmpServer provides it). */
export interface MetricsSource {
  stats(): ServerStats;
  frameSubscriptions(): FrameSubscriptionInfo[];
  frameDecoderCount(): number;
  packetSubscriptions(): PacketSubscriptionInfo[];
  hlsFeedCounters(): HlsFeedCounters;
  hlsStore(): { streams(): string[]; waiting(): number; counters(): HlsStoreCounters } | undefined;
  viewers(stream: string): number;
  /** HLS/DASH viewers of each watched stream, by protocol. */
  viewerCounts(): Map<string, { hls: number; dash: number }>;
  /** Bytes sent over HLS/DASH (monotonic), in total and per stream. */
  httpBytesSent(): ServedBytes;
  /** @internal */
  readonly metricsState: ServerMetrics;
}

export interface ScrapeData {
  stats: ServerStats;
  /** Every stream path in use: published (oldest first), then played/awaited by a session. */
  live: Set<string>;
  frames: FrameSubscriptionInfo[];
  decoders: number;
  packets: PacketSubscriptionInfo[];
  hlsFeed: HlsFeedCounters;
  hls: { streams: number; waiting: number; counters: HlsStoreCounters } | undefined;
  /** HLS/DASH viewer sessions of each live stream that has any, by protocol. */
  viewers: Map<string, { hls: number; dash: number }>;
}

/** The frame-subscription counters the ledger follows, as (track, outcome), in order. */
export const FRAME_COLUMNS = [
  ['video', 'delivered'],
  ['audio', 'delivered'],
  ['video', 'dropped'],
  ['audio', 'dropped'],
  ['video', 'skipped'],
] as const;

export class Scraper {
  /** Totals over frame subscriptions: FRAME_COLUMNS then decode errors. */
  readonly frameTotals = new GrowthLedger(FRAME_COLUMNS.length + 1);
  /** Totals over packet subscriptions: delivered, dropped. */
  readonly packetTotals = new GrowthLedger(2);
  private current: ScrapeData | undefined;

  constructor(private readonly source: MetricsSource) {}

  read(): ScrapeData {
    if (this.current) return this.current;
    const data = this.fresh();
    this.current = data;
    setImmediate(() => (this.current = undefined)).unref();
    return data;
  }

  private fresh(): ScrapeData {
    const { source } = this;
    const stats = sharedStats(source).get().stats;
    // Oldest publish first: when there are more streams than labels, the longest-lived keep theirs.
    const published = [...stats.streams].sort((x, y) => x.startedAtMs - y.startedAtMs || x.publisherId - y.publisherId);
    const live = new Set<string>();
    for (const s of published) live.add(s.path);
    for (const s of stats.sessions) if (s.stream !== '') live.add(s.path);
    source.metricsState.traffic.update(stats.sessions, live);
    source.metricsState.traffic.updateHttp(source.httpBytesSent());
    const frames = source.frameSubscriptions();
    this.frameTotals.update(
      frames.map((f) => ({
        id: f.id,
        values: [f.videoDelivered, f.audioDelivered, f.videoDropped, f.audioDropped, f.videoSkipped, f.decodeErrors],
      })),
    );
    const packets = source.packetSubscriptions();
    this.packetTotals.update(packets.map((p) => ({ id: p.id, values: [p.delivered, p.dropped] })));
    const store = source.hlsStore();
    const viewers = new Map<string, { hls: number; dash: number }>();
    for (const [path, counts] of source.viewerCounts()) if (live.has(path)) viewers.set(path, counts);
    return {
      stats,
      live,
      frames,
      decoders: source.frameDecoderCount(),
      packets,
      hlsFeed: source.hlsFeedCounters(),
      hls: store ? { streams: store.streams().length, waiting: store.waiting(), counters: store.counters() } : undefined,
      viewers,
    };
  }
}
