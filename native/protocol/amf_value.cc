#include "protocol/amf_value.h"

#include <cmath>
#include <cstdio>

namespace rtmp::protocol {

std::string_view amfTypeName(AmfType type) {
  switch (type) {
    case AmfType::kUndefined:
      return "undefined";
    case AmfType::kNull:
      return "null";
    case AmfType::kBoolean:
      return "boolean";
    case AmfType::kNumber:
      return "number";
    case AmfType::kInteger:
      return "integer";
    case AmfType::kString:
      return "string";
    case AmfType::kXml:
      return "xml";
    case AmfType::kDate:
      return "date";
    case AmfType::kObject:
      return "object";
    case AmfType::kEcmaArray:
      return "ecma-array";
    case AmfType::kStrictArray:
      return "strict-array";
    case AmfType::kByteArray:
      return "byte-array";
    case AmfType::kVector:
      return "vector";
    case AmfType::kDictionary:
      return "dictionary";
  }
  return "unknown";
}

bool AmfObject::operator==(const AmfObject& other) const {
  return className == other.className && properties == other.properties &&
         sealedCount == other.sealedCount && dynamic == other.dynamic;
}

bool AmfEcmaArray::operator==(const AmfEcmaArray& other) const {
  return properties == other.properties && dense == other.dense;
}

bool AmfVector::operator==(const AmfVector& other) const {
  return kind == other.kind && fixed == other.fixed && typeName == other.typeName &&
         items == other.items;
}

bool AmfDictionary::operator==(const AmfDictionary& other) const {
  return weakKeys == other.weakKeys && entries == other.entries;
}

// Special members live here, where AmfProperty is complete.
AmfValue::AmfValue(const AmfValue&) = default;
AmfValue::AmfValue(AmfValue&&) noexcept = default;
AmfValue& AmfValue::operator=(const AmfValue&) = default;
AmfValue& AmfValue::operator=(AmfValue&&) noexcept = default;
AmfValue::~AmfValue() = default;

AmfValue::AmfValue(AmfObject object) : v_(std::move(object)) {}
AmfValue::AmfValue(AmfEcmaArray array) : v_(std::move(array)) {}
AmfValue::AmfValue(AmfArray array) : v_(std::move(array)) {}
AmfValue::AmfValue(AmfDate date) : v_(date) {}
AmfValue::AmfValue(AmfXml xml) : v_(std::move(xml)) {}
AmfValue::AmfValue(AmfByteArray bytes) : v_(std::move(bytes)) {}
AmfValue::AmfValue(AmfVector vector) : v_(std::move(vector)) {}
AmfValue::AmfValue(AmfDictionary dictionary) : v_(std::move(dictionary)) {}

AmfValue AmfValue::undefined() {
  return AmfValue();
}

AmfValue AmfValue::null() {
  AmfValue v;
  v.v_ = AmfNullTag{};
  return v;
}

AmfValue AmfValue::boolean(bool value) {
  AmfValue v;
  v.v_.emplace<bool>(value);
  return v;
}

AmfValue AmfValue::number(double value) {
  AmfValue v;
  v.v_.emplace<double>(value);
  return v;
}

AmfValue AmfValue::integer(int32_t value) {
  AmfValue v;
  v.v_.emplace<int32_t>(value);
  return v;
}

AmfValue AmfValue::string(std::string value) {
  AmfValue v;
  v.v_.emplace<std::string>(std::move(value));
  return v;
}

AmfValue AmfValue::xml(std::string text, bool e4x) {
  return AmfValue(AmfXml{std::move(text), e4x});
}

AmfValue AmfValue::date(double milliseconds, int16_t timezone) {
  return AmfValue(AmfDate{milliseconds, timezone});
}

AmfValue AmfValue::object(std::initializer_list<AmfProperty> properties) {
  AmfObject o;
  o.properties.assign(properties.begin(), properties.end());
  return AmfValue(std::move(o));
}

AmfValue AmfValue::typedObject(std::string className,
                               std::initializer_list<AmfProperty> properties) {
  AmfObject o;
  o.className = std::move(className);
  o.properties.assign(properties.begin(), properties.end());
  return AmfValue(std::move(o));
}

AmfValue AmfValue::ecmaArray(std::initializer_list<AmfProperty> properties) {
  AmfEcmaArray a;
  a.properties.assign(properties.begin(), properties.end());
  a.countHint = static_cast<uint32_t>(a.properties.size());
  return AmfValue(std::move(a));
}

AmfValue AmfValue::strictArray(AmfArray items) {
  return AmfValue(std::move(items));
}

AmfValue AmfValue::byteArray(std::vector<uint8_t> bytes) {
  return AmfValue(AmfByteArray{std::move(bytes)});
}

std::optional<double> AmfValue::asNumber() const {
  if (const double* d = std::get_if<double>(&v_)) return *d;
  if (const int32_t* i = std::get_if<int32_t>(&v_)) return static_cast<double>(*i);
  return std::nullopt;
}

std::optional<bool> AmfValue::asBool() const {
  if (const bool* b = std::get_if<bool>(&v_)) return *b;
  return std::nullopt;
}

const std::string* AmfValue::asString() const {
  return std::get_if<std::string>(&v_);
}

double AmfValue::numberOr(double fallback) const {
  return asNumber().value_or(fallback);
}

bool AmfValue::boolOr(bool fallback) const {
  return asBool().value_or(fallback);
}

std::string_view AmfValue::stringOr(std::string_view fallback) const {
  const std::string* s = asString();
  return s ? std::string_view(*s) : fallback;
}

const std::vector<AmfProperty>* AmfValue::properties() const {
  if (const AmfObject* o = asObject()) return &o->properties;
  if (const AmfEcmaArray* a = asEcmaArray()) return &a->properties;
  return nullptr;
}

const AmfValue* AmfValue::get(std::string_view key) const {
  const std::vector<AmfProperty>* props = properties();
  if (props == nullptr) return nullptr;
  for (const AmfProperty& p : *props) {
    if (p.key == key) return &p.value;
  }
  return nullptr;
}

AmfValue& AmfValue::set(std::string key, AmfValue value) {
  if (!isMap()) v_ = AmfObject{};
  std::vector<AmfProperty>& props = isObject() ? asObject()->properties : asEcmaArray()->properties;
  for (AmfProperty& p : props) {
    if (p.key == key) {
      p.value = std::move(value);
      return *this;
    }
  }
  props.push_back(AmfProperty{std::move(key), std::move(value)});
  if (AmfEcmaArray* a = asEcmaArray()) a->countHint = static_cast<uint32_t>(a->properties.size());
  return *this;
}

bool AmfValue::operator==(const AmfValue& other) const {
  return v_ == other.v_;
}

namespace {

// Renders into out until it holds `budget` characters; callers stop early.
class DebugWriter {
 public:
  explicit DebugWriter(size_t budget) : budget_(budget) {}

  bool full() const { return out_.size() >= budget_; }
  void text(std::string_view s) {
    if (!full()) out_.append(s.substr(0, budget_ - out_.size()));
  }
  void quoted(std::string_view s) {
    text("\"");
    for (char c : s) {
      if (full()) return;
      unsigned char u = static_cast<unsigned char>(c);
      if (u < 0x20 || u == 0x7F) {
        char esc[8];
        std::snprintf(esc, sizeof(esc), "\\x%02X", u);
        text(esc);
      } else if (c == '"' || c == '\\') {
        char esc[3] = {'\\', c, 0};
        text(esc);
      } else {
        out_.push_back(c);
      }
    }
    text("\"");
  }
  void number(double d) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.17g", d);
    text(buf);
  }
  void properties(const std::vector<AmfProperty>& props, bool& first) {
    for (const AmfProperty& p : props) {
      if (full()) return;
      if (!first) text(",");
      first = false;
      quoted(p.key);
      text(":");
      value(p.value);
    }
  }
  void items(const AmfArray& items, bool& first) {
    for (const AmfValue& v : items) {
      if (full()) return;
      if (!first) text(",");
      first = false;
      value(v);
    }
  }
  void value(const AmfValue& v) {
    if (full()) return;
    bool first = true;
    switch (v.type()) {
      case AmfType::kUndefined:
        return text("undefined");
      case AmfType::kNull:
        return text("null");
      case AmfType::kBoolean:
        return text(*v.asBool() ? "true" : "false");
      case AmfType::kNumber:
      case AmfType::kInteger:
        return number(*v.asNumber());
      case AmfType::kString:
        return quoted(*v.asString());
      case AmfType::kXml:
        text("xml:");
        return quoted(v.asXml()->text);
      case AmfType::kDate:
        text("date:");
        return number(v.asDate()->milliseconds);
      case AmfType::kObject: {
        const AmfObject& o = *v.asObject();
        if (!o.className.empty()) {
          text(o.className);
          text(" ");
        }
        text("{");
        properties(o.properties, first);
        return text("}");
      }
      case AmfType::kEcmaArray: {
        const AmfEcmaArray& a = *v.asEcmaArray();
        text("ecma{");
        properties(a.properties, first);
        items(a.dense, first);
        return text("}");
      }
      case AmfType::kStrictArray:
        text("[");
        items(*v.asStrictArray(), first);
        return text("]");
      case AmfType::kByteArray: {
        char buf[40];
        std::snprintf(buf, sizeof(buf), "bytes(%zu)", v.asByteArray()->bytes.size());
        return text(buf);
      }
      case AmfType::kVector:
        text("vector[");
        items(v.asVector()->items, first);
        return text("]");
      case AmfType::kDictionary:
        text("dict{");
        for (const AmfDictionaryEntry& e : v.asDictionary()->entries) {
          if (full()) return;
          if (!first) text(",");
          first = false;
          value(e.key);
          text(":");
          value(e.value);
        }
        return text("}");
    }
  }
  std::string take() { return std::move(out_); }

 private:
  size_t budget_;
  std::string out_;
};

}  // namespace

std::string AmfValue::toDebugString(size_t maxChars) const {
  DebugWriter w(maxChars);
  w.value(*this);
  std::string out = w.take();
  if (out.size() >= maxChars && maxChars > 3) out.replace(maxChars - 3, 3, "...");
  return out;
}

}  // namespace rtmp::protocol
