/** rtmp-engine: public entry point. */
import { loadAddon } from './native';

export { RtmpEngineError, ErrorCodes } from './errors';

/** Version of the loaded native engine. */
export function engineVersion(): string {
  return loadAddon().version();
}
