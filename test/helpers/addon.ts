/**
 * Suites that need the compiled engine. Without it they fail with the
 * loader's explanation; RTMP_ENGINE_SKIP_ADDON_TESTS=1 skips them instead
 * (for running only the pure-TypeScript tests before the engine links).
 */
import { loadAddon } from '../../lib/native';

export function addonLoadError(): Error | undefined {
  try {
    loadAddon();
    return undefined;
  } catch (err) {
    return err as Error;
  }
}

export function describeWithAddon(name: string, body: () => void): void {
  const error = addonLoadError();
  if (!error) {
    describe(name, body);
  } else if (process.env.RTMP_ENGINE_SKIP_ADDON_TESTS === '1') {
    describe.skip(name, body);
  } else {
    describe(name, () => {
      it('needs the native addon (set RTMP_ENGINE_SKIP_ADDON_TESTS=1 to skip)', () => {
        throw error;
      });
    });
  }
}
