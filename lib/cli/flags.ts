/**
 * The command line (commander). `rtmp-engine config.json` and
 * `rtmp-engine --config config.json` are the same: a plain argument has no
 * other meaning, and a user who typed one expects the server to use it, so
 * it is taken as the config file rather than ignored (or refused for a
 * missing `--config`). Both at once must name the same file.
 */
import { Command, InvalidArgumentError } from 'commander';
import * as path from 'path';

import { writeStderr, writeStdout } from '../log-sink';
import { LOG_LEVEL_NAMES } from '../logger';
import { packageVersion } from '../package-version';
import type { CliFlags } from './build-options';
import { UsageError } from './config-file';
import { ENV } from './env';

function nonNegativeInt(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a non-negative integer');
  return Number(value);
}

const ENV_ROWS: ReadonlyArray<readonly [string, string]> = [
  [ENV.config, 'config file, as --config'],
  [ENV.port, 'RTMP port, as --port'],
  [ENV.httpPort, 'HTTP port, as --http-port'],
  [ENV.logLevel, 'log level, as --log-level'],
  [ENV.adminToken, 'an extra bearer token for the admin API and /metrics'],
];

const ENV_HELP = `
Environment (flags > environment > config file > defaults):
${ENV_ROWS.map(([name, text]) => `  ${name.padEnd(25)}${text}`).join('\n')}

Relative paths inside a config file (rtmps.cert, rtmps.key, hls.folder) are
resolved from the config file's folder. Startup failures are one sentence on
stderr (exit 1; 2 for bad usage or options); logs are JSON lines on stdout.
Docs: docs/cli.md (and docs/configuration.md for every option).`;

function program(): Command {
  return new Command()
    .name('rtmp-engine')
    .description('Live-video server: RTMP/RTMPS in, RTMP/HLS/DASH out (C++ engine, JSON-line logs on stdout)')
    .usage('[options] [config.json]')
    .version(packageVersion(), '-v, --version', 'print the version and exit')
    .argument('[config]', 'JSON file with ServerOptions, the same as --config')
    .option('--config <file>', 'JSON file with ServerOptions; flags and environment override it')
    .option('--host <host>', 'address to listen on, RTMP and RTMPS (default 0.0.0.0)')
    .option('--port <port>', 'RTMP port, 0 picks a free one (default 1935)', nonNegativeInt)
    .option('--http-port <port>', 'HTTP port for HLS/DASH, the player page, admin API and /metrics; 0 picks a free one (default 8000)', nonNegativeInt)
    .option('--http-host <host>', 'address for HTTP to listen on (default 0.0.0.0)')
    .option('--no-http', 'no HTTP server (RTMP only)')
    .option('--rtmps-cert <file>', 'RTMPS: PEM certificate chain; with --rtmps-key turns the RTMPS listener on')
    .option('--rtmps-key <file>', 'RTMPS: PEM private key')
    .option('--rtmps-port <port>', 'RTMPS port, 0 picks a free one (default 1936)', nonNegativeInt)
    .option('--log-level <level>', `one of ${LOG_LEVEL_NAMES.join(', ')} (default info)`)
    .option('--io-threads <n>', 'I/O threads, 0 = one per core (default 0)', nonNegativeInt)
    .option(
      '--merge-writes-ms <ms>',
      'gather each player\'s media for up to this many ms per write, 0 = send at once (default 0)',
      nonNegativeInt,
    )
    .addHelpText('after', ENV_HELP)
    .allowExcessArguments(false)
    .configureOutput({
      writeOut: writeStdout,
      writeErr: writeStderr,
      // One "rtmp-engine: " prefix, as for every other failure.
      outputError: (text, write) => write(`rtmp-engine: ${text.replace(/^error: /, '')}`),
    })
    .showHelpAfterError('(rtmp-engine --help lists the options)')
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));
}

/** Parses argv (exits 0 for --help/--version, 2 for unknown flags or bad values). */
export function parseFlags(argv: string[]): CliFlags {
  const command = program();
  command.parse(argv);
  const flags = command.opts<CliFlags>();
  const positional = command.args[0];
  if (positional !== undefined) {
    if (flags.config !== undefined && path.resolve(flags.config) !== path.resolve(positional)) {
      throw new UsageError(`two config files given (${positional} and --config ${flags.config}); give one`);
    }
    flags.config = positional;
  }
  return flags;
}

/** The help text, as `rtmp-engine --help` prints it (docs test). */
export function helpText(): string {
  return program().helpInformation() + ENV_HELP.trimStart();
}
