// The contract of the compiled addon's exports (build/Release/rtmp_engine.node).
// test/addon-contract.test.ts checks it against what the addon really exports.
// Only lib/native.ts loads the addon; the SDK wraps everything else.
// Bump kBindingAbi (native/binding/version.h) and EXPECTED_ABI (lib/native.ts)
// whenever this file changes shape.

/**
 * Flat engine configuration, built by lib/native-config.ts from validated
 * options and read by native/binding/config_reader.cc into EngineConfig. Every
 * key is an EngineConfig field (logLevel: the binding's log threshold); the
 * C++ defaults equal the TypeScript ones (test/config-defaults.test.ts).
 */
export interface NativeEngineConfig {
  host: string;
  port: number;
  ioThreads: number;
  handshakeTimeoutMs: number;
  idleTimeoutMs: number;
  outChunkSize: number;
  maxMessageSize: number;
  windowAckSize: number;
  peerBandwidth: number;
  amfMaxDepth: number;
  amfMaxString: number;
  gopCache: boolean;
  gopCacheMaxMs: number;
  gopCacheMaxBytes: number;
  gopCacheMaxFrames: number;
  waitForPublisher: boolean;
  /** A waiting player gets StreamNotFound after this long without a publisher; 0 = at once. */
  playWaitMs: number;
  timestampMode: 'off' | 'monotonic' | 'rebase';
  playerQueueMs: number;
  playerQueueMaxBytes: number;
  mergeWritesMs: number;
  rtmps: boolean;
  rtmpsHost: string;
  rtmpsPort: number;
  tlsCertFile: string;
  tlsKeyFile: string;
  tlsCiphers: string;
  tlsCipherSuites: string;
  authHook: boolean;
  authTimeoutMs: number;
  authTimeoutAllows: boolean;
  authFailLimit: number;
  authFailWindowMs: number;
  authBanMs: number;
  /** Never counted nor banned (addresses or CIDR blocks). */
  authBanExemptCidrs: string[];
  maxConnections: number;
  maxConnectionsPerIp: number;
  maxPublishers: number;
  maxPlayersPerStream: number;
  maxIngestKbps: number;
  dropOverIngestLimit: boolean;
  ipRules: { action: 'connect' | 'publish' | 'play' | '*'; app: string; allow: boolean; cidr: string }[];
  ipDefaultAllow: boolean;
  /** Bytes all connections may hold in incomplete messages; 0 = unbounded. */
  maxPartialMessageBytes: number;
  // Timeouts and pending-connection budgets (issue 10); 0 = off.
  connectTimeoutMs: number;
  playPublishTimeoutMs: number;
  writeTimeoutMs: number;
  maxPendingConnections: number;
  maxPendingPerIp: number;
  maxPendingOutputBytes: number;
  maxMetadataBytes: number;
  // HLS segmenter (issue 11); the store's window options are not sent.
  hlsEnabled: boolean;
  /** Empty = every app. */
  hlsApps: string[];
  hlsFormat: 'fmp4' | 'ts';
  hlsSegmentDurationMs: number;
  /** 0 = no LL-HLS parts. */
  hlsPartDurationMs: number;
  hlsMaxSegmentBytes: number;
  /** Decoder pool threads; 0 = one per core. */
  decoderThreads: number;
  /** 'none', 'auto' or an FFmpeg hardware device type name (validated by the SDK). */
  hwaccel: string;
  /** '' = FFmpeg's default device of that type. */
  hwaccelDevice: string;
  /** Where decoded frames are delivered: the pool of JS buffers, or external ArrayBuffers where N-API allows them. */
  frameBuffers: 'pool' | 'external';
  /** Lowest native log level forwarded (10 trace … 50 error); 100 forwards nothing. */
  logLevel: number;
}

/** Codec summary; empty strings and zeros mean "not known (yet)". */
export interface NativeCodec {
  videoCodec: string;
  width: number;
  height: number;
  fps: number;
  videoProfile: string;
  videoLevel: string;
  videoBitrateKbps: number;
  audioCodec: string;
  audioSampleRate: number;
  audioChannels: number;
  audioProfile: string;
  audioBitrateKbps: number;
  /** onMetaData's "encoder" (at most 128 bytes); "" when not sent. */
  encoder: string;
}

/** Common to every session event: who, and which stream. */
export interface NativeEventHeader {
  sessionId: number;
  ip: string;
  port: number;
  /** The session came in over RTMPS. */
  tls: boolean;
  app: string;
  /** Stream name without its query. */
  stream: string;
  /** Raw query string(s), "a=1&b=2" (app and stream queries joined). */
  query: string;
}

/** Byte counts of the session when the event was made. */
export interface NativeSessionTotals {
  bytesIn: number;
  bytesOut: number;
}

export interface NativeConnectEvent extends NativeEventHeader {
  kind: 'connect';
  tcUrl: string;
  flashVer: string;
}
export interface NativePublishEvent extends NativeEventHeader {
  kind: 'publish';
  codec: NativeCodec;
}
export interface NativeUnpublishEvent extends NativeEventHeader, NativeSessionTotals {
  kind: 'unpublish';
  reason: string;
}
export interface NativePlayEvent extends NativeEventHeader {
  kind: 'play';
  /** Nobody publishes the stream yet: the player waits (playWaitMs). */
  waiting: boolean;
}
/** A player that waited for a publisher got one. */
export interface NativePlayingEvent extends NativeEventHeader {
  kind: 'playing';
  waitedMs: number;
}
export interface NativeStopEvent extends NativeEventHeader, NativeSessionTotals {
  kind: 'stop';
  reason: string;
}
export interface NativeDisconnectEvent extends NativeEventHeader, NativeSessionTotals {
  kind: 'disconnect';
  reason: string;
  /** Stable ERR_RTMP_* code of the reason. */
  code: string;
}
export interface NativeMetadataEvent extends NativeEventHeader {
  kind: 'metadata';
  codec: NativeCodec;
}
export interface NativeErrorEvent extends NativeEventHeader {
  kind: 'error';
  /** Stable ERR_RTMP_* code. */
  code: string;
  reason: string;
}
/** A native log line with the context it was logged in (0 / "" when none). */
export interface NativeLogEvent {
  kind: 'log';
  /** 10 trace, 20 debug, 30 info, 40 warn, 50 error. */
  level: number;
  /** The native component that logged ("net", "session", …). */
  component: string;
  message: string;
  sessionId: number;
  app: string;
  stream: string;
  ip: string;
  port: number;
}
export interface NativeAuthorizeEvent extends NativeEventHeader {
  kind: 'authorize';
  action: 'publish' | 'play';
  /** The id to answer with (answerAuth). */
  requestId: number;
  tcUrl: string;
  flashVer: string;
  /** From the client's connect, "" when not sent. */
  swfUrl: string;
  pageUrl: string;
}

/** One engine event: the header plus only the fields of its kind. */
export type NativeEvent =
  | NativeConnectEvent
  | NativePublishEvent
  | NativeUnpublishEvent
  | NativePlayEvent
  | NativeStopEvent
  | NativeDisconnectEvent
  | NativeMetadataEvent
  | NativeErrorEvent
  | NativeLogEvent
  | NativeAuthorizeEvent
  | NativePlayingEvent;

export type NativeEventKind = NativeEvent['kind'];

/** The event of one kind. */
export type NativeEventOf<K extends NativeEventKind> = Extract<NativeEvent, { kind: K }>;

export type NativeSessionRole = 'publisher' | 'player' | 'unknown';

/** Why a publisher's message was not forwarded (names are stable; reasons may be added). */
export type NativeIngestDropReason =
  | 'malformed'
  | 'empty'
  | 'tooLarge'
  | 'notPublishing'
  | 'authDenied'
  | 'authOverflow'
  | 'metadataTooLarge';

/** A counter per reason, every reason present. */
export type NativeIngestDrops = Record<NativeIngestDropReason, number>;

/** One failed-authorization ban (Engine.bans()). */
export interface NativeBan {
  /** Dotted quad for IPv4 (also when the peer came in IPv4-mapped), RFC 5952 text for IPv6. */
  ip: string;
  remainingMs: number;
  /** "5 failed authorizations within 60 s (last: <the last denial's reason>)". */
  reason: string;
}

export interface NativeSessionSnapshot {
  id: number;
  ip: string;
  port: number;
  /** Came through the RTMPS (TLS) listener. */
  tls: boolean;
  role: NativeSessionRole;
  app: string;
  stream: string;
  connectedAtMs: number;
  bytesIn: number;
  bytesOut: number;
  /** Players: droppedVideo + droppedAudio. */
  droppedFrames: number;
  /** Players: frames dropped for being slow, by track. */
  droppedVideo: number;
  droppedAudio: number;
  /** Publishers: their messages not forwarded, by reason. */
  ingestDrops: NativeIngestDrops;
  loop: number;
  /** Players: waiting for a publisher (playWaitMs). */
  waiting: boolean;
}

export interface NativeStreamSnapshot {
  app: string;
  stream: string;
  publisherId: number;
  startedAtMs: number;
  players: number;
  codec: NativeCodec;
  bytesIn: number;
  videoFrames: number;
  audioFrames: number;
  gopCacheFrames: number;
  gopCacheBytes: number;
  /** GOPs the cache gave up for outgrowing a bound, since the stream appeared. */
  gopCacheOverflows: number;
  /** The publisher's messages not forwarded, by reason (this publish). */
  ingestDrops: NativeIngestDrops;
  /** Keyframe interval, GOP and A/V skew of this publish, kept by the engine (native/media/stream_timing.h). */
  timing: NativeStreamTiming;
}

export interface NativeStreamTiming {
  /** DTS distance between the last two video keyframes; null before two. */
  keyframeIntervalMs: number | null;
  /** Video frames of the last complete GOP; null before two keyframes. */
  gopFrames: number | null;
  /** Smoothed latest video DTS − latest audio DTS; null without both tracks. */
  avSkewMs: number | null;
  /** Video frames since the latest keyframe (it included); 0 before the first. */
  framesSinceKeyframe: number;
  /** Video keyframes this publish. */
  keyframes: number;
}

/** Why a handshake failed (names are stable; reasons may be added). */
export type NativeHandshakeFailureReason = 'version' | 'digest' | 'state' | 'tls' | 'timeout';
/** Which kind of IP rule refused: a deny rule, no allow rule (default deny), an auth-failure ban. */
export type NativeIpRefusalRule = 'deny' | 'notAllowed' | 'ban';
/** The door an IP rule guards. */
export type NativeIpAction = 'connect' | 'publish' | 'play';

/** Which configured limit turned a session away or closed it (names are stable; limits may be added). */
export type NativeLimitName =
  | 'connections'
  | 'connectionsPerIp'
  | 'publishers'
  | 'playersPerStream'
  | 'pendingConnections'
  | 'pendingPerIp'
  | 'ingestRate'
  | 'partialMessageBytes'
  | 'pendingOutputBytes'
  | 'authBan';

export interface NativeStats {
  sessions: NativeSessionSnapshot[];
  streams: NativeStreamSnapshot[];
  acceptedTotal: number;
  ioThreads: number;
  /** Refusals and closes by a configured limit since start, every limit present. */
  limitRefusals: Record<NativeLimitName, number>;
  /** Failed handshakes since start, by listener and reason (every one present). */
  handshakeFailures: Record<'rtmp' | 'rtmps', Record<NativeHandshakeFailureReason, number>>;
  /** Refusals by an IP rule since start, by rule and door (every one present; ban only at connect). */
  ipRefusals: Record<NativeIpRefusalRule, Record<NativeIpAction, number>>;
  /** Each I/O loop's health, measured by its housekeeping timer (empty when not running). */
  loops: NativeLoopHealth[];
}

export interface NativeLoopHealth {
  index: number;
  /** How late the last 1 s housekeeping tick fired, and the most since start. */
  lagMs: number;
  maxLagMs: number;
  /** Time spent waiting for I/O since the loop started (libuv idle time). */
  idleMs: number;
  /** Busy share of the last period, 0..1. */
  utilisation: number;
  /** Periods measured; 0: lagMs and utilisation are not figures yet. */
  samples: number;
}

/** subscribePackets options (validated by lib/media/packets.ts). */
export interface NativePacketOptions {
  video: boolean;
  audio: boolean;
  /** Packets delivered but not yet released (releasePackets) before the tap drops. */
  maxItems: number;
  /** The same in codec bytes. */
  maxBytes: number;
}

/** One encoded access unit (native/server/packet_tap.h). */
export interface NativePacket {
  kind: 'video' | 'audio';
  /** RFC 6381 ("avc1.64001f", "mp4a.40.2") or the WebCodecs name ("mp3", "opus"). */
  codec: string;
  /** ms, stream timeline (= dts). */
  timestamp: number;
  pts: number;
  dts: number;
  /** Audio: always true. */
  keyframe: boolean;
  /** Codec bytes: length-prefixed NAL units (AVCC), AV1 OBUs, raw AAC. A copy. */
  data: Buffer;
  /** avcC / hvcC / av1C record or AudioSpecificConfig: first packet and after a change. */
  description?: Buffer;
  width?: number;
  height?: number;
  sampleRate?: number;
  channels?: number;
  /** Packets dropped (refused or skipped) since the previous one delivered. */
  droppedBefore: number;
  /** First packet after the publisher came back. */
  discontinuity: boolean;
}

/** The stream's publishing state: at subscribe time, then on every change. */
export interface NativePacketState {
  kind: 'state';
  publishing: boolean;
}

export type NativePacketItem = NativePacket | NativePacketState;

export interface NativePacketSubscriptionStats {
  id: number;
  stream: string;
  /** Packets (bytes) delivered and not yet released. */
  queued: number;
  queuedBytes: number;
  delivered: number;
  /** Packets the tap dropped (refused, or video skipped to a keyframe after a refusal). */
  dropped: number;
}

/**
 * The engine. Lifecycle: idle → running (start) → stopped (stop); a failed
 * start returns to idle. A running engine keeps the event loop alive (see
 * ref/unref) and its JS object reachable.
 */
export interface NativeEngine {
  /** Binds and starts the loop threads. Throws an Error with `code` (e.g. ERR_RTMP_ADDRESS_IN_USE). */
  start(): void;
  /** The port actually bound; 0 when not running. */
  boundPort(): number;
  /** Graceful step 1: stop accepting, end every stream, close sessions once drained. */
  beginShutdown(): void;
  /**
   * Closes every session, joins the loop threads (synchronous, quick) and
   * returns the events not yet delivered to onEvents, in order. No onEvents
   * call follows. Idempotent (later calls return []).
   */
  stop(): NativeEvent[];
  /** Ends one session; false if there is no such session (or not running). */
  kick(sessionId: number, reason: string): boolean;
  /** Addresses banned now for failed authorizations, longest remaining first ([] when not running). */
  bans(): NativeBan[];
  /** Lifts the ban on one address; false when it was not banned (or not running, or not an address). */
  unban(ip: string): boolean;
  /** The RTMPS port bound; 0 without RTMPS. */
  boundTlsPort(): number;
  /** Re-reads the RTMPS certificate and key. Throws an Error with `code` (ERR_RTMP_TLS). */
  reloadTls(): void;
  /** Answers an authorize event. False when the session is gone. */
  /** `taps`: on allow of a publish, the publish-scoped taps to attach (by name). */
  answerAuth(
    sessionId: number,
    requestId: number,
    allow: boolean,
    name: string,
    reason: string,
    taps?: readonly string[],
  ): boolean;
  stats(): NativeStats;
  sessionCount(): number;
  /** Whether a running engine keeps the event loop alive (default: ref'd). */
  ref(): this;
  unref(): this;
  /**
   * Before start(): segment publishes for HLS/DASH (the hls* config fields and
   * the authorize answer's taps decide which) and deliver the records on the
   * JS thread, a batch per wake-up, through a channel bounded in items (4096)
   * and bytes (256 MiB) that drops the newest when full and counts it.
   * Without a feed nothing is segmented. Throws after start().
   */
  setHlsFeed(onItems: (items: NativeHlsItem[], counters: NativeHlsCounters) => void): void;
  /**
   * Attaches a packet tap to "app/name" (published yet or not). onItems gets
   * batches, in order; each packet counts against maxItems/maxBytes until
   * releasePackets. Returns the id, 0 when not running.
   */
  subscribePackets(
    streamKey: string,
    options: NativePacketOptions,
    onItems: (items: NativePacketItem[], counters: { pushed: number; dropped: number; droppedBytes: number }) => void,
  ): number;
  /** Detaches the tap (a last onItems call may still bring what was queued). False if unknown. */
  unsubscribePackets(id: number): boolean;
  /** The consumer is done with `items` packets holding `bytes` data bytes. */
  releasePackets(id: number, items: number, bytes: number): boolean;
  packetSubscriptions(): NativePacketSubscriptionStats[];
  /**
   * Decodes "app/name" (one decoder per stream, on the decoder pool) into
   * buffers allocated by JS. onItems gets every frame queued at a wake-up;
   * each frame holds its pool buffer until releaseFrame(token). Returns the
   * id, 0 when not running; throws an Error with `code` for options the
   * engine refuses.
   */
  subscribeFrames(streamKey: string, options: NativeFrameOptions, onItems: (items: NativeFrameItem[]) => void): number;
  /** Ends the subscription (frames JS holds stay readable until released). False if unknown. */
  unsubscribeFrames(id: number): boolean;
  /** JS is done with a frame: its buffer goes back to the pool. False if unknown or already released. */
  releaseFrame(token: number): boolean;
  frameSubscriptions(): NativeFrameSubscriptionStats[];
  /** Streams being decoded now (one decoder each). */
  frameDecoderCount(): number;
  /**
   * One still image of "app/name", decoded and encoded on the decoder pool:
   * the latest keyframe, or the next picture of a decoder already running.
   * onDone is called once on the JS thread, after the engine let go of the
   * decoder it used: (Error with `code`) or (null, image). Returns the id,
   * 0 when not running; throws an Error with `code` for a refused request.
   */
  snapshot(
    streamKey: string,
    options: NativeSnapshotOptions,
    onDone: (error: NativeCodedError | null, image?: NativeSnapshot) => void,
  ): number;
  /** Ends a pending snapshot; onDone is not called. False if unknown or done. */
  cancelSnapshot(id: number): boolean;
}

/** snapshot options (validated by lib/media/snapshot.ts); 0 = from the aspect or the source. */
export interface NativeSnapshotOptions {
  format: 'jpeg' | 'png' | 'rgba';
  width: number;
  height: number;
  /** 1-100 (JPEG). */
  quality: number;
}

export interface NativeSnapshot {
  /** JPEG or PNG file bytes, or packed RGBA rows (width × 4 bytes each). */
  data: Buffer;
  format: NativeSnapshotOptions['format'];
  width: number;
  height: number;
  /** ms, stream clock. */
  pts: number;
  keyframe: boolean;
}

/** An engine error as the binding makes it (message plus the stable code). */
export interface NativeCodedError extends Error {
  code: string;
}

/** subscribeFrames options (validated by lib/media/frames.ts); 0 = the source's. */
export interface NativeFrameOptions {
  video: boolean;
  audio: boolean;
  pixelFormat: 'yuv420p' | 'nv12' | 'rgba' | 'bgra' | 'rgb24' | 'gray';
  width: number;
  height: number;
  maxFps: number;
  sampleFormat: 's16' | 'f32' | 's16p' | 'f32p';
  sampleRate: number;
  channels: number;
  maxVideoFrames: number;
  maxAudioMs: number;
}

export interface NativeFramePlane {
  /** A view of a pool buffer: valid until the frame is released. */
  data: Uint8Array;
  /** Video: bytes per row; audio: the plane's byte length. */
  stride: number;
}

interface NativeFrameBase {
  /** ms, stream clock (64-bit, unwrapped). */
  pts: number;
  dts: number;
  keyframe: boolean;
  planes: NativeFramePlane[];
  /** Bytes used in the buffer by all planes. */
  byteLength: number;
  droppedBefore: number;
  discontinuity: boolean;
  /** For releaseFrame(). */
  token: number;
}

export interface NativeVideoFrame extends NativeFrameBase {
  kind: 'video';
  width: number;
  height: number;
  format: NativeFrameOptions['pixelFormat'];
}

export interface NativeAudioFrame extends NativeFrameBase {
  kind: 'audio';
  sampleRate: number;
  channels: number;
  /** Per channel. */
  samples: number;
  format: NativeFrameOptions['sampleFormat'];
}

/** A decode error (ERR_RTMP_MEDIA, ERR_RTMP_UNSUPPORTED), once per episode. */
export interface NativeFrameError {
  kind: 'error';
  code: string;
  message: string;
}

export type NativeFrameItem = NativeVideoFrame | NativeAudioFrame | NativeFrameError;

export interface NativeFrameSubscriptionStats {
  id: number;
  stream: string;
  videoDelivered: number;
  audioDelivered: number;
  /** Refused: engine queue full or no pool buffer free. */
  videoDropped: number;
  audioDropped: number;
  /** Left out by maxFps. */
  videoSkipped: number;
  decodeErrors: number;
  /** In the engine queue, not yet taken. */
  queued: number;
  /** What this subscription delivers into: 'external' unless N-API refuses external ArrayBuffers. */
  buffers: 'pool' | 'external';
  /** Pool buffers (free or in use) and their bytes. */
  poolBuffers: number;
  poolBytes: number;
  /** Pool buffers in use: queued in the engine or held by JS (external: until finalized). */
  poolBusy: number;
  /** Frames JS holds (taken, not released). */
  held: number;
}

// The HLS feed: the same shapes as lib/http/hls/feed.ts (HlsFeedItem), which
// the SDK uses; test/hls-feed.test.ts checks that the two stay assignable.
export interface NativeHlsTrack {
  kind: 'video' | 'audio';
  codec: string;
  timescale: number;
  width?: number;
  height?: number;
  frameRate?: number;
  sampleRate?: number;
  channels?: number;
}
interface NativeHlsItemBase {
  stream: string;
  publishId: number;
}
export interface NativeHlsInitItem extends NativeHlsItemBase {
  type: 'init';
  initId: number;
  format: 'fmp4' | 'ts';
  tracks: NativeHlsTrack[];
  video?: Buffer;
  audio?: Buffer;
}
export interface NativeHlsPartItem extends NativeHlsItemBase {
  type: 'part';
  initId: number;
  segment: number;
  part: number;
  start: number;
  duration: number;
  independent: boolean;
  programDateTime: number;
  /** Unix ms at which the last packet in it reached the engine's HLS tap. */
  arrivedAt?: number;
  video?: Buffer;
  audio?: Buffer;
}
export interface NativeHlsSegmentItem extends NativeHlsItemBase {
  type: 'segment';
  initId: number;
  segment: number;
  start: number;
  duration: number;
  parts: number;
  independent: boolean;
  programDateTime: number;
  /** Unix ms at which the last packet in it reached the engine's HLS tap. */
  arrivedAt?: number;
  video?: Buffer;
  audio?: Buffer;
  ts?: Buffer;
}
export interface NativeHlsEndItem extends NativeHlsItemBase {
  type: 'end';
  reason: string;
}
export type NativeHlsItem = NativeHlsInitItem | NativeHlsPartItem | NativeHlsSegmentItem | NativeHlsEndItem;
export interface NativeHlsCounters {
  pushed: number;
  dropped: number;
  droppedBytes: number;
}

export interface NativeEngineConstructor {
  /** onEvents is called on the JS thread with one batch (array, in order) per wake-up. */
  new (config: NativeEngineConfig, onEvents: (events: NativeEvent[]) => void): NativeEngine;
}

export interface NativeAddon {
  /** Engine version, equal to package.json "version". */
  version(): string;
  /** Bumped when this contract changes; the loader refuses a mismatching binary. */
  abiVersion: number;
  Engine: NativeEngineConstructor;
}
