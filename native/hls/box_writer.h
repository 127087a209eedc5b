// BoxWriter: builds ISO-BMFF boxes (ISO/IEC 14496-12 §4.2) into one buffer.
//
//   box:       | size (u32, whole box) | type (4 chars) | payload ...       |
//   full box:  | size | type | version (u8) | flags (u24) | payload ...     |
//
// open() writes a placeholder size and the type; close() patches the size of
// the innermost open box once its payload is written, so nested boxes read
// like the tree they build:
//
//   w.open("moov");
//     w.openFull("mvhd", 0, 0); ...; w.close();
//   w.close();
//
// Writing cannot fail. Sizes are 32-bit: the writer builds headers (moov,
// moof), never payloads near 4 GiB. finish() hands the bytes over without a
// copy (BytesBuilder::freeze).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "base/bytes.h"

namespace rtmp::hls {

class BoxWriter {
 public:
  explicit BoxWriter(size_t reserve = 512) : out_(reserve) {}

  // Starts a box; its size is filled in by the matching close().
  void open(const char (&type)[5]);
  // Starts a full box (§4.2: version and 24-bit flags after the type).
  void openFull(const char (&type)[5], uint8_t version, uint32_t flags);
  // Ends the innermost open box and writes its size.
  void close();
  size_t depth() const { return open_.size(); }

  void u8(uint8_t v) { out_.push(v); }
  void u16(uint16_t v);
  void u24(uint32_t v);  // low 24 bits
  void u32(uint32_t v);
  void u64(uint64_t v);
  void i16(int16_t v) { u16(static_cast<uint16_t>(v)); }
  void i32(int32_t v) { u32(static_cast<uint32_t>(v)); }
  void fourcc(const char (&type)[5]);
  void bytes(std::span<const uint8_t> data) { out_.append(data); }
  void zeros(size_t n);
  // A null-terminated UTF-8 string (hdlr name, url location).
  void cString(std::string_view s);

  // Overwrites 4 bytes big-endian at an earlier position (data offsets).
  void patchU32(size_t at, uint32_t v);
  size_t size() const { return out_.size(); }

  // The bytes written so far; every box must be closed. The writer is empty afterwards.
  base::Bytes finish();

 private:
  base::BytesBuilder out_;
  std::vector<size_t> open_;  // start offsets of the boxes not closed yet
};

}  // namespace rtmp::hls
