// Command and data message builders: exact bytes for the responses clients
// are picky about, and round trips through the parsers for the rest.
#include "protocol/command_builders.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "protocol/command_parsers.h"

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

Buf payload(const Message& m) {
  return Buf(m.payload.span().begin(), m.payload.span().end());
}

const Buf kObjectEnd = {0x00, 0x00, 0x09};

Command decoded(const base::Result<Message>& m) {
  EXPECT_TRUE(m.ok());
  auto c = decodeCommand(*m);
  EXPECT_TRUE(c.ok()) << c.error().toString();
  return c.ok() ? *c : Command{};
}

TEST(BuildConnectResult, ExactBytes) {
  auto m = buildConnectResult(1);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->typeId, static_cast<uint8_t>(MessageType::kCommandAmf0));
  EXPECT_EQ(m->csid, 3u);
  EXPECT_EQ(m->streamId, 0u);
  const Buf expected = cat({
      str("_result"),                        // command name
      {0x00, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0},  // transaction id 1
      {0x03},                                // properties
      name("fmsVer"),
      str("FMS/3,0,1,123"),
      name("capabilities"),
      {0x00, 0x40, 0x3F, 0, 0, 0, 0, 0, 0},  // 31
      name("mode"),
      {0x00, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0},  // 1
      kObjectEnd,
      {0x03},  // information
      name("level"),
      str("status"),
      name("code"),
      str("NetConnection.Connect.Success"),
      name("description"),
      str("Connection succeeded."),
      name("objectEncoding"),
      {0x00, 0, 0, 0, 0, 0, 0, 0, 0},  // 0
      kObjectEnd,
  });
  EXPECT_EQ(payload(*m), expected);
}

TEST(BuildConnectResult, EchoesObjectEncodingAndEnhancedRtmp) {
  ConnectResultOptions o;
  o.objectEncoding = 3;
  o.fourCcList = {"hvc1", "av01"};
  o.capsEx = 1;
  Command c = decoded(buildConnectResult(1, o));
  EXPECT_EQ(c.args[0].get("objectEncoding")->numberOr(0), 3);
  EXPECT_EQ(*c.commandObject.get("fourCcList"),
            AmfValue::strictArray({AmfValue::string("hvc1"), AmfValue::string("av01")}));
  EXPECT_EQ(c.commandObject.get("capsEx")->numberOr(0), 1);
}

TEST(BuildError, ConnectRejected) {
  Command c = decoded(buildError(1, status::kConnectRejected, "bad token"));
  EXPECT_EQ(c.name, "_error");
  EXPECT_EQ(c.transactionId, 1);
  EXPECT_TRUE(c.commandObject.isNull());
  auto r = parseResult(c);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->status().has_value());
  EXPECT_EQ(r->status()->level, "error");
  EXPECT_EQ(r->status()->code, "NetConnection.Connect.Rejected");
  EXPECT_EQ(r->status()->description, "bad token");
}

TEST(BuildCreateStreamResult, ExactBytes) {
  auto m = buildCreateStreamResult(4, 1);
  ASSERT_TRUE(m.ok());
  const Buf expected = cat({
      str("_result"),
      {0x00, 0x40, 0x10, 0, 0, 0, 0, 0, 0},  // transaction id 4
      {0x05},                                // null
      {0x00, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0},  // stream id 1
  });
  EXPECT_EQ(payload(*m), expected);
}

TEST(BuildResult, Generic) {
  Command c = decoded(buildResult(3));
  EXPECT_EQ(c.name, "_result");
  EXPECT_EQ(c.transactionId, 3);
  EXPECT_TRUE(c.args.empty());
}

TEST(BuildOnStatus, OnTheNetStream) {
  StatusExtras extras;
  extras.details = "cam";
  extras.clientId = AmfValue::number(42);
  auto m = buildOnStatus(1, status::kPublishStart, "cam is now published.", extras);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->csid, kCsidNetStream);
  EXPECT_EQ(m->streamId, 1u);
  const Buf expected = cat({
      str("onStatus"),
      {0x00, 0, 0, 0, 0, 0, 0, 0, 0},  // transaction id 0
      {0x05},                          // null command object
      {0x03},                          // info
      name("level"),
      str("status"),
      name("code"),
      str("NetStream.Publish.Start"),
      name("description"),
      str("cam is now published."),
      name("details"),
      str("cam"),
      name("clientid"),
      {0x00, 0x40, 0x45, 0, 0, 0, 0, 0, 0},  // 42
      kObjectEnd,
  });
  EXPECT_EQ(payload(*m), expected);
}

TEST(BuildOnStatus, LevelComesFromTheCode) {
  auto st = parseOnStatus(decoded(buildOnStatus(1, status::kPlayStreamNotFound, "no such")));
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->level, "error");
  auto warn = parseOnStatus(decoded(buildOnStatus(1, status::kPlayInsufficientBW, "slow")));
  ASSERT_TRUE(warn.ok());
  EXPECT_EQ(warn->level, "warning");
}

TEST(BuildOnStatus, StreamZeroGoesOnTheNetConnection) {
  auto m = buildOnStatus(0, status::kConnectClosed, "bye");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->csid, kCsidNetConnection);
  EXPECT_EQ(m->streamId, 0u);
}

TEST(BuildOnStatus, ExtraFieldsAppendInOrder) {
  StatusExtras extras;
  extras.more = {{"isFastPlay", AmfValue::boolean(false)}};
  auto info = makeStatusInfo(status::kPlayReset, "reset", extras);
  const auto& props = *info.properties();
  ASSERT_EQ(props.size(), 4u);
  EXPECT_EQ(props[3].key, "isFastPlay");
}

TEST(BuildOnFCPublish, CodeAndName) {
  auto st = parseOnFCPublish(decoded(buildOnFCPublish("cam")));
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->code, "NetStream.Publish.Start");
  EXPECT_EQ(st->description, "cam");
  auto un = parseOnFCPublish(decoded(buildOnFCUnpublish("cam")));
  ASSERT_TRUE(un.ok());
  EXPECT_EQ(un->code, "NetStream.Unpublish.Success");
}

TEST(BuildOnBWDone, ExactBytes) {
  auto m = buildOnBWDone();
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(payload(*m), cat({str("onBWDone"), {0x00, 0, 0, 0, 0, 0, 0, 0, 0}, {0x05}}));
}

TEST(BuildSampleAccess, ExactBytes) {
  auto m = buildSampleAccess(1, true, false);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->typeId, static_cast<uint8_t>(MessageType::kDataAmf0));
  EXPECT_EQ(m->streamId, 1u);
  EXPECT_EQ(payload(*m), cat({str("|RtmpSampleAccess"), {0x01, 0x01}, {0x01, 0x00}}));
}

TEST(BuildMetadata, SetDataFrameAndOnMetaData) {
  AmfValue meta = AmfValue::ecmaArray({{"width", AmfValue::number(1920)}});
  auto set = buildSetDataFrame(1, meta);
  ASSERT_TRUE(set.ok());
  auto d = decodeData(*set);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->name, "@setDataFrame");
  EXPECT_EQ(*metadataOf(*d), meta);

  auto on = buildOnMetaData(1, meta);
  ASSERT_TRUE(on.ok());
  auto d2 = decodeData(*on);
  ASSERT_TRUE(d2.ok());
  EXPECT_EQ(d2->name, "onMetaData");
  EXPECT_EQ(*metadataOf(*d2), meta);
}

TEST(BuildMetadata, UnencodableKeyIsAnErrorNotABrokenMessage) {
  auto m = buildOnMetaData(1, AmfValue::ecmaArray({{std::string(70000, 'k'), AmfValue::null()}}));
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code(), ErrorCode::kInvalidArgument);
}

// --- client side -----------------------------------------------------------------

TEST(BuildConnect, ParsesBackAsTheServerSeesIt) {
  ConnectParams p;
  p.app = "live";
  p.tcUrl = "rtmp://origin/live";
  p.fourCcList = {"hvc1"};
  p.videoCodecs = 252;
  Command c = decoded(buildConnect(1, p));
  auto r = parseConnect(c);
  ASSERT_TRUE(r.ok()) << r.error().toString();
  EXPECT_EQ(r->app, "live");
  EXPECT_EQ(r->tcUrl, "rtmp://origin/live");
  EXPECT_EQ(r->type, "nonprivate");
  EXPECT_EQ(r->flashVer, p.flashVer);
  EXPECT_EQ(r->fourCcList, p.fourCcList);
  EXPECT_EQ(r->videoCodecs, 252);
  EXPECT_EQ(c.commandObject.get("swfUrl"), nullptr);  // empty fields are left out
}

TEST(BuildClientCommands, ParseBack) {
  auto cs = parseCreateStream(decoded(buildCreateStream(2)));
  ASSERT_TRUE(cs.ok());
  EXPECT_EQ(cs->transactionId, 2);

  for (auto build : {buildReleaseStream, buildFCPublish, buildFCUnpublish}) {
    auto r = parseStreamNameCommand(decoded(build(3, "cam")));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->streamName, "cam");
    EXPECT_EQ(r->transactionId, 3);
  }

  auto pubMsg = buildPublish(1, "cam", "append");
  ASSERT_TRUE(pubMsg.ok());
  EXPECT_EQ(pubMsg->streamId, 1u);
  auto pub = parsePublish(decoded(pubMsg));
  ASSERT_TRUE(pub.ok());
  EXPECT_EQ(pub->streamName, "cam");
  EXPECT_EQ(pub->type, PublishType::kAppend);

  auto play = parsePlay(decoded(buildPlay(1, "cam", -1000, -1, true)));
  ASSERT_TRUE(play.ok());
  EXPECT_EQ(play->start, -1000);
  EXPECT_EQ(play->reset, true);

  auto del = parseDeleteStream(decoded(buildDeleteStream(5, 1)));
  ASSERT_TRUE(del.ok());
  EXPECT_EQ(del->streamId, 1u);
  EXPECT_EQ(del->transactionId, 5);
}

}  // namespace
}  // namespace rtmp::protocol
