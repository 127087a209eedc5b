/** rtmp-engine: public entry point. */
import { loadAddon } from './native';

export { createServer, RtmpServer } from './server';
export type {
  CloseOptions,
  CloseResult,
  FrameSubscriptionInfo,
  ListenResult,
  PacketSubscriptionInfo,
  ServerAddress,
  ServerStats,
} from './server';
export { AudioFrame, VideoFrame } from './media/frames';
export type {
  AudioFrameOptions,
  Frame,
  FrameOptions,
  FramePlane,
  FrameQueueOptions,
  OnFramesOptions,
  PixelFormat,
  PlaneLayout,
  SampleFormat,
  VideoFrameOptions,
} from './media/frames';
export type {
  AudioDecoderConfigInit,
  AudioPacket,
  OnPacketsOptions,
  Packet,
  PacketOptions,
  PacketQueueOptions,
  VideoDecoderConfigInit,
  VideoPacket,
} from './media/packets';
export type { ImageFormat, Snapshot, SnapshotOptions } from './media/snapshot';
// Every option section's type, and the types of their fields.
export type {
  AccessOptions,
  AdminOptions,
  AdminTokens,
  AuthOptions,
  FramesOptions,
  GopCacheOptions,
  HlsFormat,
  HlsOptions,
  HttpOptions,
  IpRule,
  IpRuleStep,
  LimitOptions,
  MetricsOptions,
  PlayerOptions,
  ResolvedOptions,
  RtmpOptions,
  RtmpsOptions,
  ServerOptions,
  StreamOptions,
  TimestampMode,
} from './options';
export type { Hwaccel, HwaccelDeviceType } from './options/frames';
export { resolveOptions } from './options';
export type {
  AudioInfo,
  AuthDeniedEvent,
  CodecInfo,
  ConnectEvent,
  DisconnectEvent,
  LogEvent,
  MetadataEvent,
  PlayEvent,
  PlayingEvent,
  PublishEvent,
  RtmpServerEventMap,
  RtmpServerEventName,
  SessionErrorEvent,
  SessionEventBase,
  StopEvent,
  UnpublishEvent,
  VideoInfo,
} from './events';
export type {
  HandshakeFailureReason,
  HandshakeFailures,
  IngestDropReason,
  IngestDrops,
  IpAction,
  IpBan,
  IpRefusalRule,
  IpRefusals,
  LimitName,
  LimitRefusals,
  SessionInfo,
  SessionRole,
  StreamInfo,
  StreamTiming,
} from './snapshots';
export { HANDSHAKE_FAILURE_REASONS, IP_ACTIONS, IP_REFUSAL_RULES, LIMIT_NAMES } from './snapshots';
export type { LoggerLike, LogLevelName } from './logger';
export { parseQuery } from './query';
export { createHlsHandler } from './http/hls-handler';
export type { HlsHandler, HlsHandlerOptions, HlsRenderers, HlsStoreLike } from './http/hls-handler';
export { HlsStore } from './http/hls/store';
export type { HlsStoreOptions } from './http/hls/store';
export type { HlsFeedItem, HlsTrackInfo, HlsTrackKind } from './http/hls/feed';
export type { CorsOrigins } from './http/cors';
export { ErrorCodes, RtmpEngineError } from './errors';
export type { ErrorCode } from './errors';
export {
  allow,
  deny,
  CIRCUIT_OPEN_REASON,
  signStreamUrl,
  signedUrlAuthorizer,
  staticKeyAuthorizer,
  verifySignedRequest,
  webhookAuthorizer,
} from './auth';
export type {
  AuthAction,
  AuthDecision,
  AuthProtocol,
  AuthRequest,
  Authorizer,
  BreakerState,
  SignStreamUrlOptions,
  SigningSecret,
  StreamKeys,
  VerifySignedRequestOptions,
  WebhookAuthorizer,
  WebhookAuthorizerOptions,
} from './auth';

export { ADMIN_ROUTES, ADMIN_TOKEN_ENV, AdminErrorCodes, API_PREFIX, createAdminHandler, StreamBans } from './admin';
export type { AdminErrorCode, AdminHandler, AdminHandlerOptions, AdminRoute } from './admin';

export { createPageHandler, listHlsStreams } from './http/page';
export { createMetricsHandler, isLoopbackAddress, metricsRegistry, OTHER_STREAMS } from './metrics';
export type { MetricsHandler, MetricsHandlerOptions, MetricsRegistryOptions } from './metrics';
export type { PageHandler, PageHandlerOptions, StreamSummary } from './http/page';

/** Version of the loaded native engine. */
export function engineVersion(): string {
  return loadAddon().version();
}
