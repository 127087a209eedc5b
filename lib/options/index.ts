/**
 * Server options: defaults → validate → freeze, once, in TypeScript. One file
 * per section (rtmp.ts, streams.ts, …), each with its interface, its single
 * frozen defaults object (RTMP_DEFAULTS, …) and its schema; this file composes
 * them. The native engine receives a flat struct built from the frozen result
 * (../native-config.ts) and only asserts it; its own C++ defaults are pinned to
 * these by test/config-defaults.test.ts. docs/configuration.md lists every
 * option with its default and meaning (test/config-docs.test.ts keeps the
 * tables equal to the defaults objects).
 */
import { z } from 'zod';

import { ErrorCodes, RtmpEngineError } from '../errors';
import type { LoggerLike, LogLevelName } from '../logger';
import { formatIssues } from '../option-errors';
import { type AccessOptions, accessSchema, type IpRule } from './access';
import { type AdminOptions, adminSchema } from './admin';
import { type AuthOptions, authSchema } from './auth';
import { type FramesOptions, framesSchema } from './frames';
import { type HlsOptions, hlsSchema } from './hls';
import { type HttpOptions, httpSchema } from './http';
import { type LimitOptions, limitsSchema } from './limits';
import { effectiveLogLevel, loggerSchema, logLevelSchema } from './logging';
import { type MetricsOptions, metricsSchema } from './metrics';
import { type PlayerOptions, playersSchema } from './players';
import { type RtmpOptions, rtmpSchema } from './rtmp';
import { type RtmpsOptions, rtmpsSchema } from './rtmps';
import { type GopCacheOptions, type StreamOptions, streamsSchema, type TimestampMode } from './streams';

export type { AccessOptions, IpRule, IpRuleStep } from './access';
export type { AdminOptions, AdminTokens } from './admin';
export { ADMIN_DEFAULTS, MIN_ADMIN_TOKEN_LENGTH } from './admin';
export { ACCESS_DEFAULTS, IP_RULE_DEFAULTS } from './access';
export type { AuthOptions } from './auth';
export { AUTH_DEFAULTS } from './auth';
export type { FramesOptions } from './frames';
export { FRAMES_DEFAULTS } from './frames';
export type { HlsFormat, HlsOptions } from './hls';
export { HLS_DEFAULTS } from './hls';
export type { HttpOptions } from './http';
export { HTTP_DEFAULTS } from './http';
export type { LimitOptions } from './limits';
export { LIMITS_DEFAULTS } from './limits';
export { DEFAULT_LOG_LEVEL } from './logging';
export type { MetricsOptions } from './metrics';
export { METRICS_DEFAULTS } from './metrics';
export type { PlayerOptions } from './players';
export { LOW_LATENCY_QUEUE_MS, PLAYERS_DEFAULTS } from './players';
export type { RtmpOptions } from './rtmp';
export { RTMP_DEFAULTS } from './rtmp';
export type { RtmpsOptions } from './rtmps';
export { RTMPS_DEFAULTS } from './rtmps';
export type { GopCacheOptions, StreamOptions, TimestampMode } from './streams';
export { GOP_CACHE_DEFAULTS, STREAMS_DEFAULTS } from './streams';

export interface ServerOptions {
  rtmp?: RtmpOptions;
  /** RTMPS listener; false (default) for none. */
  rtmps?: RtmpsOptions | false;
  streams?: StreamOptions;
  players?: PlayerOptions;
  limits?: LimitOptions;
  access?: AccessOptions;
  auth?: AuthOptions;
  /** The decoder pool of frames() and snapshot(). */
  frames?: FramesOptions;
  /** The built-in HTTP server (HLS/LL-HLS/DASH, player page). Default on at 0.0.0.0:8000; false: off. */
  http?: HttpOptions | false;
  /** HLS/LL-HLS/DASH segmenting; false turns it off. Default on for every app. */
  hls?: HlsOptions | false;
  /** The HTTP admin API (/api/v1); false turns it off. Default on (loopback clients only without tokens). */
  admin?: AdminOptions | false;
  /** Prometheus `GET /metrics` on the built-in HTTP server. Default on (loopback or bearer token); false: off. */
  metrics?: MetricsOptions | false;
  /** Default "info" (or the given logger's own level). */
  logLevel?: LogLevelName;
  /** A pino-like logger; default: JSON lines on stdout. */
  logger?: LoggerLike;
}

/** Options after defaults and validation. Frozen (except the user's logger object). */
export interface ResolvedOptions {
  readonly rtmp: Readonly<Required<RtmpOptions>>;
  readonly rtmps: false | Readonly<Required<RtmpsOptions>>;
  readonly streams: Readonly<{
    gopCache: false | Readonly<Required<GopCacheOptions>>;
    waitForPublisher: boolean;
    playWaitMs: number;
    timestampMode: TimestampMode;
    maxMetadataBytes: number;
  }>;
  readonly players: Readonly<Required<PlayerOptions>>;
  readonly limits: Readonly<Required<LimitOptions>>;
  readonly access: Readonly<{ rules: readonly Readonly<Required<IpRule>>[]; default: 'allow' | 'deny' }>;
  readonly auth: Readonly<Required<Omit<AuthOptions, 'publishKeys'>>> & { readonly publishKeys?: AuthOptions['publishKeys'] };
  readonly frames: Readonly<Required<FramesOptions>>;
  readonly http: false | Readonly<Required<HttpOptions>>;
  /** Always an object (`hls: false` resolves to `enabled: false`). */
  readonly hls: Readonly<Omit<Required<HlsOptions>, 'apps'>> & { readonly apps: readonly string[] };
  /** Always an object (`admin: false` resolves to `enabled: false`). */
  readonly admin: Readonly<Required<Omit<AdminOptions, 'tokens'>>> & { readonly tokens?: AdminOptions['tokens'] };
  /** Always an object (`metrics: false` resolves to `enabled: false`). */
  readonly metrics: Readonly<Required<MetricsOptions>>;
  readonly logLevel: LogLevelName;
  readonly logger: LoggerLike | undefined;
}

export const serverOptionsSchema = z
  .object({
    rtmp: rtmpSchema,
    rtmps: rtmpsSchema,
    streams: streamsSchema,
    players: playersSchema,
    limits: limitsSchema,
    access: accessSchema,
    auth: authSchema,
    frames: framesSchema,
    http: httpSchema,
    hls: hlsSchema,
    admin: adminSchema,
    metrics: metricsSchema,
    logLevel: logLevelSchema.optional(),
    logger: loggerSchema.optional(),
  })
  .strict();

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/**
 * Applies defaults, validates and freezes. Throws RtmpEngineError
 * ERR_RTMP_INVALID_OPTIONS listing every problem with its path, the value
 * given and, for misspelled keys, the closest known one.
 */
export function resolveOptions(input: unknown = {}): ResolvedOptions {
  const parsed = serverOptionsSchema.safeParse(input ?? {});
  if (!parsed.success) {
    throw new RtmpEngineError(
      ErrorCodes.INVALID_OPTIONS,
      `Invalid rtmp-engine options:\n${formatIssues(parsed.error.issues, input, serverOptionsSchema)}`,
    );
  }
  const { logger, logLevel, rtmps, ...others } = parsed.data;
  // RTMPS listens where RTMP does unless told otherwise.
  const rest = { ...others, rtmps: rtmps === false ? (false as const) : { ...rtmps, host: rtmps.host ?? others.rtmp.host } };
  // Freeze our copy, never the caller's logger.
  return Object.freeze({ ...deepFreeze(rest), logLevel: effectiveLogLevel(logLevel, logger), logger });
}
