// AMF3 codec (Adobe AMF 3 specification, January 2013).
//
// Decoding keeps the three reference tables of §2.2 per message: strings
// (non-empty strings only), objects (everything with a U29 ref header:
// XMLDocument, Date, Array, Object, XML, ByteArray, Vector, Dictionary) and
// traits. A reference is resolved by re-reading the referenced value from
// the bytes where it first appeared ("replay"): no decoded copy is kept per
// table entry, and every replayed value counts against AmfLimits::maxValues
// and maxOutputBytes, so a reference bomb fails instead of exploding.
// References to an object still being decoded (cyclic graphs) are rejected
// with kAmfReference: AmfValue is a tree.
//
// Not supported: externalizable objects (§3.12: their body is class-defined,
// so it cannot be skipped safely) -> kUnsupported.
//
// Encoding writes every value inline (no reference tables).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/byte_reader.h"
#include "base/byte_writer.h"
#include "base/error.h"
#include "protocol/amf_decode_context.h"
#include "protocol/amf_value.h"

namespace rtmp::protocol {

// AMF3 type markers (§3.1).
enum class Amf3Marker : uint8_t {
  kUndefined = 0x00,
  kNull = 0x01,
  kFalse = 0x02,
  kTrue = 0x03,
  kInteger = 0x04,
  kDouble = 0x05,
  kString = 0x06,
  kXmlDocument = 0x07,
  kDate = 0x08,
  kArray = 0x09,
  kObject = 0x0A,
  kXml = 0x0B,
  kByteArray = 0x0C,
  kVectorInt = 0x0D,
  kVectorUint = 0x0E,
  kVectorDouble = 0x0F,
  kVectorObject = 0x10,
  kDictionary = 0x11,
};

// U29 (§1.3.1): 1 to 4 bytes, big-endian groups of 7 bits with the high bit
// as "more follows"; the 4th byte contributes all 8 bits.
//   0x00000000 - 0x0000007F : 0xxxxxxx
//   0x00000080 - 0x00003FFF : 1xxxxxxx 0xxxxxxx
//   0x00004000 - 0x001FFFFF : 1xxxxxxx 1xxxxxxx 0xxxxxxx
//   0x00200000 - 0x1FFFFFFF : 1xxxxxxx 1xxxxxxx 1xxxxxxx xxxxxxxx
inline constexpr uint32_t kAmf3U29Max = 0x1FFFFFFF;
// AMF3 integer range (a U29 sign-extended from bit 28).
inline constexpr int32_t kAmf3IntMin = -(1 << 28);
inline constexpr int32_t kAmf3IntMax = (1 << 28) - 1;

base::Result<uint32_t> readU29(base::ByteReader& in);
void writeU29(base::ByteWriter& out, uint32_t value);  // value <= kAmf3U29Max

namespace detail {

// The AMF3 reading engine; Amf3Decoder and the AMF0 avmplus switch (0x11)
// both drive it. Readers passed in must read ctx.data from its start, so
// their positions are offsets into the payload.
class Amf3Reader {
 public:
  explicit Amf3Reader(AmfDecodeContext& ctx) : ctx_(ctx) {}
  Amf3Reader(const Amf3Reader&) = delete;
  Amf3Reader& operator=(const Amf3Reader&) = delete;

  // One value (marker included) at nesting depth `depth` (number of
  // enclosing containers).
  base::Result<AmfValue> read(base::ByteReader& in, uint32_t depth);

 private:
  struct Traits {
    std::string className;
    std::vector<std::string> members;
    bool dynamic = false;
  };
  struct StringRef {
    size_t offset;
    size_t length;
  };

  base::Result<AmfValue> readBody(base::ByteReader& in, uint8_t marker, size_t start,
                                  uint32_t depth);
  base::Result<std::string> readString(base::ByteReader& in);
  base::Result<AmfValue> replay(uint32_t index, uint32_t depth);
  base::Result<AmfValue> readArray(base::ByteReader& in, uint32_t count, uint32_t depth);
  base::Result<AmfValue> readObject(base::ByteReader& in, uint32_t header, uint32_t depth);
  base::Result<Traits> readTraits(base::ByteReader& in, uint32_t header);
  base::Result<AmfValue> readVector(base::ByteReader& in, uint8_t marker, uint32_t count,
                                    uint32_t depth);
  base::Result<AmfValue> readDictionary(base::ByteReader& in, uint32_t count, uint32_t depth);

  AmfDecodeContext& ctx_;
  std::vector<StringRef> strings_;
  AmfReferenceTable objects_{"amf3 object reference"};
  std::vector<Traits> traits_;
};

}  // namespace detail

// Decodes AMF3 values one after another from a payload.
class Amf3Decoder {
 public:
  explicit Amf3Decoder(std::span<const uint8_t> data, const AmfLimits& limits = {});
  Amf3Decoder(const Amf3Decoder&) = delete;
  Amf3Decoder& operator=(const Amf3Decoder&) = delete;

  base::Result<AmfValue> next();
  bool atEnd() const { return in_.atEnd(); }
  size_t position() const { return in_.position(); }

 private:
  detail::AmfDecodeContext ctx_;
  base::ByteReader in_;
  detail::Amf3Reader reader_;
};

// Exactly one value; trailing bytes are kMalformed.
base::Result<AmfValue> decodeAmf3(std::span<const uint8_t> data, const AmfLimits& limits = {});

// Appends the AMF3 encoding of value. Fails (kInvalidArgument) only for
// values AMF3 cannot express: strings longer than 2^28-1 bytes, more than
// 2^28-1 elements, or an empty key among dynamic/associative properties
// (the empty string terminates those lists).
base::Status encodeAmf3(const AmfValue& value, base::ByteWriter& out);

}  // namespace rtmp::protocol
