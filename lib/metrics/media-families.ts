/**
 * HLS/DASH serving and the consumers of decoded frames and packets: read on
 * scrape from the HLS store, the engine's HLS feed channel, the frame and
 * packet subscription lists, and the counters kept between scrapes.
 */
import type { Registry } from 'prom-client';

import { addFamily, single } from './family';
import { FRAME_COLUMNS, type Scraper, type ScrapeData } from './scrape';
import type { ServerMetrics } from './server-metrics';

export function addMediaFamilies(registry: Registry, read: () => ScrapeData, scraper: Scraper, state: ServerMetrics): void {
  const counter = <L extends string>(spec: Parameters<typeof addFamily<L>>[3]): void =>
    addFamily(registry, 'counter', read, spec);
  const gauge = <L extends string>(spec: Parameters<typeof addFamily<L>>[3]): void =>
    addFamily(registry, 'gauge', read, spec);

  counter({
    name: 'rtmp_engine_hls_requests_total',
    help: 'HLS/DASH requests by resource (master, media, mpd, init, segment, part, ts).',
    labelNames: ['kind'],
    rows: () => [...state.http.hlsRequests.entries()].map(({ labels, value }) => [labels, value] as const),
  });
  registry.registerMetric(state.http.blockingWait);
  counter({
    name: 'rtmp_engine_hls_items_total',
    help: 'Items the HLS/DASH store received from the segmenter, by type (init, part, segment, end).',
    labelNames: ['type'],
    rows: () => [...state.hlsItems.entries()].map(({ labels, value }) => [labels, value] as const),
  });
  counter({
    name: 'rtmp_engine_hls_feed_dropped_items_total',
    help: 'Segmenter items dropped because JavaScript fell behind the bounded feed channel.',
    labelNames: [],
    rows: (d) => single(d.hlsFeed.dropped),
  });
  counter({
    name: 'rtmp_engine_hls_feed_dropped_bytes_total',
    help: 'Bytes of the segmenter items dropped by the feed channel.',
    labelNames: [],
    rows: (d) => single(d.hlsFeed.droppedBytes),
  });
  gauge({
    name: 'rtmp_engine_hls_streams',
    help: 'Streams the HLS/DASH store holds a window of.',
    labelNames: [],
    rows: (d) => (d.hls ? single(d.hls.streams) : []),
  });
  gauge({
    name: 'rtmp_engine_hls_waiting_requests',
    help: 'HLS/DASH requests held now waiting for a part or segment (blocking reloads, preload hints).',
    labelNames: [],
    rows: (d) => (d.hls ? single(d.hls.waiting) : []),
  });
  counter({
    name: 'rtmp_engine_hls_gap_segments_total',
    help: 'Segments listed as gaps because items were lost (current stream windows and forgotten ones).',
    labelNames: [],
    rows: (d) => (d.hls ? single(d.hls.counters.gapSegments) : []),
  });
  counter({
    name: 'rtmp_engine_hls_stalled_streams_total',
    help: 'HLS/DASH streams ended by the stall rule (their end never came).',
    labelNames: [],
    rows: (d) => (d.hls ? single(d.hls.counters.stalledStreams) : []),
  });

  gauge({
    name: 'rtmp_engine_decoder_subscriptions',
    help: 'Open frames() subscriptions.',
    labelNames: [],
    rows: (d) => single(d.frames.length),
  });
  gauge({
    name: 'rtmp_engine_decoders',
    help: 'Streams being decoded by the decoder pool (one decoder each).',
    labelNames: [],
    rows: (d) => single(d.decoders),
  });
  gauge({
    name: 'rtmp_engine_decoder_queued_frames',
    help: 'Decoded frames waiting in the engine queues for JavaScript to take them.',
    labelNames: [],
    rows: (d) => single(d.frames.reduce((n, f) => n + f.queued, 0)),
  });
  gauge({
    name: 'rtmp_engine_decoder_held_frames',
    help: 'Decoded frames JavaScript holds (taken, not released).',
    labelNames: [],
    rows: (d) => single(d.frames.reduce((n, f) => n + f.held, 0)),
  });
  gauge({
    name: 'rtmp_engine_decoder_pool_bytes',
    help: 'Bytes of the frame buffer pools of every subscription.',
    labelNames: [],
    rows: (d) => single(d.frames.reduce((n, f) => n + f.poolBytes, 0)),
  });
  counter({
    name: 'rtmp_engine_decoder_frames_total',
    help: 'Decoded frames by track and outcome: delivered to JavaScript, dropped (queue or pool full), skipped (maxFps).',
    labelNames: ['track', 'outcome'],
    rows: () => FRAME_COLUMNS.map(([track, outcome], i) => [{ track, outcome }, scraper.frameTotals.totals[i] ?? 0] as const),
  });
  counter({
    name: 'rtmp_engine_decoder_errors_total',
    help: 'Decode errors reported to frames() subscriptions.',
    labelNames: [],
    rows: () => single(scraper.frameTotals.totals[FRAME_COLUMNS.length] ?? 0),
  });
  gauge({
    name: 'rtmp_engine_packet_subscriptions',
    help: 'Open packets() subscriptions.',
    labelNames: [],
    rows: (d) => single(d.packets.length),
  });
  counter({
    name: 'rtmp_engine_packets_total',
    help: 'Encoded packets for packets() subscriptions, by outcome (delivered, dropped).',
    labelNames: ['outcome'],
    rows: () => [
      [{ outcome: 'delivered' }, scraper.packetTotals.totals[0] ?? 0] as const,
      [{ outcome: 'dropped' }, scraper.packetTotals.totals[1] ?? 0] as const,
    ],
  });
}
