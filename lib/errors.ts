/**
 * Errors thrown by rtmp-engine carry a stable `code`, the same strings the
 * engine's error table uses (ERR_RTMP_*), so callers can branch on them.
 * docs/api.md ("Error codes") lists every code with its meaning;
 * test/error-codes.test.ts keeps ENGINE_ERROR_CODES equal to the table.
 */

/** Codes the SDK raises itself (loader, options, server lifecycle). */
const SDK_ERROR_CODES = {
  ADDON_LOAD: 'ERR_RTMP_ADDON_LOAD',
  ADDON_ABI: 'ERR_RTMP_ADDON_ABI',
  INVALID_OPTIONS: 'ERR_RTMP_INVALID_OPTIONS',
  SERVER_CLOSED: 'ERR_RTMP_SERVER_CLOSED',
  ALREADY_LISTENING: 'ERR_RTMP_ALREADY_LISTENING',
  /** An AbortSignal ended a subscription (Node's own code for aborts). */
  ABORTED: 'ABORT_ERR',
} as const;

/**
 * The engine's table (native/base/error_codes.h, without its "OK" row): the
 * codes of errors from the addon (native/binding/error_mapping.cc passes the
 * table's string through) and of session close reasons.
 */
export const ENGINE_ERROR_CODES = {
  TRUNCATED: 'ERR_RTMP_TRUNCATED',
  MALFORMED: 'ERR_RTMP_MALFORMED',
  LIMIT: 'ERR_RTMP_LIMIT',
  UNSUPPORTED: 'ERR_RTMP_UNSUPPORTED',
  HANDSHAKE_VERSION: 'ERR_RTMP_HANDSHAKE_VERSION',
  HANDSHAKE_DIGEST: 'ERR_RTMP_HANDSHAKE_DIGEST',
  HANDSHAKE_STATE: 'ERR_RTMP_HANDSHAKE_STATE',
  CHUNK_SIZE: 'ERR_RTMP_CHUNK_SIZE',
  CHUNK_STATE: 'ERR_RTMP_CHUNK_STATE',
  MESSAGE_TOO_LARGE: 'ERR_RTMP_MESSAGE_TOO_LARGE',
  AMF_TYPE: 'ERR_RTMP_AMF_TYPE',
  AMF_DEPTH: 'ERR_RTMP_AMF_DEPTH',
  AMF_REFERENCE: 'ERR_RTMP_AMF_REFERENCE',
  COMMAND: 'ERR_RTMP_COMMAND',
  MEDIA: 'ERR_RTMP_MEDIA',
  PROTOCOL_STATE: 'ERR_RTMP_PROTOCOL_STATE',
  TIMEOUT: 'ERR_RTMP_TIMEOUT',
  IO: 'ERR_RTMP_IO',
  CLOSED: 'ERR_RTMP_CLOSED',
  ADDRESS_IN_USE: 'ERR_RTMP_ADDRESS_IN_USE',
  INVALID_ARGUMENT: 'ERR_RTMP_INVALID_ARGUMENT',
  TLS: 'ERR_RTMP_TLS',
  STREAM_BUSY: 'ERR_RTMP_STREAM_BUSY',
  STREAM_NOT_FOUND: 'ERR_RTMP_STREAM_NOT_FOUND',
  REJECTED: 'ERR_RTMP_REJECTED',
  INTERNAL: 'ERR_RTMP_INTERNAL',
} as const;

/** Every code an RtmpEngineError can carry. */
export const ErrorCodes = Object.freeze({ ...SDK_ERROR_CODES, ...ENGINE_ERROR_CODES });

/** The union of the real codes: `switch (err.code)` is checked against it. */
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

const KNOWN_CODES: ReadonlySet<string> = new Set(Object.values(ErrorCodes));

/** True for a string that is one of ErrorCodes' values. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && KNOWN_CODES.has(value);
}

/** A code from the engine as an ErrorCode: one it does not know becomes ERR_RTMP_INTERNAL. */
export function toErrorCode(value: unknown): ErrorCode {
  return isErrorCode(value) ? value : ErrorCodes.INTERNAL;
}

export class RtmpEngineError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RtmpEngineError';
    this.code = code;
  }
}

/**
 * Re-throws an error from the addon as an RtmpEngineError with the same code
 * (ERR_RTMP_INTERNAL if it has none, or one outside the table). Created here,
 * on the caller's stack, so async failures keep a useful JS stack; the native
 * error is the `cause`.
 */
export function fromNativeError(err: unknown): RtmpEngineError {
  if (err instanceof RtmpEngineError) return err;
  const native = err as { code?: unknown; message?: unknown } | null;
  const code = toErrorCode(native?.code);
  const message = typeof native?.message === 'string' ? native.message : String(err);
  return new RtmpEngineError(code, message, { cause: err });
}
