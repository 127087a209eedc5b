#include "protocol/command_parsers.h"

#include <cmath>
#include <initializer_list>

namespace rtmp::protocol {

using base::Error;
using base::ErrorCode;
using base::Result;
using base::Status;

namespace {

// Arguments that are null or undefined count as not sent: clients pad
// optional positions that way.
bool absent(const AmfValue* v) {
  return v == nullptr || v->isNull() || v->isUndefined();
}

Error typeError(std::string_view command, std::string_view what, const AmfValue& got,
                std::string_view expected) {
  std::string msg(command);
  msg += ": ";
  msg += what;
  msg += " is a ";
  msg += amfTypeName(got.type());
  msg += ", expected ";
  msg += expected;
  return Error(ErrorCode::kCommand, std::move(msg));
}

Error missing(std::string_view command, std::string_view what) {
  return Error(ErrorCode::kCommand, std::string(command) + ": missing " + std::string(what));
}

Status expectName(const Command& c, std::initializer_list<std::string_view> names) {
  for (std::string_view n : names) {
    if (c.name == n) return base::okStatus();
  }
  std::string msg = "expected command ";
  msg += *names.begin();
  msg += ", got '";
  for (char ch : std::string_view(c.name).substr(0, 32)) {
    msg.push_back(ch >= 0x20 && ch < 0x7F ? ch : '?');
  }
  msg += "'";
  return Error(ErrorCode::kCommand, std::move(msg));
}

Result<std::string> requiredString(std::string_view command, const AmfValue* v,
                                   std::string_view what) {
  if (absent(v)) return missing(command, what);
  if (const std::string* s = v->asString()) return *s;
  return typeError(command, what, *v, "string");
}

Result<std::string> optionalString(std::string_view command, const AmfValue* v,
                                   std::string_view what) {
  if (absent(v)) return std::string();
  if (const std::string* s = v->asString()) return *s;
  return typeError(command, what, *v, "string");
}

Result<std::optional<double>> optionalNumber(std::string_view command, const AmfValue* v,
                                             std::string_view what) {
  if (absent(v)) return std::optional<double>();
  if (std::optional<double> d = v->asNumber()) return d;
  return typeError(command, what, *v, "number");
}

Result<bool> requiredBool(std::string_view command, const AmfValue* v, std::string_view what) {
  if (absent(v)) return missing(command, what);
  if (std::optional<bool> b = v->asBool()) return *b;
  return typeError(command, what, *v, "boolean");
}

// The info object of onStatus / _error / onFCPublish.
Result<StatusInfo> statusFrom(std::string_view command, const AmfValue& info) {
  if (!info.isMap()) return typeError(command, "info", info, "object");
  StatusInfo s;
  RTMP_ASSIGN(s.code, requiredString(command, info.get("code"), "info.code"));
  RTMP_ASSIGN(s.level, optionalString(command, info.get("level"), "info.level"));
  RTMP_ASSIGN(s.description, optionalString(command, info.get("description"), "info.description"));
  s.info = info;
  return s;
}

}  // namespace

std::optional<PublishType> publishTypeFromString(std::string_view type) {
  if (type == "live") return PublishType::kLive;
  if (type == "record") return PublishType::kRecord;
  if (type == "append") return PublishType::kAppend;
  return std::nullopt;
}

std::string_view publishTypeName(PublishType type) {
  switch (type) {
    case PublishType::kLive:
      return "live";
    case PublishType::kRecord:
      return "record";
    case PublishType::kAppend:
      return "append";
  }
  return "live";
}

Result<ConnectRequest> parseConnect(const Command& c) {
  constexpr std::string_view kWho = "connect";
  RTMP_TRY(expectName(c, {commands::kConnect}));
  const AmfValue& obj = c.commandObject;
  if (!obj.isMap()) return typeError(kWho, "command object", obj, "object");
  ConnectRequest r;
  r.transactionId = c.transactionId;
  RTMP_ASSIGN(r.app, requiredString(kWho, obj.get("app"), "app"));
  const AmfValue* flashVer = obj.get("flashVer");
  if (flashVer == nullptr) flashVer = obj.get("flashver");
  RTMP_ASSIGN(r.flashVer, optionalString(kWho, flashVer, "flashVer"));
  RTMP_ASSIGN(r.swfUrl, optionalString(kWho, obj.get("swfUrl"), "swfUrl"));
  RTMP_ASSIGN(r.tcUrl, optionalString(kWho, obj.get("tcUrl"), "tcUrl"));
  RTMP_ASSIGN(r.pageUrl, optionalString(kWho, obj.get("pageUrl"), "pageUrl"));
  RTMP_ASSIGN(r.type, optionalString(kWho, obj.get("type"), "type"));
  RTMP_ASSIGN(std::optional<double> encoding,
              optionalNumber(kWho, obj.get("objectEncoding"), "objectEncoding"));
  r.objectEncoding = encoding.value_or(0);
  RTMP_ASSIGN(r.audioCodecs, optionalNumber(kWho, obj.get("audioCodecs"), "audioCodecs"));
  RTMP_ASSIGN(r.videoCodecs, optionalNumber(kWho, obj.get("videoCodecs"), "videoCodecs"));
  RTMP_ASSIGN(r.videoFunction, optionalNumber(kWho, obj.get("videoFunction"), "videoFunction"));
  RTMP_ASSIGN(r.capsEx, optionalNumber(kWho, obj.get("capsEx"), "capsEx"));

  // Enhanced RTMP: fourCcList is a strict array of FourCC strings.
  if (const AmfValue* list = obj.get("fourCcList"); !absent(list)) {
    const AmfArray* items = list->asStrictArray();
    if (items == nullptr) return typeError(kWho, "fourCcList", *list, "strict array");
    for (const AmfValue& item : *items) {
      const std::string* s = item.asString();
      if (s == nullptr) return typeError(kWho, "fourCcList entry", item, "string");
      r.fourCcList.push_back(*s);
    }
  }
  for (auto [key, dest] : {std::pair{"videoFourCcInfoMap", &r.videoFourCcInfoMap},
                           std::pair{"audioFourCcInfoMap", &r.audioFourCcInfoMap}}) {
    const AmfValue* map = obj.get(key);
    if (absent(map)) continue;
    if (!map->isMap()) return typeError(kWho, key, *map, "object");
    *dest = *map;
  }
  r.commandObject = obj;
  r.args = c.args;
  return r;
}

Result<CreateStreamRequest> parseCreateStream(const Command& c) {
  RTMP_TRY(expectName(c, {commands::kCreateStream}));
  return CreateStreamRequest{c.transactionId};
}

Result<StreamNameRequest> parseStreamNameCommand(const Command& c) {
  RTMP_TRY(expectName(c, {commands::kReleaseStream, commands::kFCPublish, commands::kFCUnpublish,
                          commands::kGetStreamLength}));
  StreamNameRequest r;
  r.transactionId = c.transactionId;
  RTMP_ASSIGN(r.streamName, requiredString(c.name, c.arg(0), "stream name"));
  return r;
}

Result<PublishRequest> parsePublish(const Command& c) {
  constexpr std::string_view kWho = "publish";
  RTMP_TRY(expectName(c, {commands::kPublish}));
  PublishRequest r;
  r.transactionId = c.transactionId;
  RTMP_ASSIGN(r.streamName, requiredString(kWho, c.arg(0), "stream name"));
  RTMP_ASSIGN(std::string type, optionalString(kWho, c.arg(1), "publishing type"));
  if (!type.empty()) {
    std::optional<PublishType> t = publishTypeFromString(type);
    if (!t)
      return Error(ErrorCode::kCommand,
                   "publish: unknown publishing type '" + type.substr(0, 32) + "'");
    r.type = *t;
  }
  return r;
}

Result<PlayRequest> parsePlay(const Command& c) {
  constexpr std::string_view kWho = "play";
  RTMP_TRY(expectName(c, {commands::kPlay}));
  PlayRequest r;
  r.transactionId = c.transactionId;
  RTMP_ASSIGN(r.streamName, requiredString(kWho, c.arg(0), "stream name"));
  RTMP_ASSIGN(std::optional<double> start, optionalNumber(kWho, c.arg(1), "start"));
  RTMP_ASSIGN(std::optional<double> duration, optionalNumber(kWho, c.arg(2), "duration"));
  r.start = start.value_or(-2);
  r.duration = duration.value_or(-1);
  // §7.2.2.1: reset is "an optional Boolean value or number".
  if (const AmfValue* reset = c.arg(3); !absent(reset)) {
    if (std::optional<bool> b = reset->asBool()) {
      r.reset = *b;
    } else if (std::optional<double> d = reset->asNumber()) {
      r.reset = *d != 0;
    } else {
      return typeError(kWho, "reset", *reset, "boolean");
    }
  }
  return r;
}

Result<Play2Request> parsePlay2(const Command& c) {
  constexpr std::string_view kWho = "play2";
  RTMP_TRY(expectName(c, {commands::kPlay2}));
  const AmfValue* params = c.arg(0);
  if (absent(params)) return missing(kWho, "parameters");
  if (!params->isMap()) return typeError(kWho, "parameters", *params, "object");
  Play2Request r;
  r.transactionId = c.transactionId;
  r.parameters = *params;
  RTMP_ASSIGN(r.streamName, requiredString(kWho, params->get("streamName"), "streamName"));
  RTMP_ASSIGN(r.oldStreamName, optionalString(kWho, params->get("oldStreamName"), "oldStreamName"));
  RTMP_ASSIGN(r.transition, optionalString(kWho, params->get("transition"), "transition"));
  RTMP_ASSIGN(std::optional<double> start, optionalNumber(kWho, params->get("start"), "start"));
  RTMP_ASSIGN(std::optional<double> len, optionalNumber(kWho, params->get("len"), "len"));
  RTMP_ASSIGN(r.offset, optionalNumber(kWho, params->get("offset"), "offset"));
  r.start = start.value_or(-2);
  r.len = len.value_or(-1);
  return r;
}

Result<DeleteStreamRequest> parseDeleteStream(const Command& c) {
  constexpr std::string_view kWho = "deleteStream";
  RTMP_TRY(expectName(c, {commands::kDeleteStream}));
  RTMP_ASSIGN(std::optional<double> id, optionalNumber(kWho, c.arg(0), "stream id"));
  if (!id) return missing(kWho, "stream id");
  // Message stream ids are 32-bit unsigned integers (§5.3.1.2.1).
  if (!(*id >= 0 && *id <= 4294967295.0) || std::floor(*id) != *id) {
    return Error(ErrorCode::kCommand, "deleteStream: stream id " + std::to_string(*id) +
                                          " is not a 32-bit unsigned integer");
  }
  return DeleteStreamRequest{c.transactionId, static_cast<uint32_t>(*id)};
}

Result<CloseStreamRequest> parseCloseStream(const Command& c) {
  RTMP_TRY(expectName(c, {commands::kCloseStream}));
  return CloseStreamRequest{c.transactionId};
}

Result<ReceiveRequest> parseReceive(const Command& c) {
  RTMP_TRY(expectName(c, {commands::kReceiveAudio, commands::kReceiveVideo}));
  RTMP_ASSIGN(bool enable, requiredBool(c.name, c.arg(0), "flag"));
  return ReceiveRequest{enable};
}

Result<PauseRequest> parsePause(const Command& c) {
  constexpr std::string_view kWho = "pause";
  RTMP_TRY(expectName(c, {commands::kPause}));
  PauseRequest r;
  RTMP_ASSIGN(r.pause, requiredBool(kWho, c.arg(0), "pause flag"));
  RTMP_ASSIGN(std::optional<double> ms, optionalNumber(kWho, c.arg(1), "milliseconds"));
  r.milliseconds = ms.value_or(0);
  return r;
}

Result<SeekRequest> parseSeek(const Command& c) {
  constexpr std::string_view kWho = "seek";
  RTMP_TRY(expectName(c, {commands::kSeek}));
  RTMP_ASSIGN(std::optional<double> ms, optionalNumber(kWho, c.arg(0), "milliseconds"));
  if (!ms) return missing(kWho, "milliseconds");
  return SeekRequest{*ms};
}

std::optional<StatusInfo> ResultResponse::status() const {
  if (!information.isMap()) return std::nullopt;
  Result<StatusInfo> s = statusFrom(isError ? "_error" : "_result", information);
  if (!s.ok()) return std::nullopt;
  return std::move(s).value();
}

Result<ResultResponse> parseResult(const Command& c) {
  RTMP_TRY(expectName(c, {commands::kResult, commands::kError}));
  ResultResponse r;
  r.isError = c.name == commands::kError;
  r.transactionId = c.transactionId;
  r.properties = c.commandObject;
  if (const AmfValue* info = c.arg(0)) r.information = *info;
  return r;
}

Result<StatusInfo> parseOnStatus(const Command& c) {
  RTMP_TRY(expectName(c, {commands::kOnStatus}));
  const AmfValue* info = c.arg(0);
  if (absent(info) && c.commandObject.isMap()) info = &c.commandObject;
  if (absent(info)) return missing("onStatus", "info object");
  return statusFrom("onStatus", *info);
}

Result<StatusInfo> parseOnFCPublish(const Command& c) {
  RTMP_TRY(expectName(c, {commands::kOnFCPublish, commands::kOnFCUnpublish}));
  const AmfValue* info = c.arg(0);
  if (absent(info)) return missing(c.name, "info object");
  return statusFrom(c.name, *info);
}

Result<BWDoneNotice> parseOnBWDone(const Command& c) {
  RTMP_TRY(expectName(c, {commands::kOnBWDone}));
  BWDoneNotice r;
  for (const AmfValue& a : c.args) {
    if (std::optional<double> d = a.asNumber()) {
      r.bandwidthKbps = d;
      break;
    }
  }
  return r;
}

}  // namespace rtmp::protocol
