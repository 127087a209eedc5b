#!/usr/bin/env node
/**
 * rtmp-engine [--host H] [--port N] [--http-port N] [--http-host H] [--no-http]
 *             [--config file.json] [--log-level L] [--io-threads N] [--version]
 *
 * Runs a server (RTMP on :1935, HTTP with HLS/DASH and the player page on
 * :8000) with JSON-line logs on stdout. The config file holds the same
 * ServerOptions as createServer() (JSON); flags override it. SIGINT/SIGTERM
 * close gracefully (5 s grace), then exit 0; a second signal exits at once.
 * Exit codes: 0 clean stop, 1 runtime failure (e.g. port taken), 2 bad usage/options.
 */
import { Command, InvalidArgumentError } from 'commander';
import * as fs from 'fs';
import * as path from 'path';

import { RtmpEngineError } from './errors';
import { LOG_LEVEL_NAMES, type LogLevelName, ServerLogger } from './logger';
import type { ServerOptions } from './options';
import { createServer, type RtmpServer } from './server';

const SHUTDOWN_GRACE_MS = 5_000;

interface CliFlags {
  host?: string;
  port?: number;
  config?: string;
  logLevel?: string;
  ioThreads?: number;
  mergeWritesMs?: number;
  httpPort?: number;
  httpHost?: string;
  /** false with --no-http. */
  http?: boolean;
}

function packageVersion(): string {
  for (const dir of [path.join(__dirname, '..'), path.join(__dirname, '..', '..')]) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
  }
  return 'unknown';
}

function nonNegativeInt(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a non-negative integer');
  return Number(value);
}

class UsageError extends Error {}

function readConfig(file: string): ServerOptions {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read config file ${file}: ${(err as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`config file ${file} is not valid JSON: ${(err as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError(`config file ${file} must hold a JSON object (ServerOptions)`);
  }
  return value as ServerOptions;
}

/** Config file, then flags on top. Validation happens in createServer(). */
export function buildOptions(flags: CliFlags): ServerOptions {
  const base: ServerOptions = flags.config ? readConfig(flags.config) : {};
  const rtmp = { ...(base.rtmp ?? {}) };
  if (flags.host !== undefined) rtmp.host = flags.host;
  if (flags.port !== undefined) rtmp.port = flags.port;
  if (flags.ioThreads !== undefined) rtmp.ioThreads = flags.ioThreads;
  const options: ServerOptions = { ...base, rtmp };
  if (flags.mergeWritesMs !== undefined) {
    options.players = { ...(base.players ?? {}), mergeWritesMs: flags.mergeWritesMs };
  }
  if (flags.http === false) options.http = false;
  else if (flags.httpPort !== undefined || flags.httpHost !== undefined) {
    // A port or host given on the command line turns HTTP on even if the config file had it off.
    const http = { ...(base.http || {}) };
    if (flags.httpPort !== undefined) http.port = flags.httpPort;
    if (flags.httpHost !== undefined) http.host = flags.httpHost;
    options.http = http;
  }
  if (flags.logLevel !== undefined) options.logLevel = flags.logLevel as LogLevelName;
  return options;
}

function parseFlags(argv: string[]): CliFlags {
  const program = new Command()
    .name('rtmp-engine')
    .description('Live-video server: RTMP in, RTMP/HLS/DASH out (C++ engine, JSON-line logs on stdout)')
    .version(packageVersion(), '-v, --version', 'print the version and exit')
    .option('--host <host>', 'address to listen on (default 0.0.0.0)')
    .option('--port <port>', 'RTMP port, 0 picks a free one (default 1935)', nonNegativeInt)
    .option('--http-port <port>', 'HTTP port for HLS/DASH and the player page, 0 picks a free one (default 8000)', nonNegativeInt)
    .option('--http-host <host>', 'address for HTTP to listen on (default 0.0.0.0)')
    .option('--no-http', 'no HTTP server (RTMP only)')
    .option('--config <file>', 'JSON file with ServerOptions; flags override it')
    .option('--log-level <level>', `one of ${LOG_LEVEL_NAMES.join(', ')} (default info)`)
    .option('--io-threads <n>', 'I/O threads, 0 = one per core (default 0)', nonNegativeInt)
    .option(
      '--merge-writes-ms <ms>',
      'gather each player\'s media for up to this many ms per write, 0 = send at once (default 0)',
      nonNegativeInt,
    )
    .showHelpAfterError()
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));
  program.parse(argv);
  return program.opts<CliFlags>();
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

export async function main(argv: string[] = process.argv): Promise<void> {
  const flags = parseFlags(argv);
  let server: RtmpServer;
  try {
    server = createServer(buildOptions(flags));
  } catch (err) {
    process.stderr.write(`rtmp-engine: ${(err as Error).message}\n`);
    process.exit(2);
  }
  const logger = new ServerLogger(server.options.logLevel, server.options.logger);
  installSignalHandlers(server, logger);
  try {
    await server.listen(); // logs {"msg":"listening","port":…}
  } catch (err) {
    const code = err instanceof RtmpEngineError ? err.code : undefined;
    if (logger.enabled('error')) logger.error({ code }, (err as Error).message);
    else process.stderr.write(`rtmp-engine: ${(err as Error).message}\n`);
    process.exit(1);
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`rtmp-engine: ${String((err as Error)?.stack ?? err)}\n`);
    process.exit(1);
  });
}
