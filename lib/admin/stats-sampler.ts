/**
 * Rates the engine does not keep, measured here: once a second the sampler
 * reads the engine's counters (bytes per session, frames per stream) and the
 * HLS/DASH viewer sessions, and keeps per stream the difference over the
 * second (bitrate in and out, frames per second, viewers by protocol) in a
 * bounded history. Server-wide it keeps bytes in/out since start, which the
 * engine forgets with each session, by adding the totals of sessions that
 * left (their disconnect events) to those of the sessions still connected.
 *
 * Only differences between two reads of the same session or the same publish
 * count: a republish (new publisher id) or a new session starts from its own
 * counters, so no rate is ever made of two different peers' numbers.
 */
import { type ServedBytes, ServedBytesGrowth } from '../http/served-bytes';
import type { SharedSnapshot } from '../metrics/shared-stats';
import type { ServerStats } from '../server';
import type { SessionInfo } from '../snapshots';
import { History } from './history';

export type ViewerProtocol = 'hls' | 'dash';

/** Viewers of one stream by protocol; RTMP players come from the engine's own count. */
export interface ViewerCounts {
  hls: number;
  dash: number;
}

export type StreamColumn = 'bitrateInKbps' | 'bitrateOutKbps' | 'fps' | 'rtmp' | 'hls' | 'dash';
const STREAM_COLUMNS: readonly StreamColumn[] = ['bitrateInKbps', 'bitrateOutKbps', 'fps', 'rtmp', 'hls', 'dash'];

export interface StreamRates {
  /** Over the last sampled second, and the mean over up to 10 s. */
  bitrateInKbps: { last1s: number; avg10s: number };
  /** RTMP players plus HLS/DASH responses (playlists, segments, parts). */
  bitrateOutKbps: { last1s: number; avg10s: number };
  /** Video frames received per second, mean over up to 5 s. */
  fps: number;
}

interface StreamState {
  publisherId: number;
  lastBytesIn: number;
  lastVideoFrames: number;
  history: History<StreamColumn>;
}

export interface SamplerSource {
  stats(): ServerStats;
  /**
   * The engine read shared with the other consumers (lib/metrics/shared-stats.ts):
   * one at most `maxAgeMs` old. Without it each tick calls stats().
   */
  snapshot?(maxAgeMs: number): SharedSnapshot;
  /** HLS/DASH viewer counts per stream ("app/name"). */
  viewerCounts(): Map<string, ViewerCounts>;
  /** Bytes sent over HLS/DASH (monotonic); none: RTMP only. */
  httpBytes?(): ServedBytes;
  now?: () => number;
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

export class StatsSampler {
  private readonly streams = new Map<string, StreamState>();
  /** What each session had moved at the last tick (and which tick saw it). */
  private readonly sessionBytes = new Map<number, { bytesIn: number; bytesOut: number; tick: number }>();
  private tickCount = 0;
  /** HLS/DASH bytes since the last tick, per stream and in total. */
  private readonly httpGrowth = new ServedBytesGrowth();
  private lastTickAt: number | undefined;
  private endedBytesIn = 0;
  private endedBytesOut = 0;
  private serverInKbps = 0;
  private serverOutKbps = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(
    private readonly source: SamplerSource,
    private readonly historySeconds: number,
    private readonly intervalMs = 1_000,
  ) {
    this.now = source.now ?? Date.now;
  }

  start(): void {
    if (this.timer) return;
    this.tick();
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** A session left: its last byte counts join the server totals. */
  sessionEnded(bytesIn: number, bytesOut: number): void {
    this.endedBytesIn += bytesIn;
    this.endedBytesOut += bytesOut;
  }

  /** Bytes since start: sessions that left plus sessions connected now, plus HLS/DASH responses. */
  totals(sessions: readonly SessionInfo[]): { bytesIn: number; bytesOut: number; bitrateInKbps: number; bitrateOutKbps: number } {
    let bytesIn = this.endedBytesIn;
    let bytesOut = this.endedBytesOut + (this.source.httpBytes?.().total ?? 0);
    for (const s of sessions) {
      bytesIn += s.bytesIn;
      bytesOut += s.bytesOut;
    }
    return { bytesIn, bytesOut, bitrateInKbps: this.serverInKbps, bitrateOutKbps: this.serverOutKbps };
  }

  /** Rates of a live stream; undefined before its second sample. */
  rates(path: string): StreamRates | undefined {
    const h = this.streams.get(path)?.history;
    if (!h || h.size === 0) return undefined;
    return {
      bitrateInKbps: { last1s: round1(h.mean('bitrateInKbps', 1) ?? 0), avg10s: round1(h.mean('bitrateInKbps', 10) ?? 0) },
      bitrateOutKbps: { last1s: round1(h.mean('bitrateOutKbps', 1) ?? 0), avg10s: round1(h.mean('bitrateOutKbps', 10) ?? 0) },
      fps: round1(h.mean('fps', 5) ?? 0),
    };
  }

  /**
   * Ingest bitrate of the last 10 s and of the 60 s before them; `earlierKbps`
   * is null until the stream has 70 samples.
   */
  bitrateTrend(path: string): { recentKbps: number; earlierKbps: number | null; fpsSamples: number } | undefined {
    const h = this.streams.get(path)?.history;
    if (!h || h.size === 0) return undefined;
    const recent = h.mean('bitrateInKbps', 10) ?? 0;
    const earlier = h.size >= 70 ? ((h.mean('bitrateInKbps', 70) ?? 0) * 70 - recent * 10) / 60 : null;
    return { recentKbps: round1(recent), earlierKbps: earlier === null ? null : round1(earlier), fpsSamples: h.size };
  }

  /** One sample per second, oldest first. */
  history(path: string): ({ t: number[] } & Record<StreamColumn, number[]>) | undefined {
    return this.streams.get(path)?.history.series();
  }

  /** Reads the counters once; public for tests. */
  tick(): void {
    // A read someone made in the last half interval serves as this second's sample: rates
    // are taken over the time between the reads themselves, not between the ticks.
    const snap = this.source.snapshot ? this.source.snapshot(this.intervalMs / 2) : undefined;
    const now = snap ? snap.at : this.now();
    if (snap && this.lastTickAt !== undefined && now <= this.lastTickAt) return; // the same read again
    const stats = snap ? snap.stats : this.source.stats();
    const viewers = this.source.viewerCounts();
    const seconds = this.lastTickAt === undefined ? 0 : (now - this.lastTickAt) / 1_000;
    this.lastTickAt = now;

    // Per-session byte differences: server-wide rates and each stream's RTMP out.
    const outByStream = new Map<string, number>();
    const tick = ++this.tickCount;
    let inBytes = 0;
    let outBytes = 0;
    for (const s of stats.sessions) {
      // Updated in place: a second of 1,000 known sessions allocates nothing per session.
      let prev = this.sessionBytes.get(s.id);
      if (!prev) {
        // A session first seen now: everything it moved happened since the previous read.
        prev = { bytesIn: 0, bytesOut: 0, tick };
        this.sessionBytes.set(s.id, prev);
      }
      const dIn = Math.max(0, s.bytesIn - prev.bytesIn);
      const dOut = Math.max(0, s.bytesOut - prev.bytesOut);
      prev.bytesIn = s.bytesIn;
      prev.bytesOut = s.bytesOut;
      prev.tick = tick;
      inBytes += dIn;
      outBytes += dOut;
      if (s.role === 'player') outByStream.set(s.path, (outByStream.get(s.path) ?? 0) + dOut);
    }
    // Sessions this read no longer lists are gone.
    for (const [id, seen] of this.sessionBytes) if (seen.tick !== tick) this.sessionBytes.delete(id);
    // HLS/DASH: what each stream's responses sent since the last tick (a counter that went
    // back started again: the handler forgot the stream and met it anew).
    const http = this.source.httpBytes?.();
    if (http) {
      outBytes += this.httpGrowth.take(http, (path, d) => outByStream.set(path, (outByStream.get(path) ?? 0) + d));
    }
    if (seconds > 0) {
      this.serverInKbps = round1((inBytes * 8) / 1_000 / seconds);
      this.serverOutKbps = round1((outBytes * 8) / 1_000 / seconds);
    }

    const live = new Set<string>();
    for (const s of stats.streams) {
      live.add(s.path);
      let state = this.streams.get(s.path);
      if (!state || state.publisherId !== s.publisherId) {
        // New stream or republish: the history goes on, the baseline starts again.
        const history = state?.history ?? new History<StreamColumn>(this.historySeconds, STREAM_COLUMNS);
        state = { publisherId: s.publisherId, lastBytesIn: s.bytesIn, lastVideoFrames: s.videoFrames, history };
        this.streams.set(s.path, state);
        continue;
      }
      if (seconds <= 0) continue;
      const dIn = Math.max(0, s.bytesIn - state.lastBytesIn);
      const dFrames = Math.max(0, s.videoFrames - state.lastVideoFrames);
      state.lastBytesIn = s.bytesIn;
      state.lastVideoFrames = s.videoFrames;
      const v = viewers.get(s.path);
      state.history.push(now, {
        bitrateInKbps: round1((dIn * 8) / 1_000 / seconds),
        bitrateOutKbps: round1(((outByStream.get(s.path) ?? 0) * 8) / 1_000 / seconds),
        fps: round1(dFrames / seconds),
        rtmp: s.players,
        hls: v?.hls ?? 0,
        dash: v?.dash ?? 0,
      });
    }
    for (const path of this.streams.keys()) if (!live.has(path)) this.streams.delete(path);
  }
}
