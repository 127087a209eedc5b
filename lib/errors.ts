/**
 * Errors thrown by rtmp-engine carry a stable `code` (ERR_RTMP_*), the same
 * strings the engine's error table uses, so callers can branch on them.
 */
export class RtmpEngineError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RtmpEngineError';
    this.code = code;
  }
}

export const ErrorCodes = {
  ADDON_LOAD: 'ERR_RTMP_ADDON_LOAD',
  ADDON_ABI: 'ERR_RTMP_ADDON_ABI',
  INVALID_OPTIONS: 'ERR_RTMP_INVALID_OPTIONS',
} as const;
