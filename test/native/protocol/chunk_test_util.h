// Helpers for the chunk stream tests: hex byte vectors and a decode helper that
// feeds every vector twice (whole and one byte at a time) and checks both
// ways agree, so every hand-written vector also tests split input.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "protocol/chunk_reader.h"
#include "protocol/message.h"

namespace rtmp::protocol::testing {

using ByteVector = std::vector<uint8_t>;

// "03 0000 10" -> {0x03, 0x00, 0x00, 0x10}. Spaces and '|' (chunk boundary
// marks) are ignored.
inline ByteVector hex(std::string_view text) {
  ByteVector out;
  int high = -1;
  for (char c : text) {
    int v;
    if (c >= '0' && c <= '9') {
      v = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      v = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      v = c - 'A' + 10;
    } else {
      continue;
    }
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<uint8_t>(high << 4 | v));
      high = -1;
    }
  }
  EXPECT_LT(high, 0) << "odd number of hex digits";
  return out;
}

// n bytes counting up from `start` (wrapping), for recognisable payloads.
inline ByteVector counting(size_t n, uint8_t start = 0) {
  ByteVector out(n);
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(start + i);
  return out;
}

inline ByteVector cat(std::initializer_list<ByteVector> parts) {
  ByteVector out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

inline ByteVector toVector(const base::Bytes& b) {
  return ByteVector(b.data(), b.data() + b.size());
}

inline base::Bytes bytesOf(const ByteVector& v) {
  return base::Bytes::copyOf(v);
}

inline bool sameMessage(const Message& a, const Message& b) {
  return a.csid == b.csid && a.typeId == b.typeId && a.streamId == b.streamId &&
         a.timestamp == b.timestamp && a.payload == b.payload;
}

inline std::string describe(const Message& m) {
  return "csid=" + std::to_string(m.csid) + " type=" + std::to_string(m.typeId) +
         " stream=" + std::to_string(m.streamId) + " ts=" + std::to_string(m.timestamp) +
         " len=" + std::to_string(m.payload.size());
}

struct Decoded {
  std::vector<Message> messages;
  std::optional<base::Error> error;
};

inline Decoded decodeWhole(std::span<const uint8_t> bytes, ChunkReaderLimits limits = {}) {
  ChunkReader reader(limits);
  Decoded d;
  auto status = reader.feed(bytes, d.messages);
  if (!status.ok()) d.error = status.error();
  return d;
}

inline Decoded decodeByteByByte(std::span<const uint8_t> bytes, ChunkReaderLimits limits = {}) {
  ChunkReader reader(limits);
  Decoded d;
  for (size_t i = 0; i < bytes.size(); ++i) {
    auto status = reader.feed(bytes.subspan(i, 1), d.messages);
    if (!status.ok()) {
      d.error = status.error();
      break;
    }
  }
  return d;
}

// Decodes whole and byte by byte; both must give the same messages and the
// same error code (if any).
inline Decoded decodeBothWays(std::span<const uint8_t> bytes, ChunkReaderLimits limits = {}) {
  Decoded whole = decodeWhole(bytes, limits);
  Decoded split = decodeByteByByte(bytes, limits);
  EXPECT_EQ(whole.messages.size(), split.messages.size());
  for (size_t i = 0; i < whole.messages.size() && i < split.messages.size(); ++i) {
    EXPECT_TRUE(sameMessage(whole.messages[i], split.messages[i]))
        << "message " << i << ": " << describe(whole.messages[i]) << " vs "
        << describe(split.messages[i]);
  }
  EXPECT_EQ(whole.error.has_value(), split.error.has_value());
  if (whole.error && split.error) {
    EXPECT_EQ(whole.error->code(), split.error->code());
  }
  return whole;
}

// Decodes and expects no error.
inline std::vector<Message> decodeOk(std::span<const uint8_t> bytes,
                                     ChunkReaderLimits limits = {}) {
  Decoded d = decodeBothWays(bytes, limits);
  EXPECT_FALSE(d.error.has_value()) << (d.error ? d.error->toString() : "");
  return std::move(d.messages);
}

// Decodes and returns the error code (kOk if none).
inline base::ErrorCode decodeErrorCode(std::span<const uint8_t> bytes,
                                       ChunkReaderLimits limits = {}) {
  Decoded d = decodeBothWays(bytes, limits);
  return d.error ? d.error->code() : base::ErrorCode::kOk;
}

}  // namespace rtmp::protocol::testing
