/**
 * Loads the compiled engine. Order: RTMP_ENGINE_ADDON (explicit path) → the
 * local node-gyp build (Release, then Debug). On failure one error explains
 * what was tried and how to fix it.
 */
import * as fs from 'fs';
import * as path from 'path';

import type { NativeAddon } from '../types/native';
import { ErrorCodes, RtmpEngineError } from './errors';

/** Must equal kBindingAbi in native/binding/version.h. */
export const EXPECTED_ABI = 9;

const packageRoot = path.resolve(__dirname, fs.existsSync(path.join(__dirname, '..', 'package.json')) ? '..' : '../..');

function candidates(): string[] {
  const list: string[] = [];
  if (process.env.RTMP_ENGINE_ADDON) list.push(path.resolve(process.env.RTMP_ENGINE_ADDON));
  list.push(path.join(packageRoot, 'build', 'Release', 'rtmp_engine.node'));
  list.push(path.join(packageRoot, 'build', 'Debug', 'rtmp_engine.node'));
  return list;
}

let cached: NativeAddon | undefined;

export function loadAddon(): NativeAddon {
  if (cached) return cached;
  const tried: string[] = [];
  for (const file of candidates()) {
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
        `rtmp-engine: ${file} speaks binding ABI ${addon.abiVersion}, this SDK expects ${EXPECTED_ABI}. ` +
          'Rebuild it with `npm run build:addon`.',
      );
    }
    cached = addon;
    return addon;
  }
  throw new RtmpEngineError(
    ErrorCodes.ADDON_LOAD,
    'rtmp-engine: the native engine could not be loaded.\n' +
      tried.map((t) => `  - ${t}`).join('\n') +
      '\nFixes:\n' +
      '  - build it: `npm run build:addon` (needs g++ >= 12, make, python3 and Node headers)\n' +
      '  - a "cannot open shared object" error names a missing system library: install it with apt-get\n' +
      '  - or point RTMP_ENGINE_ADDON at a built rtmp_engine.node',
  );
}
