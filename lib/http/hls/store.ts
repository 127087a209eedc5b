/**
 * HlsStore: the windows of every stream fed by the engine, the blocking-reload
 * waiters, and the end-of-stream timers.
 *
 * Life of a stream key ("app/name"):
 *   first `init` → live (listed) → `end` → still listed, still live-looking for
 *   players; a new publish within `endAfter` continues the numbering with a
 *   discontinuity → after `endAfter` without one: EXT-X-ENDLIST → after
 *   `keepEnded` more: forgotten, its memory freed, its waiters told 'gone'.
 *
 * Blocking reloads (RFC 8216bis §6.2.5.2) wait in a Map per stream keyed by
 * (msn, part): an ingest that changes the stream checks each distinct key once
 * and releases every waiter on it together, so a thousand players waiting for
 * the same part cost one check (no polling, no per-waiter scan).
 *
 * Liveness: the `end` item can be lost like any other (the feed channel is
 * bounded). A live stream that gets no item for max(3 × target duration, 10 s)
 * is ended as if `end` had come, with reason 'stalled' (then endAfter runs as
 * usual). One timer per stream, re-armed lazily from the last item's time, so
 * a part costs no timer churn.
 *
 * Time comes from `now()` and `timers`, both injectable; `close()` clears every
 * timer the store set, so nothing keeps the process alive after it.
 */
import type { HlsFeedItem } from './feed';
import { StreamWindow } from './stream-window';
import type { HlsStreamView } from './view';

export interface HlsTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface HlsStoreOptions {
  /** Complete segments kept per stream (default 6). */
  windowSegments?: number;
  /** Bytes kept per stream; the oldest segments go first past it (default 64 MiB). */
  maxStreamBytes?: number;
  /** Seconds without a new publish after `end` before EXT-X-ENDLIST (default 30). */
  endAfter?: number;
  /** Seconds an ended stream stays served after EXT-X-ENDLIST before it is forgotten (default 60). */
  keepEnded?: number;
  /** The engine's segment target in seconds (default 2): the target duration before any segment. */
  segmentDuration?: number;
  /** The engine's part target in seconds (default 0.2; 0 = no parts): the PART-TARGET floor. */
  partDuration?: number;
  /** PART-HOLD-BACK in parts (default 3; at least 2, RFC 8216bis §4.4.3.8). */
  partHoldBack?: number;
  /** Unix ms (default Date.now). */
  now?: () => number;
  /** Default: the global setTimeout/clearTimeout, unref'd. */
  timers?: HlsTimers;
}

export type HlsWaitResult = 'ready' | 'timeout' | 'too-far' | 'gone';

export interface HlsStoreCounters {
  /** Items that could not be placed (stale, duplicate, or before their init). */
  ignoredItems: number;
  /** Segments listed as gaps because items were lost. */
  gapSegments: number;
  /** Live streams ended by the stall rule (their `end` item never came). */
  stalledStreams: number;
}

interface Waiter {
  resolve(result: HlsWaitResult): void;
  timer: unknown;
}

interface StreamEntry {
  window: StreamWindow;
  /** "msn/part" (part '' for a whole segment) → waiters. */
  waiters: Map<string, { msn: number; part: number | undefined; set: Set<Waiter> }>;
  endTimer: unknown;
  removeTimer: unknown;
  /** The stall check (see Liveness above) and when the stream last got an item. */
  stallTimer: unknown;
  lastItemAt: number;
}

/** The floor of the stall rule: a live stream silent this long (ms) has ended. */
const kMinStallMs = 10_000;

const kMiB = 1024 * 1024;

let lastEpochMs = 0;

/**
 * A stream instance's epoch: the time it was first seen, in ms, base36 (so a
 * restarted server names its segments apart from the last run's), nudged up
 * by a ms when needed so no two instances in this process share one. It is in
 * every media URL (./names.ts) and ETag.
 */
function nextEpoch(now: number): string {
  lastEpochMs = Math.max(Math.floor(now), lastEpochMs + 1);
  return lastEpochMs.toString(36);
}

/** Node's timers, unref'd so a window or end timer never keeps the process alive. */
export const unrefTimers: HlsTimers = {
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout(handle) {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};

export class HlsStore {
  private readonly entries = new Map<string, StreamEntry>();
  private readonly windowSegments: number;
  private readonly maxStreamBytes: number;
  private readonly endAfterMs: number;
  private readonly keepEndedMs: number;
  private readonly segmentDuration: number;
  private readonly partDuration: number;
  private readonly partHoldBack: number;
  private readonly now: () => number;
  private readonly timers: HlsTimers;
  private closed = false;
  private forgotten = { ignoredItems: 0, gapSegments: 0 };
  private stalledStreams = 0;

  constructor(options: HlsStoreOptions = {}) {
    this.windowSegments = Math.max(1, Math.floor(options.windowSegments ?? 6));
    this.maxStreamBytes = options.maxStreamBytes ?? 64 * kMiB;
    this.endAfterMs = (options.endAfter ?? 30) * 1000;
    this.keepEndedMs = (options.keepEnded ?? 60) * 1000;
    this.segmentDuration = options.segmentDuration ?? 2;
    this.partDuration = options.partDuration ?? 0.2;
    this.partHoldBack = Math.max(2, options.partHoldBack ?? 3);
    this.now = options.now ?? Date.now;
    this.timers = options.timers ?? unrefTimers;
  }

  ingest(item: HlsFeedItem): void {
    if (this.closed) return;
    let entry = this.entries.get(item.stream);
    if (entry === undefined) {
      // Only an init opens a stream: parts without their init cannot be served.
      if (item.type !== 'init') {
        this.forgotten.ignoredItems++;
        return;
      }
      entry = this.create(item.stream);
    }
    const now = this.now();
    entry.lastItemAt = now;
    const accepted = entry.window.ingest(item, now);
    this.armStall(item.stream, entry);
    if (!accepted) return;
    if (item.type === 'init') this.clearEndTimers(entry);
    if (item.type === 'end') {
      entry.endTimer = this.timers.setTimeout(() => this.finish(item.stream), this.endAfterMs);
    }
    this.release(entry);
  }

  /** Live streams and ended ones still served, sorted. */
  streams(): string[] {
    return [...this.entries.keys()].sort();
  }

  get(stream: string): HlsStreamView | undefined {
    return this.entries.get(stream)?.window;
  }

  /**
   * Blocking playlist reload (RFC 8216bis §6.2.5.2). 'ready' once segment msn
   * is complete (part undefined) or part `part` of it is listed (a part past a
   * complete segment's last means part 0 of the next), or the playlist ended
   * (§6.2.5.2: the directives are ignored then); 'too-far' at once for a
   * request more than two segments (or the Advance Part Limit) past the last;
   * 'timeout' after timeoutMs; 'gone' when the stream is forgotten or the
   * store closes (and for a stream the store does not know). An aborted
   * `signal` (the client went away) drops the waiter at once: 'gone'.
   */
  waitFor(
    stream: string,
    msn: number,
    part: number | undefined,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<HlsWaitResult> {
    const entry = this.entries.get(stream);
    if (entry === undefined || this.closed || signal?.aborted) return Promise.resolve('gone');
    const w = entry.window;
    if (w.isReady(msn, part)) return Promise.resolve('ready');
    if (w.isTooFar(msn, part)) return Promise.resolve('too-far');
    const key = `${msn}/${part ?? ''}`;
    let slot = entry.waiters.get(key);
    if (slot === undefined) {
      slot = { msn, part, set: new Set() };
      entry.waiters.set(key, slot);
    }
    const set = slot.set;
    return new Promise<HlsWaitResult>((resolve) => {
      const drop = (result: HlsWaitResult): void => {
        this.timers.clearTimeout(waiter.timer);
        set.delete(waiter);
        if (set.size === 0 && entry.waiters.get(key)?.set === set) entry.waiters.delete(key);
        waiter.resolve(result);
      };
      const onAbort = (): void => drop('gone');
      const waiter: Waiter = {
        resolve: (result) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(result);
        },
        timer: this.timers.setTimeout(() => drop('timeout'), timeoutMs),
      };
      set.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Waiters currently blocked (all streams). */
  waiting(): number {
    let n = 0;
    for (const entry of this.entries.values()) {
      for (const slot of entry.waiters.values()) n += slot.set.size;
    }
    return n;
  }

  counters(): HlsStoreCounters {
    const c = { ...this.forgotten, stalledStreams: this.stalledStreams };
    for (const entry of this.entries.values()) {
      c.ignoredItems += entry.window.ignoredItems;
      c.gapSegments += entry.window.gapSegments;
    }
    return c;
  }

  /** Clears every timer; every waiter gets 'gone'; every window is dropped. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const stream of [...this.entries.keys()]) this.forget(stream);
  }

  private create(stream: string): StreamEntry {
    const epoch = nextEpoch(this.now());
    const window = new StreamWindow(
      stream,
      epoch,
      {
        windowSegments: this.windowSegments,
        maxStreamBytes: this.maxStreamBytes,
        segmentTarget: this.segmentDuration,
        partTarget: this.partDuration,
        partHoldBack: this.partHoldBack,
      },
      this.now(),
    );
    const entry: StreamEntry = {
      window,
      waiters: new Map(),
      endTimer: undefined,
      removeTimer: undefined,
      stallTimer: undefined,
      lastItemAt: this.now(),
    };
    this.entries.set(stream, entry);
    return entry;
  }

  /** endAfter passed with no new publish: EXT-X-ENDLIST, then forget after keepEnded. */
  private finish(stream: string): void {
    const entry = this.entries.get(stream);
    if (entry === undefined) return;
    entry.endTimer = undefined;
    entry.window.finish(this.now());
    this.release(entry);
    entry.removeTimer = this.timers.setTimeout(() => this.forget(stream), this.keepEndedMs);
  }

  private forget(stream: string): void {
    const entry = this.entries.get(stream);
    if (entry === undefined) return;
    this.clearEndTimers(entry);
    if (entry.stallTimer !== undefined) this.timers.clearTimeout(entry.stallTimer);
    entry.stallTimer = undefined;
    this.entries.delete(stream);
    this.forgotten.ignoredItems += entry.window.ignoredItems;
    this.forgotten.gapSegments += entry.window.gapSegments;
    for (const slot of entry.waiters.values()) {
      for (const waiter of slot.set) {
        this.timers.clearTimeout(waiter.timer);
        waiter.resolve('gone');
      }
    }
    entry.waiters.clear();
  }

  /** Keeps one stall timer per live stream; none once it is not live. */
  private armStall(stream: string, entry: StreamEntry): void {
    if (entry.window.livePublishId === undefined) {
      if (entry.stallTimer !== undefined) this.timers.clearTimeout(entry.stallTimer);
      entry.stallTimer = undefined;
      return;
    }
    if (entry.stallTimer !== undefined) return;
    const limit = Math.max(3 * entry.window.targetDuration * 1000, kMinStallMs);
    const wait = Math.max(0, entry.lastItemAt + limit - this.now());
    entry.stallTimer = this.timers.setTimeout(() => {
      entry.stallTimer = undefined;
      if (this.entries.get(stream) !== entry) return;
      const publishId = entry.window.livePublishId;
      if (publishId === undefined) return;
      if (this.now() - entry.lastItemAt < limit) return this.armStall(stream, entry);
      this.stalledStreams++;
      this.ingest({ type: 'end', stream, publishId, reason: 'stalled' });
    }, wait);
  }

  private clearEndTimers(entry: StreamEntry): void {
    if (entry.endTimer !== undefined) this.timers.clearTimeout(entry.endTimer);
    if (entry.removeTimer !== undefined) this.timers.clearTimeout(entry.removeTimer);
    entry.endTimer = undefined;
    entry.removeTimer = undefined;
  }

  /** One readiness check per distinct (msn, part) waited on; all its waiters go together. */
  private release(entry: StreamEntry): void {
    for (const [key, slot] of entry.waiters) {
      if (!entry.window.isReady(slot.msn, slot.part)) continue;
      entry.waiters.delete(key);
      for (const waiter of slot.set) {
        this.timers.clearTimeout(waiter.timer);
        waiter.resolve('ready');
      }
    }
  }
}
