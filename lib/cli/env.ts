/**
 * Environment variables the CLI reads (containers and service managers set
 * these more easily than flags). Precedence: flags > environment > config
 * file > defaults. An empty variable counts as unset (`${PORT:-}` in compose
 * files). createServer() itself reads none of these, except
 * RTMP_ENGINE_ADMIN_TOKEN (an extra admin/metrics token, read by lib/admin and
 * lib/metrics; it adds to the configured tokens rather than replacing them,
 * and has no flag because command lines are visible to every local user).
 */
import { LOG_LEVEL_NAMES, type LogLevelName } from '../logger';
import { UsageError } from './config-file';

export const ENV = Object.freeze({
  config: 'RTMP_ENGINE_CONFIG',
  port: 'RTMP_ENGINE_PORT',
  httpPort: 'RTMP_ENGINE_HTTP_PORT',
  logLevel: 'RTMP_ENGINE_LOG_LEVEL',
  adminToken: 'RTMP_ENGINE_ADMIN_TOKEN',
});

/** What the environment sets, in the CLI's own terms (the same names as its flags). */
export interface EnvSettings {
  config?: string;
  port?: number;
  httpPort?: number;
  logLevel?: LogLevelName;
}

function portFrom(name: string, value: string): number {
  const port = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(port <= 65535)) throw new UsageError(`${name} must be a port number in 0..65535 (got "${value}")`);
  return port;
}

/** Reads and checks the variables; a bad value is a UsageError naming the variable. */
export function readEnv(env: NodeJS.ProcessEnv = process.env): EnvSettings {
  const get = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const settings: EnvSettings = {};
  const config = get(ENV.config);
  if (config !== undefined) settings.config = config;
  const port = get(ENV.port);
  if (port !== undefined) settings.port = portFrom(ENV.port, port);
  const httpPort = get(ENV.httpPort);
  if (httpPort !== undefined) settings.httpPort = portFrom(ENV.httpPort, httpPort);
  const level = get(ENV.logLevel);
  if (level !== undefined) {
    if (!(LOG_LEVEL_NAMES as readonly string[]).includes(level)) {
      throw new UsageError(`${ENV.logLevel} must be one of ${LOG_LEVEL_NAMES.join(', ')} (got "${level}")`);
    }
    settings.logLevel = level as LogLevelName;
  }
  return settings;
}
