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

/** Codes raised by the SDK itself. Engine codes come from native/base/error_codes.h. */
export const ErrorCodes = {
  ADDON_LOAD: 'ERR_RTMP_ADDON_LOAD',
  ADDON_ABI: 'ERR_RTMP_ADDON_ABI',
  INVALID_OPTIONS: 'ERR_RTMP_INVALID_OPTIONS',
  SERVER_CLOSED: 'ERR_RTMP_SERVER_CLOSED',
  ALREADY_LISTENING: 'ERR_RTMP_ALREADY_LISTENING',
  // Engine codes the SDK documents and tests against.
  ADDRESS_IN_USE: 'ERR_RTMP_ADDRESS_IN_USE',
  INVALID_ARGUMENT: 'ERR_RTMP_INVALID_ARGUMENT',
  IO: 'ERR_RTMP_IO',
  INTERNAL: 'ERR_RTMP_INTERNAL',
  STREAM_NOT_FOUND: 'ERR_RTMP_STREAM_NOT_FOUND',
  TIMEOUT: 'ERR_RTMP_TIMEOUT',
  UNSUPPORTED: 'ERR_RTMP_UNSUPPORTED',
} as const;

/**
 * Re-throws an error from the addon as an RtmpEngineError with the same code
 * (ERR_RTMP_INTERNAL if it has none). Created here, on the caller's stack, so
 * async failures keep a useful JS stack; the native error is the `cause`.
 */
export function fromNativeError(err: unknown): RtmpEngineError {
  if (err instanceof RtmpEngineError) return err;
  const native = err as { code?: unknown; message?: unknown } | null;
  const code = typeof native?.code === 'string' ? native.code : ErrorCodes.INTERNAL;
  const message = typeof native?.message === 'string' ? native.message : String(err);
  return new RtmpEngineError(code, message, { cause: err });
}
