// AMF0 codec (Adobe AMF 0 specification, December 2007).
//
// Every marker is decoded:
//   0x00 number      8-byte IEEE-754 double, big-endian
//   0x01 boolean     U8, non-zero = true
//   0x02 string      U16 length + UTF-8
//   0x03 object      properties (U16 name + value) ... 00 00 09
//   0x04 movieclip   reserved -> kUnsupported
//   0x05 null, 0x06 undefined
//   0x07 reference   U16 index into the complex values of this message
//   0x08 ECMA array  U32 associative-count (a hint) + properties ... 00 00 09
//   0x09 object end  only valid after an empty name -> kAmfType elsewhere
//   0x0A strict array U32 count + values
//   0x0B date        double ms + S16 time zone (reserved, 0)
//   0x0C long string U32 length + UTF-8
//   0x0D unsupported no payload -> decoded as undefined
//   0x0E recordset   reserved -> kUnsupported
//   0x0F XML doc     U32 length + UTF-8
//   0x10 typed object U16 class name + properties ... 00 00 09
//   0x11 avmplus     the value that follows is AMF3 (§3.1)
//
// References (§2.9) count objects, typed objects, ECMA arrays and strict
// arrays in the order they begin. They are resolved by re-reading the
// referenced bytes (see amf3.h), bounded by AmfLimits. All AMF3 values
// switched to with 0x11 in one message share one set of AMF3 reference
// tables; an encoder that resets them per value never refers back across
// values, so it decodes the same.
//
// Real-world quirks accepted:
//   - ECMA arrays whose associative-count is wrong (ignored: we read up to
//     the object-end).
//   - An ECMA array cut off at the end of the payload without its 00 00 09
//     (AmfLimits::allowUnterminatedEcmaArray).
//   - A property with an empty name followed by something other than 0x09 is
//     kept as a property named "" rather than misread as the end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "base/byte_reader.h"
#include "base/byte_writer.h"
#include "base/error.h"
#include "protocol/amf3.h"
#include "protocol/amf_value.h"

namespace rtmp::protocol {

enum class Amf0Marker : uint8_t {
  kNumber = 0x00,
  kBoolean = 0x01,
  kString = 0x02,
  kObject = 0x03,
  kMovieClip = 0x04,
  kNull = 0x05,
  kUndefined = 0x06,
  kReference = 0x07,
  kEcmaArray = 0x08,
  kObjectEnd = 0x09,
  kStrictArray = 0x0A,
  kDate = 0x0B,
  kLongString = 0x0C,
  kUnsupported = 0x0D,
  kRecordSet = 0x0E,
  kXmlDocument = 0x0F,
  kTypedObject = 0x10,
  kAvmPlus = 0x11,
};

// Decodes AMF0 values one after another from one message payload. The
// reference tables live as long as the decoder: use one decoder per message.
class Amf0Decoder {
 public:
  explicit Amf0Decoder(std::span<const uint8_t> data, const AmfLimits& limits = {});
  ~Amf0Decoder();
  Amf0Decoder(const Amf0Decoder&) = delete;
  Amf0Decoder& operator=(const Amf0Decoder&) = delete;

  base::Result<AmfValue> next();
  bool atEnd() const { return in_.atEnd(); }
  size_t position() const { return in_.position(); }

 private:
  base::Result<AmfValue> read(base::ByteReader& in, uint32_t depth);
  base::Result<AmfValue> readBody(base::ByteReader& in, uint8_t marker, size_t start,
                                  uint32_t depth);
  base::Result<std::string> readShortString(base::ByteReader& in, const char* what);
  base::Status readProperties(base::ByteReader& in, uint32_t depth, bool tolerateEnd,
                              std::vector<AmfProperty>& out);
  base::Result<AmfValue> readStrictArray(base::ByteReader& in, uint32_t depth);
  base::Result<AmfValue> replay(uint16_t index, uint32_t depth);

  detail::AmfDecodeContext ctx_;
  base::ByteReader in_;
  detail::AmfReferenceTable refs_{"reference"};
  std::unique_ptr<detail::Amf3Reader> amf3_;  // created at the first 0x11
};

// Exactly one value; trailing bytes are kMalformed.
base::Result<AmfValue> decodeAmf0(std::span<const uint8_t> data, const AmfLimits& limits = {});
// Every value up to the end of the payload (command and data messages).
base::Result<std::vector<AmfValue>> decodeAmf0Sequence(std::span<const uint8_t> data,
                                                       const AmfLimits& limits = {});

// Appends the AMF0 encoding of value. Integers travel as numbers, strings
// over 65535 bytes as long strings; types only AMF3 has (byte array, vector,
// dictionary, E4X XML) switch to AMF3 with 0x11. An ECMA array's AMF3
// dense part is written as keys "0", "1", ... . Fails (kInvalidArgument) for
// property names over 65535 bytes, which AMF0 cannot express.
base::Status encodeAmf0(const AmfValue& value, base::ByteWriter& out);
base::Status encodeAmf0(std::span<const AmfValue> values, base::ByteWriter& out);

}  // namespace rtmp::protocol
