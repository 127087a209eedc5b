/**
 * Resolved options → the flat struct the engine reads (NativeEngineConfig in
 * types/native.d.ts, read into EngineConfig by native/binding/config_reader.cc).
 * The C++ EngineConfig{} defaults equal toNativeConfig(resolveOptions({})):
 * test/config-defaults.test.ts fails when a field or a default differs.
 */
import type { NativeEngineConfig } from '../types/native';
import { LOG_LEVEL_VALUES } from './logger';
import { GOP_CACHE_DEFAULTS, type ResolvedOptions } from './options';

/** AMF decoder limits: not user options (yet); the engine's defaults. */
const AMF_MAX_DEPTH = 32;
const AMF_MAX_STRING = 64 * 1024;

/** `authHook`: an authorizer is registered (server.authorize), so publish/play wait for it. */
export function toNativeConfig(options: ResolvedOptions, authHook = false): NativeEngineConfig {
  const { rtmp, streams, players, limits, access, auth } = options;
  const gop = streams.gopCache;
  return {
    host: rtmp.host,
    port: rtmp.port,
    ioThreads: rtmp.ioThreads,
    rtmps: options.rtmps !== false,
    rtmpsHost: options.rtmps ? options.rtmps.host : '',
    rtmpsPort: options.rtmps ? options.rtmps.port : 0,
    tlsCertFile: options.rtmps ? options.rtmps.cert : '',
    tlsKeyFile: options.rtmps ? options.rtmps.key : '',
    tlsCiphers: options.rtmps ? options.rtmps.ciphers : '',
    tlsCipherSuites: options.rtmps ? options.rtmps.cipherSuites : '',
    handshakeTimeoutMs: rtmp.handshakeTimeoutMs,
    idleTimeoutMs: rtmp.idleTimeoutMs,
    outChunkSize: rtmp.chunkSize,
    maxMessageSize: rtmp.maxMessageSize,
    windowAckSize: rtmp.windowAckSize,
    peerBandwidth: rtmp.peerBandwidth,
    amfMaxDepth: AMF_MAX_DEPTH,
    amfMaxString: AMF_MAX_STRING,
    gopCache: gop !== false,
    // gopCache: false sends the default limits (unused by the engine then).
    gopCacheMaxMs: gop ? gop.maxMs : GOP_CACHE_DEFAULTS.maxMs,
    gopCacheMaxBytes: gop ? gop.maxBytes : GOP_CACHE_DEFAULTS.maxBytes,
    gopCacheMaxFrames: gop ? gop.maxFrames : GOP_CACHE_DEFAULTS.maxFrames,
    waitForPublisher: streams.waitForPublisher,
    playWaitMs: streams.playWaitMs,
    timestampMode: streams.timestampMode,
    playerQueueMs: players.queueMs,
    playerQueueMaxBytes: players.queueMaxBytes,
    mergeWritesMs: players.mergeWritesMs,
    authHook,
    authTimeoutMs: auth.timeoutMs,
    authTimeoutAllows: auth.onTimeout === 'allow',
    authFailLimit: auth.maxFailures,
    authFailWindowMs: auth.failureWindowMs,
    authBanMs: auth.banMs,
    authBanExemptCidrs: [...auth.exemptCidrs],
    maxConnections: limits.maxConnections,
    maxConnectionsPerIp: limits.maxConnectionsPerIp,
    maxPublishers: limits.maxPublishers,
    maxPlayersPerStream: limits.maxPlayersPerStream,
    maxIngestKbps: limits.maxIngestKbps,
    dropOverIngestLimit: limits.ingestOverLimit === 'drop',
    ipRules: access.rules.map((r) => ({ action: r.on, app: r.app, allow: r.policy === 'allow', cidr: r.cidr })),
    ipDefaultAllow: access.default === 'allow',
    maxPartialMessageBytes: rtmp.maxPartialMessageBytes,
    // Timeouts and pending-connection budgets (issue 10).
    connectTimeoutMs: rtmp.connectTimeoutMs,
    playPublishTimeoutMs: rtmp.playPublishTimeoutMs,
    writeTimeoutMs: rtmp.writeTimeoutMs,
    maxPendingConnections: limits.maxPendingConnections,
    maxPendingPerIp: limits.maxPendingPerIp,
    maxPendingOutputBytes: rtmp.maxPendingOutputBytes,
    maxMetadataBytes: streams.maxMetadataBytes,
    // HLS segmenter (issue 11): what the engine uses; the window options stay in TS.
    hlsEnabled: options.hls.enabled,
    hlsApps: [...options.hls.apps],
    hlsFormat: options.hls.format,
    hlsSegmentDurationMs: Math.round(options.hls.segmentDuration * 1000),
    hlsPartDurationMs: Math.round(options.hls.partDuration * 1000),
    hlsMaxSegmentBytes: options.hls.maxSegmentBytes,
    // Decoder pool (issue 12): frames() and snapshot().
    decoderThreads: options.frames.decoderThreads,
    hwaccel: options.frames.hwaccel,
    hwaccelDevice: options.frames.hwaccelDevice,
    frameBuffers: options.frames.buffers,
    logLevel: LOG_LEVEL_VALUES[options.logLevel],
  };
}
