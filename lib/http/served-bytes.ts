/**
 * Bytes the HLS/DASH handler sent, per stream and in total: playlists, the
 * MPD, init segments, segments and parts, headers included (what crossed the
 * wire, as RTMP's byte counts do). Monotonic counters; readers (the admin
 * sampler, the metrics traffic ledger) take differences.
 *
 * Measured on the response's socket: its `bytesWritten` when the response
 * gets the socket, and again when it finishes (or the client goes away
 * mid-body). One response is on a socket at a time (a pipelined one waits
 * for the socket, and is measured from when it gets it), so the difference
 * is that response's bytes. No wrapper around write(): the fast path that
 * writes a part in one call stays as it is.
 *
 * Bounded: only streams the store knows are counted per stream, and a
 * stream the store has forgotten is forgotten here five minutes later (long
 * enough for any reader's next look; the total keeps its bytes).
 */
import type { ServerResponse } from 'http';
import type { Socket } from 'net';

export interface ServedBytes {
  /** Every byte sent for a known stream since start. */
  total: number;
  /** Per stream ("app/name"), since the stream was first served. */
  byStream: ReadonlyMap<string, number>;
}

const FORGET_AFTER_MS = 5 * 60_000;

/**
 * What ServedBytes grew by between one take() and the next, for the readers
 * that turn the monotonic counters into rates or counter increments (the
 * admin sampler, the metrics traffic ledger). A counter that went back started
 * again from 0 (the handler forgot the stream and met it anew): all of it is new.
 */
export class ServedBytesGrowth {
  private total = 0;
  private byStream = new Map<string, number>();

  /** The total's growth; `onStream(path, bytes)` for each stream that grew. */
  take(served: ServedBytes, onStream: (path: string, bytes: number) => void): number {
    const total = sinceLast(served.total, this.total);
    this.total = served.total;
    const seen = new Map<string, number>();
    for (const [path, n] of served.byStream) {
      const d = sinceLast(n, this.byStream.get(path) ?? 0);
      seen.set(path, n);
      if (d > 0) onStream(path, d);
    }
    this.byStream = seen;
    return total;
  }
}

function sinceLast(now: number, before: number): number {
  return now >= before ? now - before : now;
}

export class ServedBytesCounter {
  private total = 0;
  private readonly byStream = new Map<string, number>();
  /** Streams the store no longer knows, and since when. */
  private readonly absentSince = new Map<string, number>();

  constructor(
    private readonly known: (stream: string) => boolean,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts what `res` sends, for `stream` (if the store knows it). */
  watch(res: ServerResponse, stream: string): void {
    // Stand-ins for a response (unit tests) have no socket and no events: nothing to measure.
    if (typeof res.once !== 'function' || !this.known(stream)) return;
    const socket = res.socket;
    if (socket) this.measure(res, socket, stream);
    else res.once('socket', (s: Socket) => this.measure(res, s, stream));
  }

  /** The counters now; forgets streams gone for a while. */
  read(): ServedBytes {
    if (this.byStream.size > 0) this.forgetGone();
    return { total: this.total, byStream: this.byStream };
  }

  private measure(res: ServerResponse, socket: Socket, stream: string): void {
    const from = socket.bytesWritten;
    // 'close' comes once per response on Node 20+: after 'finish', or when the client went
    // away mid-body.
    res.once('close', () => {
      const n = socket.bytesWritten - from;
      if (n <= 0) return;
      this.total += n;
      this.byStream.set(stream, (this.byStream.get(stream) ?? 0) + n);
    });
  }

  private forgetGone(): void {
    const now = this.now();
    for (const stream of this.byStream.keys()) {
      if (this.known(stream)) {
        this.absentSince.delete(stream);
        continue;
      }
      const since = this.absentSince.get(stream);
      if (since === undefined) this.absentSince.set(stream, now);
      else if (now - since > FORGET_AFTER_MS) {
        this.byStream.delete(stream);
        this.absentSince.delete(stream);
      }
    }
  }
}
