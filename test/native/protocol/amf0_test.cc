// AMF0 codec tests. Byte vectors are written from the AMF0 spec, one field
// per line.
#include <gtest/gtest.h>

#include <cstring>
#include <initializer_list>
#include <string>
#include <vector>

#include "base/byte_writer.h"
#include "protocol/amf0.h"

namespace rtmp::protocol {
namespace {

using base::ErrorCode;
using Buf = std::vector<uint8_t>;

Buf text(std::string_view s) {
  return Buf(s.begin(), s.end());
}

Buf cat(std::initializer_list<Buf> parts) {
  Buf out;
  for (const Buf& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// A U16-length AMF0 name ("UTF-8" in the spec).
Buf name(std::string_view s) {
  return cat({{static_cast<uint8_t>(s.size() >> 8), static_cast<uint8_t>(s.size())}, text(s)});
}

// string-marker + UTF-8.
Buf str(std::string_view s) {
  return cat({{0x02}, name(s)});
}

const Buf kObjectEnd = {0x00, 0x00, 0x09};

Buf encode(const AmfValue& v) {
  base::ByteWriter w;
  EXPECT_TRUE(encodeAmf0(v, w).ok());
  return w.take();
}

ErrorCode errorOf(const Buf& raw, const AmfLimits& limits = {}) {
  auto r = decodeAmf0(raw, limits);
  EXPECT_FALSE(r.ok()) << "decoded: " << r->toDebugString();
  return r.ok() ? ErrorCode::kOk : r.error().code();
}

// --- scalars ---------------------------------------------------------------

TEST(Amf0Decode, Number) {
  const Buf raw = {
      0x00,                                            // number-marker
      0x40, 0x09, 0x21, 0xFB, 0x54, 0x44, 0x2D, 0x18,  // 3.141592653589793
  };
  auto v = decodeAmf0(raw);
  ASSERT_TRUE(v.ok()) << v.error().toString();
  EXPECT_EQ(v->type(), AmfType::kNumber);
  EXPECT_DOUBLE_EQ(*v->asNumber(), 3.141592653589793);
}

TEST(Amf0Decode, BooleanIsTrueForAnyNonZeroByte) {
  EXPECT_EQ(*decodeAmf0(Buf{0x01, 0x00}), AmfValue::boolean(false));
  EXPECT_EQ(*decodeAmf0(Buf{0x01, 0x01}), AmfValue::boolean(true));
  EXPECT_EQ(*decodeAmf0(Buf{0x01, 0x7F}), AmfValue::boolean(true));
}

TEST(Amf0Decode, String) {
  const Buf raw = {
      0x02,        // string-marker
      0x00, 0x04,  // length 4
      'l',  'i',  'v', 'e',
  };
  EXPECT_EQ(*decodeAmf0(raw), AmfValue::string("live"));
}

TEST(Amf0Decode, EmptyString) {
  EXPECT_EQ(*decodeAmf0(Buf{0x02, 0x00, 0x00}), AmfValue::string(""));
}

TEST(Amf0Decode, NullUndefinedAndUnsupported) {
  EXPECT_TRUE(decodeAmf0(Buf{0x05})->isNull());
  EXPECT_TRUE(decodeAmf0(Buf{0x06})->isUndefined());
  EXPECT_TRUE(decodeAmf0(Buf{0x0D})->isUndefined());  // unsupported-marker carries nothing
}

TEST(Amf0Decode, DateWithTimeZone) {
  const Buf raw = {
      0x0B,                                            // date-marker
      0x42, 0x77, 0x48, 0x76, 0xE8, 0x00, 0x00, 0x00,  // 1.6e12 ms
      0xFF, 0xC4,                                      // time-zone -60
  };
  auto v = decodeAmf0(raw);
  ASSERT_TRUE(v.ok()) << v.error().toString();
  ASSERT_NE(v->asDate(), nullptr);
  EXPECT_DOUBLE_EQ(v->asDate()->milliseconds, 1.6e12);
  EXPECT_EQ(v->asDate()->timezone, -60);
}

TEST(Amf0Decode, LongString) {
  const Buf raw = cat({
      {0x0C},                    // long-string-marker
      {0x00, 0x00, 0x00, 0x03},  // U32 length 3
      text("abc"),
  });
  EXPECT_EQ(*decodeAmf0(raw), AmfValue::string("abc"));
}

TEST(Amf0Decode, XmlDocument) {
  const Buf raw = cat({
      {0x0F},                    // xml-document-marker
      {0x00, 0x00, 0x00, 0x04},  // U32 length 4
      text("<a/>"),
  });
  auto v = decodeAmf0(raw);
  ASSERT_TRUE(v.ok());
  ASSERT_NE(v->asXml(), nullptr);
  EXPECT_EQ(v->asXml()->text, "<a/>");
  EXPECT_FALSE(v->asXml()->e4x);
}

// --- objects and arrays ------------------------------------------------------

TEST(Amf0Decode, ObjectKeepsKeyOrder) {
  const Buf raw = cat({
      {0x03},  // object-marker
      name("z"),
      {0x00, 0, 0, 0, 0, 0, 0, 0, 0},  // z: 0
      name("a"),
      str("x"),  // a: "x"
      name("m"),
      {0x05},      // m: null
      kObjectEnd,  // 00 00 09
  });
  auto v = decodeAmf0(raw);
  ASSERT_TRUE(v.ok()) << v.error().toString();
  const auto* props = v->properties();
  ASSERT_NE(props, nullptr);
  ASSERT_EQ(props->size(), 3u);
  EXPECT_EQ((*props)[0].key, "z");
  EXPECT_EQ((*props)[1].key, "a");
  EXPECT_EQ((*props)[2].key, "m");
  EXPECT_EQ(v->get("a")->stringOr(""), "x");
  EXPECT_EQ(v->get("missing"), nullptr);
}

TEST(Amf0Decode, TypedObject) {
  const Buf raw = cat({
      {0x10},                  // typed-object-marker
      name("com.example.Pt"),  // class-name
      name("x"),
      {0x00, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0},  // x: 1
      kObjectEnd,
  });
  auto v = decodeAmf0(raw);
  ASSERT_TRUE(v.ok()) << v.error().toString();
  ASSERT_NE(v->asObject(), nullptr);
  EXPECT_EQ(v->asObject()->className, "com.example.Pt");
  EXPECT_EQ(v->get("x")->numberOr(0), 1);
}

TEST(Amf0Decode, EcmaArrayIgnoresWrongCountHint) {
  const Buf raw = cat({
      {0x08},                    // ecma-array-marker
      {0x00, 0x00, 0x00, 0x00},  // associative-count 0 (FMLE-style, wrong)
      name("width"),
      {0x00, 0x40, 0x94, 0x00, 0, 0, 0, 0, 0},  // width: 1280
      name("height"),
      {0x00, 0x40, 0x86, 0x80, 0, 0, 0, 0, 0},  // height: 720
      kObjectEnd,
  });
  auto v = decodeAmf0(raw);
  ASSERT_TRUE(v.ok()) << v.error().toString();
  ASSERT_TRUE(v->isEcmaArray());
  EXPECT_EQ(v->asEcmaArray()->countHint, 0u);
  EXPECT_EQ(v->get("width")->numberOr(0), 1280);
  EXPECT_EQ(v->get("height")->numberOr(0), 720);
}

TEST(Amf0Decode, EcmaArrayWithoutObjectEndAtEndOfPayload) {
  const Buf raw = cat({
      {0x08},                    // ecma-array-marker
      {0x00, 0x00, 0x00, 0x01},  // count 1
      name("duration"),
      {0x00, 0, 0, 0, 0, 0, 0, 0, 0},  // duration: 0
                                       // payload ends: no 00 00 09
  });
  auto v = decodeAmf0(raw);
  ASSERT_TRUE(v.ok()) << v.error().toString();
  EXPECT_EQ(v->asEcmaArray()->properties.size(), 1u);

  AmfLimits strict;
  strict.allowUnterminatedEcmaArray = false;
  EXPECT_EQ(errorOf(raw, strict), ErrorCode::kTruncated);
}

TEST(Amf0Decode, EcmaArrayEndingWithEmptyNameButNoEndMarker) {
  const Buf raw = cat({
      {0x08, 0x00, 0x00, 0x00, 0x01},  // ecma array, count 1
      name("a"),
      {0x01, 0x01},  // a: true
      {0x00, 0x00},  // empty name, then payload ends
  });
  auto v = decodeAmf0(raw);
  ASSERT_TRUE(v.ok()) << v.error().toString();
  EXPECT_TRUE(v->get("a")->boolOr(false));
}

TEST(Amf0Decode, ObjectWithoutObjectEndIsTruncated) {
  const Buf raw = cat({{0x03}, name("a"), {0x05}});  // object {a: null ... no end
  EXPECT_EQ(errorOf(raw), ErrorCode::kTruncated);
}

TEST(Amf0Decode, EmptyNameWithValueIsAPropertyNotTheEnd) {
  const Buf raw = cat({
      {0x03},  // object
      name(""),
      str("odd"),  // "": "odd" (not followed by 0x09)
      name("b"),
      {0x05},  // b: null
      kObjectEnd,
  });
  auto v = decodeAmf0(raw);
  ASSERT_TRUE(v.ok()) << v.error().toString();
  ASSERT_EQ(v->properties()->size(), 2u);
  EXPECT_EQ(v->get("")->stringOr(""), "odd");
  EXPECT_TRUE(v->get("b")->isNull());
}

TEST(Amf0Decode, StrictArray) {
  const Buf raw = cat({
      {0x0A},                    // strict-array-marker
      {0x00, 0x00, 0x00, 0x03},  // array-count 3
      {0x05},                    // null
      str("s"),                  // "s"
      {0x01, 0x00},              // false
  });
  auto v = decodeAmf0(raw);
  ASSERT_TRUE(v.ok()) << v.error().toString();
  ASSERT_TRUE(v->isStrictArray());
  EXPECT_EQ(*v, AmfValue::strictArray(
                    {AmfValue::null(), AmfValue::string("s"), AmfValue::boolean(false)}));
}

// --- references --------------------------------------------------------------

TEST(Amf0Decode, ReferenceResolvesToACopyOfAnEarlierObject) {
  const Buf raw = cat({
      {0x0A, 0x00, 0x00, 0x00, 0x02},  // strict array of 2 (complex #0)
      {0x03},                          //   object (complex #1)
      name("k"),
      str("v"),  //     k: "v"
      kObjectEnd,
      {0x07, 0x00, 0x01},  //   reference to complex #1
  });
  auto v = decodeAmf0(raw);
  ASSERT_TRUE(v.ok()) << v.error().toString();
  const AmfArray& items = *v->asStrictArray();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0], AmfValue::object({{"k", AmfValue::string("v")}}));
  EXPECT_EQ(items[1], items[0]);
}

TEST(Amf0Decode, ReferenceIndexCountsArraysAndTypedObjectsButNotDates) {
  const auto values = decodeAmf0Sequence(cat({
      {0x0B, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x00},  // date: not a complex slot
      {0x08, 0, 0, 0, 0},
      name("e"),
      {0x05},
      kObjectEnd,  // #0 ecma {e: null}
      {0x10},
      name("C"),
      kObjectEnd,          // #1 typed object C {}
      {0x0A, 0, 0, 0, 0},  // #2 strict array []
      {0x07, 0x00, 0x00},  // ref #0
      {0x07, 0x00, 0x01},  // ref #1
      {0x07, 0x00, 0x02},  // ref #2
  }));
  ASSERT_TRUE(values.ok()) << values.error().toString();
  ASSERT_EQ(values->size(), 7u);
  EXPECT_EQ((*values)[4], (*values)[1]);
  EXPECT_EQ((*values)[5], (*values)[2]);
  EXPECT_EQ((*values)[6], (*values)[3]);
}

TEST(Amf0Decode, ReferenceOutOfRange) {
  const Buf raw = cat({
      {0x0A, 0x00, 0x00, 0x00, 0x01},  // strict array of 1 (complex #0)
      {0x07, 0x00, 0x01},              //   reference #1: does not exist
  });
  EXPECT_EQ(errorOf(raw), ErrorCode::kAmfReference);
}

TEST(Amf0Decode, ReferenceToEnclosingObjectIsACycle) {
  const Buf raw = cat({
      {0x03},  // object (complex #0)
      name("self"),
      {0x07, 0x00, 0x00},  // self: reference #0, still open
      kObjectEnd,
  });
  EXPECT_EQ(errorOf(raw), ErrorCode::kAmfReference);
}

TEST(Amf0Decode, ReferenceBombHitsTheReferenceLimit) {
  // a0 = [null]; a(k) = [ref a(k-1), ref a(k-1)]: 2^k values after 40 bytes.
  Buf raw = {0x0A, 0x00, 0x00, 0x00, 0x01, 0x05};
  for (uint8_t k = 1; k < 40; ++k) {
    Buf next = {0x0A,
                0x00,
                0x00,
                0x00,
                0x02,
                0x07,
                0x00,
                static_cast<uint8_t>(k - 1),
                0x07,
                0x00,
                static_cast<uint8_t>(k - 1)};
    raw.insert(raw.end(), next.begin(), next.end());
  }
  auto r = decodeAmf0Sequence(raw);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kLimitExceeded);
  EXPECT_NE(r.error().message().find("references expand"), std::string::npos)
      << r.error().message();
}

TEST(Amf0Decode, ReferenceBombHitsTheValueLimitWhenReferencesAreUncapped) {
  Buf raw = {0x0A, 0x00, 0x00, 0x00, 0x01, 0x05};
  for (uint8_t k = 1; k < 40; ++k) {
    Buf next = {0x0A,
                0x00,
                0x00,
                0x00,
                0x02,
                0x07,
                0x00,
                static_cast<uint8_t>(k - 1),
                0x07,
                0x00,
                static_cast<uint8_t>(k - 1)};
    raw.insert(raw.end(), next.begin(), next.end());
  }
  AmfLimits limits;
  limits.maxReferencedValues = UINT32_MAX;
  limits.maxValues = 5000;
  auto r = decodeAmf0Sequence(raw, limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kLimitExceeded);
  EXPECT_NE(r.error().message().find("more than 5000 AMF values"), std::string::npos)
      << r.error().message();
}

TEST(Amf0Decode, ReferencedStringsCountAgainstReferencedBytes) {
  const Buf raw = cat({
      {0x03},
      name("s"),
      str(std::string(1000, 'x')),
      kObjectEnd,          // #0 {s: 1000 bytes}
      {0x07, 0x00, 0x00},  // ref #0 (copies 1001)
  });
  AmfLimits limits;
  limits.maxReferencedBytes = 1000;
  EXPECT_EQ(decodeAmf0Sequence(raw, limits).error().code(), ErrorCode::kLimitExceeded);
  limits.maxReferencedBytes = 1001;
  EXPECT_TRUE(decodeAmf0Sequence(raw, limits).ok());
}

TEST(Amf0Decode, ReferencedStringsCountAgainstOutputBytes) {
  const Buf raw = cat({
      {0x03},
      name("s"),
      str(std::string(1000, 'x')),
      kObjectEnd,          // #0 {s: 1000 bytes}
      {0x07, 0x00, 0x00},  // ref #0 (another 1001)
  });
  AmfLimits limits;
  limits.maxOutputBytes = 1500;
  auto r = decodeAmf0Sequence(raw, limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kLimitExceeded);
  limits.maxOutputBytes = 4000;
  EXPECT_TRUE(decodeAmf0Sequence(raw, limits).ok());
}

// --- AMF3 switch ---------------------------------------------------------------

TEST(Amf0Decode, AvmPlusMarkerSwitchesToAmf3ForOneValue) {
  const auto values = decodeAmf0Sequence(Buf{
      0x11, 0x04, 0x7F,                    // avmplus-object-marker, AMF3 integer 127
      0x00, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0,  // back in AMF0: number 1
  });
  ASSERT_TRUE(values.ok()) << values.error().toString();
  ASSERT_EQ(values->size(), 2u);
  EXPECT_EQ((*values)[0], AmfValue::integer(127));
  EXPECT_EQ((*values)[1], AmfValue::number(1));
}

TEST(Amf0Decode, Amf3ValuesInOneMessageShareStringTable) {
  const auto values = decodeAmf0Sequence(Buf{
      0x11, 0x06, 0x05, 'h', 'i',  // AMF3 string "hi" (string #0)
      0x11, 0x06, 0x00,            // AMF3 string reference #0
  });
  ASSERT_TRUE(values.ok()) << values.error().toString();
  EXPECT_EQ((*values)[1], AmfValue::string("hi"));
}

// --- errors --------------------------------------------------------------------

TEST(Amf0Decode, ReservedAndMisplacedMarkers) {
  EXPECT_EQ(errorOf(Buf{0x04}), ErrorCode::kUnsupported);  // movieclip
  EXPECT_EQ(errorOf(Buf{0x0E}), ErrorCode::kUnsupported);  // recordset
  EXPECT_EQ(errorOf(Buf{0x09}), ErrorCode::kAmfType);      // object-end as a value
  EXPECT_EQ(errorOf(Buf{0x12}), ErrorCode::kAmfType);      // unknown
  EXPECT_EQ(errorOf(Buf{0xFF}), ErrorCode::kAmfType);
}

TEST(Amf0Decode, EmptyInputIsTruncated) {
  EXPECT_EQ(errorOf(Buf{}), ErrorCode::kTruncated);
}

TEST(Amf0Decode, TrailingBytesAfterSingleValue) {
  EXPECT_EQ(errorOf(Buf{0x05, 0x05}), ErrorCode::kMalformed);
}

Buf nestedObjects(int depth) {
  Buf raw;
  for (int i = 0; i < depth; ++i) {
    raw.push_back(0x03);  // object
    Buf key = name("o");
    raw.insert(raw.end(), key.begin(), key.end());
  }
  raw.push_back(0x05);  // innermost value: null
  for (int i = 0; i < depth; ++i) raw.insert(raw.end(), kObjectEnd.begin(), kObjectEnd.end());
  return raw;
}

TEST(Amf0Decode, Depth32IsAllowed) {
  auto v = decodeAmf0(nestedObjects(32));
  EXPECT_TRUE(v.ok()) << v.error().toString();
}

TEST(Amf0Decode, Depth33IsRejected) {
  EXPECT_EQ(errorOf(nestedObjects(33)), ErrorCode::kAmfDepth);
}

TEST(Amf0Decode, StrictArraysCountTowardDepth) {
  Buf raw;
  for (int i = 0; i < 33; ++i) raw.insert(raw.end(), {0x0A, 0x00, 0x00, 0x00, 0x01});
  raw.push_back(0x05);
  EXPECT_EQ(errorOf(raw), ErrorCode::kAmfDepth);
}

TEST(Amf0Decode, LongStringOverLimit) {
  Buf raw = {0x0C, 0x00, 0x01, 0x00, 0x01};  // long string of 65537 bytes
  raw.resize(raw.size() + 65537, 'x');
  EXPECT_EQ(errorOf(raw), ErrorCode::kLimitExceeded);
}

TEST(Amf0Decode, StringOverConfiguredLimit) {
  AmfLimits limits;
  limits.maxStringLength = 3;
  EXPECT_EQ(errorOf(str("four"), limits), ErrorCode::kLimitExceeded);
  EXPECT_TRUE(decodeAmf0(str("six"), limits).ok());
}

TEST(Amf0Decode, PropertyNameOverConfiguredLimit) {
  AmfLimits limits;
  limits.maxStringLength = 3;
  EXPECT_EQ(errorOf(cat({{0x03}, name("long"), {0x05}, kObjectEnd}), limits),
            ErrorCode::kLimitExceeded);
}

TEST(Amf0Decode, HugeDeclaredStrictArrayCountIsTruncatedWithoutAllocating) {
  const Buf raw = {
      0x0A,                    // strict array
      0xFF, 0xFF, 0xFF, 0xFF,  // 4294967295 elements declared
      0x05,                    // one null present
  };
  AmfLimits limits;
  limits.maxElements = UINT32_MAX;  // only the remaining-bytes check stands
  EXPECT_EQ(errorOf(raw, limits), ErrorCode::kTruncated);
}

TEST(Amf0Decode, StrictArrayCountOverElementLimit) {
  const Buf raw = {0x0A, 0x00, 0x01, 0x00, 0x01};  // 65537 elements declared
  EXPECT_EQ(errorOf(raw), ErrorCode::kLimitExceeded);
}

TEST(Amf0Decode, ObjectPropertyCountOverElementLimit) {
  AmfLimits limits;
  limits.maxElements = 2;
  const Buf raw =
      cat({{0x03}, name("a"), {0x05}, name("b"), {0x05}, name("c"), {0x05}, kObjectEnd});
  EXPECT_EQ(errorOf(raw, limits), ErrorCode::kLimitExceeded);
}

TEST(Amf0Decode, TotalValueLimit) {
  AmfLimits limits;
  limits.maxValues = 3;
  auto r = decodeAmf0Sequence(Buf{0x05, 0x05, 0x05, 0x05}, limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kLimitExceeded);
}

// Every proper prefix of a well-formed object fails as truncated.
TEST(Amf0Decode, TruncatedAtEveryField) {
  const Buf full = cat({
      {0x03},                                            // object
      name("n"),  {0x00, 0x40, 0, 0, 0, 0, 0, 0, 0},     // n: 2
      name("b"),  {0x01, 0x01},                          // b: true
      name("s"),  str("str"),                            // s: "str"
      name("d"),  {0x0B, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},  // d: date 0, tz 0
      name("l"),  {0x0C, 0, 0, 0, 1, 'x'},               // l: long string "x"
      name("x"),  {0x0F, 0, 0, 0, 1, 'y'},               // x: xml document "y"
      name("a"),  {0x0A, 0, 0, 0, 1, 0x05},              // a: [null]
      name("t"),  {0x10},
      name("T"),  kObjectEnd,  // t: typed object T {}
      name("e"),  {0x08, 0, 0, 0, 0},
      kObjectEnd,                      // e: ecma array {}
      name("r"),  {0x07, 0x00, 0x01},  // r: reference to a
      kObjectEnd,
  });
  ASSERT_TRUE(decodeAmf0(full).ok());
  for (size_t n = 0; n < full.size(); ++n) {
    Buf prefix(full.begin(), full.begin() + static_cast<ptrdiff_t>(n));
    auto r = decodeAmf0(prefix);
    ASSERT_FALSE(r.ok()) << "prefix of " << n << " bytes decoded";
    // A cut inside the nested ecma array ends that array (tolerated quirk);
    // the outer object then lacks its end and is truncated all the same.
    EXPECT_EQ(r.error().code(), ErrorCode::kTruncated) << n << ": " << r.error().toString();
  }
}

TEST(Amf0Decode, ErrorNamesThePropertyAndField) {
  const Buf raw = cat({{0x03}, name("tcUrl"), {0x02, 0x00, 0x10}, text("rtmp")});
  auto r = decodeAmf0(raw);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kTruncated);
  EXPECT_NE(r.error().message().find("tcUrl"), std::string::npos) << r.error().message();
  EXPECT_NE(r.error().message().find("string"), std::string::npos) << r.error().message();
}

// --- encoding ------------------------------------------------------------------

TEST(Amf0Encode, ObjectBytes) {
  const Buf expected = cat({
      {0x03},  // object
      name("app"),
      str("live"),
      name("n"),
      {0x00, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0},
      kObjectEnd,
  });
  EXPECT_EQ(
      encode(AmfValue::object({{"app", AmfValue::string("live")}, {"n", AmfValue::integer(1)}})),
      expected);
}

TEST(Amf0Encode, EcmaArrayWritesRealCount) {
  AmfValue v = AmfValue::ecmaArray({{"a", AmfValue::null()}, {"b", AmfValue::null()}});
  v.asEcmaArray()->countHint = 99;
  EXPECT_EQ(encode(v), cat({{0x08, 0, 0, 0, 2}, name("a"), {0x05}, name("b"), {0x05}, kObjectEnd}));
}

TEST(Amf0Encode, StringsOver65535BytesBecomeLongStrings) {
  const std::string big(70000, 'q');
  Buf bytes = encode(AmfValue::string(big));
  ASSERT_EQ(bytes.size(), 1u + 4u + big.size());
  EXPECT_EQ(bytes[0], 0x0C);
  AmfLimits limits;
  limits.maxStringLength = 100000;
  EXPECT_EQ(*decodeAmf0(bytes, limits), AmfValue::string(big));
}

TEST(Amf0Encode, PropertyNameOver65535BytesFails) {
  base::ByteWriter w;
  auto s = encodeAmf0(AmfValue::object({{std::string(70000, 'k'), AmfValue::null()}}), w);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kInvalidArgument);
}

void expectRoundTrip(const AmfValue& v) {
  Buf bytes = encode(v);
  auto back = decodeAmf0(bytes);
  ASSERT_TRUE(back.ok()) << back.error().toString() << " for " << v.toDebugString();
  EXPECT_EQ(*back, v) << v.toDebugString() << " came back as " << back->toDebugString();
}

TEST(Amf0RoundTrip, EveryType) {
  expectRoundTrip(AmfValue::undefined());
  expectRoundTrip(AmfValue::null());
  expectRoundTrip(AmfValue::boolean(true));
  expectRoundTrip(AmfValue::boolean(false));
  expectRoundTrip(AmfValue::number(-0.5));
  expectRoundTrip(AmfValue::number(1e300));
  expectRoundTrip(AmfValue::string(""));
  expectRoundTrip(AmfValue::string("héllo"));
  expectRoundTrip(AmfValue::xml("<x/>"));
  expectRoundTrip(AmfValue::xml("<e4x/>", true));  // via AMF3
  expectRoundTrip(AmfValue::date(1234567890123.0, -120));
  expectRoundTrip(AmfValue::object());
  expectRoundTrip(AmfValue::object(
      {{"a", AmfValue::string("b")}, {"nested", AmfValue::object({{"c", AmfValue::null()}})}}));
  expectRoundTrip(AmfValue::typedObject("flex.Foo", {{"x", AmfValue::number(1)}}));
  expectRoundTrip(AmfValue::ecmaArray(
      {{"duration", AmfValue::number(0)}, {"encoder", AmfValue::string("Lavf")}}));
  expectRoundTrip(AmfValue::strictArray({AmfValue::number(1), AmfValue::strictArray({})}));
  expectRoundTrip(AmfValue::byteArray({0x00, 0xFF, 0x10}));  // via AMF3
  AmfVector vec;
  vec.kind = AmfVectorKind::kDouble;
  vec.items = {AmfValue::number(1.5)};
  expectRoundTrip(AmfValue(vec));  // via AMF3
  AmfDictionary dict;
  dict.entries.push_back({AmfValue::integer(1), AmfValue::string("one")});
  expectRoundTrip(AmfValue(dict));  // via AMF3
}

TEST(Amf0RoundTrip, IntegerComesBackAsNumber) {
  auto back = decodeAmf0(encode(AmfValue::integer(-7)));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, AmfValue::number(-7));
}

TEST(Amf0RoundTrip, EcmaDensePartBecomesIndexKeys) {
  AmfEcmaArray a;
  a.dense = {AmfValue::string("zero")};
  a.properties = {{"k", AmfValue::null()}};
  auto back = decodeAmf0(encode(AmfValue(a)));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->get("0")->stringOr(""), "zero");
  EXPECT_TRUE(back->get("k")->isNull());
}

}  // namespace
}  // namespace rtmp::protocol
