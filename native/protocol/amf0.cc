#include "protocol/amf0.h"

#include <cstdio>
#include <string>

namespace rtmp::protocol {

using base::ByteReader;
using base::ByteWriter;
using base::Error;
using base::ErrorCode;
using base::Result;
using base::Status;
using detail::errorf;
using detail::field;

namespace {

// A property name for error context: at most 32 printable characters.
std::string printable(std::string_view key) {
  std::string out;
  for (char c : key.substr(0, 32)) out.push_back(c >= 0x20 && c < 0x7F ? c : '?');
  if (key.size() > 32) out += "...";
  return out;
}

}  // namespace

Amf0Decoder::Amf0Decoder(std::span<const uint8_t> data, const AmfLimits& limits)
    : ctx_{data, limits}, in_(data) {}

Amf0Decoder::~Amf0Decoder() = default;

Result<AmfValue> Amf0Decoder::next() {
  const size_t at = in_.position();
  Result<AmfValue> v = read(in_, 0);
  if (!v.ok()) {
    char where[48];
    std::snprintf(where, sizeof(where), "amf0 value at offset %zu", at);
    return std::move(v).error().withContext(where);
  }
  return v;
}

Result<AmfValue> Amf0Decoder::read(ByteReader& in, uint32_t depth) {
  RTMP_TRY(ctx_.countValue());
  const size_t start = in.position();
  RTMP_ASSIGN(uint8_t marker, field(in.u8(), "marker"));
  return readBody(in, marker, start, depth);
}

Result<AmfValue> Amf0Decoder::replay(uint16_t index, uint32_t depth) {
  return refs_.replay(index, ctx_, [&](ByteReader& again) { return read(again, depth); });
}

// UTF-8 with a U16 length (§1.3): strings, property and class names.
Result<std::string> Amf0Decoder::readShortString(ByteReader& in, const char* what) {
  RTMP_ASSIGN(uint16_t length, field(in.u16be(), what));
  return ctx_.readText(in, length, what);
}

// object-property* object-end (§2.5): each property is a UTF-8 name and a
// value; the list ends with an empty name followed by 0x09.
Status Amf0Decoder::readProperties(ByteReader& in, uint32_t depth, bool tolerateEnd,
                                   std::vector<AmfProperty>& out) {
  for (;;) {
    if (in.atEnd() && tolerateEnd) return base::okStatus();
    RTMP_ASSIGN(std::string key, readShortString(in, "property name"));
    if (key.empty()) {
      if (in.atEnd() && tolerateEnd) return base::okStatus();  // 00 00 without the 09
      RTMP_ASSIGN(uint8_t next, field(in.peekU8(), "object-end marker"));
      if (next == static_cast<uint8_t>(Amf0Marker::kObjectEnd)) {
        RTMP_TRY(in.skip(1));
        return base::okStatus();
      }
      // An empty name with a real value: keep it as property "".
    }
    if (out.size() >= ctx_.limits.maxElements) {
      return errorf(ErrorCode::kLimitExceeded, "more than %u properties", ctx_.limits.maxElements);
    }
    Result<AmfValue> v = read(in, depth + 1);
    if (!v.ok()) {
      return std::move(v).error().withContext("property '" + printable(key) + "'");
    }
    out.push_back(AmfProperty{std::move(key), std::move(v).value()});
  }
}

Result<AmfValue> Amf0Decoder::readStrictArray(ByteReader& in, uint32_t depth) {
  RTMP_ASSIGN(uint32_t count, field(in.u32be(), "strict array count"));
  // Never trust the declared count for allocation: each element needs at
  // least its marker byte.
  RTMP_TRY(ctx_.checkCount(in, count, 1, "strict array"));
  AmfArray items;
  items.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    Result<AmfValue> v = read(in, depth + 1);
    if (!v.ok()) {
      char where[40];
      std::snprintf(where, sizeof(where), "strict array element %u", i);
      return std::move(v).error().withContext(where);
    }
    items.push_back(std::move(v).value());
  }
  return AmfValue(std::move(items));
}

Result<AmfValue> Amf0Decoder::readBody(ByteReader& in, uint8_t marker, size_t start,
                                       uint32_t depth) {
  switch (static_cast<Amf0Marker>(marker)) {
    case Amf0Marker::kNumber: {
      RTMP_ASSIGN(double d, field(in.f64be(), "number"));
      return AmfValue::number(d);
    }
    case Amf0Marker::kBoolean: {
      RTMP_ASSIGN(uint8_t b, field(in.u8(), "boolean"));
      return AmfValue::boolean(b != 0);
    }
    case Amf0Marker::kString: {
      RTMP_ASSIGN(std::string s, readShortString(in, "string"));
      return AmfValue::string(std::move(s));
    }
    case Amf0Marker::kLongString: {
      RTMP_ASSIGN(uint32_t length, field(in.u32be(), "long string length"));
      RTMP_ASSIGN(std::string s, ctx_.readText(in, length, "long string"));
      return AmfValue::string(std::move(s));
    }
    case Amf0Marker::kXmlDocument: {
      RTMP_ASSIGN(uint32_t length, field(in.u32be(), "xml document length"));
      RTMP_ASSIGN(std::string s, ctx_.readText(in, length, "xml document"));
      return AmfValue::xml(std::move(s));
    }
    case Amf0Marker::kNull:
      return AmfValue::null();
    case Amf0Marker::kUndefined:
    case Amf0Marker::kUnsupported:  // "this type cannot be serialized": no payload
      return AmfValue::undefined();
    case Amf0Marker::kDate: {
      RTMP_ASSIGN(double ms, field(in.f64be(), "date"));
      RTMP_ASSIGN(uint16_t tz, field(in.u16be(), "date time zone"));
      return AmfValue::date(ms, static_cast<int16_t>(tz));
    }
    case Amf0Marker::kReference: {
      RTMP_ASSIGN(uint16_t index, field(in.u16be(), "reference index"));
      return replay(index, depth);
    }
    case Amf0Marker::kObject:
    case Amf0Marker::kTypedObject: {
      RTMP_TRY(ctx_.enterContainer(depth));
      const size_t slot = refs_.add(start, ctx_);
      AmfObject o;
      if (marker == static_cast<uint8_t>(Amf0Marker::kTypedObject)) {
        RTMP_ASSIGN(o.className, readShortString(in, "typed object class name"));
      }
      Status s = readProperties(in, depth, false, o.properties);
      if (!s.ok())
        return std::move(s).error().withContext(o.className.empty() ? "object" : "typed object");
      refs_.complete(slot);
      return AmfValue(std::move(o));
    }
    case Amf0Marker::kEcmaArray: {
      RTMP_TRY(ctx_.enterContainer(depth));
      const size_t slot = refs_.add(start, ctx_);
      AmfEcmaArray a;
      RTMP_ASSIGN(a.countHint, field(in.u32be(), "ecma array count"));
      Status s = readProperties(in, depth, ctx_.limits.allowUnterminatedEcmaArray, a.properties);
      if (!s.ok()) return std::move(s).error().withContext("ecma array");
      refs_.complete(slot);
      return AmfValue(std::move(a));
    }
    case Amf0Marker::kStrictArray: {
      RTMP_TRY(ctx_.enterContainer(depth));
      const size_t slot = refs_.add(start, ctx_);
      RTMP_ASSIGN(AmfValue v, readStrictArray(in, depth));
      refs_.complete(slot);
      return v;
    }
    case Amf0Marker::kAvmPlus: {
      if (!amf3_) amf3_ = std::make_unique<detail::Amf3Reader>(ctx_);
      // The AMF3 value is the same logical value, so it is not counted twice.
      --ctx_.values;
      return amf3_->read(in, depth);
    }
    case Amf0Marker::kObjectEnd:
      return Error(ErrorCode::kAmfType, "object-end marker 0x09 outside an object");
    case Amf0Marker::kMovieClip:
      return Error(ErrorCode::kUnsupported, "movieclip marker 0x04 is reserved");
    case Amf0Marker::kRecordSet:
      return Error(ErrorCode::kUnsupported, "recordset marker 0x0E is reserved");
  }
  return errorf(ErrorCode::kAmfType, "unknown amf0 marker 0x%02X", marker);
}

Result<AmfValue> decodeAmf0(std::span<const uint8_t> data, const AmfLimits& limits) {
  Amf0Decoder decoder(data, limits);
  RTMP_ASSIGN(AmfValue v, decoder.next());
  if (!decoder.atEnd()) {
    return errorf(ErrorCode::kMalformed, "%zu trailing bytes after the amf0 value",
                  data.size() - decoder.position());
  }
  return v;
}

Result<std::vector<AmfValue>> decodeAmf0Sequence(std::span<const uint8_t> data,
                                                 const AmfLimits& limits) {
  Amf0Decoder decoder(data, limits);
  std::vector<AmfValue> values;
  while (!decoder.atEnd()) {
    RTMP_ASSIGN(AmfValue v, decoder.next());
    values.push_back(std::move(v));
  }
  return values;
}

// ---------------------------------------------------------------------------
// Encoding

namespace {

void marker(ByteWriter& out, Amf0Marker m) {
  out.u8(static_cast<uint8_t>(m));
}

Status name(ByteWriter& out, std::string_view s) {
  if (s.size() > 0xFFFF) {
    return errorf(ErrorCode::kInvalidArgument, "amf0 name of %zu bytes exceeds 65535", s.size());
  }
  out.u16be(static_cast<uint16_t>(s.size()));
  out.string(s);
  return base::okStatus();
}

Status longText(ByteWriter& out, std::string_view s) {
  if (s.size() > 0xFFFFFFFFu) {
    return errorf(ErrorCode::kInvalidArgument, "amf0 text of %zu bytes", s.size());
  }
  out.u32be(static_cast<uint32_t>(s.size()));
  out.string(s);
  return base::okStatus();
}

Status encodeValue(const AmfValue& value, ByteWriter& out);

Status properties(ByteWriter& out, const std::vector<AmfProperty>& props) {
  for (const AmfProperty& p : props) {
    RTMP_TRY(name(out, p.key));
    RTMP_TRY(encodeValue(p.value, out));
  }
  out.u16be(0);  // empty name
  marker(out, Amf0Marker::kObjectEnd);
  return base::okStatus();
}

Status avmplus(ByteWriter& out, const AmfValue& value) {
  marker(out, Amf0Marker::kAvmPlus);
  return encodeAmf3(value, out);
}

Status encodeValue(const AmfValue& value, ByteWriter& out) {
  switch (value.type()) {
    case AmfType::kUndefined:
      marker(out, Amf0Marker::kUndefined);
      return base::okStatus();
    case AmfType::kNull:
      marker(out, Amf0Marker::kNull);
      return base::okStatus();
    case AmfType::kBoolean:
      marker(out, Amf0Marker::kBoolean);
      out.u8(*value.asBool() ? 1 : 0);
      return base::okStatus();
    case AmfType::kNumber:
    case AmfType::kInteger:
      marker(out, Amf0Marker::kNumber);
      out.f64be(*value.asNumber());
      return base::okStatus();
    case AmfType::kString: {
      const std::string& s = *value.asString();
      if (s.size() <= 0xFFFF) {
        marker(out, Amf0Marker::kString);
        return name(out, s);
      }
      marker(out, Amf0Marker::kLongString);
      return longText(out, s);
    }
    case AmfType::kXml:
      if (value.asXml()->e4x) return avmplus(out, value);
      marker(out, Amf0Marker::kXmlDocument);
      return longText(out, value.asXml()->text);
    case AmfType::kDate:
      marker(out, Amf0Marker::kDate);
      out.f64be(value.asDate()->milliseconds);
      out.u16be(static_cast<uint16_t>(value.asDate()->timezone));
      return base::okStatus();
    case AmfType::kObject: {
      const AmfObject& o = *value.asObject();
      if (o.className.empty()) {
        marker(out, Amf0Marker::kObject);
      } else {
        marker(out, Amf0Marker::kTypedObject);
        RTMP_TRY(name(out, o.className));
      }
      return properties(out, o.properties);
    }
    case AmfType::kEcmaArray: {
      const AmfEcmaArray& a = *value.asEcmaArray();
      marker(out, Amf0Marker::kEcmaArray);
      out.u32be(static_cast<uint32_t>(a.dense.size() + a.properties.size()));
      for (size_t i = 0; i < a.dense.size(); ++i) {
        RTMP_TRY(name(out, std::to_string(i)));
        RTMP_TRY(encodeValue(a.dense[i], out));
      }
      return properties(out, a.properties);
    }
    case AmfType::kStrictArray: {
      const AmfArray& items = *value.asStrictArray();
      marker(out, Amf0Marker::kStrictArray);
      out.u32be(static_cast<uint32_t>(items.size()));
      for (const AmfValue& v : items) RTMP_TRY(encodeValue(v, out));
      return base::okStatus();
    }
    case AmfType::kByteArray:
    case AmfType::kVector:
    case AmfType::kDictionary:
      return avmplus(out, value);
  }
  return Error(ErrorCode::kInternal, "amf0: unknown value type");
}

}  // namespace

Status encodeAmf0(const AmfValue& value, ByteWriter& out) {
  return encodeValue(value, out);
}

Status encodeAmf0(std::span<const AmfValue> values, ByteWriter& out) {
  for (const AmfValue& v : values) RTMP_TRY(encodeValue(v, out));
  return base::okStatus();
}

}  // namespace rtmp::protocol
