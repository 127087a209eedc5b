#include "hls/box_writer.h"

#include <cassert>
#include <cstring>

#include "base/endian.h"

namespace rtmp::hls {

void BoxWriter::open(const char (&type)[5]) {
  open_.push_back(out_.size());
  u32(0);  // size, patched by close()
  fourcc(type);
}

void BoxWriter::openFull(const char (&type)[5], uint8_t version, uint32_t flags) {
  open(type);
  u8(version);
  u24(flags);
}

void BoxWriter::close() {
  assert(!open_.empty());
  const size_t start = open_.back();
  open_.pop_back();
  patchU32(start, static_cast<uint32_t>(out_.size() - start));
}

void BoxWriter::u16(uint16_t v) {
  base::storeBe16(out_.extend(2), v);
}

void BoxWriter::u24(uint32_t v) {
  base::storeBe24(out_.extend(3), v);
}

void BoxWriter::u32(uint32_t v) {
  base::storeBe32(out_.extend(4), v);
}

void BoxWriter::u64(uint64_t v) {
  base::storeBe64(out_.extend(8), v);
}

void BoxWriter::fourcc(const char (&type)[5]) {
  std::memcpy(out_.extend(4), type, 4);
}

void BoxWriter::zeros(size_t n) {
  if (n) std::memset(out_.extend(n), 0, n);
}

void BoxWriter::cString(std::string_view s) {
  if (!s.empty()) std::memcpy(out_.extend(s.size()), s.data(), s.size());
  u8(0);
}

void BoxWriter::patchU32(size_t at, uint32_t v) {
  assert(at + 4 <= out_.size());
  base::storeBe32(out_.data() + at, v);
}

base::Bytes BoxWriter::finish() {
  assert(open_.empty());
  open_.clear();
  return out_.freeze();
}

}  // namespace rtmp::hls
