/**
 * Timing of the streams an operator is looking at. Reading packets costs a
 * copy of each one into JavaScript, so it is not done for every stream all
 * the time: asking for a stream (GET /api/v1/streams/{app}/{name}) starts a
 * packet subscription for it, which stays open while it keeps being asked for
 * and ends `idleMs` after the last ask, when the stream ends, or on close().
 * At most `maxStreams` are inspected at once (the oldest ask gives way).
 */
import type { Packet } from '../media/packets';
import { StreamTiming, type TimingReport } from './stream-timing';

/** Opens a packet subscription; returns its unsubscribe function. */
export type SubscribePackets = (path: string, onPacket: (p: Packet) => void, onEnd: () => void) => () => void;

interface Inspection {
  timing: StreamTiming;
  lastAsked: number;
  stop: () => void;
}

export interface InspectorOptions {
  idleMs?: number;
  maxStreams?: number;
  now?: () => number;
}

export class StreamInspector {
  private readonly inspections = new Map<string, Inspection>();
  private readonly idleMs: number;
  private readonly maxStreams: number;
  private readonly now: () => number;

  constructor(
    private readonly subscribe: SubscribePackets,
    options: InspectorOptions = {},
  ) {
    this.idleMs = options.idleMs ?? 60_000;
    this.maxStreams = options.maxStreams ?? 16;
    this.now = options.now ?? Date.now;
  }

  /** The stream's timing so far (starting the inspection if needed). */
  inspect(path: string): TimingReport {
    let inspection = this.inspections.get(path);
    if (!inspection) {
      while (this.inspections.size >= this.maxStreams) this.end(this.inspections.keys().next().value as string);
      const timing = new StreamTiming();
      // The subscription may end at once (stream gone): then nothing is kept.
      let ended = false;
      const stop = this.subscribe(
        path,
        (p) => timing.feed(p),
        () => {
          ended = true;
          if (this.inspections.get(path)?.timing === timing) this.inspections.delete(path);
        },
      );
      if (ended) return timing.report();
      inspection = { timing, lastAsked: 0, stop };
      this.inspections.set(path, inspection);
    }
    inspection.lastAsked = this.now();
    // Most recently asked last, so the oldest ask is the first to give way.
    this.inspections.delete(path);
    this.inspections.set(path, inspection);
    return inspection.timing.report();
  }

  /** The timing of a stream being inspected, without starting one. */
  peek(path: string): TimingReport | undefined {
    return this.inspections.get(path)?.timing.report();
  }

  /** Ends inspections nobody asked for within idleMs. */
  sweep(): void {
    const cutoff = this.now() - this.idleMs;
    for (const [path, inspection] of [...this.inspections]) if (inspection.lastAsked < cutoff) this.end(path);
  }

  /** Streams being inspected now. */
  paths(): string[] {
    return [...this.inspections.keys()];
  }

  close(): void {
    for (const path of [...this.inspections.keys()]) this.end(path);
  }

  private end(path: string): void {
    const inspection = this.inspections.get(path);
    this.inspections.delete(path);
    inspection?.stop();
  }
}
