#include "base/byte_writer.h"

#include <bit>

#include "base/endian.h"

namespace rtmp::base {

namespace {

// Appends N bytes written by store(p, v).
template <size_t N, typename T>
void append(std::vector<uint8_t>& out, T v, void (*store)(uint8_t*, T)) {
  uint8_t buf[N];
  store(buf, v);
  out.insert(out.end(), buf, buf + N);
}

}  // namespace

void ByteWriter::u16be(uint16_t v) {
  append<2>(out_, v, storeBe16);
}

void ByteWriter::u24be(uint32_t v) {
  append<3>(out_, v, storeBe24);
}

void ByteWriter::u32be(uint32_t v) {
  append<4>(out_, v, storeBe32);
}

void ByteWriter::u32le(uint32_t v) {
  append<4>(out_, v, storeLe32);
}

void ByteWriter::f64be(double v) {
  append<8>(out_, std::bit_cast<uint64_t>(v), storeBe64);
}

void ByteWriter::patchU32be(size_t at, uint32_t v) {
  storeBe32(out_.data() + at, v);
}

}  // namespace rtmp::base
