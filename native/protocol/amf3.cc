// AMF3 decoding: U29 and the AMF3 reading engine (amf3.h).
#include "protocol/amf3.h"

#include <cstdio>

namespace rtmp::protocol {

using base::ByteReader;
using base::ByteWriter;
using base::Error;
using base::ErrorCode;
using base::Result;
using base::Status;

using detail::errorf;
using detail::field;

Result<uint32_t> readU29(ByteReader& in) {
  uint32_t value = 0;
  for (int i = 0; i < 3; ++i) {
    RTMP_ASSIGN(uint8_t b, in.u8());
    if ((b & 0x80) == 0) return (value << 7) | b;
    value = (value << 7) | (b & 0x7F);
  }
  RTMP_ASSIGN(uint8_t last, in.u8());  // 4th byte: all 8 bits are value
  return (value << 8) | last;
}

void writeU29(ByteWriter& out, uint32_t v) {
  v &= kAmf3U29Max;
  if (v < 0x80) {
    out.u8(static_cast<uint8_t>(v));
  } else if (v < 0x4000) {
    out.u8(static_cast<uint8_t>((v >> 7) | 0x80));
    out.u8(static_cast<uint8_t>(v & 0x7F));
  } else if (v < 0x200000) {
    out.u8(static_cast<uint8_t>((v >> 14) | 0x80));
    out.u8(static_cast<uint8_t>(((v >> 7) & 0x7F) | 0x80));
    out.u8(static_cast<uint8_t>(v & 0x7F));
  } else {
    out.u8(static_cast<uint8_t>((v >> 22) | 0x80));
    out.u8(static_cast<uint8_t>(((v >> 15) & 0x7F) | 0x80));
    out.u8(static_cast<uint8_t>(((v >> 8) & 0x7F) | 0x80));
    out.u8(static_cast<uint8_t>(v & 0xFF));
  }
}

namespace detail {

Result<AmfValue> Amf3Reader::read(ByteReader& in, uint32_t depth) {
  RTMP_TRY(ctx_.countValue());
  const size_t start = in.position();
  RTMP_ASSIGN(uint8_t marker, field(in.u8(), "amf3 marker"));
  return readBody(in, marker, start, depth);
}

Result<AmfValue> Amf3Reader::replay(uint32_t index, uint32_t depth) {
  return objects_.replay(index, ctx_, [&](ByteReader& again) { return read(again, depth); });
}

// UTF-8-vr (§1.3.2 / §3.8): U29S-ref (low bit 0, index into the string
// table) or U29S-value (low bit 1, byte length) followed by the bytes. The
// empty string is never put in the table.
Result<std::string> Amf3Reader::readString(ByteReader& in) {
  RTMP_ASSIGN(uint32_t header, field(readU29(in), "string header"));
  if ((header & 1) == 0) {
    const uint32_t index = header >> 1;
    if (index >= strings_.size()) {
      return errorf(ErrorCode::kAmfReference, "amf3 string reference %u out of range (%zu known)",
                    index, strings_.size());
    }
    const StringRef ref = strings_[index];
    RTMP_TRY(ctx_.countBytes(ref.length, /*copy=*/true));
    return std::string(reinterpret_cast<const char*>(ctx_.data.data() + ref.offset), ref.length);
  }
  const size_t offset = in.position();
  RTMP_ASSIGN(std::string s, ctx_.readText(in, header >> 1, "amf3 string"));
  if (!s.empty() && ctx_.replaying == 0) strings_.push_back(StringRef{offset, s.size()});
  return s;
}

Result<AmfValue> Amf3Reader::readBody(ByteReader& in, uint8_t marker, size_t start,
                                      uint32_t depth) {
  switch (static_cast<Amf3Marker>(marker)) {
    case Amf3Marker::kUndefined:
      return AmfValue::undefined();
    case Amf3Marker::kNull:
      return AmfValue::null();
    case Amf3Marker::kFalse:
      return AmfValue::boolean(false);
    case Amf3Marker::kTrue:
      return AmfValue::boolean(true);
    case Amf3Marker::kInteger: {
      RTMP_ASSIGN(uint32_t u, field(readU29(in), "amf3 integer"));
      // Sign-extend from bit 28 (§3.6).
      const int32_t v =
          (u & 0x10000000) ? static_cast<int32_t>(u) - 0x20000000 : static_cast<int32_t>(u);
      return AmfValue::integer(v);
    }
    case Amf3Marker::kDouble: {
      RTMP_ASSIGN(double d, field(in.f64be(), "amf3 double"));
      return AmfValue::number(d);
    }
    case Amf3Marker::kString: {
      RTMP_ASSIGN(std::string s, readString(in));
      return AmfValue::string(std::move(s));
    }
    default:
      break;
  }
  if (marker > static_cast<uint8_t>(Amf3Marker::kDictionary)) {
    return errorf(ErrorCode::kAmfType, "unknown amf3 marker 0x%02X", marker);
  }

  // Everything else starts with a U29 whose low bit says inline (1) or
  // reference into the object table (0).
  RTMP_ASSIGN(uint32_t header, field(readU29(in), "amf3 reference header"));
  if ((header & 1) == 0) return replay(header >> 1, depth);
  const uint32_t rest = header >> 1;

  switch (static_cast<Amf3Marker>(marker)) {
    case Amf3Marker::kXmlDocument:
    case Amf3Marker::kXml: {
      const size_t slot = objects_.add(start, ctx_);
      RTMP_ASSIGN(std::string text, ctx_.readText(in, rest, "amf3 xml"));
      objects_.complete(slot);
      return AmfValue::xml(std::move(text), marker == static_cast<uint8_t>(Amf3Marker::kXml));
    }
    case Amf3Marker::kDate: {
      const size_t slot = objects_.add(start, ctx_);
      RTMP_ASSIGN(double ms, field(in.f64be(), "amf3 date"));
      objects_.complete(slot);
      return AmfValue::date(ms);
    }
    case Amf3Marker::kByteArray: {
      const size_t slot = objects_.add(start, ctx_);
      if (rest > ctx_.limits.maxStringLength) {
        return errorf(ErrorCode::kLimitExceeded, "amf3 byte array of %u bytes, limit %u", rest,
                      ctx_.limits.maxStringLength);
      }
      RTMP_ASSIGN(auto bytes, field(in.bytes(rest), "amf3 byte array"));
      RTMP_TRY(ctx_.countBytes(rest));
      objects_.complete(slot);
      return AmfValue::byteArray(std::vector<uint8_t>(bytes.begin(), bytes.end()));
    }
    case Amf3Marker::kArray: {
      RTMP_TRY(ctx_.enterContainer(depth));
      const size_t slot = objects_.add(start, ctx_);
      RTMP_ASSIGN(AmfValue v, readArray(in, rest, depth));
      objects_.complete(slot);
      return v;
    }
    case Amf3Marker::kObject: {
      RTMP_TRY(ctx_.enterContainer(depth));
      const size_t slot = objects_.add(start, ctx_);
      RTMP_ASSIGN(AmfValue v, readObject(in, header, depth));
      objects_.complete(slot);
      return v;
    }
    case Amf3Marker::kVectorInt:
    case Amf3Marker::kVectorUint:
    case Amf3Marker::kVectorDouble:
    case Amf3Marker::kVectorObject: {
      RTMP_TRY(ctx_.enterContainer(depth));
      const size_t slot = objects_.add(start, ctx_);
      RTMP_ASSIGN(AmfValue v, readVector(in, marker, rest, depth));
      objects_.complete(slot);
      return v;
    }
    case Amf3Marker::kDictionary: {
      RTMP_TRY(ctx_.enterContainer(depth));
      const size_t slot = objects_.add(start, ctx_);
      RTMP_ASSIGN(AmfValue v, readDictionary(in, rest, depth));
      objects_.complete(slot);
      return v;
    }
    default:
      break;
  }
  return errorf(ErrorCode::kAmfType, "unknown amf3 marker 0x%02X", marker);
}

// §3.11: U29A-value (dense count), then associative name/value pairs up to
// the empty string, then the dense values.
Result<AmfValue> Amf3Reader::readArray(ByteReader& in, uint32_t count, uint32_t depth) {
  RTMP_TRY(ctx_.checkCount(in, count, 1, "amf3 array"));
  std::vector<AmfProperty> assoc;
  for (;;) {
    RTMP_ASSIGN(std::string key, field(readString(in), "amf3 array key"));
    if (key.empty()) break;
    if (assoc.size() >= ctx_.limits.maxElements) {
      return errorf(ErrorCode::kLimitExceeded, "amf3 array: more than %u keys",
                    ctx_.limits.maxElements);
    }
    RTMP_ASSIGN(AmfValue v, field(read(in, depth + 1), "amf3 array value"));
    assoc.push_back(AmfProperty{std::move(key), std::move(v)});
  }
  AmfArray dense;
  dense.reserve(count);  // bounded by checkCount above
  for (uint32_t i = 0; i < count; ++i) {
    RTMP_ASSIGN(AmfValue v, field(read(in, depth + 1), "amf3 array element"));
    dense.push_back(std::move(v));
  }
  if (assoc.empty()) return AmfValue(std::move(dense));
  AmfEcmaArray a;
  a.countHint = static_cast<uint32_t>(assoc.size());
  a.properties = std::move(assoc);
  a.dense = std::move(dense);
  return AmfValue(std::move(a));
}

// §3.12 U29O header bits (low first): 1 = inline object; then
//   0 -> traits reference, index = header >> 2
//   1 -> inline traits: bit 2 externalizable, bit 3 dynamic,
//        sealed member count = header >> 4, then class name and names.
Result<Amf3Reader::Traits> Amf3Reader::readTraits(ByteReader& in, uint32_t header) {
  if ((header & 0x02) == 0) {
    const uint32_t index = header >> 2;
    if (index >= traits_.size()) {
      return errorf(ErrorCode::kAmfReference, "amf3 traits reference %u out of range (%zu known)",
                    index, traits_.size());
    }
    return traits_[index];
  }
  if (header & 0x04) {
    Result<std::string> name = readString(in);
    return errorf(ErrorCode::kUnsupported, "amf3 externalizable object (class \"%.64s\")",
                  name.ok() ? name->c_str() : "?");
  }
  Traits t;
  t.dynamic = (header & 0x08) != 0;
  const uint32_t sealed = header >> 4;
  // Each sealed member costs at least a name byte and a value byte.
  RTMP_TRY(ctx_.checkCount(in, sealed, 2, "amf3 sealed members"));
  RTMP_ASSIGN(t.className, field(readString(in), "amf3 class name"));
  t.members.reserve(sealed);
  for (uint32_t i = 0; i < sealed; ++i) {
    RTMP_ASSIGN(std::string name, field(readString(in), "amf3 sealed member name"));
    t.members.push_back(std::move(name));
  }
  // Registered before the values are read: nested objects may refer to it.
  if (ctx_.replaying == 0) traits_.push_back(t);
  return t;
}

Result<AmfValue> Amf3Reader::readObject(ByteReader& in, uint32_t header, uint32_t depth) {
  // Member names from a traits reference are copies; inline ones were
  // counted when read.
  const bool copiedNames = (header & 0x02) == 0;
  RTMP_ASSIGN(Traits traits, readTraits(in, header));
  AmfObject o;
  o.className = std::move(traits.className);
  o.dynamic = traits.dynamic;
  o.sealedCount = static_cast<uint32_t>(traits.members.size());
  o.properties.reserve(traits.members.size());
  for (std::string& name : traits.members) {
    if (copiedNames) RTMP_TRY(ctx_.countBytes(name.size(), /*copy=*/true));
    RTMP_ASSIGN(AmfValue v, field(read(in, depth + 1), "amf3 sealed member value"));
    o.properties.push_back(AmfProperty{std::move(name), std::move(v)});
  }
  if (traits.dynamic) {
    for (;;) {
      RTMP_ASSIGN(std::string key, field(readString(in), "amf3 dynamic member name"));
      if (key.empty()) break;
      if (o.properties.size() >= ctx_.limits.maxElements) {
        return errorf(ErrorCode::kLimitExceeded, "amf3 object: more than %u members",
                      ctx_.limits.maxElements);
      }
      RTMP_ASSIGN(AmfValue v, field(read(in, depth + 1), "amf3 dynamic member value"));
      o.properties.push_back(AmfProperty{std::move(key), std::move(v)});
    }
  }
  return AmfValue(std::move(o));
}

// §3.15: U29V-value (count), fixed-vector flag (U8), then for Vector.<Object>
// the element type name, then the items (U32 / U32 / DOUBLE / values).
Result<AmfValue> Amf3Reader::readVector(ByteReader& in, uint8_t marker, uint32_t count,
                                        uint32_t depth) {
  AmfVector v;
  size_t itemBytes = 1;
  switch (static_cast<Amf3Marker>(marker)) {
    case Amf3Marker::kVectorInt:
      v.kind = AmfVectorKind::kInt;
      itemBytes = 4;
      break;
    case Amf3Marker::kVectorUint:
      v.kind = AmfVectorKind::kUint;
      itemBytes = 4;
      break;
    case Amf3Marker::kVectorDouble:
      v.kind = AmfVectorKind::kDouble;
      itemBytes = 8;
      break;
    default:
      v.kind = AmfVectorKind::kObject;
      break;
  }
  RTMP_TRY(ctx_.checkCount(in, count, itemBytes, "amf3 vector"));
  RTMP_ASSIGN(uint8_t fixed, field(in.u8(), "amf3 vector fixed flag"));
  v.fixed = fixed != 0;
  if (v.kind == AmfVectorKind::kObject) {
    RTMP_ASSIGN(v.typeName, field(readString(in), "amf3 vector type name"));
  }
  v.items.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    switch (v.kind) {
      case AmfVectorKind::kInt: {
        RTMP_TRY(ctx_.countValue());
        RTMP_ASSIGN(uint32_t u, field(in.u32be(), "amf3 vector item"));
        v.items.push_back(AmfValue::integer(static_cast<int32_t>(u)));
        break;
      }
      case AmfVectorKind::kUint: {
        RTMP_TRY(ctx_.countValue());
        RTMP_ASSIGN(uint32_t u, field(in.u32be(), "amf3 vector item"));
        v.items.push_back(AmfValue::number(u));
        break;
      }
      case AmfVectorKind::kDouble: {
        RTMP_TRY(ctx_.countValue());
        RTMP_ASSIGN(double d, field(in.f64be(), "amf3 vector item"));
        v.items.push_back(AmfValue::number(d));
        break;
      }
      case AmfVectorKind::kObject: {
        RTMP_ASSIGN(AmfValue item, field(read(in, depth + 1), "amf3 vector item"));
        v.items.push_back(std::move(item));
        break;
      }
    }
  }
  return AmfValue(std::move(v));
}

// §3.16: U29Dict-value (count), weak-keys flag (U8), then key/value pairs.
Result<AmfValue> Amf3Reader::readDictionary(ByteReader& in, uint32_t count, uint32_t depth) {
  RTMP_TRY(ctx_.checkCount(in, count, 2, "amf3 dictionary"));
  AmfDictionary d;
  RTMP_ASSIGN(uint8_t weak, field(in.u8(), "amf3 dictionary weak-keys flag"));
  d.weakKeys = weak != 0;
  d.entries.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    RTMP_ASSIGN(AmfValue key, field(read(in, depth + 1), "amf3 dictionary key"));
    RTMP_ASSIGN(AmfValue value, field(read(in, depth + 1), "amf3 dictionary value"));
    d.entries.push_back(AmfDictionaryEntry{std::move(key), std::move(value)});
  }
  return AmfValue(std::move(d));
}

}  // namespace detail

Amf3Decoder::Amf3Decoder(std::span<const uint8_t> data, const AmfLimits& limits)
    : ctx_{data, limits}, in_(data), reader_(ctx_) {}

Result<AmfValue> Amf3Decoder::next() {
  const size_t at = in_.position();
  Result<AmfValue> v = reader_.read(in_, 0);
  if (!v.ok()) {
    char where[48];
    std::snprintf(where, sizeof(where), "amf3 value at offset %zu", at);
    return std::move(v).error().withContext(where);
  }
  return v;
}

Result<AmfValue> decodeAmf3(std::span<const uint8_t> data, const AmfLimits& limits) {
  Amf3Decoder decoder(data, limits);
  RTMP_ASSIGN(AmfValue v, decoder.next());
  if (!decoder.atEnd()) {
    return errorf(ErrorCode::kMalformed, "%zu trailing bytes after the amf3 value",
                  data.size() - decoder.position());
  }
  return v;
}

}  // namespace rtmp::protocol
