/** The package's and the native engine's versions, read once. */
import { loadAddon } from '../native';
import { packageVersion } from '../package-version';

let cached: { package: string; engine: string | null } | undefined;

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
