// AMF3 codec tests. Byte vectors are written from the AMF3 spec (January
// 2013), one field per line.
#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "base/byte_reader.h"
#include "base/byte_writer.h"
#include "protocol/amf3.h"

namespace rtmp::protocol {
namespace {

using base::ErrorCode;
using Buf = std::vector<uint8_t>;

Buf cat(std::initializer_list<Buf> parts) {
  Buf out;
  for (const Buf& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

Buf encode(const AmfValue& v) {
  base::ByteWriter w;
  auto s = encodeAmf3(v, w);
  EXPECT_TRUE(s.ok()) << s.error().toString();
  return w.take();
}

ErrorCode errorOf(const Buf& raw, const AmfLimits& limits = {}) {
  auto r = decodeAmf3(raw, limits);
  EXPECT_FALSE(r.ok()) << "decoded: " << r->toDebugString();
  return r.ok() ? ErrorCode::kOk : r.error().code();
}

const Buf kOne = {0x3F, 0xF0, 0, 0, 0, 0, 0, 0};  // DOUBLE 1.0

// --- U29 -----------------------------------------------------------------------

struct U29Case {
  uint32_t value;
  Buf bytes;
};

const U29Case kU29Cases[] = {
    {0x00000000, {0x00}},
    {0x0000007F, {0x7F}},
    {0x00000080, {0x81, 0x00}},
    {0x00003FFF, {0xFF, 0x7F}},
    {0x00004000, {0x81, 0x80, 0x00}},
    {0x001FFFFF, {0xFF, 0xFF, 0x7F}},
    {0x00200000, {0x80, 0xC0, 0x80, 0x00}},
    {0x0FFFFFFF, {0xBF, 0xFF, 0xFF, 0xFF}},
    {0x10000000, {0xC0, 0x80, 0x80, 0x00}},
    {0x1FFFFFFF, {0xFF, 0xFF, 0xFF, 0xFF}},
};

TEST(Amf3U29, EncodesEdgeValues) {
  for (const U29Case& c : kU29Cases) {
    base::ByteWriter w;
    writeU29(w, c.value);
    EXPECT_EQ(w.take(), c.bytes) << std::hex << c.value;
  }
}

TEST(Amf3U29, DecodesEdgeValues) {
  for (const U29Case& c : kU29Cases) {
    base::ByteReader r(c.bytes);
    auto v = readU29(r);
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(*v, c.value) << std::hex << c.value;
    EXPECT_TRUE(r.atEnd());
  }
}

TEST(Amf3U29, FourthByteUsesAllEightBits) {
  const Buf raw = {0x80, 0x80, 0x80, 0xFF};  // 3 continuation bytes, then 0xFF
  base::ByteReader r(raw);
  EXPECT_EQ(*readU29(r), 0xFFu);
}

TEST(Amf3U29, TruncatedContinuation) {
  const Buf raw = {0x81, 0x80};  // says more follows, then ends
  base::ByteReader r(raw);
  auto v = readU29(r);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code(), ErrorCode::kTruncated);
}

// --- integer -------------------------------------------------------------------

TEST(Amf3Integer, SignExtendsFromBit28) {
  EXPECT_EQ(*decodeAmf3(Buf{0x04, 0x00}), AmfValue::integer(0));
  EXPECT_EQ(*decodeAmf3(Buf{0x04, 0x7F}), AmfValue::integer(127));
  EXPECT_EQ(*decodeAmf3(Buf{0x04, 0x81, 0x00}), AmfValue::integer(128));
  EXPECT_EQ(*decodeAmf3(Buf{0x04, 0xBF, 0xFF, 0xFF, 0xFF}), AmfValue::integer(kAmf3IntMax));
  EXPECT_EQ(*decodeAmf3(Buf{0x04, 0xFF, 0xFF, 0xFF, 0xFF}), AmfValue::integer(-1));
  EXPECT_EQ(*decodeAmf3(Buf{0x04, 0xC0, 0x80, 0x80, 0x00}), AmfValue::integer(kAmf3IntMin));
}

TEST(Amf3Integer, EncodesNegativeAsTwentyNineBitTwosComplement) {
  EXPECT_EQ(encode(AmfValue::integer(-1)), (Buf{0x04, 0xFF, 0xFF, 0xFF, 0xFF}));
  EXPECT_EQ(encode(AmfValue::integer(kAmf3IntMin)), (Buf{0x04, 0xC0, 0x80, 0x80, 0x00}));
  EXPECT_EQ(encode(AmfValue::integer(0x3FFF)), (Buf{0x04, 0xFF, 0x7F}));
}

TEST(Amf3Integer, OutsideTwentyNineBitsEncodesAsDouble) {
  Buf bytes = encode(AmfValue::integer(kAmf3IntMax + 1));
  ASSERT_EQ(bytes[0], 0x05);  // double-marker
  EXPECT_EQ(*decodeAmf3(bytes), AmfValue::number(268435456.0));
  EXPECT_EQ(encode(AmfValue::integer(kAmf3IntMin - 1))[0], 0x05);
}

// --- simple types --------------------------------------------------------------

TEST(Amf3Decode, SimpleMarkers) {
  EXPECT_TRUE(decodeAmf3(Buf{0x00})->isUndefined());
  EXPECT_TRUE(decodeAmf3(Buf{0x01})->isNull());
  EXPECT_EQ(*decodeAmf3(Buf{0x02}), AmfValue::boolean(false));
  EXPECT_EQ(*decodeAmf3(Buf{0x03}), AmfValue::boolean(true));
  EXPECT_EQ(*decodeAmf3(cat({{0x05}, kOne})), AmfValue::number(1.0));
}

TEST(Amf3Decode, String) {
  const Buf raw = {
      0x06,  // string-marker
      0x09,  // U29S-value: length 4, inline (4 << 1 | 1)
      'l',  'i', 'v', 'e',
  };
  EXPECT_EQ(*decodeAmf3(raw), AmfValue::string("live"));
}

TEST(Amf3Decode, XmlDocXmlDateByteArray) {
  auto doc = decodeAmf3(Buf{0x07, 0x07, '<', 'a', '>'});  // XMLDocument, length 3
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(*doc, AmfValue::xml("<a>", false));
  auto e4x = decodeAmf3(Buf{0x0B, 0x07, '<', 'b', '>'});  // XML, length 3
  ASSERT_TRUE(e4x.ok());
  EXPECT_EQ(*e4x, AmfValue::xml("<b>", true));
  auto date = decodeAmf3(cat({{0x08, 0x01}, kOne}));  // date-marker, inline, 1.0 ms
  ASSERT_TRUE(date.ok());
  EXPECT_EQ(*date, AmfValue::date(1.0));
  auto bytes = decodeAmf3(Buf{0x0C, 0x07, 0x01, 0x02, 0x03});  // ByteArray of 3
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(*bytes, AmfValue::byteArray({1, 2, 3}));
}

// --- arrays and objects -----------------------------------------------------------

TEST(Amf3Decode, DenseArrayIsStrictArray) {
  const Buf raw = {
      0x09,        // array-marker
      0x05,        // U29A-value: dense count 2
      0x01,        // no associative part (empty string)
      0x04, 0x01,  // integer 1
      0x02,        // false
  };
  EXPECT_EQ(*decodeAmf3(raw),
            AmfValue::strictArray({AmfValue::integer(1), AmfValue::boolean(false)}));
}

TEST(Amf3Decode, ArrayWithAssociativePartIsEcmaArray) {
  const Buf raw = {
      0x09,                    // array-marker
      0x03,                    // dense count 1
      0x03, 'a',  0x04, 0x01,  // "a": 1
      0x01,                    // end of associative part
      0x04, 0x02,              // dense[0] = 2
  };
  auto v = decodeAmf3(raw);
  ASSERT_TRUE(v.ok()) << v.error().toString();
  ASSERT_TRUE(v->isEcmaArray());
  EXPECT_EQ(v->get("a")->numberOr(0), 1);
  ASSERT_EQ(v->asEcmaArray()->dense.size(), 1u);
  EXPECT_EQ(v->asEcmaArray()->dense[0], AmfValue::integer(2));
}

TEST(Amf3Decode, AnonymousDynamicObject) {
  const Buf raw = {
      0x0A,                            // object-marker
      0x0B,                            // U29O-traits: inline, dynamic, 0 sealed (0b1011)
      0x01,                            // class name "" (anonymous)
      0x07, 'a',  'p', 'p',            // dynamic member "app"
      0x06, 0x09, 'l', 'i', 'v', 'e',  //   = "live"
      0x01,                            // end of dynamic members
  };
  auto v = decodeAmf3(raw);
  ASSERT_TRUE(v.ok()) << v.error().toString();
  EXPECT_EQ(*v, AmfValue::object({{"app", AmfValue::string("live")}}));
}

TEST(Amf3Decode, SealedTypedObject) {
  const Buf raw = {
      0x0A,             // object-marker
      0x23,             // U29O-traits: inline, not dynamic, 2 sealed (2 << 4 | 0b0011)
      0x05, 'P',  't',  // class name "Pt"
      0x03, 'x',        // sealed member name "x"
      0x03, 'y',        // sealed member name "y"
      0x04, 0x01,       // x = 1
      0x04, 0x02,       // y = 2
  };
  auto v = decodeAmf3(raw);
  ASSERT_TRUE(v.ok()) << v.error().toString();
  const AmfObject* o = v->asObject();
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->className, "Pt");
  EXPECT_EQ(o->sealedCount, 2u);
  EXPECT_FALSE(o->dynamic);
  EXPECT_EQ(v->get("y")->numberOr(0), 2);
}

// --- reference tables -------------------------------------------------------------

TEST(Amf3References, StringReference) {
  const Buf raw = {
      0x09, 0x05, 0x01,            // array, dense 2, no associative part
      0x06, 0x07, 'a',  'b', 'c',  // "abc" -> string #0
      0x06, 0x00,                  // string reference #0
  };
  EXPECT_EQ(*decodeAmf3(raw),
            AmfValue::strictArray({AmfValue::string("abc"), AmfValue::string("abc")}));
}

TEST(Amf3References, EmptyStringIsNotInTheStringTable) {
  const Buf raw = {
      0x09, 0x07, 0x01,  // array, dense 3
      0x06, 0x01,        // "" (never referenced, not in the table)
      0x06, 0x03, 'x',   // "x" -> string #0
      0x06, 0x00,        // string reference #0 = "x"
  };
  EXPECT_EQ(*decodeAmf3(raw), AmfValue::strictArray({AmfValue::string(""), AmfValue::string("x"),
                                                     AmfValue::string("x")}));
}

TEST(Amf3References, KeysAndClassNamesShareTheStringTable) {
  const Buf raw = {
      0x09, 0x05, 0x01,             // array (object #0), dense 2
      0x0A, 0x13, 0x05, 'P',  't',  //   object #1, 1 sealed, class "Pt" (string #0)
      0x03, 'x',                    //     member "x" (string #1)
      0x06, 0x00,                   //     x = string reference #0 = "Pt"
      0x0A, 0x13, 0x00, 0x02,       //   object #2, inline traits: class ref #0, member ref #1
      0x04, 0x05,                   //     x = 5
  };
  auto v = decodeAmf3(raw);
  ASSERT_TRUE(v.ok()) << v.error().toString();
  const AmfArray& items = *v->asStrictArray();
  EXPECT_EQ(items[0].get("x")->stringOr(""), "Pt");
  EXPECT_EQ(items[1].asObject()->className, "Pt");
  EXPECT_EQ(items[1].get("x")->numberOr(0), 5);
}

TEST(Amf3References, ObjectReference) {
  const Buf raw = {
      0x09, 0x05, 0x01,             // array (object #0), dense 2
      0x0A, 0x0B, 0x01,             //   object #1: dynamic, anonymous
      0x03, 'k',  0x06, 0x03, 'v',  //     k: "v"
      0x01,                         //     end
      0x0A, 0x02,                   //   object reference #1 (1 << 1)
  };
  auto v = decodeAmf3(raw);
  ASSERT_TRUE(v.ok()) << v.error().toString();
  const AmfArray& items = *v->asStrictArray();
  EXPECT_EQ(items[0], AmfValue::object({{"k", AmfValue::string("v")}}));
  EXPECT_EQ(items[1], items[0]);
}

TEST(Amf3References, DateIsInTheObjectTable) {
  const Buf raw = cat({
      {0x09, 0x05, 0x01},  // array (object #0), dense 2
      {0x08, 0x01},
      kOne,          //   date (object #1)
      {0x08, 0x02},  //   object reference #1
  });
  auto v = decodeAmf3(raw);
  ASSERT_TRUE(v.ok()) << v.error().toString();
  EXPECT_EQ((*v->asStrictArray())[1], AmfValue::date(1.0));
}

TEST(Amf3References, TraitsReference) {
  const Buf raw = {
      0x09, 0x05, 0x01,            // array, dense 2
      0x0A, 0x13, 0x05, 'P', 't',  //   object, inline traits #0: "Pt", 1 sealed
      0x03, 'x',                   //     member "x"
      0x04, 0x01,                  //     x = 1
      0x0A, 0x01,                  //   object, traits reference #0 (0 << 2 | 0b01)
      0x04, 0x02,                  //     x = 2
  };
  auto v = decodeAmf3(raw);
  ASSERT_TRUE(v.ok()) << v.error().toString();
  const AmfArray& items = *v->asStrictArray();
  EXPECT_EQ(items[1].asObject()->className, "Pt");
  EXPECT_EQ(items[1].asObject()->sealedCount, 1u);
  EXPECT_EQ(items[1].get("x")->numberOr(0), 2);
}

TEST(Amf3References, StringReferenceOutOfRange) {
  EXPECT_EQ(errorOf(Buf{0x06, 0x00}), ErrorCode::kAmfReference);
}

TEST(Amf3References, ObjectReferenceOutOfRange) {
  EXPECT_EQ(errorOf(Buf{0x0A, 0x00}), ErrorCode::kAmfReference);
  EXPECT_EQ(errorOf(Buf{0x09, 0x04}), ErrorCode::kAmfReference);
}

TEST(Amf3References, TraitsReferenceOutOfRange) {
  EXPECT_EQ(errorOf(Buf{0x0A, 0x05}), ErrorCode::kAmfReference);  // traits ref #1
}

TEST(Amf3References, SelfReferenceIsACycle) {
  const Buf raw = {
      0x0A, 0x0B, 0x01,  // object #0, dynamic
      0x03, 's',         //   member "s"
      0x0A, 0x00,        //   = object reference #0 (still open)
      0x01,
  };
  EXPECT_EQ(errorOf(raw), ErrorCode::kAmfReference);
}

TEST(Amf3References, ReferenceBombHitsTheValueLimit) {
  // a0 = [null]; a(k) = [ref a(k-1), ref a(k-1)].
  Buf raw = {0x09, 0x03, 0x01, 0x01};
  for (uint8_t k = 1; k < 40; ++k) {
    const uint8_t ref = static_cast<uint8_t>((k - 1) << 1);
    raw.insert(raw.end(), {0x09, 0x05, 0x01, 0x09, ref, 0x09, ref});
  }
  Amf3Decoder d(raw);
  base::Status failed = base::okStatus();
  while (!d.atEnd()) {
    auto v = d.next();
    if (!v.ok()) {
      failed = v.error();
      break;
    }
  }
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code(), ErrorCode::kLimitExceeded);
}

TEST(Amf3References, StringReferencesCountAgainstReferencedBytes) {
  Buf raw = {0x09, 0x0B, 0x01};               // array, dense 5
  raw.insert(raw.end(), {0x06, 0x83, 0x11});  // string of 200 bytes
  raw.resize(raw.size() + 200, 'z');
  for (int i = 0; i < 4; ++i) raw.insert(raw.end(), {0x06, 0x00});  // 4 references: 800 copied
  AmfLimits limits;
  limits.maxReferencedBytes = 799;
  EXPECT_EQ(errorOf(raw, limits), ErrorCode::kLimitExceeded);
  limits.maxReferencedBytes = 800;
  EXPECT_TRUE(decodeAmf3(raw, limits).ok());
}

TEST(Amf3References, TraitsReferenceNamesAreCopies) {
  const Buf raw = {
      0x09, 0x05, 0x01,            // array, dense 2
      0x0A, 0x13, 0x01,            //   object, inline traits: anonymous, 1 sealed
      0x09, 'a',  'b',  'c', 'd',  //     member "abcd"
      0x01,                        //     = null
      0x0A, 0x01,                  //   object, traits reference #0
      0x01,                        //     abcd = null (name copied: 4 bytes)
  };
  AmfLimits limits;
  limits.maxReferencedBytes = 3;
  EXPECT_EQ(errorOf(raw, limits), ErrorCode::kLimitExceeded);
  limits.maxReferencedBytes = 4;
  EXPECT_TRUE(decodeAmf3(raw, limits).ok());
}

TEST(Amf3References, StringReferencesCountAgainstOutputBytes) {
  Buf raw = {0x09, 0x0B, 0x01};               // array, dense 5
  raw.insert(raw.end(), {0x06, 0x83, 0x11});  // string of 200 bytes (200 << 1 | 1 = 0x191)
  raw.resize(raw.size() + 200, 'z');
  for (int i = 0; i < 4; ++i) raw.insert(raw.end(), {0x06, 0x00});  // 4 references to it
  AmfLimits limits;
  limits.maxOutputBytes = 900;
  EXPECT_EQ(errorOf(raw, limits), ErrorCode::kLimitExceeded);
  limits.maxOutputBytes = 1000;
  EXPECT_TRUE(decodeAmf3(raw, limits).ok());
}

// --- vectors and dictionary -----------------------------------------------------

TEST(Amf3Decode, VectorInt) {
  const Buf raw = {
      0x0D,                    // vector-int-marker
      0x05,                    // count 2
      0x00,                    // not fixed
      0xFF, 0xFF, 0xFF, 0xFF,  // -1
      0x7F, 0xFF, 0xFF, 0xFF,  // INT32_MAX (vectors use all 32 bits)
  };
  auto v = decodeAmf3(raw);
  ASSERT_TRUE(v.ok()) << v.error().toString();
  const AmfVector* vec = v->asVector();
  ASSERT_NE(vec, nullptr);
  EXPECT_EQ(vec->kind, AmfVectorKind::kInt);
  EXPECT_FALSE(vec->fixed);
  EXPECT_EQ(vec->items, (AmfArray{AmfValue::integer(-1), AmfValue::integer(INT32_MAX)}));
}

TEST(Amf3Decode, VectorUintAndDouble) {
  auto u = decodeAmf3(Buf{0x0E, 0x03, 0x01, 0xFF, 0xFF, 0xFF, 0xFF});  // fixed [4294967295]
  ASSERT_TRUE(u.ok());
  EXPECT_TRUE(u->asVector()->fixed);
  EXPECT_EQ(u->asVector()->items[0], AmfValue::number(4294967295.0));
  auto d = decodeAmf3(cat({{0x0F, 0x03, 0x00}, kOne}));  // [1.0]
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->asVector()->items[0], AmfValue::number(1.0));
}

TEST(Amf3Decode, VectorObject) {
  const Buf raw = {
      0x10,        // vector-object-marker
      0x05,        // count 2
      0x00,        // not fixed
      0x03, '*',   // element type "*"
      0x04, 0x01,  // 1
      0x01,        // null
  };
  auto v = decodeAmf3(raw);
  ASSERT_TRUE(v.ok()) << v.error().toString();
  EXPECT_EQ(v->asVector()->typeName, "*");
  EXPECT_EQ(v->asVector()->items, (AmfArray{AmfValue::integer(1), AmfValue::null()}));
}

TEST(Amf3Decode, Dictionary) {
  const Buf raw = {
      0x11,             // dictionary-marker
      0x03,             // 1 entry
      0x01,             // weak keys
      0x06, 0x03, 'k',  // key "k"
      0x04, 0x05,       // value 5
  };
  auto v = decodeAmf3(raw);
  ASSERT_TRUE(v.ok()) << v.error().toString();
  const AmfDictionary* d = v->asDictionary();
  ASSERT_NE(d, nullptr);
  EXPECT_TRUE(d->weakKeys);
  ASSERT_EQ(d->entries.size(), 1u);
  EXPECT_EQ(d->entries[0].key, AmfValue::string("k"));
  EXPECT_EQ(d->entries[0].value, AmfValue::integer(5));
}

// --- errors ------------------------------------------------------------------------

TEST(Amf3Errors, ExternalizableObjectIsUnsupported) {
  const Buf raw = {0x0A, 0x07, 0x07, 'F', 'o', 'o'};  // traits-ext (0b0111), class "Foo"
  EXPECT_EQ(errorOf(raw), ErrorCode::kUnsupported);
}

TEST(Amf3Errors, UnknownMarker) {
  EXPECT_EQ(errorOf(Buf{0x12}), ErrorCode::kAmfType);
  EXPECT_EQ(errorOf(Buf{0xFF}), ErrorCode::kAmfType);
}

Buf nestedArrays(int depth) {
  Buf raw;
  for (int i = 0; i < depth; ++i) raw.insert(raw.end(), {0x09, 0x03, 0x01});  // [x]
  raw.push_back(0x01);
  return raw;
}

TEST(Amf3Errors, Depth32IsAllowed) {
  EXPECT_TRUE(decodeAmf3(nestedArrays(32)).ok());
}

TEST(Amf3Errors, Depth33IsRejected) {
  EXPECT_EQ(errorOf(nestedArrays(33)), ErrorCode::kAmfDepth);
}

TEST(Amf3Errors, StringOverLimit) {
  Buf raw = {0x06, 0x88, 0x80, 0x03};  // U29 0x20003: length 65537, inline
  raw.resize(raw.size() + 65537, 'x');
  EXPECT_EQ(errorOf(raw), ErrorCode::kLimitExceeded);
}

TEST(Amf3Errors, HugeDeclaredCounts) {
  // Array of 0x0FFFFFFF elements: over maxElements.
  EXPECT_EQ(errorOf(Buf{0x09, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}), ErrorCode::kLimitExceeded);
  AmfLimits unlimited;
  unlimited.maxElements = UINT32_MAX;
  // With no element cap, the remaining bytes still bound it.
  EXPECT_EQ(errorOf(Buf{0x09, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}, unlimited), ErrorCode::kTruncated);
  // Vector.<int> of 1000 needs 4000 bytes.
  EXPECT_EQ(errorOf(Buf{0x0D, 0x8F, 0x51, 0x00, 0, 0, 0, 0}), ErrorCode::kTruncated);
  // 2^24 sealed members: U29O 0x10000003.
  EXPECT_EQ(errorOf(Buf{0x0A, 0xC0, 0x80, 0x80, 0x03, 0x01}), ErrorCode::kLimitExceeded);
  // Dictionary of 0x0FFFFFFF entries.
  EXPECT_EQ(errorOf(Buf{0x11, 0xFF, 0xFF, 0xFF, 0xFF, 0x00}), ErrorCode::kLimitExceeded);
}

TEST(Amf3Errors, TruncatedAtEveryField) {
  const Buf full = cat({
      {0x0A, 0x0B, 0x01},             // dynamic anonymous object
      {0x03, 'i', 0x04, 0x81, 0x00},  // i: 128
      {0x03, 'd', 0x05},
      kOne,                               // d: 1.0
      {0x03, 's', 0x06, 0x05, 'h', 'i'},  // s: "hi"
      {0x03, 't', 0x08, 0x01},
      kOne,                                       // t: date
      {0x03, 'a', 0x09, 0x03, 0x01, 0x02},        // a: [false]
      {0x03, 'b', 0x0C, 0x03, 0xFF},              // b: bytes [FF]
      {0x03, 'v', 0x0D, 0x03, 0x00, 0, 0, 0, 1},  // v: Vector.<int> [1]
      {0x03, 'o', 0x10, 0x03, 0x00, 0x01, 0x01},  // o: Vector.<*> [null]
      {0x03, 'y', 0x11, 0x03, 0x00, 0x01, 0x01},  // y: dictionary {null: null}
      {0x03, 'x', 0x0B, 0x03, 'x'},               // x: XML "x"
      {0x01},                                     // end
  });
  ASSERT_TRUE(decodeAmf3(full).ok());
  for (size_t n = 0; n < full.size(); ++n) {
    auto r = decodeAmf3(Buf(full.begin(), full.begin() + static_cast<ptrdiff_t>(n)));
    ASSERT_FALSE(r.ok()) << "prefix of " << n << " bytes decoded";
    EXPECT_EQ(r.error().code(), ErrorCode::kTruncated) << n << ": " << r.error().toString();
  }
}

// --- encoding --------------------------------------------------------------------

TEST(Amf3Encode, ObjectBytes) {
  const Buf expected = {
      0x0A, 0x0B, 0x01,                 // object, inline dynamic traits, anonymous
      0x07, 'a',  'p',  'p',            // "app"
      0x06, 0x09, 'l',  'i', 'v', 'e',  // "live"
      0x01,                             // end
  };
  EXPECT_EQ(encode(AmfValue::object({{"app", AmfValue::string("live")}})), expected);
}

TEST(Amf3Encode, EmptyDynamicKeyFails) {
  base::ByteWriter w;
  auto s = encodeAmf3(AmfValue::object({{"", AmfValue::null()}}), w);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kInvalidArgument);
}

void expectRoundTrip(const AmfValue& v) {
  Buf bytes = encode(v);
  auto back = decodeAmf3(bytes);
  ASSERT_TRUE(back.ok()) << back.error().toString() << " for " << v.toDebugString();
  EXPECT_EQ(*back, v) << v.toDebugString() << " came back as " << back->toDebugString();
}

TEST(Amf3RoundTrip, EveryType) {
  expectRoundTrip(AmfValue::undefined());
  expectRoundTrip(AmfValue::null());
  expectRoundTrip(AmfValue::boolean(false));
  expectRoundTrip(AmfValue::boolean(true));
  for (int32_t i :
       {0, 1, 127, 128, 0x3FFF, 0x4000, 0x1FFFFF, 0x200000, kAmf3IntMax, -1, -128, kAmf3IntMin}) {
    expectRoundTrip(AmfValue::integer(i));
  }
  expectRoundTrip(AmfValue::number(-2.5));
  expectRoundTrip(AmfValue::string(""));
  expectRoundTrip(AmfValue::string(std::string(300, 's')));
  expectRoundTrip(AmfValue::xml("<doc/>", false));
  expectRoundTrip(AmfValue::xml("<e4x/>", true));
  expectRoundTrip(AmfValue::date(86400000.0));
  expectRoundTrip(AmfValue::object(
      {{"a", AmfValue::integer(1)}, {"b", AmfValue::object({{"c", AmfValue::null()}})}}));
  AmfObject sealed;
  sealed.className = "Pt";
  sealed.properties = {{"x", AmfValue::integer(1)}, {"y", AmfValue::integer(2)}};
  sealed.sealedCount = 2;
  sealed.dynamic = false;
  expectRoundTrip(AmfValue(sealed));
  sealed.dynamic = true;
  sealed.sealedCount = 1;
  expectRoundTrip(AmfValue(sealed));
  AmfEcmaArray mixed;
  mixed.properties = {{"k", AmfValue::string("v")}};
  mixed.dense = {AmfValue::integer(9)};
  mixed.countHint = 1;
  expectRoundTrip(AmfValue(mixed));
  expectRoundTrip(AmfValue::strictArray({AmfValue::integer(1), AmfValue::strictArray({})}));
  expectRoundTrip(AmfValue::byteArray({}));
  expectRoundTrip(AmfValue::byteArray({0xDE, 0xAD}));
  for (AmfVectorKind kind : {AmfVectorKind::kInt, AmfVectorKind::kUint, AmfVectorKind::kDouble}) {
    AmfVector v;
    v.kind = kind;
    v.fixed = true;
    v.items = {kind == AmfVectorKind::kInt ? AmfValue::integer(-5) : AmfValue::number(5)};
    expectRoundTrip(AmfValue(v));
  }
  AmfVector objects;
  objects.typeName = "com.Foo";
  objects.items = {AmfValue::string("a"), AmfValue::null()};
  expectRoundTrip(AmfValue(objects));
  AmfDictionary dict;
  dict.weakKeys = true;
  dict.entries = {{AmfValue::object(), AmfValue::string("obj key")},
                  {AmfValue::integer(3), AmfValue::boolean(true)}};
  expectRoundTrip(AmfValue(dict));
}

TEST(Amf3Decoder, SequenceSharesTablesAcrossValues) {
  const Buf raw = {
      0x06, 0x05, 'h', 'i',  // "hi" -> string #0
      0x06, 0x00,            // string reference #0
  };
  Amf3Decoder d(raw);
  EXPECT_EQ(*d.next(), AmfValue::string("hi"));
  EXPECT_EQ(*d.next(), AmfValue::string("hi"));
  EXPECT_TRUE(d.atEnd());
}

}  // namespace
}  // namespace rtmp::protocol
