// AmfValue: one value model for what AMF0 and AMF3 decode to and what the
// command builders encode from. A tagged union (std::variant) whose
// alternatives are listed in the same order as AmfType, so type() is just the
// variant index.
//
// Mapping of wire types (AMF0 spec §2, AMF3 spec §3):
//   number / AMF3 double           -> kNumber (double)
//   AMF3 integer (U29, signed)     -> kInteger (int32_t; AMF3 vector<int> items use all 32 bits)
//   string / long string           -> kString (UTF-8 bytes, not validated)
//   AMF0 unsupported (0x0D)        -> kUndefined (it carries no data)
//   XML document / AMF3 XML        -> kXml (text plus an e4x flag: AMF3 0x0B)
//   object / typed object          -> kObject (ordered properties, optional class name)
//   ECMA array / AMF3 array with
//     associative keys             -> kEcmaArray (ordered pairs, count hint, AMF3 dense part)
//   strict array / AMF3 dense array-> kStrictArray
//   AMF3 ByteArray, Vector.<T>,
//     Dictionary                   -> kByteArray, kVector, kDictionary
//
// Values are plain trees: references on the wire are resolved to copies by
// the decoders (bounded by AmfLimits), and cyclic graphs are rejected.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace rtmp::protocol {

class AmfValue;
struct AmfProperty;
struct AmfDictionaryEntry;

enum class AmfType : uint8_t {
  kUndefined,
  kNull,
  kBoolean,
  kNumber,
  kInteger,
  kString,
  kXml,
  kDate,
  kObject,
  kEcmaArray,
  kStrictArray,
  kByteArray,
  kVector,
  kDictionary,
};

std::string_view amfTypeName(AmfType type);

// Bounds applied while decoding one message. Every input is hostile: these
// keep a small payload from allocating or recursing without limit.
struct AmfLimits {
  // Containers nested deeper than this fail with kAmfDepth. A top-level
  // object is at depth 1.
  uint32_t maxDepth = 32;
  // Longest string, long string, XML text, byte array or key (kLimitExceeded).
  uint32_t maxStringLength = 64 * 1024;
  // Most elements or properties in one container (kLimitExceeded).
  uint32_t maxElements = 65536;
  // Most values materialized per message, counting the copies made when a
  // reference is resolved ("billion laughs" guard) (kLimitExceeded). Real
  // commands hold tens of values and metadata hundreds; this also caps the
  // CPU one hostile message can cost.
  uint32_t maxValues = 65536;
  // Most string/XML/byte-array bytes materialized per message, again counting
  // copies made by references (kLimitExceeded).
  uint32_t maxOutputBytes = 8 * 1024 * 1024;
  // References (AMF0 0x07; AMF3 object, string and traits references) are
  // resolved by copying. Copies are capped separately and much lower, so a
  // few bytes of references cannot cost far more than their own size; real
  // RTMP traffic rarely uses references at all (kLimitExceeded).
  uint32_t maxReferencedValues = 4096;
  uint32_t maxReferencedBytes = 256 * 1024;
  // Some encoders end an ECMA array (typically onMetaData) at the end of the
  // payload without the 00 00 09 object-end; accept that when true.
  bool allowUnterminatedEcmaArray = true;
};

struct AmfUndefinedTag {
  bool operator==(const AmfUndefinedTag&) const = default;
};
struct AmfNullTag {
  bool operator==(const AmfNullTag&) const = default;
};

// AMF0 date (§2.13): milliseconds since the epoch (UTC) plus a time-zone
// field the spec reserves (should be 0). AMF3 dates have no time zone.
struct AmfDate {
  double milliseconds = 0;
  int16_t timezone = 0;
  bool operator==(const AmfDate&) const = default;
};

// AMF0 xml-document (0x0F) and AMF3 XMLDocument (0x07) have e4x == false;
// AMF3 XML (0x0B, the E4X type) has e4x == true.
struct AmfXml {
  std::string text;
  bool e4x = false;
  bool operator==(const AmfXml&) const = default;
};

struct AmfObject {
  std::string className;                // empty: anonymous object
  std::vector<AmfProperty> properties;  // wire order preserved
  // AMF3 traits: the first sealedCount properties are sealed members; the
  // rest are dynamic. Ignored by AMF0.
  uint32_t sealedCount = 0;
  bool dynamic = true;
  bool operator==(const AmfObject& other) const;
};

struct AmfEcmaArray {
  std::vector<AmfProperty> properties;  // associative part, wire order
  std::vector<AmfValue> dense;          // AMF3 dense part (empty for AMF0)
  uint32_t countHint = 0;               // AMF0 associative-count as sent; advisory only
  // countHint is not compared: encoders write the real count.
  bool operator==(const AmfEcmaArray& other) const;
};

struct AmfByteArray {
  std::vector<uint8_t> bytes;
  bool operator==(const AmfByteArray&) const = default;
};

// AMF3 §3.15. Items are kInteger for kInt (all 32 bits), kNumber for kUint
// and kDouble, and any value for kObject.
enum class AmfVectorKind : uint8_t { kInt, kUint, kDouble, kObject };

struct AmfVector {
  AmfVectorKind kind = AmfVectorKind::kObject;
  bool fixed = false;
  std::string typeName;  // kObject only: element class name ("*" = any)
  std::vector<AmfValue> items;
  bool operator==(const AmfVector& other) const;
};

// AMF3 §3.16: keys are arbitrary values.
struct AmfDictionary {
  bool weakKeys = false;
  std::vector<AmfDictionaryEntry> entries;
  bool operator==(const AmfDictionary& other) const;
};

using AmfArray = std::vector<AmfValue>;

class AmfValue {
 public:
  AmfValue() = default;  // undefined
  AmfValue(const AmfValue&);
  AmfValue(AmfValue&&) noexcept;
  AmfValue& operator=(const AmfValue&);
  AmfValue& operator=(AmfValue&&) noexcept;
  ~AmfValue();

  explicit AmfValue(AmfObject object);
  explicit AmfValue(AmfEcmaArray array);
  explicit AmfValue(AmfArray array);
  explicit AmfValue(AmfDate date);
  explicit AmfValue(AmfXml xml);
  explicit AmfValue(AmfByteArray bytes);
  explicit AmfValue(AmfVector vector);
  explicit AmfValue(AmfDictionary dictionary);

  // Builders. Named, not implicit, so 1 vs 1.0 vs true never surprises.
  static AmfValue undefined();
  static AmfValue null();
  static AmfValue boolean(bool value);
  static AmfValue number(double value);
  static AmfValue integer(int32_t value);
  static AmfValue string(std::string value);
  static AmfValue xml(std::string text, bool e4x = false);
  static AmfValue date(double milliseconds, int16_t timezone = 0);
  static AmfValue object(std::initializer_list<AmfProperty> properties = {});
  static AmfValue typedObject(std::string className,
                              std::initializer_list<AmfProperty> properties = {});
  static AmfValue ecmaArray(std::initializer_list<AmfProperty> properties = {});
  static AmfValue strictArray(AmfArray items = {});
  static AmfValue byteArray(std::vector<uint8_t> bytes);

  AmfType type() const { return static_cast<AmfType>(v_.index()); }
  bool isUndefined() const { return type() == AmfType::kUndefined; }
  bool isNull() const { return type() == AmfType::kNull; }
  bool isBoolean() const { return type() == AmfType::kBoolean; }
  // True for both kNumber and kInteger (an AS3 int is a Number).
  bool isNumber() const { return type() == AmfType::kNumber || type() == AmfType::kInteger; }
  bool isInteger() const { return type() == AmfType::kInteger; }
  bool isString() const { return type() == AmfType::kString; }
  bool isObject() const { return type() == AmfType::kObject; }
  bool isEcmaArray() const { return type() == AmfType::kEcmaArray; }
  bool isStrictArray() const { return type() == AmfType::kStrictArray; }
  // Object or ECMA array: something with keyed properties.
  bool isMap() const { return isObject() || isEcmaArray(); }

  std::optional<double> asNumber() const;  // kNumber or kInteger
  std::optional<bool> asBool() const;
  const std::string* asString() const;
  const AmfXml* asXml() const { return std::get_if<AmfXml>(&v_); }
  const AmfDate* asDate() const { return std::get_if<AmfDate>(&v_); }
  const AmfObject* asObject() const { return std::get_if<AmfObject>(&v_); }
  AmfObject* asObject() { return std::get_if<AmfObject>(&v_); }
  const AmfEcmaArray* asEcmaArray() const { return std::get_if<AmfEcmaArray>(&v_); }
  AmfEcmaArray* asEcmaArray() { return std::get_if<AmfEcmaArray>(&v_); }
  const AmfArray* asStrictArray() const { return std::get_if<AmfArray>(&v_); }
  AmfArray* asStrictArray() { return std::get_if<AmfArray>(&v_); }
  const AmfByteArray* asByteArray() const { return std::get_if<AmfByteArray>(&v_); }
  const AmfVector* asVector() const { return std::get_if<AmfVector>(&v_); }
  const AmfDictionary* asDictionary() const { return std::get_if<AmfDictionary>(&v_); }

  double numberOr(double fallback) const;
  bool boolOr(bool fallback) const;
  std::string_view stringOr(std::string_view fallback) const;

  // Properties of an object or ECMA array (nullptr for other types).
  const std::vector<AmfProperty>* properties() const;
  // First property named key of an object or ECMA array; nullptr if absent
  // or if this is not a map.
  const AmfValue* get(std::string_view key) const;
  // Replaces the first property named key, or appends it (order kept). A
  // value that is not a map first becomes an empty anonymous object.
  AmfValue& set(std::string key, AmfValue value);

  bool operator==(const AmfValue& other) const;

  // Short JSON-like rendering for logs and test failures, cut at maxChars.
  std::string toDebugString(size_t maxChars = 256) const;

 private:
  using Storage =
      std::variant<AmfUndefinedTag, AmfNullTag, bool, double, int32_t, std::string, AmfXml, AmfDate,
                   AmfObject, AmfEcmaArray, AmfArray, AmfByteArray, AmfVector, AmfDictionary>;
  Storage v_;
};

struct AmfProperty {
  std::string key;
  AmfValue value;
  bool operator==(const AmfProperty&) const = default;
};

struct AmfDictionaryEntry {
  AmfValue key;
  AmfValue value;
  bool operator==(const AmfDictionaryEntry&) const = default;
};

}  // namespace rtmp::protocol
