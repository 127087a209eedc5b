#include "protocol/command_builders.h"

namespace rtmp::protocol {

using base::Result;

namespace {

AmfValue str(std::string_view s) {
  return AmfValue::string(std::string(s));
}

Result<Message> netConnectionCommand(std::string_view name, double txn, AmfValue object,
                                     std::vector<AmfValue> args = {}) {
  Command c{std::string(name), txn, std::move(object), std::move(args)};
  return encodeCommand(c, kCsidNetConnection, 0);
}

Result<Message> netStreamCommand(uint32_t streamId, std::string_view name,
                                 std::vector<AmfValue> args) {
  // NetStream commands carry transaction id 0 and a null command object
  // (§7.2.2).
  Command c{std::string(name), 0, AmfValue::null(), std::move(args)};
  return encodeCommand(c, streamId == 0 ? kCsidNetConnection : kCsidNetStream, streamId);
}

AmfValue fourCcArray(const std::vector<std::string>& list) {
  AmfArray items;
  items.reserve(list.size());
  for (const std::string& s : list) items.push_back(AmfValue::string(s));
  return AmfValue::strictArray(std::move(items));
}

}  // namespace

Result<Message> buildConnectResult(double transactionId, const ConnectResultOptions& o) {
  AmfValue props = AmfValue::object({
      {"fmsVer", str(o.fmsVer)},
      {"capabilities", AmfValue::number(o.capabilities)},
      {"mode", AmfValue::number(o.mode)},
  });
  if (!o.fourCcList.empty()) props.set("fourCcList", fourCcArray(o.fourCcList));
  if (o.capsEx) props.set("capsEx", AmfValue::number(*o.capsEx));
  AmfValue info = AmfValue::object({
      {"level", str(status::kConnectSuccess.level)},
      {"code", str(status::kConnectSuccess.code)},
      {"description", str(o.description)},
      {"objectEncoding", AmfValue::number(o.objectEncoding)},
  });
  return netConnectionCommand(commands::kResult, transactionId, std::move(props),
                              {std::move(info)});
}

AmfValue makeStatusInfo(const StatusCode& code, std::string_view description,
                        const StatusExtras& extras) {
  AmfValue info = AmfValue::object({
      {"level", str(code.level)},
      {"code", str(code.code)},
      {"description", str(description)},
  });
  if (extras.details) info.set("details", str(*extras.details));
  if (!extras.clientId.isUndefined()) info.set("clientid", extras.clientId);
  for (const AmfProperty& p : extras.more) info.set(p.key, p.value);
  return info;
}

Result<Message> buildError(double transactionId, const StatusCode& code,
                           std::string_view description, const StatusExtras& extras) {
  return netConnectionCommand(commands::kError, transactionId, AmfValue::null(),
                              {makeStatusInfo(code, description, extras)});
}

Result<Message> buildResult(double transactionId, AmfValue properties, std::vector<AmfValue> args) {
  return netConnectionCommand(commands::kResult, transactionId, std::move(properties),
                              std::move(args));
}

Result<Message> buildCreateStreamResult(double transactionId, uint32_t streamId) {
  return netConnectionCommand(commands::kResult, transactionId, AmfValue::null(),
                              {AmfValue::number(streamId)});
}

Result<Message> buildOnStatus(uint32_t streamId, const StatusCode& code,
                              std::string_view description, const StatusExtras& extras) {
  return netStreamCommand(streamId, commands::kOnStatus,
                          {makeStatusInfo(code, description, extras)});
}

Result<Message> buildOnFCPublish(std::string_view streamName) {
  AmfValue info = AmfValue::object(
      {{"code", str(status::kPublishStart.code)}, {"description", str(streamName)}});
  return netConnectionCommand(commands::kOnFCPublish, 0, AmfValue::null(), {std::move(info)});
}

Result<Message> buildOnFCUnpublish(std::string_view streamName) {
  AmfValue info = AmfValue::object(
      {{"code", str(status::kUnpublishSuccess.code)}, {"description", str(streamName)}});
  return netConnectionCommand(commands::kOnFCUnpublish, 0, AmfValue::null(), {std::move(info)});
}

Result<Message> buildOnBWDone() {
  return netConnectionCommand(commands::kOnBWDone, 0, AmfValue::null());
}

Result<Message> buildSampleAccess(uint32_t streamId, bool audio, bool video) {
  DataMessage d{std::string(commands::kRtmpSampleAccess),
                {AmfValue::boolean(audio), AmfValue::boolean(video)}};
  return encodeData(d, kCsidNetStream, streamId);
}

Result<Message> buildSetDataFrame(uint32_t streamId, const AmfValue& metadata) {
  DataMessage d{std::string(commands::kSetDataFrame), {str(commands::kOnMetaData), metadata}};
  return encodeData(d, kCsidNetStream, streamId);
}

Result<Message> buildOnMetaData(uint32_t streamId, const AmfValue& metadata) {
  DataMessage d{std::string(commands::kOnMetaData), {metadata}};
  return encodeData(d, kCsidNetStream, streamId);
}

Result<Message> buildConnect(double transactionId, const ConnectParams& p) {
  // Key order follows what FFmpeg and OBS send.
  AmfValue obj = AmfValue::object({{"app", str(p.app)}, {"type", str(p.type)}});
  obj.set("flashVer", str(p.flashVer));
  if (!p.swfUrl.empty()) obj.set("swfUrl", str(p.swfUrl));
  obj.set("tcUrl", str(p.tcUrl));
  if (!p.fourCcList.empty()) obj.set("fourCcList", fourCcArray(p.fourCcList));
  if (p.capsEx) obj.set("capsEx", AmfValue::number(*p.capsEx));
  if (p.audioCodecs) obj.set("audioCodecs", AmfValue::number(*p.audioCodecs));
  if (p.videoCodecs) obj.set("videoCodecs", AmfValue::number(*p.videoCodecs));
  if (p.videoFunction) obj.set("videoFunction", AmfValue::number(*p.videoFunction));
  if (!p.pageUrl.empty()) obj.set("pageUrl", str(p.pageUrl));
  if (p.objectEncoding != 0) obj.set("objectEncoding", AmfValue::number(p.objectEncoding));
  return netConnectionCommand(commands::kConnect, transactionId, std::move(obj));
}

Result<Message> buildCreateStream(double transactionId) {
  return netConnectionCommand(commands::kCreateStream, transactionId, AmfValue::null());
}

Result<Message> buildReleaseStream(double transactionId, std::string_view streamName) {
  return netConnectionCommand(commands::kReleaseStream, transactionId, AmfValue::null(),
                              {str(streamName)});
}

Result<Message> buildFCPublish(double transactionId, std::string_view streamName) {
  return netConnectionCommand(commands::kFCPublish, transactionId, AmfValue::null(),
                              {str(streamName)});
}

Result<Message> buildFCUnpublish(double transactionId, std::string_view streamName) {
  return netConnectionCommand(commands::kFCUnpublish, transactionId, AmfValue::null(),
                              {str(streamName)});
}

Result<Message> buildPublish(uint32_t streamId, std::string_view streamName,
                             std::string_view type) {
  return netStreamCommand(streamId, commands::kPublish, {str(streamName), str(type)});
}

Result<Message> buildPlay(uint32_t streamId, std::string_view streamName, double start,
                          double duration, std::optional<bool> reset) {
  std::vector<AmfValue> args{str(streamName), AmfValue::number(start), AmfValue::number(duration)};
  if (reset) args.push_back(AmfValue::boolean(*reset));
  return netStreamCommand(streamId, commands::kPlay, std::move(args));
}

Result<Message> buildDeleteStream(double transactionId, uint32_t streamId) {
  return netConnectionCommand(commands::kDeleteStream, transactionId, AmfValue::null(),
                              {AmfValue::number(streamId)});
}

}  // namespace rtmp::protocol
