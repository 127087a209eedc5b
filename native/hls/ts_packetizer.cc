#include "hls/ts_packetizer.h"

#include <algorithm>
#include <cstring>

#include "hls/ts_pes.h"

namespace rtmp::hls {

namespace {

constexpr size_t kAfFlagsSize = 2;  // adaptation_field_length + the flags byte
constexpr size_t kPcrSize = 6;

// Walks a list of pieces as one byte sequence.
class PieceCursor {
 public:
  explicit PieceCursor(std::span<const std::span<const uint8_t>> pieces) : pieces_(pieces) {
    for (const auto& piece : pieces_) remaining_ += piece.size();
  }

  size_t remaining() const { return remaining_; }

  // Copies the next n bytes (n <= remaining()) to dst.
  void copy(uint8_t* dst, size_t n) {
    remaining_ -= n;
    while (n > 0) {
      const std::span<const uint8_t> piece = pieces_[index_];
      const size_t take = std::min(n, piece.size() - offset_);
      std::memcpy(dst, piece.data() + offset_, take);
      dst += take;
      n -= take;
      offset_ += take;
      if (offset_ == piece.size()) {
        ++index_;
        offset_ = 0;
      }
    }
  }

 private:
  std::span<const std::span<const uint8_t>> pieces_;
  size_t index_ = 0;
  size_t offset_ = 0;
  size_t remaining_ = 0;
};

void writeHeader(uint8_t* p, uint16_t pid, bool unitStart, bool adaptation, uint8_t cc) {
  p[0] = kTsSyncByte;
  p[1] = static_cast<uint8_t>((unitStart ? 0x40 : 0x00) | ((pid >> 8) & 0x1F));
  p[2] = static_cast<uint8_t>(pid);
  // adaptation_field_control: 01 payload only, 11 adaptation field then payload.
  p[3] = static_cast<uint8_t>((adaptation ? 0x30 : 0x10) | (cc & 0x0F));
}

void writePcr(uint8_t* p, uint64_t base) {
  base &= kPts33Mask;
  p[0] = static_cast<uint8_t>(base >> 25);
  p[1] = static_cast<uint8_t>(base >> 17);
  p[2] = static_cast<uint8_t>(base >> 9);
  p[3] = static_cast<uint8_t>(base >> 1);
  p[4] = static_cast<uint8_t>(((base & 1) << 7) | 0x7E);  // reserved 111111, extension bit 8 = 0
  p[5] = 0x00;                                            // extension bits 7..0
}

// Size of the first packet's adaptation field before any stuffing (0 = none).
size_t startFieldSize(const TsPesStart& start) {
  if (!start.randomAccess && !start.pcr) return 0;
  return kAfFlagsSize + (start.pcr ? kPcrSize : 0);
}

}  // namespace

uint8_t TsContinuity::next(uint16_t pid) {
  uint8_t& cc = counters_[pid];
  const uint8_t now = cc;
  cc = (cc + 1) & 0x0F;
  return now;
}

uint8_t TsContinuity::peek(uint16_t pid) const {
  auto it = counters_.find(pid);
  return it == counters_.end() ? 0 : it->second;
}

size_t tsPacketCountForPes(size_t pesSize, const TsPesStart& start) {
  const size_t first = kTsPayloadMax - startFieldSize(start);
  if (pesSize <= first) return 1;
  return 1 + (pesSize - first + kTsPayloadMax - 1) / kTsPayloadMax;
}

void writeTsPes(uint16_t pid, const TsPesStart& start,
                std::span<const std::span<const uint8_t>> pieces, TsContinuity& continuity,
                base::BytesBuilder& out) {
  PieceCursor cursor(pieces);
  bool first = true;
  // At least one packet, even for an empty PES (never produced by the writer).
  do {
    uint8_t* p = out.extend(kTsPacketSize);
    const size_t fieldBase = first ? startFieldSize(start) : 0;
    const size_t capacity = kTsPayloadMax - fieldBase;
    const size_t payload = std::min(cursor.remaining(), capacity);
    // The adaptation field fills whatever the payload leaves of the 184 bytes.
    const size_t field = kTsPayloadMax - payload;
    writeHeader(p, pid, first, field > 0, continuity.next(pid));
    uint8_t* q = p + kTsHeaderSize;
    if (field > 0) {
      q[0] = static_cast<uint8_t>(field - 1);  // adaptation_field_length: bytes after it
      if (field > 1) {
        uint8_t flags = 0;
        if (first && start.randomAccess) flags |= 0x40;
        if (first && start.pcr) flags |= 0x10;
        q[1] = flags;
        size_t used = kAfFlagsSize;
        if (first && start.pcr) {
          writePcr(q + used, *start.pcr);
          used += kPcrSize;
        }
        std::memset(q + used, 0xFF, field - used);
      }
      q += field;
    }
    cursor.copy(q, payload);
    first = false;
  } while (cursor.remaining() > 0);
}

bool writeTsSection(uint16_t pid, std::span<const uint8_t> section, TsContinuity& continuity,
                    base::BytesBuilder& out) {
  if (section.size() + 1 > kTsPayloadMax) return false;
  uint8_t* p = out.extend(kTsPacketSize);
  writeHeader(p, pid, true, false, continuity.next(pid));
  p[kTsHeaderSize] = 0x00;  // pointer_field: the section starts right after it
  std::memcpy(p + kTsHeaderSize + 1, section.data(), section.size());
  const size_t used = kTsHeaderSize + 1 + section.size();
  std::memset(p + used, 0xFF, kTsPacketSize - used);
  return true;
}

}  // namespace rtmp::hls
