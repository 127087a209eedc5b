/**
 * One read of the engine's stats shared by everything that watches a server:
 * the admin API's per-second sampler, the live stats WebSocket, every REST
 * answer and every /metrics scrape.
 *
 * Why: engine.stats() builds a JS object per session (about 9 ms for 1,000
 * sessions on the bench machine), and each of those consumers used to make
 * its own read: 4–5 reads a second with a dashboard open and Prometheus
 * scraping, the bulk of what operating the server cost (docs/PERF.md, "What
 * operating it costs").
 *
 * Rules:
 *  - `get()` hands out the latest read when it is at most `maxAgeMs` old
 *    (default 1 s) and reads again otherwise; whoever reads first shares the
 *    read with everyone after it.
 *  - The admin sampler ticks once a second with `get(maxAgeMs / 2)` (see
 *    StatsSampler), so in steady state it is the one owner that reads, and
 *    the other consumers use its snapshot.
 *  - A lifecycle event (connect, publish, metadata, play, stop, unpublish,
 *    disconnect)
 *    marks the snapshot stale: the next consumer reads again, so an answer
 *    never lists a session that a delivered disconnect event already ended.
 *  - Nothing reads on its own: no consumer, no read. A read of an engine
 *    that is not running is not kept.
 *
 * One instance per source (sharedStats(server)), built on first use.
 */
import type { ServerStats } from '../server';

export interface SharedSnapshot {
  stats: ServerStats;
  /** now() of the read. */
  at: number;
}

export interface SharedStatsSource {
  stats(): ServerStats;
  /** When present, lifecycle events mark the snapshot stale. */
  on?(event: string, listener: () => void): unknown;
}

/** The server events after which the previous read no longer holds. */
const STALE_AFTER = ['connect', 'publish', 'unpublish', 'play', 'stop', 'disconnect', 'metadata'] as const;

export class SharedStats {
  private latest: SharedSnapshot | undefined;
  private stale = false;
  private readCount = 0;

  constructor(
    private readonly read: () => ServerStats,
    readonly maxAgeMs = 1_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The latest snapshot if at most `maxAgeMs` old and no lifecycle event came since; else a fresh read. */
  get(maxAgeMs = this.maxAgeMs): SharedSnapshot {
    const latest = this.latest;
    const now = this.now();
    if (latest && !this.stale && now - latest.at <= maxAgeMs && now >= latest.at) return latest;
    return this.refresh(now);
  }

  /** The snapshot held now, without reading (undefined before the first read). */
  peek(): SharedSnapshot | undefined {
    return this.latest;
  }

  /** Something changed the engine's session table: the next get() reads again. */
  invalidate(): void {
    this.stale = true;
  }

  /** Engine reads made so far (tests prove the sharing with it). */
  reads(): number {
    return this.readCount;
  }

  private refresh(now: number): SharedSnapshot {
    this.readCount++;
    const snap = { stats: this.read(), at: now };
    // No I/O thread: the engine is not running (before listen(), after close()), the read
    // cost nothing, and the next one may find it started: not worth sharing.
    if (snap.stats.ioThreads === 0) {
      this.latest = undefined;
      return snap;
    }
    this.stale = false;
    this.latest = snap;
    return snap;
  }
}

/** Source → its shared reader. A WeakMap: a closed, unreferenced server takes it along. */
const instances = new WeakMap<SharedStatsSource, SharedStats>();

/** The shared reader of a server (or of any stats source), made on first use. */
export function sharedStats(source: SharedStatsSource): SharedStats {
  let shared = instances.get(source);
  if (shared) return shared;
  const made = new SharedStats(() => source.stats());
  if (typeof source.on === 'function') {
    const invalidate = (): void => made.invalidate();
    for (const name of STALE_AFTER) source.on(name, invalidate);
  }
  instances.set(source, made);
  return made;
}
