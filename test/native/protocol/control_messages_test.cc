// Protocol control messages, RTMP 1.0 §5.4.1-5.4.5.
#include "protocol/control_messages.h"

#include <gtest/gtest.h>

#include "protocol/chunk_test_util.h"

namespace rtmp::protocol {
namespace {

using base::ErrorCode;
using testing::bytesOf;
using testing::hex;
using testing::toVector;

Message withPayload(MessageType type, const char* payloadHex) {
  Message m;
  m.csid = kCsidProtocolControl;
  m.typeId = static_cast<uint8_t>(type);
  m.payload = bytesOf(hex(payloadHex));
  return m;
}

void expectControlEnvelope(const Message& m, MessageType type) {
  EXPECT_EQ(m.csid, 2u);      // §5.4: chunk stream 2
  EXPECT_EQ(m.streamId, 0u);  // message stream 0
  EXPECT_EQ(m.timestamp, 0u);
  EXPECT_EQ(m.type(), type);
}

TEST(ControlMessages, SetChunkSizeEncoding) {
  Message m = encodeSetChunkSize(4096);
  expectControlEnvelope(m, MessageType::kSetChunkSize);
  EXPECT_EQ(toVector(m.payload), hex("00001000"));  // 0 bit + 31-bit size 4096
  EXPECT_EQ(*decodeSetChunkSize(m), 4096u);
}

TEST(ControlMessages, SetChunkSizeBounds) {
  EXPECT_EQ(*decodeSetChunkSize(withPayload(MessageType::kSetChunkSize, "00000001")), 1u);
  EXPECT_EQ(*decodeSetChunkSize(withPayload(MessageType::kSetChunkSize, "7fffffff")), 0x7FFFFFFFu);
  EXPECT_EQ(decodeSetChunkSize(withPayload(MessageType::kSetChunkSize, "00000000")).error().code(),
            ErrorCode::kChunkSize);
  EXPECT_EQ(decodeSetChunkSize(withPayload(MessageType::kSetChunkSize, "80000080")).error().code(),
            ErrorCode::kChunkSize);
}

TEST(ControlMessages, AbortEncoding) {
  Message m = encodeAbort(320);
  expectControlEnvelope(m, MessageType::kAbort);
  EXPECT_EQ(toVector(m.payload), hex("00000140"));  // csid 320
  EXPECT_EQ(*decodeAbort(m), 320u);
}

TEST(ControlMessages, AcknowledgementEncoding) {
  Message m = encodeAcknowledgement(0x89abcdef);
  expectControlEnvelope(m, MessageType::kAcknowledgement);
  EXPECT_EQ(toVector(m.payload), hex("89abcdef"));  // sequence number
  EXPECT_EQ(*decodeAcknowledgement(m), 0x89abcdefu);
}

TEST(ControlMessages, WindowAckSizeEncoding) {
  Message m = encodeWindowAckSize(2500000);
  expectControlEnvelope(m, MessageType::kWindowAckSize);
  EXPECT_EQ(toVector(m.payload), hex("002625a0"));  // 2,500,000
  EXPECT_EQ(*decodeWindowAckSize(m), 2500000u);
}

TEST(ControlMessages, SetPeerBandwidthEncoding) {
  Message m = encodeSetPeerBandwidth(2500000, BandwidthLimitType::kDynamic);
  expectControlEnvelope(m, MessageType::kSetPeerBandwidth);
  EXPECT_EQ(toVector(m.payload), hex("002625a0"  // window size
                                     "02"));     // limit type: dynamic
  auto decoded = decodeSetPeerBandwidth(m);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->windowSize, 2500000u);
  EXPECT_EQ(decoded->limitType, BandwidthLimitType::kDynamic);
}

TEST(ControlMessages, SetPeerBandwidthLimitTypes) {
  EXPECT_EQ(
      decodeSetPeerBandwidth(withPayload(MessageType::kSetPeerBandwidth, "00001000 00"))->limitType,
      BandwidthLimitType::kHard);
  EXPECT_EQ(
      decodeSetPeerBandwidth(withPayload(MessageType::kSetPeerBandwidth, "00001000 01"))->limitType,
      BandwidthLimitType::kSoft);
  EXPECT_EQ(decodeSetPeerBandwidth(withPayload(MessageType::kSetPeerBandwidth, "00001000 03"))
                .error()
                .code(),
            ErrorCode::kMalformed);
}

TEST(ControlMessages, TruncatedPayloadsAreErrors) {
  EXPECT_EQ(decodeSetChunkSize(withPayload(MessageType::kSetChunkSize, "000010")).error().code(),
            ErrorCode::kTruncated);
  EXPECT_EQ(decodeAbort(withPayload(MessageType::kAbort, "")).error().code(),
            ErrorCode::kTruncated);
  EXPECT_EQ(decodeAcknowledgement(withPayload(MessageType::kAcknowledgement, "01")).error().code(),
            ErrorCode::kTruncated);
  EXPECT_EQ(decodeWindowAckSize(withPayload(MessageType::kWindowAckSize, "0102")).error().code(),
            ErrorCode::kTruncated);
  EXPECT_EQ(decodeSetPeerBandwidth(withPayload(MessageType::kSetPeerBandwidth, "00001000"))
                .error()
                .code(),
            ErrorCode::kTruncated);
}

TEST(ControlMessages, TrailingBytesAreIgnored) {
  EXPECT_EQ(*decodeWindowAckSize(withPayload(MessageType::kWindowAckSize, "00001000 ffff")), 4096u);
}

TEST(ControlMessages, WrongMessageTypeIsInvalidArgument) {
  Message ack = encodeAcknowledgement(1);
  EXPECT_EQ(decodeSetChunkSize(ack).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(decodeAbort(ack).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(decodeWindowAckSize(ack).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(decodeSetPeerBandwidth(ack).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(decodeAcknowledgement(encodeAbort(3)).error().code(), ErrorCode::kInvalidArgument);
}

TEST(ControlMessages, ErrorsNameTheMessage) {
  auto r = decodeAbort(withPayload(MessageType::kAbort, "00"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("abort"), std::string::npos);
}

}  // namespace
}  // namespace rtmp::protocol
