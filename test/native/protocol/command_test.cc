// Generic command / data message codec (RTMP 1.0 §7.1.1, §7.1.2).
#include "protocol/command.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

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

Buf name(std::string_view s) {
  return cat({{static_cast<uint8_t>(s.size() >> 8), static_cast<uint8_t>(s.size())}, text(s)});
}

Buf str(std::string_view s) {
  return cat({{0x02}, name(s)});
}

const Buf kOne = {0x00, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0};  // number 1.0
const Buf kZero = {0x00, 0, 0, 0, 0, 0, 0, 0, 0};       // number 0.0
const Buf kObjectEnd = {0x00, 0x00, 0x09};

Message message(MessageType type, const Buf& payload, uint32_t streamId = 0) {
  Message m;
  m.typeId = static_cast<uint8_t>(type);
  m.streamId = streamId;
  m.payload = base::Bytes::copyOf(payload);
  return m;
}

// The connect FFmpeg sends when publishing (rtmpproto.c gen_connect shape).
const Buf kFfmpegConnect = cat({
    str("connect"),  // command name
    kOne,            // transaction id 1
    {0x03},          // command object
    name("app"),
    str("live"),  //   app: "live"
    name("type"),
    str("nonprivate"),  //   type: "nonprivate"
    name("flashVer"),
    str("FMLE/3.0 (compatible; Lavf59.27.100)"),
    name("tcUrl"),
    str("rtmp://127.0.0.1:1935/live"),
    kObjectEnd,  // end of command object
});

TEST(CommandDecode, FfmpegConnect) {
  auto c = decodeCommand(message(MessageType::kCommandAmf0, kFfmpegConnect));
  ASSERT_TRUE(c.ok()) << c.error().toString();
  EXPECT_EQ(c->name, "connect");
  EXPECT_EQ(c->transactionId, 1);
  EXPECT_EQ(c->commandObject.get("app")->stringOr(""), "live");
  EXPECT_EQ(c->commandObject.get("tcUrl")->stringOr(""), "rtmp://127.0.0.1:1935/live");
  const auto& props = *c->commandObject.properties();
  ASSERT_EQ(props.size(), 4u);
  EXPECT_EQ(props[1].key, "type");  // wire order kept
  EXPECT_TRUE(c->args.empty());
}

TEST(CommandDecode, ArgumentsAfterCommandObject) {
  const Buf raw = cat({
      str("publish"),       // name
      kZero,                // transaction id 0
      {0x05},               // null command object
      str("stream?key=1"),  // arg 1: publishing name
      str("live"),          // arg 2: publishing type
  });
  auto c = decodeCommand(message(MessageType::kCommandAmf0, raw, 1));
  ASSERT_TRUE(c.ok()) << c.error().toString();
  EXPECT_TRUE(c->commandObject.isNull());
  ASSERT_EQ(c->args.size(), 2u);
  EXPECT_EQ(c->arg(0)->stringOr(""), "stream?key=1");
  EXPECT_EQ(c->arg(1)->stringOr(""), "live");
  EXPECT_EQ(c->arg(2), nullptr);
}

TEST(CommandDecode, Amf3CommandSkipsFormatByteAndSwitchesPerValue) {
  const Buf raw = cat({
      {0x00},                           // AMF3 command format byte
      str("connect"),                   // AMF0 name
      kOne,                             // AMF0 transaction id
      {0x11, 0x0A, 0x0B, 0x01,          // avmplus -> AMF3 dynamic anonymous object
       0x07, 'a', 'p', 'p',             //   "app"
       0x06, 0x09, 'l', 'i', 'v', 'e',  //   = "live"
       0x01},                           //   end
  });
  auto c = decodeCommand(message(MessageType::kCommandAmf3, raw));
  ASSERT_TRUE(c.ok()) << c.error().toString();
  EXPECT_EQ(c->name, "connect");
  EXPECT_EQ(c->commandObject.get("app")->stringOr(""), "live");
}

TEST(CommandDecode, Amf3CommandWithoutFormatByteStillDecodes) {
  const Buf raw = cat({str("createStream"), {0x00, 0x40, 0, 0, 0, 0, 0, 0, 0}, {0x05}});
  auto c = decodeCommand(message(MessageType::kCommandAmf3, raw));
  ASSERT_TRUE(c.ok()) << c.error().toString();
  EXPECT_EQ(c->name, "createStream");
  EXPECT_EQ(c->transactionId, 2);
}

TEST(CommandDecode, MissingTransactionIdAndObjectDefault) {
  auto c = decodeCommand(message(MessageType::kCommandAmf0, str("onBWDone")));
  ASSERT_TRUE(c.ok()) << c.error().toString();
  EXPECT_EQ(c->transactionId, 0);
  EXPECT_TRUE(c->commandObject.isNull());
}

TEST(CommandDecode, NotACommandMessage) {
  auto c = decodeCommand(message(MessageType::kAudio, kFfmpegConnect));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code(), ErrorCode::kCommand);
}

TEST(CommandDecode, EmptyPayload) {
  auto c = decodeCommand(message(MessageType::kCommandAmf0, {}));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code(), ErrorCode::kCommand);
}

TEST(CommandDecode, NameMustBeAString) {
  auto c = decodeCommand(message(MessageType::kCommandAmf0, cat({kOne, kOne})));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code(), ErrorCode::kCommand);
}

TEST(CommandDecode, TransactionIdMustBeANumber) {
  auto c = decodeCommand(message(MessageType::kCommandAmf0, cat({str("connect"), str("1")})));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code(), ErrorCode::kCommand);
  EXPECT_NE(c.error().message().find("connect"), std::string::npos);
}

TEST(CommandDecode, BadAmfInsideAnArgumentNamesCommandAndArgument) {
  const Buf raw = cat({str("play"), kZero, {0x05}, {0x02, 0x00, 0x09, 'a'}});  // string cut short
  auto c = decodeCommand(message(MessageType::kCommandAmf0, raw));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code(), ErrorCode::kTruncated);
  EXPECT_NE(c.error().message().find("command 'play': argument 1"), std::string::npos)
      << c.error().message();
}

TEST(CommandDecode, LimitsApply) {
  AmfLimits limits;
  limits.maxStringLength = 4;
  auto c = decodeCommand(message(MessageType::kCommandAmf0, kFfmpegConnect), limits);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code(), ErrorCode::kLimitExceeded);
}

TEST(CommandDecode, EveryPrefixEndingInsideAValueIsAnError) {
  // Cut after the name (10 bytes) or after the transaction id (19 bytes)
  // the prefix is itself a complete (shorter) command; anywhere else it
  // ends inside a value.
  for (size_t n = 1; n < kFfmpegConnect.size(); ++n) {
    Buf prefix(kFfmpegConnect.begin(), kFfmpegConnect.begin() + static_cast<ptrdiff_t>(n));
    auto c = decodeCommand(message(MessageType::kCommandAmf0, prefix));
    EXPECT_EQ(c.ok(), n == 10 || n == 19) << n;
    if (!c.ok()) {
      EXPECT_EQ(c.error().code(), ErrorCode::kTruncated) << n;
    }
  }
}

TEST(DataDecode, SetDataFrameMetadata) {
  const Buf raw = cat({
      str("@setDataFrame"),            // name
      str("onMetaData"),               // value 1
      {0x08, 0x00, 0x00, 0x00, 0x02},  // value 2: ecma array, count 2
      name("width"),
      {0x00, 0x40, 0x94, 0, 0, 0, 0, 0, 0},  // width: 1280
      name("encoder"),
      str("obs-output module"),  // encoder
      kObjectEnd,
  });
  auto d = decodeData(message(MessageType::kDataAmf0, raw, 1));
  ASSERT_TRUE(d.ok()) << d.error().toString();
  EXPECT_EQ(d->name, "@setDataFrame");
  const AmfValue* meta = metadataOf(*d);
  ASSERT_NE(meta, nullptr);
  EXPECT_EQ(meta->get("width")->numberOr(0), 1280);
}

TEST(DataDecode, OnMetaDataDirectly) {
  const Buf raw = cat({str("onMetaData"), {0x03}, name("duration"), kZero, kObjectEnd});
  auto d = decodeData(message(MessageType::kDataAmf0, raw));
  ASSERT_TRUE(d.ok()) << d.error().toString();
  ASSERT_NE(metadataOf(*d), nullptr);
  EXPECT_NE(metadataOf(*d)->get("duration"), nullptr);
}

TEST(DataDecode, OtherDataHasNoMetadata) {
  const Buf raw = cat({str("|RtmpSampleAccess"), {0x01, 0x00}, {0x01, 0x00}});
  auto d = decodeData(message(MessageType::kDataAmf0, raw));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->values.size(), 2u);
  EXPECT_EQ(metadataOf(*d), nullptr);
}

TEST(DataDecode, Amf3DataSkipsFormatByte) {
  const Buf raw = cat({{0x00}, str("onTextData"), {0x11, 0x04, 0x05}});  // AMF3 int 5
  auto d = decodeData(message(MessageType::kDataAmf3, raw));
  ASSERT_TRUE(d.ok()) << d.error().toString();
  EXPECT_EQ(d->name, "onTextData");
  EXPECT_EQ(d->values[0], AmfValue::integer(5));
}

TEST(DataDecode, NotADataMessage) {
  auto d = decodeData(message(MessageType::kCommandAmf0, str("onMetaData")));
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code(), ErrorCode::kCommand);
}

TEST(DataDecode, NameMustBeAString) {
  auto d = decodeData(message(MessageType::kDataAmf0, Buf{0x05}));
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code(), ErrorCode::kCommand);
}

TEST(CommandEncode, RoundTrip) {
  Command c{"play",
            0,
            AmfValue::null(),
            {AmfValue::string("cam"), AmfValue::number(-2), AmfValue::boolean(true)}};
  auto m = encodeCommand(c, 8, 1);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->typeId, static_cast<uint8_t>(MessageType::kCommandAmf0));
  EXPECT_EQ(m->csid, 8u);
  EXPECT_EQ(m->streamId, 1u);
  auto back = decodeCommand(*m);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->name, "play");
  EXPECT_EQ(back->args, c.args);
}

TEST(CommandEncode, ConnectBytesMatchTheWire) {
  Command c{
      "connect",
      1,
      AmfValue::object({{"app", AmfValue::string("live")},
                        {"type", AmfValue::string("nonprivate")},
                        {"flashVer", AmfValue::string("FMLE/3.0 (compatible; Lavf59.27.100)")},
                        {"tcUrl", AmfValue::string("rtmp://127.0.0.1:1935/live")}}),
      {}};
  auto m = encodeCommand(c, 3, 0);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(Buf(m->payload.span().begin(), m->payload.span().end()), kFfmpegConnect);
}

TEST(DataEncode, RoundTrip) {
  DataMessage d{
      "@setDataFrame",
      {AmfValue::string("onMetaData"), AmfValue::ecmaArray({{"fps", AmfValue::number(30)}})}};
  auto m = encodeData(d, 5, 1);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->typeId, static_cast<uint8_t>(MessageType::kDataAmf0));
  auto back = decodeData(*m);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->values, d.values);
}

}  // namespace
}  // namespace rtmp::protocol
