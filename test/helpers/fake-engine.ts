/**
 * A stand-in for the native Engine with the same contract, so the SDK's
 * event mapping and close() bookkeeping are tested without the addon.
 */
import type {
  NativeBan,
  NativeEngine,
  NativeEngineConfig,
  NativeEvent,
  NativeFrameItem,
  NativeFrameOptions,
  NativeFrameSubscriptionStats,
  NativeCodedError,
  NativeSnapshot,
  NativeSnapshotOptions,
  NativeHlsCounters,
  NativeHlsItem,
  NativePacketItem,
  NativePacketOptions,
  NativePacketSubscriptionStats,
  NativeSessionSnapshot,
  NativeStreamSnapshot,
  NativeStats,
} from '../../types/native';
import type { EngineFactory } from '../../lib/server';
import { noHandshakeFailures, noIpRefusals, noLimitRefusals } from '../../lib/snapshots';

/** A stream's timing before any frame: nothing measured. */
export function noTiming(): NativeStreamSnapshot['timing'] {
  return { keyframeIntervalMs: null, gopFrames: null, avSkewMs: null, framesSinceKeyframe: 0, keyframes: 0 };
}

export class FakeEngine implements NativeEngine {
  started = false;
  stopped = false;
  shutdownBegun = false;
  refed = true;
  startError: (Error & { code?: string }) | undefined;
  sessions: NativeSessionSnapshot[] = [];
  /** What stats() reports as limitRefusals; a test may raise counts. */
  limitRefusals = noLimitRefusals();
  /** What stats() reports as handshakeFailures and ipRefusals; a test may raise counts. */
  handshakeFailures = noHandshakeFailures();
  ipRefusals = noIpRefusals();
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
  bans(): NativeBan[] {
    return [];
  }
  unban(): boolean {
    return false;
  }
  stats(): NativeStats {
    return {
      sessions: [...this.sessions],
      streams: [],
      acceptedTotal: this.sessions.length,
      ioThreads: 1,
      limitRefusals: { ...this.limitRefusals },
      handshakeFailures: this.handshakeFailures,
      ipRefusals: this.ipRefusals,
      loops: [],
    };
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
  /** Open packet subscriptions by id; a test feeds them with `onItems`. */
  readonly packetSubs = new Map<
    number,
    { key: string; options: NativePacketOptions; onItems: (items: NativePacketItem[]) => void; queued: number; queuedBytes: number }
  >();
  private nextPacketSub = 1;
  subscribePackets(
    streamKey: string,
    options: NativePacketOptions,
    onItems: (items: NativePacketItem[], counters: { pushed: number; dropped: number; droppedBytes: number }) => void,
  ): number {
    if (!this.started || this.stopped) return 0;
    const id = this.nextPacketSub++;
    this.packetSubs.set(id, {
      key: streamKey,
      options,
      onItems: (items) => onItems(items, { pushed: items.length, dropped: 0, droppedBytes: 0 }),
      queued: 0,
      queuedBytes: 0,
    });
    return id;
  }
  unsubscribePackets(id: number): boolean {
    return this.packetSubs.delete(id);
  }
  releasePackets(id: number, items: number, bytes: number): boolean {
    const sub = this.packetSubs.get(id);
    if (!sub) return false;
    sub.queued -= items;
    sub.queuedBytes -= bytes;
    return true;
  }
  packetSubscriptions(): NativePacketSubscriptionStats[] {
    return [...this.packetSubs].map(([id, s]) => ({
      id,
      stream: s.key,
      queued: s.queued,
      queuedBytes: s.queuedBytes,
      delivered: 0,
      dropped: 0,
    }));
  }

  /** Open frame subscriptions by id; a test feeds them with `onItems`. */
  readonly frameSubs = new Map<number, { key: string; options: NativeFrameOptions; onItems: (items: NativeFrameItem[]) => void }>();
  /** Tokens given back with releaseFrame(), in order. */
  readonly releasedFrames: number[] = [];
  private nextFrameSub = 1;
  subscribeFrames(streamKey: string, options: NativeFrameOptions, onItems: (items: NativeFrameItem[]) => void): number {
    if (!this.started || this.stopped) return 0;
    const id = this.nextFrameSub++;
    this.frameSubs.set(id, { key: streamKey, options, onItems });
    return id;
  }
  unsubscribeFrames(id: number): boolean {
    return this.frameSubs.delete(id);
  }
  releaseFrame(token: number): boolean {
    this.releasedFrames.push(token);
    return true;
  }
  frameSubscriptions(): NativeFrameSubscriptionStats[] {
    return [...this.frameSubs].map(([id, s]) => ({
      id,
      stream: s.key,
      videoDelivered: 0,
      audioDelivered: 0,
      videoDropped: 0,
      audioDropped: 0,
      videoSkipped: 0,
      decodeErrors: 0,
      queued: 0,
      buffers: 'pool' as const,
      poolBuffers: 0,
      poolBytes: 0,
      poolBusy: 0,
      held: 0,
    }));
  }
  frameDecoderCount(): number {
    return new Set([...this.frameSubs.values()].map((s) => s.key)).size;
  }

  /** Pending snapshot requests by id; a test answers with `onDone`. */
  readonly snapshots = new Map<
    number,
    { key: string; options: NativeSnapshotOptions; onDone: (error: NativeCodedError | null, image?: NativeSnapshot) => void }
  >();
  /** Ids given to cancelSnapshot() that were pending. */
  readonly cancelledSnapshots: number[] = [];
  private nextSnapshot = 1;
  snapshot(
    streamKey: string,
    options: NativeSnapshotOptions,
    onDone: (error: NativeCodedError | null, image?: NativeSnapshot) => void,
  ): number {
    if (!this.started || this.stopped) return 0;
    const id = this.nextSnapshot++;
    this.snapshots.set(id, { key: streamKey, options, onDone });
    return id;
  }
  cancelSnapshot(id: number): boolean {
    if (!this.snapshots.delete(id)) return false;
    this.cancelledSnapshots.push(id);
    return true;
  }

  /** Delivers one batch as the event pump would. */
  deliver(batch: NativeEvent[]): void {
    this.onEvents(batch);
  }

  addSession(id: number, role: NativeSessionSnapshot['role'], tls = false): void {
    this.sessions.push({
      id,
      ip: '127.0.0.1',
      port: 50000 + id,
      tls,
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
      waiting: false,
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
