/**
 * Monotonic traffic counters built from the engine's per-session numbers.
 *
 * The engine keeps bytes and drops per live session (and gives a session's
 * final bytes in its disconnect event); it keeps no engine-wide totals. A
 * total that summed live sessions would fall whenever one left, which
 * Prometheus reads as a counter reset. So this ledger remembers what it last
 * saw of each live session and adds only the growth since: on each scrape for
 * live sessions, and once more from the disconnect event with the final byte
 * counts. The growth is also added to the session's stream series (see
 * StreamLabels for the bound on those).
 *
 * HLS/DASH bytes come from the handler's own monotonic counters
 * (lib/http/served-bytes.ts) and are kept apart (`httpBytesOut`), so the
 * series can say which protocol carried them.
 *
 * Known gap: drops (which the disconnect event does not carry) made between a
 * session's last scrape and its end are not counted.
 *
 * A session whose disconnect was handled is ignored if a scrape still lists
 * it (the engine drops it from its table just after sending the event).
 */
import { type ServedBytes, ServedBytesGrowth } from '../http/served-bytes';
import type { IngestDropReason, SessionInfo } from '../snapshots';
import { StreamLabels } from './stream-labels';

export const INGEST_DROP_REASONS: readonly IngestDropReason[] = [
  'malformed',
  'empty',
  'tooLarge',
  'notPublishing',
  'authDenied',
  'authOverflow',
  'metadataTooLarge',
];

interface Seen {
  bytesIn: number;
  bytesOut: number;
  droppedVideo: number;
  droppedAudio: number;
  ingest: number[];
}

export interface StreamTraffic {
  bytesIn: number;
  /** To RTMP players. */
  bytesOut: number;
  /** HLS/DASH responses (playlists, MPD, segments, parts). */
  httpBytesOut: number;
}

export interface TrafficTotals {
  bytesIn: number;
  /** To RTMP sessions. */
  bytesOut: number;
  /** HLS/DASH responses. */
  httpBytesOut: number;
  /** Player frames dropped for being slow, by track. */
  droppedVideo: number;
  droppedAudio: number;
  /** Publisher messages not forwarded, by reason (INGEST_DROP_REASONS order). */
  ingestDrops: number[];
}

export interface FinalBytes {
  sessionId: number;
  app: string;
  stream: string;
  bytesIn: number;
  bytesOut: number;
}

const growth = (now: number, before: number): number => (now > before ? now - before : 0);

export class TrafficLedger {
  readonly totals: TrafficTotals = {
    bytesIn: 0,
    bytesOut: 0,
    httpBytesOut: 0,
    droppedVideo: 0,
    droppedAudio: 0,
    ingestDrops: INGEST_DROP_REASONS.map(() => 0),
  };
  private readonly seen = new Map<number, Seen>();
  /** Sessions whose disconnect was handled, until a scrape no longer lists them. */
  private readonly ended = new Set<number>();
  private readonly streams = new Map<string, StreamTraffic>();
  /** The HLS/DASH handler's counters since the last update. */
  private readonly httpGrowth = new ServedBytesGrowth();
  readonly labels: StreamLabels;

  constructor(maxStreams: number) {
    this.labels = new StreamLabels(maxStreams);
  }

  /**
   * A scrape: adds each live session's growth. `live` is every stream path
   * in use (published, or played/awaited by a session), in the order labels
   * should be handed out; the labels of the others are given back and their
   * series forgotten.
   */
  update(sessions: readonly SessionInfo[], live: ReadonlySet<string>): void {
    // Free the labels of ended streams first, so a waiting stream may take one in this scrape.
    for (const path of this.labels.keepOnly(live)) this.streams.delete(path);
    // Then labels go to live streams in the order given (the scraper lists the oldest publish first).
    for (const path of live) this.labels.labelOf(path);
    const listed = new Set<number>();
    for (const s of sessions) {
      listed.add(s.id);
      if (this.ended.has(s.id)) continue;
      // What was last seen of the session is updated in place: a scrape of 1,000 sessions
      // allocates nothing per session once they are known.
      let seen = this.seen.get(s.id);
      if (!seen) {
        seen = { bytesIn: 0, bytesOut: 0, droppedVideo: 0, droppedAudio: 0, ingest: INGEST_DROP_REASONS.map(() => 0) };
        this.seen.set(s.id, seen);
      }
      const dIn = growth(s.bytesIn, seen.bytesIn);
      const dOut = growth(s.bytesOut, seen.bytesOut);
      this.addBytes(s.stream === '' ? undefined : s.path, dIn, dOut);
      this.totals.droppedVideo += growth(s.droppedVideo, seen.droppedVideo);
      this.totals.droppedAudio += growth(s.droppedAudio, seen.droppedAudio);
      seen.bytesIn = s.bytesIn;
      seen.bytesOut = s.bytesOut;
      seen.droppedVideo = s.droppedVideo;
      seen.droppedAudio = s.droppedAudio;
      for (let i = 0; i < INGEST_DROP_REASONS.length; i++) {
        const n = s.ingestDrops[INGEST_DROP_REASONS[i]!];
        this.totals.ingestDrops[i]! += growth(n, seen.ingest[i]!);
        seen.ingest[i] = n;
      }
    }
    for (const id of this.ended) if (!listed.has(id)) this.ended.delete(id);
  }

  /**
   * A scrape: the growth of the HLS/DASH handler's byte counters (monotonic;
   * one that went back started again from 0: the handler forgot the stream).
   */
  updateHttp(served: ServedBytes): void {
    this.totals.httpBytesOut += this.httpGrowth.take(served, (path, d) => {
      this.entryOf(path).httpBytesOut += d;
    });
  }

  /** A disconnect: the session's last growth, from its final byte counts. */
  end(final: FinalBytes): void {
    const before = this.seen.get(final.sessionId);
    this.seen.delete(final.sessionId);
    this.ended.add(final.sessionId);
    const path = final.stream === '' ? undefined : `${final.app}/${final.stream}`;
    this.addBytes(path, growth(final.bytesIn, before?.bytesIn ?? 0), growth(final.bytesOut, before?.bytesOut ?? 0));
  }

  /** Per-stream traffic: labelled streams and `_other`. */
  streamTraffic(): ReadonlyMap<string, StreamTraffic> {
    return this.streams;
  }

  /** Live sessions being followed (for tests: bounded by live sessions). */
  followed(): number {
    return this.seen.size;
  }

  private addBytes(path: string | undefined, bytesIn: number, bytesOut: number): void {
    this.totals.bytesIn += bytesIn;
    this.totals.bytesOut += bytesOut;
    if (path === undefined) return;
    const entry = this.entryOf(path);
    entry.bytesIn += bytesIn;
    entry.bytesOut += bytesOut;
  }

  /** The series of a stream's label (labelled, or `_other`). */
  private entryOf(path: string): StreamTraffic {
    const label = this.labels.labelOf(path);
    let entry = this.streams.get(label);
    if (!entry) {
      entry = { bytesIn: 0, bytesOut: 0, httpBytesOut: 0 };
      this.streams.set(label, entry);
    }
    return entry;
  }
}
