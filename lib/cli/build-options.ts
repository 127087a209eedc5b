/**
 * The CLI's ServerOptions, from four layers, each over the one below it:
 *
 *   flags  >  environment (env.ts)  >  config file (config-file.ts)  >  defaults
 *
 * Only the values a layer sets override; the rest of a config-file section
 * is kept. Validation happens once, in createServer(), on the result.
 */
import type { LogLevelName } from '../logger';
import type { RtmpsOptions, ServerOptions } from '../options';
import { isRecord, readConfigFile, UsageError } from './config-file';
import type { EnvSettings } from './env';

export interface CliFlags {
  host?: string;
  port?: number;
  /** --config, or the config file given as the one plain argument. */
  config?: string;
  logLevel?: string;
  ioThreads?: number;
  mergeWritesMs?: number;
  httpPort?: number;
  httpHost?: string;
  /** false with --no-http (commander sets true otherwise). */
  http?: boolean;
  rtmpsPort?: number;
  rtmpsCert?: string;
  rtmpsKey?: string;
}

/** rtmps from the file with the --rtmps-* flags on top; a listener needs both files. */
function rtmpsWithFlags(base: ServerOptions['rtmps'], flags: CliFlags): ServerOptions['rtmps'] {
  if (flags.rtmpsPort === undefined && flags.rtmpsCert === undefined && flags.rtmpsKey === undefined) return base;
  const rtmps: Partial<RtmpsOptions> = isRecord(base) ? { ...(base as RtmpsOptions) } : {};
  if (flags.rtmpsPort !== undefined) rtmps.port = flags.rtmpsPort;
  if (flags.rtmpsCert !== undefined) rtmps.cert = flags.rtmpsCert;
  if (flags.rtmpsKey !== undefined) rtmps.key = flags.rtmpsKey;
  if (!rtmps.cert || !rtmps.key) {
    throw new UsageError(
      'RTMPS needs a certificate and its key: --rtmps-cert FILE --rtmps-key FILE (or rtmps.cert and rtmps.key in the config file)',
    );
  }
  return rtmps as RtmpsOptions;
}

/** Config file, then the environment, then flags on top. */
export function buildOptions(flags: CliFlags, env: EnvSettings = {}): ServerOptions {
  const file = flags.config ?? env.config;
  const base: ServerOptions = file !== undefined ? readConfigFile(file) : {};
  const port = flags.port ?? env.port;
  const httpPort = flags.httpPort ?? env.httpPort;
  const logLevel = flags.logLevel ?? env.logLevel;

  const rtmp = { ...(base.rtmp ?? {}) };
  if (flags.host !== undefined) rtmp.host = flags.host;
  if (port !== undefined) rtmp.port = port;
  if (flags.ioThreads !== undefined) rtmp.ioThreads = flags.ioThreads;
  const options: ServerOptions = { ...base, rtmp };
  const rtmps = rtmpsWithFlags(base.rtmps, flags);
  if (rtmps !== undefined) options.rtmps = rtmps;
  if (flags.mergeWritesMs !== undefined) {
    options.players = { ...(base.players ?? {}), mergeWritesMs: flags.mergeWritesMs };
  }
  if (flags.http === false) options.http = false;
  else if (httpPort !== undefined || flags.httpHost !== undefined) {
    // A port or host given on the command line or in the environment turns HTTP on
    // even if the config file had it off.
    const http = { ...(base.http || {}) };
    if (httpPort !== undefined) http.port = httpPort;
    if (flags.httpHost !== undefined) http.host = flags.httpHost;
    options.http = http;
  }
  if (logLevel !== undefined) options.logLevel = logLevel as LogLevelName;
  return options;
}
