/** The version in rtmp-engine's package.json (read once; 'unknown' if it cannot be found). */
import * as fs from 'fs';
import * as path from 'path';

let cached: string | undefined;

export function packageVersion(): string {
  if (cached !== undefined) return cached;
  cached = 'unknown';
  // lib/ in a checkout, dist/lib/ once built: the package root is one or two up.
  for (const up of ['..', '../..']) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, up, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'rtmp-engine' && pkg.version) {
        cached = pkg.version;
        break;
      }
    } catch {
      // not there: try the next candidate
    }
  }
  return cached;
}
