// User Control messages, RTMP 1.0 §6.2 / §7.1.7.
#include "protocol/user_control.h"

#include <gtest/gtest.h>

#include "protocol/chunk_test_util.h"

namespace rtmp::protocol {
namespace {

using base::ErrorCode;
using testing::bytesOf;
using testing::hex;
using testing::toVector;
using Type = UserControlEventType;

Message userControl(const char* payloadHex) {
  Message m;
  m.csid = kCsidProtocolControl;
  m.typeId = static_cast<uint8_t>(MessageType::kUserControl);
  m.payload = bytesOf(hex(payloadHex));
  return m;
}

UserControlEvent decodeOk(const Message& m) {
  auto r = decodeUserControl(m);
  EXPECT_TRUE(r.ok()) << r.error().toString();
  return r.ok() ? std::move(r).value() : UserControlEvent{};
}

TEST(UserControl, StreamBegin) {
  Message m = encodeStreamBegin(1);
  EXPECT_EQ(m.csid, 2u);
  EXPECT_EQ(m.streamId, 0u);
  EXPECT_EQ(m.type(), MessageType::kUserControl);
  EXPECT_EQ(toVector(m.payload), hex("0000"         // event 0: Stream Begin
                                     "00000001"));  // stream id 1
  auto e = decodeOk(m);
  EXPECT_EQ(e.type, Type::kStreamBegin);
  EXPECT_EQ(e.rawType, 0);
  EXPECT_EQ(e.streamId, 1u);
}

TEST(UserControl, StreamEofDryAndIsRecorded) {
  EXPECT_EQ(toVector(encodeStreamEof(2).payload), hex("0001 00000002"));
  EXPECT_EQ(toVector(encodeStreamDry(3).payload), hex("0002 00000003"));
  EXPECT_EQ(toVector(encodeStreamIsRecorded(4).payload), hex("0004 00000004"));
  EXPECT_EQ(decodeOk(encodeStreamEof(2)).type, Type::kStreamEof);
  EXPECT_EQ(decodeOk(encodeStreamDry(3)).streamId, 3u);
  EXPECT_EQ(decodeOk(encodeStreamIsRecorded(4)).type, Type::kStreamIsRecorded);
}

TEST(UserControl, SetBufferLength) {
  Message m = encodeSetBufferLength(1, 3000);
  EXPECT_EQ(toVector(m.payload), hex("0003"         // event 3: Set Buffer Length
                                     "00000001"     // stream id 1
                                     "00000bb8"));  // 3000 ms
  auto e = decodeOk(m);
  EXPECT_EQ(e.type, Type::kSetBufferLength);
  EXPECT_EQ(e.streamId, 1u);
  EXPECT_EQ(e.bufferLengthMs, 3000u);
}

TEST(UserControl, PingRequestAndResponse) {
  EXPECT_EQ(toVector(encodePingRequest(0x0d0f).payload), hex("0006 00000d0f"));
  EXPECT_EQ(toVector(encodePingResponse(0x0d0f).payload), hex("0007 00000d0f"));
  auto request = decodeOk(encodePingRequest(0xfedcba98));
  EXPECT_EQ(request.type, Type::kPingRequest);
  EXPECT_EQ(request.timestamp, 0xfedcba98u);
  EXPECT_EQ(decodeOk(encodePingResponse(7)).type, Type::kPingResponse);
}

TEST(UserControl, UnknownEventIsNotAnError) {
  auto e =
      decodeOk(userControl("001f"  // event 31: buffer empty (Flash)
                           "00000001"));
  EXPECT_EQ(e.type, Type::kUnknown);
  EXPECT_EQ(e.rawType, 31);
  EXPECT_EQ(toVector(e.data), hex("00000001"));
}

TEST(UserControl, UnknownEventWithoutDataIsNotAnError) {
  auto e = decodeOk(userControl("0005"));  // event 5 is unassigned
  EXPECT_EQ(e.type, Type::kUnknown);
  EXPECT_TRUE(e.data.empty());
}

TEST(UserControl, UnknownEventRoundTrips) {
  UserControlEvent e;
  e.type = Type::kUnknown;
  e.rawType = 0x1a;  // SWF verification request
  e.data = bytesOf(hex("0102"));
  EXPECT_EQ(toVector(encodeUserControl(e).payload), hex("001a 0102"));
}

TEST(UserControl, TruncatedPayloadsAreErrors) {
  EXPECT_EQ(decodeUserControl(userControl("")).error().code(), ErrorCode::kTruncated);
  EXPECT_EQ(decodeUserControl(userControl("00")).error().code(), ErrorCode::kTruncated);
  EXPECT_EQ(decodeUserControl(userControl("0000")).error().code(), ErrorCode::kTruncated);
  EXPECT_EQ(decodeUserControl(userControl("0000 000001")).error().code(), ErrorCode::kTruncated);
  EXPECT_EQ(decodeUserControl(userControl("0003 00000001")).error().code(),
            ErrorCode::kTruncated);  // Set Buffer Length without the length
  EXPECT_EQ(decodeUserControl(userControl("0006 0000")).error().code(), ErrorCode::kTruncated);
}

TEST(UserControl, TrailingBytesAreIgnored) {
  EXPECT_EQ(decodeOk(userControl("0000 00000009 ffff")).streamId, 9u);
}

TEST(UserControl, WrongMessageTypeIsInvalidArgument) {
  Message m = userControl("0000 00000001");
  m.typeId = static_cast<uint8_t>(MessageType::kAbort);
  EXPECT_EQ(decodeUserControl(m).error().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace rtmp::protocol
