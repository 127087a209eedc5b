/**
 * RtmpServer: the public face of one engine. Options are resolved (defaults →
 * validate → freeze) at construction; the native engine is created at
 * listen(), so a server that never listens needs no addon. Engine events
 * arrive in ordered batches and are emitted as typed events, in order.
 */
import { EventEmitter } from 'events';
import { isIP } from 'net';

import type {
  NativeAuthorizeEvent,
  NativeEngine,
  NativeEngineConfig,
  NativeEvent,
  NativeFrameSubscriptionStats,
  NativeLoopHealth,
  NativePacketSubscriptionStats,
  NativeStats,
} from '../types/native';
import { type AdminHandler, createAdminHandler } from './admin/admin-handler';
import { playbackGrants, withPlaybackGrants } from './admin/playback-grants';
import { StreamBans, withStreamBans } from './admin/stream-bans';
import { runAuthorizer, toAuthRequest } from './auth/run-authorizer';
import { withStaticKeys } from './auth/static-keys';
import type { AuthRequest, Authorizer } from './auth/types';
import { ErrorCodes, fromNativeError, RtmpEngineError } from './errors';
import { type AuthDeniedEvent, type RtmpServerEventMap, type RtmpServerEventName, type ServerEvent, toServerEvent } from './events';
import { guardUntilClosed, releaseGuard } from './exit-guard';
import type { HlsFeedCounters } from './http/hls/feed';
import { HlsStore } from './http/hls/store';
import { attachHlsFolder, type HlsFolderWriter } from './hls-folder';
import { HttpService } from './http/http-service';
import type { ServedBytes } from './http/served-bytes';
import type { ViewerSession } from './http/viewer-sessions';
import { type LogFields, ServerLogger } from './logger';
import { type Frame, type FrameHost, type FrameOptions, frames, type OnFramesOptions, onFrames } from './media/frames';
import { type OnPacketsOptions, onPackets, type Packet, type PacketOptions, packets } from './media/packets';
import { type Snapshot, type SnapshotOptions, snapshot } from './media/snapshot';
import { SubscriptionSet } from './media/subscription';
import { createMetricsHandler } from './metrics/handler';
import { ServerMetrics } from './metrics/server-metrics';
import { loadAddon } from './native';
import { toNativeConfig } from './native-config';
import { type ResolvedOptions, resolveOptions, type ServerOptions } from './options';
import {
  type HandshakeFailures,
  type IpBan,
  type IpRefusals,
  type LimitRefusals,
  noHandshakeFailures,
  noIpRefusals,
  noLimitRefusals,
  type SessionInfo,
  type StreamInfo,
  toSessionInfos,
  toStreamInfos,
} from './snapshots';

export interface ListenResult {
  /** The RTMP port. */
  port: number;
  /** The RTMP port again, named beside `http`. */
  rtmp: number;
  /** The RTMPS port, when `rtmps` is configured. */
  rtmpsPort?: number;
  /** The HTTP port (HLS/DASH, player page), unless `http: false`. */
  http?: number;
}

export interface ServerAddress {
  address: string;
  family: 'IPv4' | 'IPv6';
  port: number;
}

export interface CloseOptions {
  /** How long sessions may take to leave after being told the stream ended. Default 30000. */
  graceMs?: number;
}

export interface CloseResult {
  /** Publishers (at the time close() began) that left within the grace period. */
  publishers: number;
  /** Players (at the time close() began) that left within the grace period. */
  players: number;
  /** Sessions of any role still connected when the grace period ended, closed by force. */
  forced: number;
}

/** One open frames() subscription, as the engine sees it. */
export type FrameSubscriptionInfo = NativeFrameSubscriptionStats;

/** One open packets() subscription. */
export type PacketSubscriptionInfo = NativePacketSubscriptionStats;

export interface ServerStats {
  sessions: SessionInfo[];
  streams: StreamInfo[];
  /** Connections accepted since listen(). */
  acceptedTotal: number;
  ioThreads: number;
  /** Sessions turned away or closed by each configured limit since listen(). */
  limitRefusals: LimitRefusals;
  /** Failed RTMP/RTMPS handshakes since listen(), by listener and reason (timeout included). */
  handshakeFailures: HandshakeFailures;
  /** Clients refused by an IP rule since listen(), by rule and door. */
  ipRefusals: IpRefusals;
  /** Each I/O loop's lag and utilisation (see docs/operations.md). */
  loops: LoopHealth[];
}

/** One engine I/O loop, measured by its 1 s housekeeping timer. */
export type LoopHealth = NativeLoopHealth;

export type EngineFactory = (
  config: NativeEngineConfig,
  onEvents: (events: NativeEvent[]) => void,
) => NativeEngine;

/** @internal Test seams; not part of the public API. */
export interface ServerInternals {
  createEngine?: EngineFactory;
  /** Writes default-logger lines (default: stdout). */
  writeLog?: (line: string) => void;
  /** close(): how often to re-check the session count while draining. */
  drainPollMs?: number;
}

type State = 'idle' | 'starting' | 'listening' | 'closing' | 'closed';

const DEFAULT_GRACE_MS = 30_000;
const DEFAULT_DRAIN_POLL_MS = 25;

const nativeFactory: EngineFactory = (config, onEvents) => new (loadAddon().Engine)(config, onEvents);

function emptyStats(): NativeStats {
  return {
    sessions: [],
    streams: [],
    acceptedTotal: 0,
    ioThreads: 0,
    limitRefusals: noLimitRefusals(),
    handshakeFailures: noHandshakeFailures(),
    ipRefusals: noIpRefusals(),
    loops: [],
  };
}

/** A listener of one server event. */
type ServerListener<K extends RtmpServerEventName> = (...args: RtmpServerEventMap[K]) => void;

/**
 * The listener methods, typed by event name first, so a misspelled name is
 * the error ('"publsh"' is not assignable to 'keyof RtmpServerEventMap')
 * instead of EventEmitter<T>'s own, which accepts any name and reports the
 * listener ("not assignable to parameter of type 'never'").
 */
export interface RtmpServer {
  on<K extends RtmpServerEventName>(event: K, listener: ServerListener<K>): this;
  once<K extends RtmpServerEventName>(event: K, listener: ServerListener<K>): this;
  off<K extends RtmpServerEventName>(event: K, listener: ServerListener<K>): this;
  addListener<K extends RtmpServerEventName>(event: K, listener: ServerListener<K>): this;
  removeListener<K extends RtmpServerEventName>(event: K, listener: ServerListener<K>): this;
  prependListener<K extends RtmpServerEventName>(event: K, listener: ServerListener<K>): this;
  prependOnceListener<K extends RtmpServerEventName>(event: K, listener: ServerListener<K>): this;
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class RtmpServer extends EventEmitter<RtmpServerEventMap> {
  /** The resolved, frozen options. */
  readonly options: ResolvedOptions;
  /** @internal The server's logger (the admin API logs through it). */
  readonly logger: ServerLogger;
  /** Streams banned from publishing through the admin API (checked when bansEnforced()). */
  readonly streamBans = new StreamBans();
  /** @internal What the metrics count between scrapes (lib/metrics/). */
  readonly metricsState: ServerMetrics;
  private readonly createEngine: EngineFactory;
  private readonly drainPollMs: number;
  /** packets() and frames() subscriptions, ended when the server closes. */
  private readonly mediaSubscriptions = new SubscriptionSet();
  private engine: NativeEngine | undefined;
  private state: State = 'idle';
  private boundPort = 0;
  private refed = true;
  private closing: Promise<CloseResult> | undefined;
  private drainCheck: (() => void) | undefined;
  private authorizer: Authorizer | undefined;
  /** What answers authorize events: static keys and/or the hook (set at listen()). */
  private effectiveAuthorizer: Authorizer | undefined;
  /** What answers the engine's authorize events: the effective one behind the admin bans. */
  private engineAuthorizer: Authorizer | undefined;
  private admin: AdminHandler | undefined;
  private listenedAtMs: number | null = null;
  private http: HttpService | undefined;
  private store: HlsStore | undefined;
  private hlsCounters: HlsFeedCounters = { pushed: 0, dropped: 0, droppedBytes: 0 };
  private folder: HlsFolderWriter | undefined;
  /** Settles when a listen() binding HTTP is done (either way); close() waits for it. */
  private starting: Promise<unknown> | undefined;

  constructor(options: ServerOptions = {}, internals: ServerInternals = {}) {
    super();
    this.options = resolveOptions(options);
    this.metricsState = new ServerMetrics(this.options);
    this.logger = new ServerLogger(this.options.logLevel, this.options.logger, internals.writeLog);
    this.createEngine = internals.createEngine ?? nativeFactory;
    this.drainPollMs = internals.drainPollMs ?? DEFAULT_DRAIN_POLL_MS;
  }

  /**
   * Binds the RTMP listener and starts the engine. Rejects with an
   * RtmpEngineError: ERR_RTMP_ADDRESS_IN_USE when the port is taken,
   * ERR_RTMP_ALREADY_LISTENING, ERR_RTMP_SERVER_CLOSED after close().
   * A failed listen() may be retried.
   */
  async listen(): Promise<ListenResult> {
    if (this.state === 'listening' || this.state === 'starting') {
      throw new RtmpEngineError(ErrorCodes.ALREADY_LISTENING, 'rtmp-engine: the server is already listening');
    }
    if (this.state !== 'idle') {
      throw new RtmpEngineError(ErrorCodes.SERVER_CLOSED, 'rtmp-engine: the server was closed; create a new one');
    }
    const { host, port } = this.options.rtmp;
    // First: it may refuse a bad RTMP_ENGINE_ADMIN_TOKEN, and then nothing is started.
    this.admin = this.options.http && this.options.admin.enabled ? createAdminHandler(this) : undefined;
    const keys = this.options.auth.publishKeys;
    if (keys) this.effectiveAuthorizer = withStaticKeys(keys, this.authorizer);
    else this.effectiveAuthorizer = this.authorizer;
    // Admin bans need every publish to pass a JS step: free when one is there anyway, and
    // worth turning the step on when the built-in server serves the admin API.
    const bans = this.options.admin.enabled && (this.effectiveAuthorizer !== undefined || this.options.http !== false);
    this.engineAuthorizer = bans ? withStreamBans(this.streamBans, this.effectiveAuthorizer) : this.effectiveAuthorizer;
    // The window of every stream's HLS/DASH segments, fed by the engine's segmenter.
    const hls = this.options.hls;
    this.store = hls.enabled
      ? new HlsStore({
          windowSegments: hls.windowSegments,
          maxStreamBytes: hls.maxStreamBytes,
          endAfter: hls.endAfter,
          segmentDuration: hls.segmentDuration,
          partDuration: hls.format === 'ts' ? 0 : hls.partDuration,
          partHoldBack: hls.partHoldBack,
        })
      : undefined;
    // hls.folder: a copy on disk, fed by the same store (lib/hls-folder/).
    this.folder =
      this.store && hls.folder
        ? attachHlsFolder(this.store, { ...hls, vod: hls.folderVod, log: this.logger })
        : undefined;
    const engine = this.createEngine(toNativeConfig(this.options, this.engineAuthorizer !== undefined), (batch) =>
      this.onEvents(batch),
    );
    if (!this.refed) engine.unref();
    const store = this.store;
    if (store) {
      // Segment items arrive in batches on this thread; the store keeps the window and wakes waiters.
      engine.setHlsFeed((items, counters) => {
        for (const item of items) {
          store.ingest(item);
          this.metricsState.observeHlsItem(item.type);
        }
        this.hlsCounters = counters;
      });
    }
    try {
      engine.start();
    } catch (err) {
      this.store?.close();
      this.store = undefined;
      this.admin?.close();
      this.admin = undefined;
      const native = fromNativeError(err);
      throw new RtmpEngineError(native.code, `rtmp-engine: cannot listen on ${host}:${port}: ${native.message}`, {
        cause: err,
      });
    }
    const result: ListenResult = { port: engine.boundPort(), rtmp: engine.boundPort() };
    this.engine = engine;
    if (this.options.http) {
      this.state = 'starting';
      const metrics = this.options.metrics.enabled;
      const more = [...(this.admin ? [this.admin] : []), ...(metrics ? [createMetricsHandler(this)] : [])];
      const http = new HttpService({
        options: this.options,
        logger: this.logger,
        // The dashboard's player brings an admin-issued playback grant instead of viewer credentials.
        authorizer: this.admin ? withPlaybackGrants(this.effectiveAuthorizer, playbackGrants(this)) : this.effectiveAuthorizer,
        ...(this.store ? { hls: { store: this.store } } : {}),
        ...(metrics ? { first: [this.metricsState.http.handler] } : {}),
        more,
        ...(this.admin ? { upgrades: [this.admin.upgrade] } : {}),
        onAuthDecision: (req, decision, error) => {
          if (metrics) this.metricsState.observeViewerAuth(req, decision, error);
          if (!decision.allow) this.emit('authDenied', authDeniedEvent(req, decision.reason));
        },
      });
      if (!this.refed) http.unref();
      const bound = http.listen();
      this.starting = bound.catch(() => undefined);
      try {
        result.http = await bound;
      } catch (err) {
        // Leave nothing bound: a failed listen() may be retried.
        this.engine = undefined;
        this.state = 'idle';
        this.admin?.close();
        this.admin = undefined;
        engine.stop();
        this.store?.close();
        this.store = undefined;
        throw err;
      }
      this.http = http;
    }
    this.state = 'listening';
    this.listenedAtMs = Date.now();
    this.boundPort = result.port;
    guardUntilClosed(this);
    const fields: LogFields = { host, port: this.boundPort };
    if (this.options.rtmps) {
      result.rtmpsPort = engine.boundTlsPort();
      Object.assign(fields, { rtmpsHost: this.options.rtmps.host, rtmpsPort: result.rtmpsPort });
    }
    if (this.options.http) Object.assign(fields, { httpHost: this.options.http.host, httpPort: result.http });
    this.logger.info(fields, 'listening');
    return result;
  }

  /**
   * The HLS/DASH segment store the engine feeds (undefined before listen()).
   * Mount it with createHlsHandler({ store }) in your own HTTP server (Express…).
   */
  hlsStore(): HlsStore | undefined {
    return this.store;
  }

  /** The engine's HLS feed channel: items handed to JS, and items dropped when JS fell behind. */
  hlsFeedCounters(): HlsFeedCounters {
    return { ...this.hlsCounters };
  }

  /** HLS/DASH viewer sessions of a stream ("app/name") active in the last 30 s. */
  viewers(stream: string): number {
    return this.http?.viewers(stream) ?? 0;
  }

  /** HLS/DASH viewers of each watched stream, by protocol (built-in HTTP server). */
  viewerCounts(): Map<string, { hls: number; dash: number }> {
    return this.http?.hls?.viewerCountsByProtocol() ?? new Map();
  }

  /** Bytes the built-in HTTP server sent for HLS/DASH, in total and per stream. */
  httpBytesSent(): ServedBytes {
    return this.http?.hls?.bytesSent() ?? { total: 0, byStream: new Map() };
  }

  /** HLS/DASH viewer sessions of the built-in HTTP server. */
  viewerSessions(): readonly Readonly<ViewerSession>[] {
    return this.http?.hls?.viewerSessions() ?? [];
  }

  /** Ends an HLS/DASH viewer session: its next playlist request gets 403. False if unknown. */
  kickViewer(id: string): boolean {
    return this.http?.hls?.kickViewer(id) ?? false;
  }

  /** Whether publishes pass the admin ban check (streamBans); decided at listen(). */
  bansEnforced(): boolean {
    return this.engineAuthorizer !== this.effectiveAuthorizer;
  }

  /** Unix ms when listen() succeeded; null when not listening. */
  listeningSince(): number | null {
    return this.state === 'listening' ? this.listenedAtMs : null;
  }

  /** The bound RTMPS port, or null without RTMPS or when not listening. */
  rtmpsPort(): number | null {
    return this.options.rtmps && this.engine ? this.engine.boundTlsPort() : null;
  }

  /** The bound HTTP port, or null when HTTP is off or not listening. */
  httpPort(): number | null {
    return this.http ? this.http.port() : null;
  }

  /**
   * Graceful stop: stops accepting and ends every stream at once, waits until
   * every session has left or graceMs has passed, then closes what is left and
   * stops the engine. Every event up to the last disconnect is emitted before
   * the promise resolves. Idempotent: later calls return the same promise.
   * Resolves at once (all zeros) if the server never listened.
   */
  close(options: CloseOptions = {}): Promise<CloseResult> {
    if (this.closing) return this.closing;
    const graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
    if (typeof graceMs !== 'number' || !Number.isFinite(graceMs) || graceMs < 0) {
      return Promise.reject(
        new RtmpEngineError(ErrorCodes.INVALID_OPTIONS, `close(): graceMs must be a number >= 0 (got ${String(graceMs)})`),
      );
    }
    this.closing = this.closeEngine(graceMs);
    return this.closing;
  }

  /** The bound address, or null when not listening. */
  address(): ServerAddress | null {
    if (this.state !== 'listening' && this.state !== 'closing') return null;
    const host = this.options.rtmp.host;
    return { address: host, family: isIP(host) === 6 ? 'IPv6' : 'IPv4', port: this.boundPort };
  }

  /**
   * Decides every publish and play. The engine holds the request (no
   * Publish.Start/Play.Start, no media) until `authorizer` answers; other
   * sessions are not held. It may be async and slow: past `auth.timeoutMs` the
   * `auth.onTimeout` policy answers. A throw or a malformed decision follows
   * `auth.onError` and is logged. A denial reaches the client as
   * NetStream.Publish.Unauthorized / NetStream.Play.Failed with the reason,
   * and counts toward the per-IP failure ban. Call before listen().
   */
  authorize(authorizer: Authorizer): this {
    if (typeof authorizer !== 'function') {
      throw new RtmpEngineError(ErrorCodes.INVALID_ARGUMENT, 'rtmp-engine: authorize() takes a function');
    }
    if (this.state !== 'idle') {
      throw new RtmpEngineError(
        ErrorCodes.ALREADY_LISTENING,
        'rtmp-engine: authorize() must be called before listen()',
      );
    }
    this.authorizer = authorizer;
    return this;
  }

  /**
   * RTMPS: reads the certificate and key files again (after a renewal). New
   * sessions use the new certificate; live sessions keep theirs and are not
   * dropped. Rejects (and keeps the old certificate) when the files do not load:
   * ERR_RTMP_TLS; ERR_RTMP_INVALID_ARGUMENT without `rtmps`.
   */
  async reloadTls(): Promise<void> {
    if (!this.options.rtmps) {
      throw new RtmpEngineError(ErrorCodes.INVALID_ARGUMENT, 'rtmp-engine: reloadTls() needs the rtmps option');
    }
    if (!this.engine) {
      throw new RtmpEngineError(ErrorCodes.SERVER_CLOSED, 'rtmp-engine: reloadTls() needs a listening server');
    }
    try {
      this.engine.reloadTls();
    } catch (err) {
      throw fromNativeError(err);
    }
    this.logger.info({ cert: this.options.rtmps.cert }, 'TLS certificate reloaded');
  }

  /** Ends one session (its disconnect event follows). False if there is no such session. */
  kick(sessionId: number, reason = 'kicked'): boolean {
    if (!this.engine || typeof sessionId !== 'number') return false;
    return this.engine.kick(sessionId, String(reason));
  }

  /**
   * Addresses banned now for failed authorizations (`auth.maxFailures` within
   * `auth.failureWindowMs`), longest remaining first. [] when not listening.
   */
  bans(): IpBan[] {
    if (!this.engine) return [];
    const now = Date.now();
    return this.engine.bans().map((b) => ({
      ip: b.ip,
      reason: b.reason,
      remainingMs: b.remainingMs,
      untilMs: now + b.remainingMs,
    }));
  }

  /**
   * Lifts the failed-authorization ban on `ip` (and forgets its failures), so
   * its next connection is let in. "1.2.3.4" and "::ffff:1.2.3.4" are one
   * address. False when it was not banned (or the server is not listening).
   */
  unban(ip: string): boolean {
    if (!this.engine || typeof ip !== 'string') return false;
    return this.engine.unban(ip);
  }

  sessions(): SessionInfo[] {
    return toSessionInfos(this.rawStats());
  }

  streams(): StreamInfo[] {
    return toStreamInfos(this.rawStats());
  }

  stats(): ServerStats {
    const raw = this.rawStats();
    return {
      sessions: toSessionInfos(raw),
      streams: toStreamInfos(raw),
      acceptedTotal: raw.acceptedTotal,
      ioThreads: raw.ioThreads,
      limitRefusals: { ...raw.limitRefusals },
      handshakeFailures: { rtmp: { ...raw.handshakeFailures.rtmp }, rtmps: { ...raw.handshakeFailures.rtmps } },
      ipRefusals: { deny: { ...raw.ipRefusals.deny }, notAllowed: { ...raw.ipRefusals.notAllowed }, ban: { ...raw.ipRefusals.ban } },
      loops: raw.loops.map((l) => ({ ...l })),
    };
  }

  /** Like net.Server: a listening server keeps the process alive unless unref'd. */
  ref(): this {
    this.refed = true;
    this.engine?.ref();
    this.http?.ref();
    return this;
  }

  unref(): this {
    this.refed = false;
    this.engine?.unref();
    this.http?.unref();
    return this;
  }

  /**
   * The encoded packets of a live stream ("app/name"), shaped for WebCodecs
   * (see lib/media/packets.ts and docs/frames.md). `for await`; break,
   * return() or options.signal end the subscription. Throws
   * ERR_RTMP_INVALID_OPTIONS for bad options; the iteration rejects with
   * ERR_RTMP_STREAM_NOT_FOUND (not published and not waiting) or
   * ERR_RTMP_SERVER_CLOSED (not listening).
   */
  packets(path: string, options?: PacketOptions): AsyncIterableIterator<Packet> {
    return packets(this.mediaHost(), path, options);
  }

  /** The callback form of packets(); returns the unsubscribe function. */
  onPackets(path: string, options: OnPacketsOptions | undefined, onPacket: (packet: Packet) => void): () => void {
    return onPackets(this.mediaHost(), path, options, onPacket);
  }

  /** Open packet subscriptions, as the engine sees them (queued = taken by no consumer yet). */
  packetSubscriptions(): PacketSubscriptionInfo[] {
    return this.engine ? this.engine.packetSubscriptions() : [];
  }

  /**
   * The decoded frames of a live stream ("app/name"): video in the pixel
   * format and size asked for, audio as s16/f32 (see lib/media/frames.ts and
   * docs/frames.md). `for await`; break, return() or options.signal end the
   * subscription. Throws ERR_RTMP_INVALID_OPTIONS for bad options; the
   * iteration rejects with ERR_RTMP_STREAM_NOT_FOUND (not published and not
   * waiting) or ERR_RTMP_SERVER_CLOSED (not listening).
   */
  frames(path: string, options?: FrameOptions): AsyncIterableIterator<Frame> {
    return frames(this.frameHost(), path, options);
  }

  /** The callback form of frames(); returns the unsubscribe function. */
  onFrames(path: string, options: OnFramesOptions | undefined, onFrame: (frame: Frame) => void): () => void {
    return onFrames(this.frameHost(), path, options, onFrame);
  }

  /** Open frame subscriptions with their counters (delivered, dropped, pool buffers). */
  frameSubscriptions(): FrameSubscriptionInfo[] {
    return this.engine ? this.engine.frameSubscriptions() : [];
  }

  /** Streams being decoded now (one decoder each, shared by their subscriptions). */
  frameDecoderCount(): number {
    return this.engine ? this.engine.frameDecoderCount() : 0;
  }

  /**
   * One still image of a live stream ("app/name"): JPEG, PNG or raw RGBA of
   * its latest keyframe (or, while frames() decodes it, its next picture),
   * decoded and encoded on the decoder threads; no decoder stays running for
   * it (see lib/media/snapshot.ts and docs/frames.md). Rejects with
   * ERR_RTMP_INVALID_OPTIONS, ERR_RTMP_STREAM_NOT_FOUND (not published and not
   * waiting), ERR_RTMP_TIMEOUT, ERR_RTMP_UNSUPPORTED (no decoder for the codec)
   * or ERR_RTMP_SERVER_CLOSED.
   */
  snapshot(path: string, options?: SnapshotOptions): Promise<Snapshot> {
    return snapshot(this.frameHost(), path, options);
  }

  private frameHost(): FrameHost {
    return {
      ...this.mediaHost(),
      isPublishing: (path) => this.rawStats().streams.some((s) => `${s.app}/${s.stream}` === path),
      watchPublishing: (path, onChange) => {
        const onPublish = (e: { path: string }): void => {
          if (e.path === path) onChange(true);
        };
        const onUnpublish = (e: { path: string }): void => {
          if (e.path === path) onChange(false);
        };
        this.on('publish', onPublish);
        this.on('unpublish', onUnpublish);
        return () => {
          this.off('publish', onPublish);
          this.off('unpublish', onUnpublish);
        };
      },
    };
  }

  private mediaHost(): { engine: () => NativeEngine | undefined; subscriptions: SubscriptionSet } {
    return { engine: () => this.engine, subscriptions: this.mediaSubscriptions };
  }

  /** @internal Synchronous stop for the process 'exit' guard. */
  stopNow(): void {
    const engine = this.engine;
    this.engine = undefined;
    this.state = 'closed';
    engine?.stop();
    this.mediaSubscriptions.endAll();
  }

  private rawStats(): NativeStats {
    return this.engine ? this.engine.stats() : emptyStats();
  }

  private async closeEngine(graceMs: number): Promise<CloseResult> {
    if (this.state === 'starting') await this.starting;
    const engine = this.engine;
    if (this.state !== 'listening' || !engine) {
      this.state = 'closed';
      return { publishers: 0, players: 0, forced: 0 };
    }
    this.state = 'closing';
    // HTTP first: waiting playlist requests are answered while the engine still runs.
    const http = this.http;
    this.http = undefined;
    await http?.close(graceMs);
    this.admin?.close();
    this.admin = undefined;
    const roles = new Map(engine.stats().sessions.map((s) => [s.id, s.role]));
    engine.beginShutdown();
    await this.waitForDrain(engine, graceMs);

    const left = new Set(engine.stats().sessions.map((s) => s.id));
    const rest = engine.stop();
    this.mediaSubscriptions.endAll();
    this.store?.close();
    await this.folder?.close();
    this.engine = undefined;
    this.state = 'closed';
    releaseGuard(this);
    this.onEvents(rest);

    const result = { publishers: 0, players: 0, forced: left.size };
    for (const [id, role] of roles) {
      if (left.has(id)) continue;
      if (role === 'publisher') result.publishers++;
      else if (role === 'player') result.players++;
    }
    this.logger.info({ ...result }, 'closed');
    return result;
  }

  private waitForDrain(engine: NativeEngine, graceMs: number): Promise<void> {
    return new Promise((resolve) => {
      let finished = false;
      const finish = (): void => {
        if (finished) return;
        finished = true;
        clearTimeout(deadline);
        clearInterval(poll);
        this.drainCheck = undefined;
        resolve();
      };
      const check = (): void => {
        if (engine.sessionCount() === 0) finish();
      };
      const deadline = setTimeout(finish, graceMs);
      const poll = setInterval(check, this.drainPollMs);
      this.drainCheck = check;
      check();
    });
  }

  /** One native batch → typed events, in order. A throwing listener does not stop the batch. */
  private onEvents(batch: NativeEvent[]): void {
    let failure: { error: unknown } | undefined;
    for (const native of batch) {
      this.metricsState.observe(native);
      if (native.kind === 'authorize') {
        void this.answerAuthorize(native);
        continue;
      }
      try {
        this.dispatch(toServerEvent(native));
      } catch (error) {
        failure ??= { error };
      }
    }
    if (this.drainCheck && batch.some((e) => e.kind === 'disconnect')) this.drainCheck();
    if (failure) {
      const { error } = failure;
      // Surface it as an uncaught exception, as a throwing net.Server listener would.
      process.nextTick(() => {
        throw error;
      });
    }
  }

  private async answerAuthorize(native: NativeAuthorizeEvent): Promise<void> {
    const request = toAuthRequest(native);
    const authorizer = this.engineAuthorizer;
    const outcome = authorizer
      ? await runAuthorizer(authorizer, request, this.options.auth.onError)
      : { decision: { allow: false as const, reason: 'no authorizer' } };
    const where = { sessionId: request.sessionId, ip: request.ip, action: request.action, path: `${request.app}/${request.name}` };
    if (outcome.error) this.logger.error({ ...where, err: outcome.error }, 'authorizer failed');
    const { decision } = outcome;
    this.metricsState.observeAuth({
      protocol: native.tls ? 'rtmps' : 'rtmp',
      action: request.action,
      allow: decision.allow,
      reason: authorizer ? (outcome.error ? 'error' : 'authorizer') : 'no_authorizer',
    });
    if (decision.allow) {
      // Only the admin ban check on the way (no authorizer of the user's): not worth an info line per play.
      const level = this.effectiveAuthorizer ? 'info' : 'debug';
      this.logger.log(level, { ...where, ...(decision.name ? { as: decision.name } : {}) }, 'authorized');
    } else {
      this.logger.warn({ ...where, reason: decision.reason }, 'not authorized');
      this.emit('authDenied', authDeniedEvent(request, decision.reason));
    }
    // The session may have gone (or timed out) meanwhile: the engine ignores a late answer.
    this.engine?.answerAuth(
      request.sessionId,
      native.requestId,
      decision.allow,
      decision.allow ? (decision.name ?? '') : '',
      decision.allow ? '' : decision.reason,
      // Publish taps by name (native/server/hls_tap.h): 'hls' on, '!hls' off.
      decision.allow && decision.hls !== undefined ? [decision.hls ? 'hls' : '!hls'] : undefined,
    );
  }

  private dispatch(event: ServerEvent): void {
    this.logEvent(event);
    // A bad peer must not crash a server nobody attached an error listener to:
    // without one, session errors are only logged.
    if (event.name === 'error' && this.listenerCount('error') === 0) return;
    (this.emit as (name: string, payload: unknown) => boolean)(event.name, event.payload);
  }

  private logEvent(event: ServerEvent): void {
    const log = this.logger;
    switch (event.name) {
      case 'connect': {
        const p = event.payload;
        log.info({ sessionId: p.sessionId, ip: p.ip, app: p.app }, 'session connected');
        break;
      }
      case 'publish': {
        const p = event.payload;
        log.info({ sessionId: p.sessionId, stream: p.path }, 'publish started');
        break;
      }
      case 'play': {
        const p = event.payload;
        if (p.waiting) log.info({ sessionId: p.sessionId, stream: p.path }, 'play started, waiting for a publisher');
        else log.info({ sessionId: p.sessionId, stream: p.path }, 'play started');
        break;
      }
      case 'playing': {
        const p = event.payload;
        log.info({ sessionId: p.sessionId, stream: p.path, waitedMs: p.waitedMs }, 'publisher arrived, playing');
        break;
      }
      case 'unpublish':
      case 'stop': {
        const p = event.payload;
        log.info(
          { sessionId: p.sessionId, stream: p.path, bytesIn: p.bytesIn, bytesOut: p.bytesOut },
          event.name === 'unpublish' ? 'publish stopped' : 'play stopped',
        );
        break;
      }
      case 'disconnect': {
        const p = event.payload;
        log.info(
          { sessionId: p.sessionId, ip: p.ip, stream: p.path, reason: p.reason, bytesIn: p.bytesIn, bytesOut: p.bytesOut },
          'session disconnected',
        );
        break;
      }
      case 'metadata': {
        const p = event.payload;
        log.debug({ sessionId: p.sessionId, stream: p.path, codec: p.codec }, 'stream metadata');
        break;
      }
      case 'error': {
        const p = event.payload;
        log.warn({ sessionId: p.sessionId, stream: p.path, code: p.code, reason: p.message }, 'session error');
        break;
      }
      case 'log': {
        const p = event.payload;
        const fields: LogFields = { component: p.component };
        if (p.sessionId !== null) fields.sessionId = p.sessionId;
        if (p.stream !== null) fields.stream = p.stream;
        if (p.remote !== null) fields.remote = p.remote;
        log.log(p.level, fields, p.msg);
        break;
      }
    }
  }
}

/** Creates a server; nothing is bound until listen(). Throws ERR_RTMP_INVALID_OPTIONS. */
export function createServer(options: ServerOptions = {}): RtmpServer {
  return new RtmpServer(options);
}

function authDeniedEvent(req: AuthRequest, reason: string): AuthDeniedEvent {
  return {
    action: req.action,
    protocol: req.protocol,
    app: req.app,
    stream: req.name,
    path: `${req.app}/${req.name}`,
    ip: req.ip,
    port: req.port,
    sessionId: req.sessionId,
    ...(req.viewerSession !== undefined ? { viewerSession: req.viewerSession } : {}),
    reason,
  };
}
