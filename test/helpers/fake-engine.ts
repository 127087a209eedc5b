/**
 * A stand-in for the native Engine with the same contract, so the SDK's
 * event mapping and close() bookkeeping are tested without the addon.
 */
import type {
  NativeEngine,
  NativeEngineConfig,
  NativeEvent,
  NativeHlsCounters,
  NativeHlsItem,
  NativeSessionSnapshot,
  NativeStats,
} from '../../types/native';
import type { EngineFactory } from '../../lib/server';

export class FakeEngine implements NativeEngine {
  started = false;
  stopped = false;
  shutdownBegun = false;
  refed = true;
  startError: (Error & { code?: string }) | undefined;
  sessions: NativeSessionSnapshot[] = [];
  /** Events the engine "emits during stop()", handed back by stop(). */
  pendingAtStop: NativeEvent[] = [];
  /** Called by beginShutdown(): a test can make sessions leave. */
  onBeginShutdown: (() => void) | undefined;
  readonly kicked: Array<{ id: number; reason: string }> = [];

  constructor(
    readonly config: NativeEngineConfig,
    readonly onEvents: (events: NativeEvent[]) => void,
  ) {}

  start(): void {
    if (this.startError) throw this.startError;
    this.started = true;
  }
  boundPort(): number {
    return this.started && !this.stopped ? (this.config.port === 0 ? 40000 : this.config.port) : 0;
  }
  readonly tlsReloads: number[] = [];
  boundTlsPort(): number {
    return this.config.rtmps ? 40001 : 0;
  }
  reloadTls(): void {
    this.tlsReloads.push(Date.now());
  }
  beginShutdown(): void {
    this.shutdownBegun = true;
    this.onBeginShutdown?.();
  }
  stop(): NativeEvent[] {
    if (this.stopped) return [];
    this.stopped = true;
    this.sessions = [];
    const rest = this.pendingAtStop;
    this.pendingAtStop = [];
    return rest;
  }
  readonly authAnswers: Array<{
    id: number;
    requestId: number;
    allow: boolean;
    name: string;
    reason: string;
    taps?: string[];
  }> = [];
  answerAuth(
    sessionId: number,
    requestId: number,
    allow: boolean,
    name: string,
    reason: string,
    taps?: readonly string[],
  ): boolean {
    this.authAnswers.push({ id: sessionId, requestId, allow, name, reason, ...(taps ? { taps: [...taps] } : {}) });
    return true;
  }
  kick(sessionId: number, reason: string): boolean {
    this.kicked.push({ id: sessionId, reason });
    return this.sessions.some((s) => s.id === sessionId);
  }
  stats(): NativeStats {
    return { sessions: [...this.sessions], streams: [], acceptedTotal: this.sessions.length, ioThreads: 1 };
  }
  sessionCount(): number {
    return this.sessions.length;
  }
  ref(): this {
    this.refed = true;
    return this;
  }
  unref(): this {
    this.refed = false;
    return this;
  }
  /** The HLS feed callback given before start (the fake never calls it). */
  hlsFeed: ((items: NativeHlsItem[], counters: NativeHlsCounters) => void) | undefined;
  setHlsFeed(onItems: (items: NativeHlsItem[], counters: NativeHlsCounters) => void): void {
    this.hlsFeed = onItems;
  }

  /** Delivers one batch as the event pump would. */
  deliver(batch: NativeEvent[]): void {
    this.onEvents(batch);
  }

  addSession(id: number, role: NativeSessionSnapshot['role']): void {
    this.sessions.push({
      id,
      ip: '127.0.0.1',
      port: 50000 + id,
      role,
      app: 'live',
      stream: role === 'unknown' ? '' : 'cam',
      connectedAtMs: 0,
      bytesIn: 0,
      bytesOut: 0,
      droppedFrames: 0,
      droppedVideo: 0,
      droppedAudio: 0,
      ingestDrops: { malformed: 0, empty: 0, tooLarge: 0, notPublishing: 0, authDenied: 0, authOverflow: 0, metadataTooLarge: 0 },
      loop: 0,
    });
  }

  removeSession(id: number): void {
    this.sessions = this.sessions.filter((s) => s.id !== id);
  }
}

/** A factory that records the engines it made. */
export function fakeFactory(): { factory: EngineFactory; engines: FakeEngine[] } {
  const engines: FakeEngine[] = [];
  return {
    engines,
    factory: (config, onEvents) => {
      const engine = new FakeEngine(config, onEvents);
      engines.push(engine);
      return engine;
    },
  };
}
