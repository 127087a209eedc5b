#!/usr/bin/env node
/**
 * rtmp-engine [options] [config.json]   (`rtmp-engine --help` lists the flags)
 *
 * Runs a server (RTMP on :1935, HTTP with HLS/DASH and the player page on
 * :8000) with JSON-line logs on stdout. The config file holds the same
 * ServerOptions as createServer() (JSON); the environment overrides it and
 * flags override both (lib/cli/). SIGINT/SIGTERM close gracefully (5 s grace),
 * then exit 0; a second signal exits at once.
 *
 * Output: logs of a running server are JSON lines on stdout. What stops the
 * server from starting (bad usage, bad options, a port taken) is one plain
 * sentence on stderr, prefixed once with "rtmp-engine: ", because a person at
 * a terminal reads it and a JSON line there hides it. A closed stdout (a
 * pipe whose reader went away) never stops the server (lib/log-sink.ts).
 * Exit codes: 0 clean stop, 1 runtime failure (e.g. port taken), 2 bad usage/options.
 */
import { type CliFlags, buildOptions } from './cli/build-options';
import { UsageError } from './cli/config-file';
import { readEnv } from './cli/env';
import { parseFlags } from './cli/flags';
import { unservedSections } from './cli/unserved';
import { ErrorCodes, RtmpEngineError } from './errors';
import { writeStderr } from './log-sink';
import { ServerLogger } from './logger';
import type { RtmpServer } from './server';

export { buildOptions, type CliFlags } from './cli/build-options';

const SHUTDOWN_GRACE_MS = 5_000;

/**
 * One line for a person: "rtmp-engine: " once (messages of the SDK already
 * start with it), the engine's repeated "listen H:P: EADDRINUSE (…)" tail and
 * OpenSSL's error queue for a missing file shortened to their words, and the
 * error code last, for searching the docs.
 */
export function failureSentence(err: unknown): string {
  let text = err instanceof Error ? err.message : String(err);
  while (text.startsWith('rtmp-engine: ')) text = text.slice('rtmp-engine: '.length);
  text = text.replace(/: listen \S+: E[A-Z]+ \(([^)]+)\)$/, ': $1');
  // OpenSSL's queue for a file it could not open: the system's words are the useful part.
  text = text.replace(/: error:[0-9A-F]+:system library::([^;]+)(?:; error:[0-9A-F]+:[^;]*)*/, ': $1');
  const code = err instanceof RtmpEngineError ? err.code : undefined;
  if (code === ErrorCodes.ADDRESS_IN_USE) text += '; another program holds that port';
  if (code && code !== ErrorCodes.INVALID_OPTIONS && !text.includes(code)) text += ` (${code})`;
  return `rtmp-engine: ${text}\n`;
}

function installSignalHandlers(server: RtmpServer, logger: ServerLogger): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal, graceMs: SHUTDOWN_GRACE_MS }, 'shutting down');
    server.close({ graceMs: SHUTDOWN_GRACE_MS }).then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err: String(err) }, 'close failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

export async function main(argv: string[] = process.argv, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let server: RtmpServer;
  let unserved: string[];
  try {
    const flags: CliFlags = parseFlags(argv);
    // Loaded after the flags: --help and --version answer without the SDK and its addon.
    const { createServer } = await import('./server');
    const options = buildOptions(flags, readEnv(env));
    server = createServer(options);
    unserved = unservedSections(options);
  } catch (err) {
    if (!(err instanceof UsageError) && !(err instanceof RtmpEngineError)) throw err;
    writeStderr(failureSentence(err));
    process.exit(2);
  }
  const logger = new ServerLogger(server.options.logLevel, server.options.logger);
  if (unserved.length > 0) {
    logger.warn(
      { sections: unserved },
      `http is off, so nothing serves ${unserved.join(', ')}: turn http on, or set ${unserved.map((s) => `"${s}": false`).join(', ')}`,
    );
  }
  installSignalHandlers(server, logger);
  try {
    await server.listen(); // logs {"msg":"listening","port":…}
  } catch (err) {
    writeStderr(failureSentence(err));
    process.exit(1);
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    writeStderr(`rtmp-engine: ${String((err as Error)?.stack ?? err)}\n`);
    process.exit(1);
  });
}
