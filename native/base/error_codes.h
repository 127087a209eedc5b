// The one table of engine error codes. Each row: enum name, stable string code
// (surfaces in JS as `err.code`), default message. Add rows; never renumber.
#pragma once

// clang-format off
#define RTMP_ERROR_CODES(X)                                                                   \
  X(kOk,                  "OK",                          "no error")                          \
  X(kTruncated,           "ERR_RTMP_TRUNCATED",          "input ended inside a field")        \
  X(kMalformed,           "ERR_RTMP_MALFORMED",          "malformed input")                   \
  X(kLimitExceeded,       "ERR_RTMP_LIMIT",              "a configured limit was exceeded")   \
  X(kUnsupported,         "ERR_RTMP_UNSUPPORTED",        "unsupported feature")               \
  X(kHandshakeVersion,    "ERR_RTMP_HANDSHAKE_VERSION",  "unsupported RTMP version byte")     \
  X(kHandshakeDigest,     "ERR_RTMP_HANDSHAKE_DIGEST",   "handshake digest did not verify")   \
  X(kHandshakeState,      "ERR_RTMP_HANDSHAKE_STATE",    "handshake data out of order")       \
  X(kChunkSize,           "ERR_RTMP_CHUNK_SIZE",         "invalid chunk size")                \
  X(kChunkState,          "ERR_RTMP_CHUNK_STATE",        "chunk refers to unknown stream state") \
  X(kMessageTooLarge,     "ERR_RTMP_MESSAGE_TOO_LARGE",  "message larger than allowed")       \
  X(kAmfType,             "ERR_RTMP_AMF_TYPE",           "unknown or unexpected AMF type")    \
  X(kAmfDepth,            "ERR_RTMP_AMF_DEPTH",          "AMF nesting too deep")              \
  X(kAmfReference,        "ERR_RTMP_AMF_REFERENCE",      "AMF reference out of range")        \
  X(kCommand,             "ERR_RTMP_COMMAND",            "invalid command message")           \
  X(kMedia,               "ERR_RTMP_MEDIA",              "invalid media payload")             \
  X(kProtocolState,       "ERR_RTMP_PROTOCOL_STATE",     "message not allowed in this state") \
  X(kTimeout,             "ERR_RTMP_TIMEOUT",            "timed out")                         \
  X(kIo,                  "ERR_RTMP_IO",                 "socket error")                      \
  X(kClosed,              "ERR_RTMP_CLOSED",             "connection closed")                 \
  X(kAddressInUse,        "ERR_RTMP_ADDRESS_IN_USE",     "address already in use")            \
  X(kInvalidArgument,     "ERR_RTMP_INVALID_ARGUMENT",   "invalid argument")                  \
  X(kTls,                 "ERR_RTMP_TLS",                "TLS failure")                       \
  X(kStreamBusy,          "ERR_RTMP_STREAM_BUSY",        "stream name already published")     \
  X(kStreamNotFound,      "ERR_RTMP_STREAM_NOT_FOUND",   "stream not found")                  \
  X(kRejected,            "ERR_RTMP_REJECTED",           "rejected")                          \
  X(kInternal,            "ERR_RTMP_INTERNAL",           "internal error")
// clang-format on
