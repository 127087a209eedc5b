/**
 * Logging: pino-compatible. With no logger option the server writes one JSON
 * object per line to stdout, in pino's shape (numeric `level`, `time` in unix
 * ms, `pid`, `hostname`, `msg`, plus fields such as `sessionId`, `stream`,
 * `reason`), so pino-pretty and log shippers read it as they read pino. A
 * user's pino (or any object with the same methods) can be passed instead.
 * stdout is written through lib/log-sink.ts: a reader that went away (EPIPE)
 * costs the log lines, never the server.
 */
import { hostname } from 'os';

import { writeStdout } from './log-sink';

export const LOG_LEVEL_NAMES = ['trace', 'debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevelName = (typeof LOG_LEVEL_NAMES)[number];
export type LogMethodName = Exclude<LogLevelName, 'silent'>;

/** pino's numbers; `silent` is above every level. Native levels use the same scale. */
export const LOG_LEVEL_VALUES: Readonly<Record<LogLevelName, number>> = Object.freeze({
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  silent: 100,
});

export type LogFields = Record<string, unknown>;
export type LogFn = (fields: LogFields, msg: string) => void;

/** The part of pino's interface the server uses: `logger.info({ sessionId }, 'message')`. */
export interface LoggerLike {
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  debug?: LogFn;
  trace?: LogFn;
  level?: string;
}

export function isLoggerLike(value: unknown): value is LoggerLike {
  const v = value as Partial<Record<string, unknown>> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.info === 'function' &&
    typeof v.warn === 'function' &&
    typeof v.error === 'function'
  );
}

/** Closest level name at or below a numeric level (native levels are multiples of 10). */
export function levelName(value: number): LogMethodName {
  if (value >= 50) return 'error';
  if (value >= 40) return 'warn';
  if (value >= 30) return 'info';
  if (value >= 20) return 'debug';
  return 'trace';
}

function safeStringify(record: LogFields): string {
  try {
    return JSON.stringify(record, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  } catch {
    return JSON.stringify({ level: record.level, time: record.time, msg: String(record.msg) });
  }
}

/** The server's logger: filters by level, then writes JSON lines or forwards to the user's logger. */
export class ServerLogger {
  readonly threshold: number;
  private readonly target: LoggerLike | undefined;
  private readonly write: (line: string) => void;
  private readonly host = hostname();

  constructor(level: LogLevelName, target?: LoggerLike, write?: (line: string) => void) {
    this.threshold = LOG_LEVEL_VALUES[level];
    this.target = target;
    this.write = write ?? writeStdout;
  }

  enabled(level: LogMethodName): boolean {
    return LOG_LEVEL_VALUES[level] >= this.threshold;
  }

  log(level: LogMethodName, fields: LogFields, msg: string): void {
    if (!this.enabled(level)) return;
    if (this.target) {
      const fn = this.target[level];
      if (typeof fn === 'function') fn.call(this.target, fields, msg);
      return;
    }
    const record: LogFields = {
      level: LOG_LEVEL_VALUES[level],
      time: Date.now(),
      pid: process.pid,
      hostname: this.host,
      name: 'rtmp-engine',
      ...fields,
      msg,
    };
    this.write(`${safeStringify(record)}\n`);
  }

  trace(fields: LogFields, msg: string): void {
    this.log('trace', fields, msg);
  }
  debug(fields: LogFields, msg: string): void {
    this.log('debug', fields, msg);
  }
  info(fields: LogFields, msg: string): void {
    this.log('info', fields, msg);
  }
  warn(fields: LogFields, msg: string): void {
    this.log('warn', fields, msg);
  }
  error(fields: LogFields, msg: string): void {
    this.log('error', fields, msg);
  }
}
