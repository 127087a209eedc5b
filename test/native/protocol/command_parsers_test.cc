// Typed command parsers (RTMP 1.0 §7.2). Commands are built as values here;
// the byte-level decoding is covered in command_test.cc.
#include "protocol/command_parsers.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace rtmp::protocol {
namespace {

using base::ErrorCode;

AmfValue s(const char* v) {
  return AmfValue::string(v);
}
AmfValue n(double v) {
  return AmfValue::number(v);
}

Command cmd(std::string name, double txn, AmfValue object, std::vector<AmfValue> args = {}) {
  return Command{std::move(name), txn, std::move(object), std::move(args)};
}

template <typename T>
void expectCommandError(const base::Result<T>& r, std::string_view mentions) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kCommand);
  EXPECT_NE(r.error().message().find(mentions), std::string::npos) << r.error().message();
}

// --- connect ---------------------------------------------------------------------

TEST(ParseConnect, ObsShapedConnect) {
  auto r = parseConnect(cmd("connect", 1,
                            AmfValue::object({{"app", s("live")},
                                              {"type", s("nonprivate")},
                                              {"flashVer", s("FMLE/3.0 (compatible; FMSc/1.0)")},
                                              {"swfUrl", s("rtmp://host/live")},
                                              {"tcUrl", s("rtmp://host/live")}})));
  ASSERT_TRUE(r.ok()) << r.error().toString();
  EXPECT_EQ(r->transactionId, 1);
  EXPECT_EQ(r->app, "live");
  EXPECT_EQ(r->type, "nonprivate");
  EXPECT_EQ(r->flashVer, "FMLE/3.0 (compatible; FMSc/1.0)");
  EXPECT_EQ(r->tcUrl, "rtmp://host/live");
  EXPECT_EQ(r->objectEncoding, 0);
  EXPECT_FALSE(r->audioCodecs.has_value());
  EXPECT_TRUE(r->fourCcList.empty());
}

TEST(ParseConnect, PlayerFieldsAndEnhancedRtmp) {
  auto r = parseConnect(
      cmd("connect", 1,
          AmfValue::object({{"app", s("vod")},
                            {"flashver", s("LNX 9,0,124,2")},  // spec spelling
                            {"fpad", AmfValue::boolean(false)},
                            {"capabilities", n(15)},
                            {"audioCodecs", n(4071)},
                            {"videoCodecs", n(252)},
                            {"videoFunction", n(1)},
                            {"pageUrl", s("http://example/")},
                            {"objectEncoding", n(3)},
                            {"fourCcList", AmfValue::strictArray({s("av01"), s("hvc1")})},
                            {"capsEx", n(2)},
                            {"videoFourCcInfoMap", AmfValue::object({{"hvc1", n(7)}})}}),
          {s("user arg")}));
  ASSERT_TRUE(r.ok()) << r.error().toString();
  EXPECT_EQ(r->flashVer, "LNX 9,0,124,2");
  EXPECT_EQ(r->audioCodecs, 4071);
  EXPECT_EQ(r->videoCodecs, 252);
  EXPECT_EQ(r->videoFunction, 1);
  EXPECT_EQ(r->pageUrl, "http://example/");
  EXPECT_EQ(r->objectEncoding, 3);
  EXPECT_EQ(r->fourCcList, (std::vector<std::string>{"av01", "hvc1"}));
  EXPECT_EQ(r->capsEx, 2);
  EXPECT_EQ(r->videoFourCcInfoMap.get("hvc1")->numberOr(0), 7);
  EXPECT_TRUE(r->audioFourCcInfoMap.isUndefined());
  EXPECT_EQ(r->commandObject.get("capabilities")->numberOr(0), 15);
  ASSERT_EQ(r->args.size(), 1u);
}

TEST(ParseConnect, AcceptsEcmaArrayCommandObjectAndAmf3Integers) {
  auto r = parseConnect(
      cmd("connect", 1,
          AmfValue::ecmaArray({{"app", s("a")}, {"objectEncoding", AmfValue::integer(3)}})));
  ASSERT_TRUE(r.ok()) << r.error().toString();
  EXPECT_EQ(r->objectEncoding, 3);
}

TEST(ParseConnect, NullOptionalFieldsCountAsAbsent) {
  auto r = parseConnect(cmd(
      "connect", 1,
      AmfValue::object(
          {{"app", s("a")}, {"swfUrl", AmfValue::undefined()}, {"pageUrl", AmfValue::null()}})));
  ASSERT_TRUE(r.ok()) << r.error().toString();
  EXPECT_EQ(r->swfUrl, "");
}

TEST(ParseConnect, MissingApp) {
  expectCommandError(parseConnect(cmd("connect", 1, AmfValue::object({{"tcUrl", s("x")}}))), "app");
}

TEST(ParseConnect, AppOfWrongType) {
  expectCommandError(parseConnect(cmd("connect", 1, AmfValue::object({{"app", n(1)}}))),
                     "app is a number");
}

TEST(ParseConnect, TcUrlOfWrongType) {
  expectCommandError(
      parseConnect(cmd("connect", 1, AmfValue::object({{"app", s("a")}, {"tcUrl", n(1)}}))),
      "tcUrl");
}

TEST(ParseConnect, CommandObjectNotAnObject) {
  expectCommandError(parseConnect(cmd("connect", 1, AmfValue::null())), "command object");
}

TEST(ParseConnect, FourCcListOfWrongType) {
  expectCommandError(
      parseConnect(
          cmd("connect", 1, AmfValue::object({{"app", s("a")}, {"fourCcList", s("hvc1")}}))),
      "fourCcList");
  expectCommandError(
      parseConnect(
          cmd("connect", 1,
              AmfValue::object({{"app", s("a")}, {"fourCcList", AmfValue::strictArray({n(1)})}}))),
      "fourCcList entry");
}

TEST(ParseConnect, WrongCommandName) {
  expectCommandError(parseConnect(cmd("publish", 0, AmfValue::object({{"app", s("a")}}))),
                     "expected command connect");
}

// --- NetConnection / NetStream requests ---------------------------------------------

TEST(ParseCreateStream, TransactionId) {
  auto r = parseCreateStream(cmd("createStream", 4, AmfValue::null()));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->transactionId, 4);
}

TEST(ParseStreamNameCommand, ReleaseStreamFCPublishFCUnpublishGetStreamLength) {
  for (const char* name : {"releaseStream", "FCPublish", "FCUnpublish", "getStreamLength"}) {
    auto r = parseStreamNameCommand(cmd(name, 2, AmfValue::null(), {s("key")}));
    ASSERT_TRUE(r.ok()) << name << ": " << r.error().toString();
    EXPECT_EQ(r->streamName, "key");
    EXPECT_EQ(r->transactionId, 2);
  }
}

TEST(ParseStreamNameCommand, MissingName) {
  expectCommandError(parseStreamNameCommand(cmd("FCPublish", 2, AmfValue::null())),
                     "FCPublish: missing stream name");
}

TEST(ParsePublish, NameAndType) {
  auto r = parsePublish(cmd("publish", 5, AmfValue::null(), {s("cam?token=x"), s("record")}));
  ASSERT_TRUE(r.ok()) << r.error().toString();
  EXPECT_EQ(r->streamName, "cam?token=x");
  EXPECT_EQ(r->type, PublishType::kRecord);
  EXPECT_EQ(r->transactionId, 5);
}

TEST(ParsePublish, TypeDefaultsToLive) {
  auto r = parsePublish(cmd("publish", 0, AmfValue::null(), {s("cam")}));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->type, PublishType::kLive);
}

TEST(ParsePublish, UnknownType) {
  expectCommandError(parsePublish(cmd("publish", 0, AmfValue::null(), {s("cam"), s("bogus")})),
                     "bogus");
}

TEST(ParsePublish, NameOfWrongType) {
  expectCommandError(parsePublish(cmd("publish", 0, AmfValue::null(), {n(3)})),
                     "stream name is a number");
}

TEST(ParsePlay, Defaults) {
  auto r = parsePlay(cmd("play", 0, AmfValue::null(), {s("cam")}));
  ASSERT_TRUE(r.ok()) << r.error().toString();
  EXPECT_EQ(r->streamName, "cam");
  EXPECT_EQ(r->start, -2);
  EXPECT_EQ(r->duration, -1);
  EXPECT_FALSE(r->reset.has_value());
}

TEST(ParsePlay, AllArgumentsAndNumericReset) {
  auto r = parsePlay(cmd("play", 0, AmfValue::null(), {s("cam"), n(-1000), n(5000), n(0)}));
  ASSERT_TRUE(r.ok()) << r.error().toString();
  EXPECT_EQ(r->start, -1000);
  EXPECT_EQ(r->duration, 5000);
  EXPECT_EQ(r->reset, false);
}

TEST(ParsePlay, BooleanReset) {
  auto r = parsePlay(
      cmd("play", 0, AmfValue::null(), {s("cam"), n(-2), n(-1), AmfValue::boolean(true)}));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->reset, true);
}

TEST(ParsePlay, WrongTypes) {
  expectCommandError(parsePlay(cmd("play", 0, AmfValue::null(), {})), "play: missing stream name");
  expectCommandError(parsePlay(cmd("play", 0, AmfValue::null(), {s("cam"), s("-2")})),
                     "start is a string");
  expectCommandError(parsePlay(cmd("play", 0, AmfValue::null(), {s("cam"), n(-2), n(-1), s("x")})),
                     "reset");
}

TEST(ParsePlay2, Parameters) {
  auto r = parsePlay2(cmd("play2", 0, AmfValue::null(),
                          {AmfValue::object({{"streamName", s("hd")},
                                             {"oldStreamName", s("sd")},
                                             {"transition", s("switch")},
                                             {"start", n(0)},
                                             {"offset", n(12.5)}})}));
  ASSERT_TRUE(r.ok()) << r.error().toString();
  EXPECT_EQ(r->streamName, "hd");
  EXPECT_EQ(r->oldStreamName, "sd");
  EXPECT_EQ(r->transition, "switch");
  EXPECT_EQ(r->start, 0);
  EXPECT_EQ(r->len, -1);
  EXPECT_EQ(r->offset, 12.5);
}

TEST(ParsePlay2, ParametersMustBeAnObject) {
  expectCommandError(parsePlay2(cmd("play2", 0, AmfValue::null(), {s("hd")})), "parameters");
}

TEST(ParseDeleteStream, StreamId) {
  auto r = parseDeleteStream(cmd("deleteStream", 6, AmfValue::null(), {n(1)}));
  ASSERT_TRUE(r.ok()) << r.error().toString();
  EXPECT_EQ(r->streamId, 1u);
  EXPECT_EQ(r->transactionId, 6);
}

TEST(ParseDeleteStream, InvalidStreamIds) {
  expectCommandError(parseDeleteStream(cmd("deleteStream", 0, AmfValue::null(), {n(-1)})),
                     "32-bit");
  expectCommandError(parseDeleteStream(cmd("deleteStream", 0, AmfValue::null(), {n(1.5)})),
                     "32-bit");
  expectCommandError(parseDeleteStream(cmd("deleteStream", 0, AmfValue::null(), {n(5e9)})),
                     "32-bit");
  expectCommandError(parseDeleteStream(cmd("deleteStream", 0, AmfValue::null(), {n(std::nan(""))})),
                     "32-bit");
  expectCommandError(parseDeleteStream(cmd("deleteStream", 0, AmfValue::null(), {s("1")})),
                     "stream id is a string");
  expectCommandError(parseDeleteStream(cmd("deleteStream", 0, AmfValue::null())), "missing");
}

TEST(ParseCloseStream, Accepted) {
  EXPECT_TRUE(parseCloseStream(cmd("closeStream", 0, AmfValue::null())).ok());
}

TEST(ParseReceive, AudioAndVideo) {
  auto a = parseReceive(cmd("receiveAudio", 0, AmfValue::null(), {AmfValue::boolean(false)}));
  ASSERT_TRUE(a.ok());
  EXPECT_FALSE(a->enable);
  auto v = parseReceive(cmd("receiveVideo", 0, AmfValue::null(), {AmfValue::boolean(true)}));
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->enable);
  expectCommandError(parseReceive(cmd("receiveVideo", 0, AmfValue::null(), {n(1)})),
                     "flag is a number");
}

TEST(ParsePause, FlagAndTime) {
  auto r = parsePause(cmd("pause", 0, AmfValue::null(), {AmfValue::boolean(true), n(1234)}));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->pause);
  EXPECT_EQ(r->milliseconds, 1234);
  expectCommandError(parsePause(cmd("pause", 0, AmfValue::null(), {s("yes")})), "pause flag");
}

TEST(ParseSeek, Milliseconds) {
  auto r = parseSeek(cmd("seek", 0, AmfValue::null(), {n(3000)}));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->milliseconds, 3000);
  expectCommandError(parseSeek(cmd("seek", 0, AmfValue::null())), "milliseconds");
}

// --- client side -----------------------------------------------------------------------

TEST(ParseResult, CreateStreamResultCarriesStreamId) {
  auto r = parseResult(cmd("_result", 4, AmfValue::null(), {n(1)}));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->isError);
  EXPECT_EQ(r->transactionId, 4);
  EXPECT_EQ(r->number(), 1);
  EXPECT_FALSE(r->status().has_value());
}

TEST(ParseResult, ConnectResultStatus) {
  auto r = parseResult(cmd("_result", 1, AmfValue::object({{"fmsVer", s("FMS/3,0,1,123")}}),
                           {AmfValue::object({{"level", s("status")},
                                              {"code", s("NetConnection.Connect.Success")},
                                              {"description", s("ok")}})}));
  ASSERT_TRUE(r.ok());
  auto st = r->status();
  ASSERT_TRUE(st.has_value());
  EXPECT_EQ(st->code, "NetConnection.Connect.Success");
  EXPECT_EQ(r->properties.get("fmsVer")->stringOr(""), "FMS/3,0,1,123");
}

TEST(ParseResult, ErrorResult) {
  auto r = parseResult(cmd(
      "_error", 1, AmfValue::null(),
      {AmfValue::object({{"level", s("error")}, {"code", s("NetConnection.Connect.Rejected")}})}));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->isError);
  EXPECT_EQ(r->status()->code, "NetConnection.Connect.Rejected");
}

TEST(ParseOnStatus, InfoInFirstArgument) {
  auto r = parseOnStatus(cmd("onStatus", 0, AmfValue::null(),
                             {AmfValue::object({{"level", s("status")},
                                                {"code", s("NetStream.Publish.Start")},
                                                {"description", s("cam is now published")},
                                                {"details", s("cam")}})}));
  ASSERT_TRUE(r.ok()) << r.error().toString();
  EXPECT_EQ(r->level, "status");
  EXPECT_EQ(r->code, "NetStream.Publish.Start");
  EXPECT_EQ(r->description, "cam is now published");
  EXPECT_EQ(r->info.get("details")->stringOr(""), "cam");
}

TEST(ParseOnStatus, InfoInCommandObject) {
  auto r =
      parseOnStatus(cmd("onStatus", 0, AmfValue::object({{"code", s("NetStream.Play.Start")}})));
  ASSERT_TRUE(r.ok()) << r.error().toString();
  EXPECT_EQ(r->code, "NetStream.Play.Start");
}

TEST(ParseOnStatus, Errors) {
  expectCommandError(parseOnStatus(cmd("onStatus", 0, AmfValue::null())), "info object");
  expectCommandError(parseOnStatus(cmd("onStatus", 0, AmfValue::null(), {s("x")})),
                     "info is a string");
  expectCommandError(
      parseOnStatus(cmd("onStatus", 0, AmfValue::null(), {AmfValue::object({{"code", n(1)}})})),
      "info.code");
}

TEST(ParseOnFCPublish, CodeAndDescription) {
  auto r = parseOnFCPublish(
      cmd("onFCPublish", 0, AmfValue::null(),
          {AmfValue::object({{"code", s("NetStream.Publish.Start")}, {"description", s("cam")}})}));
  ASSERT_TRUE(r.ok()) << r.error().toString();
  EXPECT_EQ(r->code, "NetStream.Publish.Start");
  EXPECT_EQ(r->description, "cam");
  EXPECT_TRUE(
      parseOnFCPublish(cmd("onFCUnpublish", 0, AmfValue::null(),
                           {AmfValue::object({{"code", s("NetStream.Unpublish.Success")}})}))
          .ok());
}

TEST(ParseOnBWDone, OptionalBandwidth) {
  auto plain = parseOnBWDone(cmd("onBWDone", 0, AmfValue::null()));
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->bandwidthKbps.has_value());
  auto withFigure = parseOnBWDone(cmd("onBWDone", 0, AmfValue::null(), {n(8192)}));
  ASSERT_TRUE(withFigure.ok());
  EXPECT_EQ(withFigure->bandwidthKbps, 8192);
}

TEST(PublishType, Names) {
  EXPECT_EQ(publishTypeFromString("append"), PublishType::kAppend);
  EXPECT_FALSE(publishTypeFromString("Live").has_value());
  EXPECT_EQ(publishTypeName(PublishType::kRecord), "record");
}

}  // namespace
}  // namespace rtmp::protocol
