#include "protocol/chunk_reader.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "base/endian.h"
#include "protocol/control_messages.h"

namespace rtmp::protocol {

namespace {

// First allocation for a message payload: its length up to this cap, then
// doubling (clamped to the declared length) as data actually arrives.
constexpr uint32_t kInitialPayloadReserve = 64 * 1024;

base::Error chunkStateError(uint32_t csid, const char* what) {
  return base::Error(base::ErrorCode::kChunkState,
                     "chunk stream " + std::to_string(csid) + ": " + what);
}

}  // namespace

// Everything the reader remembers about one chunk stream.
struct ChunkReader::Stream {
  uint32_t csid = 0;
  // Header state that type 1/2/3 chunks inherit (§5.3.1.2).
  uint32_t timestamp = 0;  // absolute timestamp of the current or last message
  uint32_t delta = 0;      // reused by a type-3 chunk that starts a message
  uint32_t length = 0;
  uint8_t typeId = 0;
  uint32_t streamId = 0;
  bool extended = false;       // the last type 0/1/2 header used the extended field
  uint32_t extendedValue = 0;  // what that field held for the current message
  // Reassembly of the current message.
  bool inProgress = false;
  uint32_t received = 0;
  uint32_t capacity = 0;
  std::optional<base::BytesBuilder> payload;
};

// One parsed chunk header, before it is applied to the stream state.
struct ChunkReader::Header {
  ChunkType type = ChunkType::kType0;
  uint32_t csid = 0;
  uint32_t field = 0;  // the 3-byte timestamp or delta (types 0..2)
  uint32_t length = 0;
  uint8_t typeId = 0;
  uint32_t streamId = 0;
  bool hasExtended = false;
  uint32_t extended = 0;
  size_t size = 0;  // bytes the header occupies
};

ChunkReader::ChunkReader(ChunkReaderLimits limits) : limits_(limits) {}
ChunkReader::~ChunkReader() = default;

ChunkReader::Stream* ChunkReader::find(uint32_t csid) const {
  auto it = streams_.find(csid);
  return it == streams_.end() ? nullptr : it->second.get();
}

base::Status ChunkReader::feed(std::span<const uint8_t> bytes, std::vector<Message>& out) {
  if (error_) return *error_;
  bytesConsumed_ += bytes.size();
  base::Status status = feedLoop(bytes, out);
  if (!status.ok()) error_ = status.error();
  return status;
}

base::Status ChunkReader::feedLoop(std::span<const uint8_t> in, std::vector<Message>& out) {
  size_t pos = 0;
  while (pos < in.size()) {
    if (current_ != nullptr) {
      // Chunk data: at most what is left of this chunk.
      const size_t take = std::min<size_t>(chunkLeft_, in.size() - pos);
      RTMP_TRY(appendData(in.subspan(pos, take), out));
      pos += take;
      continue;
    }

    Header h;
    auto rest = in.subspan(pos);
    if (pendingSize_ == 0) {
      RTMP_ASSIGN(Parse parsed, parseHeader(rest, h));
      if (parsed == Parse::kNeedMore) {
        // A header needs at most kMaxChunkHeaderSize bytes, so this fits.
        std::memcpy(pending_, rest.data(), rest.size());
        pendingSize_ = rest.size();
        return base::okStatus();
      }
      pos += h.size;
      RTMP_TRY(applyHeader(h));
    } else {
      // Complete a header that started in an earlier feed().
      const size_t take = std::min(kMaxChunkHeaderSize - pendingSize_, rest.size());
      std::memcpy(pending_ + pendingSize_, rest.data(), take);
      RTMP_ASSIGN(Parse parsed, parseHeader({pending_, pendingSize_ + take}, h));
      if (parsed == Parse::kNeedMore) {
        pendingSize_ += take;
        return base::okStatus();
      }
      if (h.size >= pendingSize_) {
        pos += h.size - pendingSize_;
        pendingSize_ = 0;
        RTMP_TRY(applyHeader(h));
      } else {
        // The peek for a repeated extended timestamp said "absent" and the
        // header ended inside bytes buffered earlier: those are chunk data.
        uint8_t leftover[kMaxChunkHeaderSize];
        const size_t n = pendingSize_ - h.size;
        std::memcpy(leftover, pending_ + h.size, n);
        pendingSize_ = 0;
        RTMP_TRY(applyHeader(h));
        RTMP_TRY(feedLoop({leftover, n}, out));
      }
    }
    // A zero-length message is complete with its header alone.
    if (current_ != nullptr && chunkLeft_ == 0) RTMP_TRY(appendData({}, out));
  }
  return base::okStatus();
}

// Parses one chunk header from the start of `in` against the current stream
// state, without changing anything. kNeedMore if `in` ends inside it.
base::Result<ChunkReader::Parse> ChunkReader::parseHeader(std::span<const uint8_t> in,
                                                          Header& h) const {
  if (in.empty()) return Parse::kNeedMore;
  // Basic header, §5.3.1.1. Low six bits 0 and 1 announce the longer forms.
  const uint8_t b0 = in[0];
  h.type = static_cast<ChunkType>(b0 >> 6);
  size_t pos = 1;
  switch (b0 & 0x3F) {
    case 0:
      if (in.size() < 2) return Parse::kNeedMore;
      h.csid = 64 + uint32_t{in[1]};
      pos = 2;
      break;
    case 1:
      if (in.size() < 3) return Parse::kNeedMore;
      h.csid = 64 + uint32_t{in[1]} + (uint32_t{in[2]} << 8);
      pos = 3;
      break;
    default:
      h.csid = b0 & 0x3F;
  }

  // Which header types the stream state allows, §5.3.1.2.
  const Stream* s = find(h.csid);
  const bool busy = s != nullptr && s->inProgress;
  switch (h.type) {
    case ChunkType::kType0:
      if (busy) return chunkStateError(h.csid, "type-0 header inside an incomplete message");
      break;
    case ChunkType::kType1:
      if (s == nullptr && h.csid != kCsidProtocolControl) {
        return chunkStateError(h.csid, "type-1 header without a previous type-0 header");
      }
      if (busy) return chunkStateError(h.csid, "type-1 header inside an incomplete message");
      break;
    case ChunkType::kType2:
      if (s == nullptr) return chunkStateError(h.csid, "type-2 header without a previous header");
      if (busy) return chunkStateError(h.csid, "type-2 header inside an incomplete message");
      break;
    case ChunkType::kType3:
      if (s == nullptr) return chunkStateError(h.csid, "type-3 header without a previous header");
      break;
  }

  // Message header, §5.3.1.2.1-4.
  const size_t headerSize = messageHeaderSize(h.type);
  if (in.size() < pos + headerSize) return Parse::kNeedMore;
  const uint8_t* p = in.data() + pos;
  if (h.type != ChunkType::kType3) {
    h.field = base::loadBe24(p);  // timestamp (type 0) or timestamp delta
    if (h.type != ChunkType::kType2) {
      h.length = base::loadBe24(p + 3);
      h.typeId = p[6];
      if (h.type == ChunkType::kType0) h.streamId = base::loadLe32(p + 7);  // little-endian
    }
  }
  pos += headerSize;

  // Extended timestamp, §5.3.1.3. On a type-3 chunk it is present when the
  // header it follows used it; on a continuation chunk we peek (see .h).
  bool wanted = false;
  bool peek = false;
  if (h.type != ChunkType::kType3) {
    wanted = h.field == kExtendedTimestampMarker;
  } else {
    wanted = s->extended;
    peek = s->inProgress;
  }
  if (wanted) {
    if (in.size() < pos + 4) return Parse::kNeedMore;
    const uint32_t value = base::loadBe32(in.data() + pos);
    if (!peek || value == s->extendedValue || value == s->timestamp) {
      h.hasExtended = true;
      h.extended = value;
      pos += 4;
    }
  }
  h.size = pos;
  return Parse::kDone;
}

base::Status ChunkReader::applyHeader(const Header& h) {
  Stream* s = find(h.csid);
  if (s == nullptr) {
    if (streams_.size() >= limits_.maxChunkStreams) {
      return base::Error(base::ErrorCode::kLimitExceeded,
                         "chunk stream " + std::to_string(h.csid) + ": more than " +
                             std::to_string(limits_.maxChunkStreams) + " chunk streams");
    }
    auto fresh = std::make_unique<Stream>();
    fresh->csid = h.csid;
    s = fresh.get();
    streams_.emplace(h.csid, std::move(fresh));
  }

  const uint32_t value = h.hasExtended ? h.extended : h.field;
  switch (h.type) {
    case ChunkType::kType0:
      s->timestamp = value;
      s->delta = value;  // §5.3.1.2.4: a type 3 right after type 0 repeats it
      s->length = h.length;
      s->typeId = h.typeId;
      s->streamId = h.streamId;
      s->extended = h.hasExtended;
      s->extendedValue = value;
      break;
    case ChunkType::kType1:
    case ChunkType::kType2:
      if (h.type == ChunkType::kType1) {
        s->length = h.length;
        s->typeId = h.typeId;
      }
      s->timestamp += value;  // 32-bit wrap-around is intended
      s->delta = value;
      s->extended = h.hasExtended;
      s->extendedValue = value;
      break;
    case ChunkType::kType3:
      if (s->inProgress) {
        // Continuation of the current message.
        current_ = s;
        chunkLeft_ = std::min(chunkSize_, s->length - s->received);
        return base::okStatus();
      }
      if (h.hasExtended) {
        s->delta = h.extended;
        s->extendedValue = h.extended;
      }
      s->timestamp += s->delta;
      break;
  }
  return startMessage(*s);
}

base::Status ChunkReader::startMessage(Stream& s) {
  if (s.length > limits_.maxMessageSize) {
    return base::Error(base::ErrorCode::kMessageTooLarge,
                       "chunk stream " + std::to_string(s.csid) + ": message of " +
                           std::to_string(s.length) + " bytes exceeds " +
                           std::to_string(limits_.maxMessageSize));
  }
  s.inProgress = true;
  s.received = 0;
  s.capacity = 0;
  s.payload.reset();
  current_ = &s;
  chunkLeft_ = std::min(chunkSize_, s.length);
  return base::okStatus();
}

// Adds chunk data to the current message; ends the chunk and completes the
// message when their byte counts are reached.
base::Status ChunkReader::appendData(std::span<const uint8_t> data, std::vector<Message>& out) {
  Stream& s = *current_;
  if (!data.empty()) {
    if (buffered_ + data.size() > limits_.maxBufferedBytes) {
      return base::Error(base::ErrorCode::kLimitExceeded,
                         "chunk stream " + std::to_string(s.csid) + ": more than " +
                             std::to_string(limits_.maxBufferedBytes) +
                             " bytes buffered in incomplete messages");
    }
    const uint32_t needed = s.received + static_cast<uint32_t>(data.size());
    if (needed > s.capacity) {
      // Grow with the data received, never past the declared length.
      uint32_t grown = std::max({needed, s.capacity * 2, kInitialPayloadReserve});
      grown = std::min(grown, s.length);
      base::BytesBuilder bigger(grown);
      if (s.payload) bigger.append(s.payload->data(), s.payload->size());
      s.payload = std::move(bigger);
      s.capacity = grown;
    }
    s.payload->append(data);
    s.received = needed;
    buffered_ += data.size();
    chunkLeft_ -= static_cast<uint32_t>(data.size());
  }
  if (chunkLeft_ > 0) return base::okStatus();
  current_ = nullptr;
  if (s.received < s.length) return base::okStatus();
  return completeMessage(s, out);
}

base::Status ChunkReader::completeMessage(Stream& s, std::vector<Message>& out) {
  Message m;
  m.csid = s.csid;
  m.typeId = s.typeId;
  m.streamId = s.streamId;
  m.timestamp = s.timestamp;
  if (s.payload) m.payload = s.payload->freeze();
  buffered_ -= s.received;
  s.inProgress = false;
  s.received = 0;
  s.capacity = 0;
  s.payload.reset();

  // Protocol control that changes how the following chunks are read, §5.4.
  if (m.type() == MessageType::kSetChunkSize) {
    RTMP_ASSIGN(chunkSize_, decodeSetChunkSize(m));
  } else if (m.type() == MessageType::kAbort) {
    RTMP_ASSIGN(uint32_t csid, decodeAbort(m));
    abort(csid);
  }
  out.push_back(std::move(m));
  return base::okStatus();
}

// §5.4.2: drop the partially received message on `csid`, if any. The header
// state stays: the peer's next header on that csid builds on it.
void ChunkReader::abort(uint32_t csid) {
  Stream* s = find(csid);
  if (s == nullptr || !s->inProgress) return;
  buffered_ -= s->received;
  s->inProgress = false;
  s->received = 0;
  s->capacity = 0;
  s->payload.reset();
}

}  // namespace rtmp::protocol
