// stripSetDataFrame / isOnMetaData: the AMF0 first-value checks the server
// makes on every data message (protocol/data_message.h).
#include "protocol/data_message.h"

#include <gtest/gtest.h>

#include "protocol/amf0.h"
#include "protocol/chunk_test_util.h"

namespace rtmp::protocol {
namespace {

using testing::bytesOf;
using testing::hex;
using testing::toVector;

// "onMetaData" as an AMF0 string: marker, length, bytes.
const char kOnMetaDataHex[] =
    "02"                     // string marker
    "000a"                   // length 10
    "6f6e4d65746144617461";  // "onMetaData"

TEST(DataMessage, StripsSetDataFrameAndKeepsTheRest) {
  base::Bytes body =
      bytesOf(hex("02"                              // string marker
                  "000d"                            // length 13
                  "40736574446174614672616d65"      // "@setDataFrame"
                  "| 02 000a 6f6e4d65746144617461"  // "onMetaData"
                  "  03 000000 09"));               // empty object
  const uint8_t* const start = body.data();
  EXPECT_TRUE(stripSetDataFrame(body));
  EXPECT_EQ(toVector(body), hex("02 000a 6f6e4d65746144617461 03 000000 09"));
  EXPECT_EQ(body.data(), start + 16);  // a slice, not a copy
  EXPECT_TRUE(isOnMetaData(body.span()));
}

TEST(DataMessage, LeavesOtherBodiesAlone) {
  const auto raw = hex(kOnMetaDataHex);
  base::Bytes body = bytesOf(raw);
  EXPECT_FALSE(stripSetDataFrame(body));
  EXPECT_EQ(toVector(body), raw);

  base::Bytes empty;
  EXPECT_FALSE(stripSetDataFrame(empty));
  EXPECT_TRUE(empty.empty());
}

TEST(DataMessage, SetDataFrameAloneStripsToEmpty) {
  base::Bytes body = bytesOf(hex("02 000d 40736574446174614672616d65"));
  EXPECT_TRUE(stripSetDataFrame(body));
  EXPECT_TRUE(body.empty());
}

TEST(DataMessage, ShortOrWrongPrefixesAreNotRecognized) {
  // "@setDataFrame" cut one byte short.
  base::Bytes cut = bytesOf(hex("02 000d 40736574446174614672616d"));
  EXPECT_FALSE(stripSetDataFrame(cut));
  // A long string (0x0C) spelling the same name.
  base::Bytes longString = bytesOf(hex("0c 0000000d 40736574446174614672616d65"));
  EXPECT_FALSE(stripSetDataFrame(longString));
  // A different length for the same bytes.
  base::Bytes badLength = bytesOf(hex("02 000c 40736574446174614672616d65"));
  EXPECT_FALSE(stripSetDataFrame(badLength));
}

TEST(DataMessage, IsOnMetaDataChecksTheFirstValueOnly) {
  EXPECT_TRUE(isOnMetaData(hex(kOnMetaDataHex)));
  EXPECT_TRUE(isOnMetaData(hex(std::string(kOnMetaDataHex) + "0800000000 000009")));
  EXPECT_FALSE(isOnMetaData(hex("02 000a 6f6e4d657461446174")));     // one byte short
  EXPECT_FALSE(isOnMetaData(hex("02 0009 6f6e4d65746144617461")));   // wrong length
  EXPECT_FALSE(isOnMetaData(hex("02 000a 6f6e43756550 6f696e74")));  // "onCuePoint"
  EXPECT_FALSE(isOnMetaData({}));
}

TEST(DataMessage, AgreesWithTheAmf0Encoder) {
  base::ByteWriter w;
  ASSERT_TRUE(encodeAmf0(AmfValue::string("@setDataFrame"), w).ok());
  ASSERT_TRUE(encodeAmf0(AmfValue::string("onMetaData"), w).ok());
  base::Bytes body = bytesOf(w.take());
  ASSERT_TRUE(stripSetDataFrame(body));
  EXPECT_TRUE(isOnMetaData(body.span()));
}

}  // namespace
}  // namespace rtmp::protocol
