/** `logLevel` and `logger`. */
import { z } from 'zod';

import type { LoggerLike, LogLevelName } from '../logger';
import { isLoggerLike, LOG_LEVEL_NAMES } from '../logger';

/** Used when neither logLevel nor a level on the given logger says otherwise. */
export const DEFAULT_LOG_LEVEL: LogLevelName = 'info';

export const logLevelSchema = z.enum(LOG_LEVEL_NAMES, {
  errorMap: () => ({ message: `must be one of ${LOG_LEVEL_NAMES.map((l) => `"${l}"`).join(', ')}` }),
});

export const loggerSchema = z.custom<LoggerLike>(isLoggerLike, {
  message: 'must be a pino-like logger: an object with info, warn and error methods',
});

/** logLevel, else the logger's own level when it is one we know, else the default. */
export function effectiveLogLevel(logLevel: LogLevelName | undefined, logger: LoggerLike | undefined): LogLevelName {
  if (logLevel) return logLevel;
  const loggerLevel = logger && (logger as { level?: unknown }).level;
  return LOG_LEVEL_NAMES.includes(loggerLevel as LogLevelName) ? (loggerLevel as LogLevelName) : DEFAULT_LOG_LEVEL;
}
