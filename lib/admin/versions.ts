/** The package's and the native engine's versions, read once. */
import * as fs from 'fs';
import * as path from 'path';

import { loadAddon } from '../native';

let cached: { package: string; engine: string | null } | undefined;

function packageVersion(): string {
  // lib/admin in a checkout, dist/lib/admin once built: the package root is two or three up.
  for (const up of ['../..', '../../..']) {
    const file = path.join(__dirname, up, 'package.json');
    try {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'rtmp-engine' && pkg.version) return pkg.version;
    } catch {
      // not there: try the next candidate
    }
  }
  return 'unknown';
}

export function versions(): { package: string; engine: string | null } {
  if (!cached) {
    let engine: string | null = null;
    try {
      engine = loadAddon().version();
    } catch {
      engine = null;
    }
    cached = { package: packageVersion(), engine };
  }
  return cached;
}
