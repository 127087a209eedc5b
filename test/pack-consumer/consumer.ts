/**
 * A strict consumer of the packed rtmp-engine (test/pack.test.ts installs the
 * tarball next to it): it must type-check with `strict` and
 * `skipLibCheck: false`, import every public export (the test compares this
 * import list with lib/index.ts), then run: create a server on a free
 * 127.0.0.1 port, listen, close. Not part of the repository's own tsc run
 * (it imports the installed package by name).
 */
import {
  ADMIN_ROUTES,
  ADMIN_TOKEN_ENV,
  AdminErrorCodes,
  allow,
  API_PREFIX,
  AudioFrame,
  CIRCUIT_OPEN_REASON,
  createAdminHandler,
  createHlsHandler,
  createMetricsHandler,
  createPageHandler,
  createServer,
  deny,
  engineVersion,
  ErrorCodes,
  HANDSHAKE_FAILURE_REASONS,
  HlsStore,
  IP_ACTIONS,
  IP_REFUSAL_RULES,
  isLoopbackAddress,
  LIMIT_NAMES,
  listHlsStreams,
  metricsRegistry,
  OTHER_STREAMS,
  parseQuery,
  resolveOptions,
  RtmpEngineError,
  RtmpServer,
  signedUrlAuthorizer,
  signStreamUrl,
  staticKeyAuthorizer,
  StreamBans,
  verifySignedRequest,
  VideoFrame,
  webhookAuthorizer,
  type AccessOptions,
  type HandshakeFailureReason,
  type HandshakeFailures,
  type IpAction,
  type IpBan,
  type IpRefusalRule,
  type IpRefusals,
  type PlayingEvent,
  type StreamTiming,
  type AdminErrorCode,
  type AdminHandler,
  type AdminHandlerOptions,
  type AdminOptions,
  type AdminRoute,
  type AdminTokens,
  type AudioDecoderConfigInit,
  type AudioFrameOptions,
  type AudioInfo,
  type AudioPacket,
  type AuthAction,
  type AuthDecision,
  type AuthDeniedEvent,
  type AuthOptions,
  type AuthProtocol,
  type AuthRequest,
  type Authorizer,
  type BreakerState,
  type CloseOptions,
  type CloseResult,
  type CodecInfo,
  type ConnectEvent,
  type CorsOrigins,
  type DisconnectEvent,
  type ErrorCode,
  type Frame,
  type FrameOptions,
  type FramePlane,
  type FrameQueueOptions,
  type FramesOptions,
  type FrameSubscriptionInfo,
  type GopCacheOptions,
  type HlsFeedItem,
  type HlsFormat,
  type HlsHandler,
  type HlsHandlerOptions,
  type HlsOptions,
  type HlsRenderers,
  type HlsStoreLike,
  type HlsStoreOptions,
  type HlsTrackInfo,
  type HlsTrackKind,
  type HttpOptions,
  type Hwaccel,
  type HwaccelDeviceType,
  type ImageFormat,
  type IngestDropReason,
  type IngestDrops,
  type IpRule,
  type IpRuleStep,
  type LimitName,
  type LimitOptions,
  type LimitRefusals,
  type ListenResult,
  type LoggerLike,
  type LogEvent,
  type LogLevelName,
  type MetadataEvent,
  type MetricsHandler,
  type MetricsHandlerOptions,
  type MetricsOptions,
  type MetricsRegistryOptions,
  type OnFramesOptions,
  type OnPacketsOptions,
  type Packet,
  type PacketOptions,
  type PacketQueueOptions,
  type PacketSubscriptionInfo,
  type PageHandler,
  type PageHandlerOptions,
  type PixelFormat,
  type PlaneLayout,
  type PlayerOptions,
  type PlayEvent,
  type PublishEvent,
  type ResolvedOptions,
  type RtmpOptions,
  type RtmpsOptions,
  type RtmpServerEventMap,
  type RtmpServerEventName,
  type SampleFormat,
  type ServerAddress,
  type ServerOptions,
  type ServerStats,
  type SessionErrorEvent,
  type SessionEventBase,
  type SessionInfo,
  type SessionRole,
  type SignStreamUrlOptions,
  type SigningSecret,
  type Snapshot,
  type SnapshotOptions,
  type StopEvent,
  type StreamInfo,
  type StreamKeys,
  type StreamOptions,
  type StreamSummary,
  type TimestampMode,
  type UnpublishEvent,
  type VerifySignedRequestOptions,
  type VideoDecoderConfigInit,
  type VideoFrameOptions,
  type VideoInfo,
  type VideoPacket,
  type WebhookAuthorizer,
  type WebhookAuthorizerOptions,
} from 'rtmp-engine';

/**
 * true when T is `any`, or the error type an unresolved import leaves behind
 * (what every type taken from a missing .d.ts silently became with
 * skipLibCheck; the common `0 extends 1 & T` test misses that one).
 */
type IsAny<T> = boolean extends (T extends never ? true : false) ? true : false;
/** true only when A and B are the same type. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const roleIsTyped: IsAny<SessionInfo['role']> = false;
const codeIsTyped: IsAny<RtmpEngineError['code']> = false;
const roleIsKnown: Equal<SessionRole, 'publisher' | 'player' | 'unknown'> = true;

/** Every exported type, named once (a wrong or missing one fails the type check). */
export type EveryType = [
  AccessOptions, AdminErrorCode, AdminHandler, AdminHandlerOptions, AdminOptions, AdminRoute, AdminTokens,
  AudioDecoderConfigInit, AudioFrameOptions, AudioInfo, AudioPacket, AuthAction, AuthDecision, AuthDeniedEvent,
  AuthOptions, AuthProtocol, AuthRequest, Authorizer, BreakerState, CloseOptions, CloseResult, CodecInfo,
  ConnectEvent, CorsOrigins, DisconnectEvent, ErrorCode, Frame, FrameOptions, FramePlane, FrameQueueOptions,
  FramesOptions, FrameSubscriptionInfo, GopCacheOptions, HlsFeedItem, HlsFormat, HlsHandler, HlsHandlerOptions,
  HlsOptions, HlsRenderers, HlsStoreLike, HlsStoreOptions, HlsTrackInfo, HlsTrackKind, HttpOptions, Hwaccel,
  HwaccelDeviceType, ImageFormat, IngestDropReason, IngestDrops, IpRule, IpRuleStep, LimitName, LimitOptions,
  LimitRefusals, ListenResult, LoggerLike, LogEvent, LogLevelName, MetadataEvent, MetricsHandler,
  MetricsHandlerOptions, MetricsOptions, MetricsRegistryOptions, OnFramesOptions, OnPacketsOptions, Packet,
  PacketOptions, PacketQueueOptions, PacketSubscriptionInfo, PageHandler, PageHandlerOptions, PixelFormat,
  PlaneLayout, PlayerOptions, PlayEvent, PublishEvent, ResolvedOptions, RtmpOptions, RtmpsOptions,
  RtmpServerEventMap, RtmpServerEventName, SampleFormat, ServerAddress, ServerOptions, ServerStats,
  SessionErrorEvent, SessionEventBase, SessionInfo, SessionRole, SignStreamUrlOptions, SigningSecret, Snapshot,
  SnapshotOptions, StopEvent, StreamInfo, StreamKeys, StreamOptions, StreamSummary, TimestampMode,
  UnpublishEvent, VerifySignedRequestOptions, VideoDecoderConfigInit, VideoFrameOptions, VideoInfo, VideoPacket,
  WebhookAuthorizer, WebhookAuthorizerOptions, HandshakeFailureReason, HandshakeFailures, IpAction, IpBan,
  IpRefusalRule, IpRefusals, PlayingEvent, StreamTiming,
];

/** Every exported value. */
const everyValue = {
  ADMIN_ROUTES, ADMIN_TOKEN_ENV, AdminErrorCodes, allow, API_PREFIX, AudioFrame, CIRCUIT_OPEN_REASON,
  createAdminHandler, createHlsHandler, createMetricsHandler, createPageHandler, createServer, deny, engineVersion,
  ErrorCodes, HlsStore, isLoopbackAddress, LIMIT_NAMES, listHlsStreams, metricsRegistry, OTHER_STREAMS, parseQuery,
  resolveOptions, RtmpEngineError, RtmpServer, signedUrlAuthorizer, signStreamUrl, staticKeyAuthorizer, StreamBans,
  verifySignedRequest, VideoFrame, webhookAuthorizer, HANDSHAKE_FAILURE_REASONS, IP_ACTIONS, IP_REFUSAL_RULES,
};

async function main(): Promise<void> {
  const rtmps: RtmpsOptions | false = false;
  const auth: AuthOptions = {};
  const options: ServerOptions = { rtmp: { host: '127.0.0.1', port: 0 }, rtmps, auth, http: false, logLevel: 'silent' };
  const server: RtmpServer = createServer(options);
  server.on('publish', (e: PublishEvent) => void e.path);
  server.authorize((req: AuthRequest): AuthDecision => (req.action === 'play' ? allow() : deny('publishing is closed')));
  const bound: ListenResult = await server.listen();
  const sessions: SessionInfo[] = server.sessions();
  const closed: CloseResult = await server.close({ graceMs: 0 });
  const code: ErrorCode = ErrorCodes.ADDON_LOAD;
  console.log(
    JSON.stringify({
      port: bound.port,
      engine: engineVersion(),
      sessions: sessions.length,
      closed,
      code,
      values: Object.keys(everyValue).length,
      typed: !roleIsTyped && !codeIsTyped && roleIsKnown,
    }),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
