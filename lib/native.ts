/**
 * Loads the compiled engine. Search order, first that loads wins:
 *  1. RTMP_ENGINE_ADDON: an explicit path to an rtmp_engine.node;
 *  2. build/Release, then build/Debug: a local node-gyp build (`npm rebuild
 *     rtmp-engine`, or a developer's `npm run build:addon`), so a fresh build
 *     always wins over the binary that shipped;
 *  3. prebuilds/<platform>-<arch>/: the N-API binary shipped in the package,
 *     chosen by node-gyp-build (platform, arch, libc tags). node-gyp-build
 *     itself looks in build/ first, so it is asked only when there is none.
 * A binary that loads but speaks another binding ABI is an error, never a
 * silent fallback. On failure one error lists what was tried and the fixes,
 * one per line (docs/install.md).
 */
import * as fs from 'fs';
import * as path from 'path';

import type { NativeAddon } from '../types/native';
import { ErrorCodes, RtmpEngineError } from './errors';

/** Must equal kBindingAbi in native/binding/version.h. */
export const EXPECTED_ABI = 11;

const packageRoot = path.resolve(__dirname, fs.existsSync(path.join(__dirname, '..', 'package.json')) ? '..' : '../..');

/** The command that rebuilds the addon inside a consumer's app (no scripts of ours needed there). */
export const REBUILD_COMMAND = 'npm rebuild rtmp-engine';

interface Candidate {
  file: string;
  /** Set when the candidate could not even be named (no prebuild fits). */
  missing?: string;
}

function prebuildCandidate(root: string): Candidate | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const nodeGypBuild = require('node-gyp-build') as { path(dir: string): string };
    return { file: nodeGypBuild.path(root) };
  } catch (err) {
    const first = String((err as Error).message).split('\n')[0] ?? '';
    return { file: path.join(root, 'prebuilds'), missing: first.replace(/^No native build was found/, 'no prebuilt binary fits') };
  }
}

function candidates(root: string, override: string | undefined): Candidate[] {
  const list: Candidate[] = [];
  if (override) list.push({ file: path.resolve(override) });
  const release = path.join(root, 'build', 'Release', 'rtmp_engine.node');
  const debug = path.join(root, 'build', 'Debug', 'rtmp_engine.node');
  list.push({ file: release }, { file: debug });
  const prebuild = prebuildCandidate(root);
  if (prebuild && prebuild.file !== release && prebuild.file !== debug) list.push(prebuild);
  return list;
}

function loadFailure(tried: string[]): RtmpEngineError {
  const lines = [
    'rtmp-engine: the native engine could not be loaded. Tried:',
    ...tried.map((t) => `  - ${t}`),
    'Fixes:',
    `  - compile it for this machine: \`${REBUILD_COMMAND}\``,
    '    (needs g++ >= 12, make, python3, pkg-config and the FFmpeg -dev packages; see docs/install.md)',
    '  - "cannot open shared object file" names a missing runtime library: on Debian 12',
    '    `apt-get install libavcodec59 libavutil57 libswscale6 libswresample4`',
    '  - or point RTMP_ENGINE_ADDON at a built rtmp_engine.node',
  ];
  return new RtmpEngineError(ErrorCodes.ADDON_LOAD, lines.join('\n'));
}

/**
 * Loads the addon from `root` (a package folder). The seam the tests use to
 * load from a folder with no binary; the SDK calls loadAddon().
 */
export function loadAddonFrom(root: string, override: string | undefined = process.env.RTMP_ENGINE_ADDON): NativeAddon {
  const tried: string[] = [];
  for (const { file, missing } of candidates(root, override)) {
    if (missing) {
      tried.push(`${file}: ${missing}`);
      continue;
    }
    if (!fs.existsSync(file)) {
      tried.push(`${file}: not found`);
      continue;
    }
    let addon: NativeAddon;
    try {
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      addon = require(file) as NativeAddon;
    } catch (err) {
      tried.push(`${file}: ${(err as Error).message}`);
      continue;
    }
    if (addon.abiVersion !== EXPECTED_ABI) {
      throw new RtmpEngineError(
        ErrorCodes.ADDON_ABI,
        [
          `rtmp-engine: ${file} speaks binding ABI ${addon.abiVersion}, this SDK expects ${EXPECTED_ABI}.`,
          `Rebuild it: \`${REBUILD_COMMAND}\` (in a checkout of rtmp-engine: \`npm run build:addon\`).`,
        ].join('\n'),
      );
    }
    return addon;
  }
  throw loadFailure(tried);
}

let cached: NativeAddon | undefined;

export function loadAddon(): NativeAddon {
  if (!cached) cached = loadAddonFrom(packageRoot);
  return cached;
}
