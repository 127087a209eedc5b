/**
 * The CLI's config file: JSON holding the same ServerOptions as createServer().
 *
 * Relative file paths in it are resolved from the file's own folder, not from
 * the working directory: `rtmp-engine /etc/rtmp/config.json` must find
 * `"cert": "tls/cert.pem"` next to the config whichever folder it was started
 * from (systemd units, containers and npm scripts all start elsewhere).
 * FILE_OPTIONS lists every option that names a file or folder; a path given by
 * a flag or an environment variable stays relative to the working directory,
 * as any command-line path does.
 */
import * as fs from 'fs';
import * as path from 'path';

import type { ServerOptions } from '../options';

/** Thrown for what the user typed or wrote wrong; the CLI prints it and exits 2. */
export class UsageError extends Error {}

/**
 * Options that hold a file or folder path: [section, key]. Not
 * `frames.hwaccelDevice` (a device path or an index such as "0") nor
 * `metrics.path` (a URL path).
 */
export const FILE_OPTIONS: ReadonlyArray<readonly [section: string, key: string]> = [
  ['rtmps', 'cert'],
  ['rtmps', 'key'],
  ['hls', 'folder'],
];

/** A plain object (not null, not an array), as JSON config sections are. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * A copy of `options` with each relative path of FILE_OPTIONS made absolute
 * against `folder`. "" (hls.folder's "off") and values of the wrong type are
 * left for validation to judge.
 */
function resolveFilePaths(options: ServerOptions, folder: string): ServerOptions {
  const out: Record<string, unknown> = { ...options };
  for (const [section, key] of FILE_OPTIONS) {
    const value = out[section];
    if (!isRecord(value)) continue;
    const file = value[key];
    if (typeof file !== 'string' || file === '' || path.isAbsolute(file)) continue;
    out[section] = { ...value, [key]: path.resolve(folder, file) };
  }
  return out as ServerOptions;
}

/** Reads and parses the file; relative paths inside it resolved from its folder. */
export function readConfigFile(file: string): ServerOptions {
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
  if (!isRecord(value)) {
    throw new UsageError(`config file ${file} must hold a JSON object (ServerOptions)`);
  }
  return resolveFilePaths(value as ServerOptions, path.dirname(path.resolve(file)));
}
