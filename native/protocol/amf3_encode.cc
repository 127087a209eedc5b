// AMF3 encoding: every value inline, no reference tables (amf3.h).
#include <algorithm>
#include <cmath>
#include <limits>

#include "protocol/amf3.h"

namespace rtmp::protocol {

using base::ByteWriter;
using base::Error;
using base::ErrorCode;
using base::Status;
using detail::errorf;

namespace {

constexpr uint32_t kMaxLength = kAmf3U29Max >> 1;  // U29 with a flag bit

void marker(ByteWriter& out, Amf3Marker m) {
  out.u8(static_cast<uint8_t>(m));
}

Status inlineLength(ByteWriter& out, size_t n, const char* what) {
  if (n > kMaxLength) {
    return errorf(ErrorCode::kInvalidArgument, "amf3 %s of %zu exceeds 2^28-1", what, n);
  }
  writeU29(out, (static_cast<uint32_t>(n) << 1) | 1);
  return base::okStatus();
}

Status utf8vr(ByteWriter& out, std::string_view s) {
  RTMP_TRY(inlineLength(out, s.size(), "string length"));
  out.string(s);
  return base::okStatus();
}

// Numeric vector items: out-of-range doubles clamp rather than invoke UB.
template <typename Int>
Int clampTo(double d) {
  if (std::isnan(d)) return 0;
  if (d <= static_cast<double>(std::numeric_limits<Int>::min())) {
    return std::numeric_limits<Int>::min();
  }
  if (d >= static_cast<double>(std::numeric_limits<Int>::max())) {
    return std::numeric_limits<Int>::max();
  }
  return static_cast<Int>(d);
}

Status encodeValue(const AmfValue& value, ByteWriter& out);

Status encodeAssoc(std::span<const AmfProperty> props, ByteWriter& out, const char* what) {
  for (const AmfProperty& p : props) {
    if (p.key.empty()) {
      return errorf(ErrorCode::kInvalidArgument, "amf3 %s: empty key cannot be encoded", what);
    }
    RTMP_TRY(utf8vr(out, p.key));
    RTMP_TRY(encodeValue(p.value, out));
  }
  out.u8(0x01);  // empty string: end of the list
  return base::okStatus();
}

Status encodeObject(const AmfObject& o, ByteWriter& out) {
  const size_t sealed = std::min<size_t>(o.sealedCount, o.properties.size());
  // Properties beyond the sealed ones can only travel as dynamic members.
  const bool dynamic = o.dynamic || o.properties.size() > sealed;
  marker(out, Amf3Marker::kObject);
  if (sealed > (kAmf3U29Max >> 4)) {
    return errorf(ErrorCode::kInvalidArgument, "amf3 object: %zu sealed members", sealed);
  }
  // U29O-traits: inline object (1), inline traits (2), not externalizable,
  // dynamic flag (8), sealed count << 4.
  writeU29(out, (static_cast<uint32_t>(sealed) << 4) | (dynamic ? 0x08 : 0) | 0x03);
  RTMP_TRY(utf8vr(out, o.className));
  for (size_t i = 0; i < sealed; ++i) RTMP_TRY(utf8vr(out, o.properties[i].key));
  for (size_t i = 0; i < sealed; ++i) RTMP_TRY(encodeValue(o.properties[i].value, out));
  if (dynamic) {
    RTMP_TRY(
        encodeAssoc(std::span<const AmfProperty>(o.properties).subspan(sealed), out, "object"));
  }
  return base::okStatus();
}

Status encodeVector(const AmfVector& v, ByteWriter& out) {
  static constexpr Amf3Marker kMarkers[] = {Amf3Marker::kVectorInt, Amf3Marker::kVectorUint,
                                            Amf3Marker::kVectorDouble, Amf3Marker::kVectorObject};
  marker(out, kMarkers[static_cast<size_t>(v.kind)]);
  RTMP_TRY(inlineLength(out, v.items.size(), "vector length"));
  out.u8(v.fixed ? 1 : 0);
  if (v.kind == AmfVectorKind::kObject) RTMP_TRY(utf8vr(out, v.typeName));
  for (const AmfValue& item : v.items) {
    if (v.kind == AmfVectorKind::kObject) {
      RTMP_TRY(encodeValue(item, out));
      continue;
    }
    std::optional<double> d = item.asNumber();
    if (!d) {
      return errorf(ErrorCode::kInvalidArgument, "amf3 numeric vector holds a %s",
                    std::string(amfTypeName(item.type())).c_str());
    }
    if (v.kind == AmfVectorKind::kInt) {
      out.u32be(static_cast<uint32_t>(clampTo<int32_t>(*d)));
    } else if (v.kind == AmfVectorKind::kUint) {
      out.u32be(clampTo<uint32_t>(*d));
    } else {
      out.f64be(*d);
    }
  }
  return base::okStatus();
}

Status encodeValue(const AmfValue& value, ByteWriter& out) {
  switch (value.type()) {
    case AmfType::kUndefined:
      marker(out, Amf3Marker::kUndefined);
      return base::okStatus();
    case AmfType::kNull:
      marker(out, Amf3Marker::kNull);
      return base::okStatus();
    case AmfType::kBoolean:
      marker(out, *value.asBool() ? Amf3Marker::kTrue : Amf3Marker::kFalse);
      return base::okStatus();
    case AmfType::kInteger: {
      const int32_t i = static_cast<int32_t>(*value.asNumber());
      if (i >= kAmf3IntMin && i <= kAmf3IntMax) {
        marker(out, Amf3Marker::kInteger);
        writeU29(out, static_cast<uint32_t>(i) & kAmf3U29Max);
        return base::okStatus();
      }
      // Outside 29 bits an int travels as a double (§3.6).
      marker(out, Amf3Marker::kDouble);
      out.f64be(i);
      return base::okStatus();
    }
    case AmfType::kNumber:
      marker(out, Amf3Marker::kDouble);
      out.f64be(*value.asNumber());
      return base::okStatus();
    case AmfType::kString:
      marker(out, Amf3Marker::kString);
      return utf8vr(out, *value.asString());
    case AmfType::kXml: {
      const AmfXml& x = *value.asXml();
      marker(out, x.e4x ? Amf3Marker::kXml : Amf3Marker::kXmlDocument);
      return utf8vr(out, x.text);
    }
    case AmfType::kDate:
      marker(out, Amf3Marker::kDate);
      writeU29(out, 0x01);
      out.f64be(value.asDate()->milliseconds);
      return base::okStatus();
    case AmfType::kObject:
      return encodeObject(*value.asObject(), out);
    case AmfType::kEcmaArray: {
      const AmfEcmaArray& a = *value.asEcmaArray();
      marker(out, Amf3Marker::kArray);
      RTMP_TRY(inlineLength(out, a.dense.size(), "array length"));
      RTMP_TRY(encodeAssoc(a.properties, out, "array"));
      for (const AmfValue& v : a.dense) RTMP_TRY(encodeValue(v, out));
      return base::okStatus();
    }
    case AmfType::kStrictArray: {
      const AmfArray& items = *value.asStrictArray();
      marker(out, Amf3Marker::kArray);
      RTMP_TRY(inlineLength(out, items.size(), "array length"));
      out.u8(0x01);  // no associative part
      for (const AmfValue& v : items) RTMP_TRY(encodeValue(v, out));
      return base::okStatus();
    }
    case AmfType::kByteArray: {
      const AmfByteArray& b = *value.asByteArray();
      marker(out, Amf3Marker::kByteArray);
      RTMP_TRY(inlineLength(out, b.bytes.size(), "byte array length"));
      out.bytes(b.bytes);
      return base::okStatus();
    }
    case AmfType::kVector:
      return encodeVector(*value.asVector(), out);
    case AmfType::kDictionary: {
      const AmfDictionary& d = *value.asDictionary();
      marker(out, Amf3Marker::kDictionary);
      RTMP_TRY(inlineLength(out, d.entries.size(), "dictionary size"));
      out.u8(d.weakKeys ? 1 : 0);
      for (const AmfDictionaryEntry& e : d.entries) {
        RTMP_TRY(encodeValue(e.key, out));
        RTMP_TRY(encodeValue(e.value, out));
      }
      return base::okStatus();
    }
  }
  return Error(ErrorCode::kInternal, "amf3: unknown value type");
}

}  // namespace

Status encodeAmf3(const AmfValue& value, ByteWriter& out) {
  return encodeValue(value, out);
}

}  // namespace rtmp::protocol
