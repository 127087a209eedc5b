#include "protocol/amf_decode_context.h"

#include <cstdarg>
#include <cstdio>

namespace rtmp::protocol::detail {

using base::ByteReader;
using base::Error;
using base::ErrorCode;
using base::Result;
using base::Status;

Error errorf(ErrorCode code, const char* format, ...) {
  char buf[256];
  va_list args;
  va_start(args, format);
  std::vsnprintf(buf, sizeof(buf), format, args);
  va_end(args);
  return Error(code, buf);
}

Status AmfDecodeContext::countValue() {
  if (++values > limits.maxValues) {
    return errorf(ErrorCode::kLimitExceeded, "more than %u AMF values in one message",
                  limits.maxValues);
  }
  if (replaying > 0 && ++referencedValues > limits.maxReferencedValues) {
    return errorf(ErrorCode::kLimitExceeded,
                  "references expand to more than %u AMF values in one message",
                  limits.maxReferencedValues);
  }
  return base::okStatus();
}

Status AmfDecodeContext::countBytes(size_t n, bool copy) {
  outputBytes += n;
  if (outputBytes > limits.maxOutputBytes) {
    return errorf(ErrorCode::kLimitExceeded, "more than %u bytes of AMF strings in one message",
                  limits.maxOutputBytes);
  }
  if (copy || replaying > 0) {
    referencedBytes += n;
    if (referencedBytes > limits.maxReferencedBytes) {
      return errorf(ErrorCode::kLimitExceeded,
                    "references expand to more than %u bytes in one message",
                    limits.maxReferencedBytes);
    }
  }
  return base::okStatus();
}

Result<std::string> AmfDecodeContext::readText(ByteReader& in, uint32_t length, const char* what) {
  if (length > limits.maxStringLength) {
    return errorf(ErrorCode::kLimitExceeded, "%s of %u bytes, limit %u", what, length,
                  limits.maxStringLength);
  }
  RTMP_ASSIGN(std::string_view text, field(in.string(length), what));
  RTMP_TRY(countBytes(length));
  return std::string(text);
}

Status AmfDecodeContext::enterContainer(uint32_t depth) const {
  if (depth >= limits.maxDepth) {
    return errorf(ErrorCode::kAmfDepth, "containers nested deeper than %u", limits.maxDepth);
  }
  return base::okStatus();
}

Status AmfDecodeContext::checkCount(const ByteReader& in, uint64_t count, size_t minBytesEach,
                                    const char* what) const {
  if (count > limits.maxElements) {
    return errorf(ErrorCode::kLimitExceeded, "%s: %llu elements, limit %u", what,
                  static_cast<unsigned long long>(count), limits.maxElements);
  }
  if (count * minBytesEach > in.remaining()) {
    return errorf(ErrorCode::kTruncated, "%s: %llu elements declared, only %zu bytes left", what,
                  static_cast<unsigned long long>(count), in.remaining());
  }
  return base::okStatus();
}

Result<size_t> AmfReferenceTable::offsetOf(uint32_t index) const {
  if (index >= slots_.size()) {
    return errorf(ErrorCode::kAmfReference, "%s %u out of range (%zu known)", name_, index,
                  slots_.size());
  }
  if (!slots_[index].complete) {
    return errorf(ErrorCode::kAmfReference, "%s %u to a value still being decoded (cyclic graph)",
                  name_, index);
  }
  return slots_[index].offset;
}

}  // namespace rtmp::protocol::detail
