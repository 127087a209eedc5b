/**
 * Server options: defaults → validate → freeze, once, in TypeScript. The
 * native engine receives a flat struct built from the frozen result
 * (native-config.ts) and only asserts it. docs/configuration.md lists every
 * option with its default and meaning; keep the two in step.
 */
import { isIP } from 'net';
import { z } from 'zod';

import { ErrorCodes, RtmpEngineError } from './errors';
import type { LoggerLike, LogLevelName } from './logger';
import { isLoggerLike, LOG_LEVEL_NAMES } from './logger';
import { formatIssues } from './option-errors';

export type TimestampMode = 'off' | 'monotonic' | 'rebase';

export interface GopCacheOptions {
  /** Longest GOP kept for late joiners, in media milliseconds. Default 10000. */
  maxMs?: number;
  /** Byte cap of the cache per stream. Default 16 MiB. */
  maxBytes?: number;
  /** Frame cap of the cache per stream. Default 1000. */
  maxFrames?: number;
}

export interface RtmpOptions {
  /** IPv4/IPv6 literal to listen on ("localhost" means 127.0.0.1). Default "0.0.0.0". */
  host?: string;
  /** TCP port; 0 picks a free one. Default 1935. */
  port?: number;
  /** I/O loop threads; 0 = one per CPU core. Default 0. */
  ioThreads?: number;
  /** Outgoing RTMP chunk size (our Set Chunk Size). Default 4096. */
  chunkSize?: number;
  /** Largest message a peer may send, in bytes. Default 16 MiB. */
  maxMessageSize?: number;
  /** Time allowed to complete the handshake. Default 10000. */
  handshakeTimeoutMs?: number;
  /** A session with no media and no command for this long is closed. Default 30000. */
  idleTimeoutMs?: number;
  /** Window Acknowledgement Size we announce. Default 2500000. */
  windowAckSize?: number;
  /** Set Peer Bandwidth we announce. Default 2500000. */
  peerBandwidth?: number;
}

/** RTMPS: a second listener speaking RTMP inside TLS (TLS 1.2 minimum). */
export interface RtmpsOptions {
  /** Default 1936; 0 picks a free one. */
  port?: number;
  /** Default: the same host as rtmp.host. */
  host?: string;
  /** PEM certificate chain file (leaf first). */
  cert: string;
  /** PEM private key file. */
  key: string;
  /** TLS 1.2 cipher list (OpenSSL syntax). Default: OpenSSL's. */
  ciphers?: string;
  /** TLS 1.3 cipher suites (colon-separated). Default: OpenSSL's. */
  cipherSuites?: string;
}

export interface StreamOptions {
  /** Keep the last GOP so players start at a keyframe at once. Default true. */
  gopCache?: boolean | GopCacheOptions;
  /** Players of a stream not (yet) published wait for it; false answers StreamNotFound. Default true. */
  waitForPublisher?: boolean;
  /** How publisher timestamps reach players. Default "rebase". */
  timestampMode?: TimestampMode;
}

export interface PlayerOptions {
  /** Media time queued per player before whole GOPs are dropped. Default 5000 (500 with lowLatency). */
  queueMs?: number;
  /** Shorthand for queueMs: 500. An explicit queueMs wins. Default false. */
  lowLatency?: boolean;
  /** Hard byte cap of a player's queue, whatever its media time. Default 32 MiB. */
  queueMaxBytes?: number;
  /**
   * Write-merge budget in ms (0–1000). 0 (default) sends media at once; N > 0
   * gathers each player's media for up to N ms and sends it in one write:
   * far less CPU per player, N ms more latency. Default 0.
   */
  mergeWritesMs?: number;
}

/** Limits checked by the engine itself (no JavaScript round trip). 0 = no limit. */
export interface LimitOptions {
  /** Sessions at once; past it, connect gets NetConnection.Connect.Rejected. Default 1000. */
  maxConnections?: number;
  /** Sessions at once from one IP address. Default 0 (no limit). */
  maxConnectionsPerIp?: number;
  /** Publishing sessions at once; past it, publish gets NetStream.Publish.Denied. Default 10. */
  maxPublishers?: number;
  /** Players of one stream at once; past it, play gets NetStream.Play.Failed. Default 0 (no limit). */
  maxPlayersPerStream?: number;
  /** A publisher's media bitrate, averaged over 5 s, in kbit/s. Default 0 (no limit). */
  maxIngestKbps?: number;
  /** Past maxIngestKbps: "warn" logs it (every 30 s); "drop" closes the publisher (NetStream.Failed). Default "warn". */
  ingestOverLimit?: 'warn' | 'drop';
}

/** How the server waits for an authorizer (server.authorize) and treats failures. */
export interface AuthOptions {
  /** An authorizer that has not answered by then is treated per onTimeout. Default 5000. */
  timeoutMs?: number;
  /** No answer in time: "deny" (default) or "allow". */
  onTimeout?: 'deny' | 'allow';
  /** The authorizer threw or rejected: "deny" (default) or "allow". */
  onError?: 'deny' | 'allow';
  /** Failed authorizations from one IP within failureWindowMs that ban it at accept. 0 = never ban. Default 5. */
  maxFailures?: number;
  /** Default 60000. */
  failureWindowMs?: number;
  /** How long a banned IP is refused at accept. Default 600000 (10 min). */
  banMs?: number;
  /**
   * Stream keys for publishing, checked without any code: a map
   * `{ secretKey: publicName }` (publish to app/<secretKey>, served as
   * app/<publicName>) or a list (publish to app/<name>?key=<secretKey>).
   * Checked before an authorize() hook. Default: none.
   */
  publishKeys?: readonly string[] | Readonly<Record<string, string>>;
}

/** Where an IP rule applies: the connect, publish or play step, or "*" for all three. */
export type IpRuleStep = 'connect' | 'publish' | 'play' | '*';

export interface IpRule {
  policy: 'allow' | 'deny';
  /** An address or a CIDR block, IPv4 or IPv6: "203.0.113.7", "10.0.0.0/8", "2001:db8::/32". */
  cidr: string;
  /** Default "*": connect, publish and play. */
  on?: IpRuleStep;
  /** Exact app name; default "*" (every app). */
  app?: string;
}

export interface AccessOptions {
  /** Checked in order; the first rule that matches decides. */
  rules?: IpRule[];
  /** What happens when no rule matches. Default "allow". */
  default?: 'allow' | 'deny';
}

export interface HttpOptions {
  /** Default 8000. */
  port?: number;
  /** Default "0.0.0.0". */
  host?: string;
}

export interface ServerOptions {
  rtmp?: RtmpOptions;
  /** RTMPS listener; false (default) for none. */
  rtmps?: RtmpsOptions | false;
  streams?: StreamOptions;
  players?: PlayerOptions;
  limits?: LimitOptions;
  access?: AccessOptions;
  auth?: AuthOptions;
  /** HTTP (HLS/DASH, admin, dashboard): accepted and stored; served in a later release. Default false. */
  http?: HttpOptions | false;
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
    timestampMode: TimestampMode;
  }>;
  readonly players: Readonly<Required<PlayerOptions>>;
  readonly limits: Readonly<Required<LimitOptions>>;
  readonly access: Readonly<{ rules: readonly Readonly<Required<IpRule>>[]; default: 'allow' | 'deny' }>;
  readonly auth: Readonly<Required<Omit<AuthOptions, 'publishKeys'>>> & { readonly publishKeys?: AuthOptions['publishKeys'] };
  readonly http: false | Readonly<Required<HttpOptions>>;
  readonly logLevel: LogLevelName;
  readonly logger: LoggerLike | undefined;
}

const MiB = 1024 * 1024;
const U32_MAX = 0xffffffff;

export const DEFAULTS = Object.freeze({
  host: '0.0.0.0',
  port: 1935,
  httpPort: 8000,
  ioThreads: 0,
  chunkSize: 4096,
  maxMessageSize: 16 * MiB,
  handshakeTimeoutMs: 10_000,
  idleTimeoutMs: 30_000,
  windowAckSize: 2_500_000,
  peerBandwidth: 2_500_000,
  gopCacheMaxMs: 10_000,
  gopCacheMaxBytes: 16 * MiB,
  gopCacheMaxFrames: 1_000,
  queueMs: 5_000,
  lowLatencyQueueMs: 500,
  queueMaxBytes: 32 * MiB,
  maxConnections: 1_000,
  maxPublishers: 10,
});

/** An integer in [min, max] with one readable message for every way to miss. */
function int(min: number, max: number, what = 'an integer'): z.ZodNumber {
  const message = `must be ${what} in ${min}..${max}`;
  return z
    .number({ invalid_type_error: message, required_error: message })
    .int({ message })
    .min(min, { message })
    .max(max, { message });
}

const portSchema = int(0, 65535, 'a port number: an integer').describe('port');

const hostSchema = z
  .string({ invalid_type_error: 'must be a string: an IPv4 or IPv6 address' })
  .transform((h) => (h === 'localhost' ? '127.0.0.1' : h))
  .refine((h) => isIP(h) !== 0, {
    message: 'must be an IPv4 or IPv6 address such as "0.0.0.0", "127.0.0.1" or "::" (names are not resolved)',
  });

const rtmpSchema = z
  .object({
    host: hostSchema.default(DEFAULTS.host),
    port: portSchema.default(DEFAULTS.port),
    ioThreads: int(0, 256).default(DEFAULTS.ioThreads),
    chunkSize: int(128, 65536).default(DEFAULTS.chunkSize),
    maxMessageSize: int(4096, 16 * MiB).default(DEFAULTS.maxMessageSize),
    handshakeTimeoutMs: int(100, 600_000).default(DEFAULTS.handshakeTimeoutMs),
    idleTimeoutMs: int(1_000, 86_400_000).default(DEFAULTS.idleTimeoutMs),
    windowAckSize: int(1024, 0x7fffffff).default(DEFAULTS.windowAckSize),
    peerBandwidth: int(1024, 0x7fffffff).default(DEFAULTS.peerBandwidth),
  })
  .strict()
  .default({});

const pemFile = z
  .string({ invalid_type_error: 'must be a path to a PEM file', required_error: 'is required (a path to a PEM file)' })
  .min(1, { message: 'must be a path to a PEM file' });

const rtmpsObject = z
  .object({
    port: portSchema.default(1936),
    host: hostSchema.optional(),
    cert: pemFile,
    key: pemFile,
    ciphers: z.string({ invalid_type_error: 'must be a string' }).default(''),
    cipherSuites: z.string({ invalid_type_error: 'must be a string' }).default(''),
  })
  .strict();

const rtmpsSchema = z
  .union([z.literal(false), rtmpsObject], {
    errorMap: (issue, ctx) =>
      issue.code === z.ZodIssueCode.invalid_union ? { message: 'must be false or { port, host, cert, key }' } : { message: ctx.defaultError },
  })
  .default(false);

const gopCacheObject = z
  .object({
    maxMs: int(100, 600_000).default(DEFAULTS.gopCacheMaxMs),
    maxBytes: int(64 * 1024, U32_MAX).default(DEFAULTS.gopCacheMaxBytes),
    maxFrames: int(1, 1_000_000).default(DEFAULTS.gopCacheMaxFrames),
  })
  .strict();

const gopCacheSchema = z
  .union([z.boolean(), gopCacheObject], {
    errorMap: () => ({ message: 'must be true, false or { maxMs, maxBytes, maxFrames }' }),
  })
  .default(true)
  .transform((g) => (g === true ? gopCacheObject.parse({}) : g));

const streamsSchema = z
  .object({
    gopCache: gopCacheSchema,
    waitForPublisher: z.boolean({ invalid_type_error: 'must be true or false' }).default(true),
    timestampMode: z
      .enum(['off', 'monotonic', 'rebase'], {
        errorMap: () => ({ message: 'must be "off", "monotonic" or "rebase"' }),
      })
      .default('rebase'),
  })
  .strict()
  .default({});

const playersSchema = z
  .object({
    queueMs: int(50, 600_000).optional(),
    lowLatency: z.boolean({ invalid_type_error: 'must be true or false' }).default(false),
    queueMaxBytes: int(64 * 1024, U32_MAX).default(DEFAULTS.queueMaxBytes),
    mergeWritesMs: int(0, 1_000).default(0),
  })
  .strict()
  .default({})
  .transform((p) => ({
    ...p,
    queueMs: p.queueMs ?? (p.lowLatency ? DEFAULTS.lowLatencyQueueMs : DEFAULTS.queueMs),
  }));

const limitsSchema = z
  .object({
    maxConnections: int(0, 1_000_000).default(DEFAULTS.maxConnections),
    maxConnectionsPerIp: int(0, 1_000_000).default(0),
    maxPublishers: int(0, 1_000_000).default(DEFAULTS.maxPublishers),
    maxPlayersPerStream: int(0, 1_000_000).default(0),
    maxIngestKbps: int(0, 10_000_000).default(0),
    ingestOverLimit: z
      .enum(['warn', 'drop'], { errorMap: () => ({ message: 'must be "warn" or "drop"' }) })
      .default('warn'),
  })
  .strict()
  .default({});

/** "addr" or "addr/prefix" with a prefix that fits the address family. */
function isCidr(text: string): boolean {
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const family = isIP(address);
  if (family === 0) return false;
  if (slash < 0) return true;
  const prefix = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

const ipRuleSchema = z
  .object({
    policy: z.enum(['allow', 'deny'], { errorMap: () => ({ message: 'must be "allow" or "deny"' }) }),
    cidr: z
      .string({ invalid_type_error: 'must be a string' })
      .refine(isCidr, { message: 'must be an IPv4/IPv6 address or CIDR block like "10.0.0.0/8"' }),
    on: z
      .enum(['connect', 'publish', 'play', '*'], {
        errorMap: () => ({ message: 'must be "connect", "publish", "play" or "*"' }),
      })
      .default('*'),
    app: z.string({ invalid_type_error: 'must be a string' }).min(1, { message: 'must not be empty' }).default('*'),
  })
  .strict();

const accessSchema = z
  .object({
    rules: z.array(ipRuleSchema).max(10_000).default([]),
    default: z.enum(['allow', 'deny'], { errorMap: () => ({ message: 'must be "allow" or "deny"' }) }).default('allow'),
  })
  .strict()
  .default({});

const allowOrDeny = z.enum(['deny', 'allow'], { errorMap: () => ({ message: 'must be "deny" or "allow"' }) });

const authSchema = z
  .object({
    timeoutMs: int(1, 600_000).default(5_000),
    onTimeout: allowOrDeny.default('deny'),
    onError: allowOrDeny.default('deny'),
    maxFailures: int(0, 1_000).default(5),
    failureWindowMs: int(1, 86_400_000).default(60_000),
    banMs: int(0, 86_400_000).default(600_000),
    publishKeys: z
      .union(
        [
          z.array(z.string().min(1)).min(1, { message: 'must be a non-empty list of keys or a { secretKey: publicName } map' }),
          // Public names are checked by the engine like any stream name.
          z.record(z.string().min(1), z.string().min(1)),
        ],
        { errorMap: () => ({ message: 'must be a non-empty list of keys or a { secretKey: publicName } map' }) },
      )
      .optional(),
  })
  .strict()
  .default({});

const httpObject = z
  .object({
    port: portSchema.default(DEFAULTS.httpPort),
    host: hostSchema.default(DEFAULTS.host),
  })
  .strict();

const httpSchema = z
  .union([z.literal(false), httpObject], {
    errorMap: () => ({ message: 'must be false or { port, host }' }),
  })
  .default(false);

const logLevelSchema = z.enum(LOG_LEVEL_NAMES, {
  errorMap: () => ({ message: `must be one of ${LOG_LEVEL_NAMES.map((l) => `"${l}"`).join(', ')}` }),
});

export const serverOptionsSchema = z
  .object({
    rtmp: rtmpSchema,
    rtmps: rtmpsSchema,
    streams: streamsSchema,
    players: playersSchema,
    limits: limitsSchema,
    access: accessSchema,
    auth: authSchema,
    http: httpSchema,
    logLevel: logLevelSchema.optional(),
    logger: z
      .custom<LoggerLike>(isLoggerLike, {
        message: 'must be a pino-like logger: an object with info, warn and error methods',
      })
      .optional(),
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
  const loggerLevel = logger && (logger as { level?: unknown }).level;
  const level: LogLevelName =
    logLevel ?? (LOG_LEVEL_NAMES.includes(loggerLevel as LogLevelName) ? (loggerLevel as LogLevelName) : 'info');
  // Freeze our copy, never the caller's logger.
  return Object.freeze({ ...deepFreeze(rest), logLevel: level, logger });
}
